/*
 * What spans nodes, checked once parse.c accepted every node on its own:
 * the scenario against the machine (/machine, CPU numbers, total memory),
 * names that must be unique across components and VMs, and (through
 * check_links.c and check_grants.c) references and overlapping grants.
 * Problems are reported in tree order, each at the later of two nodes.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

void check_add_name(struct check *c, const struct component *owner, const char *name, int node,
                    const char *prop, bool dflt)
{
    char path[DIAG_PATH_MAX];
    for (size_t i = 0; i < c->name_count; i++) {
        const struct check_name *n = &c->names[i];
        if (n->owner != owner || strcmp(n->name, name) != 0) {
            continue;
        }
        diag_path(c->s->fdt, n->node, path, sizeof(path));
        if (prop == NULL) {
            diag_node(c->d, c->s->fdt, node, "duplicate name \"%s\" in component \"%s\": also %s",
                      name, owner->name, path);
        } else {
            diag_prop(c->d, c->s->fdt, node, prop,
                      "duplicate name \"%s\" in component \"%s\": also %s%s", name, owner->name,
                      path, dflt ? " (the default is the client's name; set another)" : "");
        }
        return;
    }
    if (c->name_count == c->name_cap) {
        size_t cap = c->name_cap ? 2 * c->name_cap : 16;
        struct check_name *names = realloc(c->names, cap * sizeof(*names));
        if (names == NULL) {
            diag_file(c->d, "out of memory");
            return;
        }
        c->names = names;
        c->name_cap = cap;
    }
    c->names[c->name_count++] = (struct check_name){owner, name, node};
}

static void check_machine(struct check *c, const struct scenario_limits *limits)
{
    const struct scenario *s = c->s;
    char need[DIAG_SIZE_MAX], have[DIAG_SIZE_MAX];
    if (s->machine_memory > limits->memory) {
        diag_prop(c->d, s->fdt, s->machine_node, "memory",
                  "the scenario needs %s, but the machine has %s",
                  diag_size(s->machine_memory, need, sizeof(need)),
                  diag_size(limits->memory, have, sizeof(have)));
    }
    if (s->machine_cpus > limits->cpus) {
        diag_prop(c->d, s->fdt, s->machine_node, "cpus",
                  "the scenario needs %u CPUs, but the machine has %u", s->machine_cpus,
                  limits->cpus);
    }
    c->memory = s->machine_memory ? s->machine_memory : limits->memory;
    c->memory_source = s->machine_memory ? "/machine's" : "the machine's";
    c->cpus = s->machine_cpus ? s->machine_cpus : limits->cpus;
}

static void check_cpus(struct check *c, int node, const uint32_t *cpus, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (cpus[i] >= c->cpus) {
            diag_prop(c->d, c->s->fdt, node, "cpus", "CPU %u does not exist: %s %u CPUs are 0..%u",
                      cpus[i], c->s->machine_cpus ? "/machine's" : "the machine's", c->cpus,
                      c->cpus - 1);
        }
    }
}

static void check_unique(struct check *c, const char *name, int node)
{
    static const char *const reserved[] = {"root", "loader"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (strcmp(name, reserved[i]) == 0) {
            diag_node(c->d, c->s->fdt, node,
                      "the name \"%s\" is reserved (root and loader are implicit)", name);
        }
    }
    /* Components are unique among themselves, and VMs too: dtc refuses two
     * nodes of one name. Only a VM can clash with a component. */
    const struct component *other = scenario_find_component(c->s, name);
    if (other != NULL && other->node != node) {
        char path[DIAG_PATH_MAX];
        diag_node(c->d, c->s->fdt, node,
                  "duplicate name \"%s\": also %s (components and VMs share one name space)", name,
                  diag_path(c->s->fdt, other->node, path, sizeof(path)));
    }
}

static void check_names_and_cpus(struct check *c)
{
    for (size_t i = 0; i < c->s->component_count; i++) {
        const struct component *comp = &c->s->components[i];
        check_unique(c, comp->name, comp->node);
        check_cpus(c, comp->node, comp->cpus, comp->cpu_count);
    }
    for (size_t i = 0; i < c->s->vm_count; i++) {
        const struct vm *vm = &c->s->vms[i];
        check_unique(c, vm->name, vm->node);
        check_cpus(c, vm->node, vm->cpus, vm->cpu_count);
    }
}

/* Adds one grant to the total; false once it is over the limit. */
static bool check_add_memory(struct check *c, uint64_t *total, uint64_t size, int node,
                             const char *prop)
{
    char add[DIAG_SIZE_MAX], sum[DIAG_SIZE_MAX], limit[DIAG_SIZE_MAX];
    bool over = size > c->memory - *total; /* *total <= c->memory holds here */
    *total += size;
    if (over) {
        diag_prop(c->d, c->s->fdt, node, prop,
                  "%s brings the memory of components and VMs to %s, more than %s %s",
                  diag_size(size, add, sizeof(add)),
                  *total < size ? "over 16 EiB" : diag_size(*total, sum, sizeof(sum)),
                  c->memory_source, diag_size(c->memory, limit, sizeof(limit)));
    }
    return !over;
}

static void check_total_memory(struct check *c)
{
    uint64_t total = 0;
    for (size_t i = 0; i < c->s->component_count; i++) {
        const struct component *comp = &c->s->components[i];
        if (!check_add_memory(c, &total, comp->memory, comp->node, "memory")) {
            return;
        }
    }
    for (size_t i = 0; i < c->s->vm_count; i++) {
        const struct vm *vm = &c->s->vms[i];
        if (!check_add_memory(c, &total, vm->memory, vm->node, "memory") ||
            !check_add_memory(c, &total, vm->vmm_memory, vm->node, "vmm-memory")) {
            return;
        }
    }
}

bool check_scenario(const struct scenario *s, const struct scenario_limits *limits, struct diag *d)
{
    struct check c = {.s = s, .d = d};
    unsigned before = d->errors;
    check_machine(&c, limits);
    check_names_and_cpus(&c);
    check_links(&c);
    check_grants(&c);
    check_total_memory(&c);
    free(c.names);
    return d->errors == before;
}
