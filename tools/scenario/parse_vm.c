/*
 * Reads /vms: each virtual machine with its virtio devices. A VM runs under
 * its own monitor (a native program, "vmm" unless the VM names another),
 * which is the client of every virtio device's server.
 */
#include "parse.h"

#include <string.h>

#include <libfdt.h>

static void parse_vdev_type(struct parse *p, int node, struct vdev *v)
{
    static const char *const names[] = {
        [VDEV_BLK] = "blk", [VDEV_NET] = "net", [VDEV_CONSOLE] = "console"};
    const char *type = prop_string(p->fdt, node, "type", "");
    for (size_t i = 0; i < PARSE_COUNT(names); i++) {
        if (strcmp(type, names[i]) == 0) {
            v->type = (enum vdev_type)i;
            return;
        }
    }
    diag_prop(p->d, p->fdt, node, "type", "expected \"blk\", \"net\" or \"console\", got \"%s\"",
              type);
}

static void parse_vdev(struct parse *p, int node, const struct vm *vm, struct vdev *v)
{
    static const struct prop_rule rules[] = {
        {"type", PROP_STRING, true},
        {"server", PROP_STRING, true},
        {"name-at-server", PROP_STRING, false},
        {"size", PROP_U64, false},
        PARSE_PORT_RULES,
    };
    v->node = node;
    v->name = parse_node_name(p, node);
    parse_no_children(p, node, "a virtio device");
    if (!prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        return;
    }
    parse_vdev_type(p, node, v);
    v->server = parse_name_prop(p, node, "server", NULL);
    v->name_at_server = parse_name_prop(p, node, "name-at-server", vm->name);
    v->size = parse_ring_size(p, node);
    static const char *const what[] = {[VDEV_BLK] = "a block device",
                                       [VDEV_NET] = "a network device",
                                       [VDEV_CONSOLE] = "a console device"};
    parse_port(p, node, v->type == VDEV_BLK, v->type == VDEV_NET, what[v->type], &v->port);
}

static void parse_virtio(struct parse *p, int node, struct vm *vm)
{
    prop_check_node(p->d, p->fdt, node, NULL, 0);
    vm->vdevs = parse_alloc(p, parse_count_children(p->fdt, node), sizeof(*vm->vdevs));
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (vm->vdevs != NULL) {
            parse_vdev(p, child, vm, &vm->vdevs[vm->vdev_count++]);
        }
    }
}

static void parse_vm_values(struct parse *p, int node, struct vm *vm)
{
    vm->kernel = parse_file_prop(p, node, "kernel");
    vm->initrd = parse_file_prop(p, node, "initrd");
    vm->bootargs = prop_string(p->fdt, node, "bootargs", "");
    vm->vmm = parse_name_prop(p, node, "vmm", "vmm");
    vm->console = parse_name_prop(p, node, "console", NULL);
    vm->memory = parse_size(p, node, "memory", 0);
    vm->vmm_memory = parse_size(p, node, "vmm-memory", SCENARIO_DEFAULT_VMM_MEMORY);
    prop_u32_in(p->d, p->fdt, node, "vcpus", 1, 1, SCENARIO_MAX_VCPUS, &vm->vcpus);
    prop_u32_in(p->d, p->fdt, node, "priority", SCENARIO_DEFAULT_PRIORITY, 0, 255, &vm->priority);
    vm->cpus = parse_cpus(p, node, &vm->cpu_count);
    vm->start_at_boot = parse_start(p, node);
}

static void parse_vm(struct parse *p, int node, struct vm *vm)
{
    static const struct prop_rule rules[] = {
        {"kernel", PROP_STRING, true},    {"initrd", PROP_STRING, false},
        {"bootargs", PROP_STRING, false}, {"memory", PROP_U64, true},
        {"vcpus", PROP_U32, false},       {"cpus", PROP_U32_LIST, false},
        {"priority", PROP_U32, false},    {"start", PROP_STRING, false},
        {"vmm", PROP_STRING, false},      {"vmm-memory", PROP_U64, false},
        {"console", PROP_STRING, false},
    };
    vm->node = node;
    vm->name = parse_node_name(p, node);
    if (prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        parse_vm_values(p, node, vm);
    }
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (strcmp(fdt_get_name(p->fdt, child, NULL), "virtio") == 0) {
            parse_virtio(p, child, vm);
        } else {
            diag_node(p->d, p->fdt, child, "unknown node (expected virtio)");
        }
    }
}

void parse_vms(struct parse *p, int node)
{
    struct scenario *s = p->s;
    prop_check_node(p->d, p->fdt, node, NULL, 0);
    s->vms = parse_alloc(p, parse_count_children(p->fdt, node), sizeof(*s->vms));
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (s->vms != NULL) {
            parse_vm(p, child, &s->vms[s->vm_count++]);
        }
    }
}
