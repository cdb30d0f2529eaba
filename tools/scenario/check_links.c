/*
 * Checks what connects nodes: every channel and virtio device names an
 * existing server component, every name a component sees (its devices, its
 * channels, the channels it serves) is unique within that component, rings
 * fit in the memory that pays for them, and every service a component uses
 * is provided by exactly one component.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libfdt.h>

/* The component a channel or virtio device at node names as its server. */
static const struct component *check_server_prop(struct check *c, int node, const char *prop,
                                                 const char *server, const char *client)
{
    const struct component *comp = scenario_find_component(c->s, server);
    if (comp == NULL) {
        if (scenario_find_vm(c->s, server) != NULL) {
            diag_prop(c->d, c->s->fdt, node, prop,
                      "\"%s\" is a VM; only a component can be a server", server);
        } else {
            diag_prop(c->d, c->s->fdt, node, prop, "no component named \"%s\"", server);
        }
    } else if (strcmp(server, client) == 0) {
        diag_prop(c->d, c->s->fdt, node, prop, "a component cannot be its own server");
        comp = NULL;
    }
    return comp;
}

static const struct component *check_server(struct check *c, int node, const char *server,
                                            const char *client)
{
    return check_server_prop(c, node, "server", server, client);
}

/* Reports, at the ring that makes them too many, rings over their budget. */
static void check_ring(struct check *c, uint64_t *used, uint64_t size, uint64_t budget, int node,
                       const char *what, const char *budget_name)
{
    char need[DIAG_SIZE_MAX], have[DIAG_SIZE_MAX];
    bool was_over = *used > budget;
    *used += size;
    if (!was_over && (*used > budget || *used < size)) {
        diag_prop(c->d, c->s->fdt, node, "size",
                  "the rings of %s need %s, more than its %s of %s, which pays for them", what,
                  *used < size ? "over 16 EiB" : diag_size(*used, need, sizeof(need)), budget_name,
                  diag_size(budget, have, sizeof(have)));
    }
}

static void check_component_links(struct check *c, const struct component *comp)
{
    uint64_t rings = 0;
    char what[64];
    snprintf(what, sizeof(what), "\"%s\"", comp->name);
    for (size_t i = 0; i < comp->device_count; i++) {
        check_add_name(c, comp, comp->devices[i].name, comp->devices[i].node, NULL, false);
    }
    for (size_t i = 0; i < comp->channel_count; i++) {
        const struct channel *ch = &comp->channels[i];
        check_add_name(c, comp, ch->name, ch->node, NULL, false);
        const struct component *server = check_server(c, ch->node, ch->server, comp->name);
        if (server != NULL) {
            check_add_name(c, server, ch->name_at_server, ch->node, "name-at-server",
                           fdt_getprop(c->s->fdt, ch->node, "name-at-server", NULL) == NULL);
        }
        if (ch->type == CHANNEL_RING) {
            check_ring(c, &rings, ch->size, comp->memory, ch->node, what, "memory");
        }
    }
}

static void check_vm_links(struct check *c, const struct vm *vm)
{
    uint64_t rings = 0;
    char what[64];
    snprintf(what, sizeof(what), "the virtio devices of \"%s\"", vm->name);
    if (vm->console != NULL) {
        /* The console server sees the VM's serial console under its name. */
        const struct component *server =
            check_server_prop(c, vm->node, "console", vm->console, vm->name);
        if (server != NULL) {
            check_add_name(c, server, vm->name, vm->node, "console", false);
        }
    }
    for (size_t i = 0; i < vm->vdev_count; i++) {
        const struct vdev *v = &vm->vdevs[i];
        const struct component *server = check_server(c, v->node, v->server, vm->name);
        if (server != NULL) {
            check_add_name(c, server, v->name_at_server, v->node, "name-at-server",
                           fdt_getprop(c->s->fdt, v->node, "name-at-server", NULL) == NULL);
        }
        check_ring(c, &rings, v->size, vm->vmm_memory, v->node, what, "vmm-memory");
    }
}

static const struct component *check_provider(const struct scenario *s, const char *service,
                                              size_t before)
{
    for (size_t i = 0; i < before; i++) {
        const struct component *comp = &s->components[i];
        for (size_t j = 0; j < comp->provide_count; j++) {
            if (strcmp(comp->provides[j], service) == 0) {
                return comp;
            }
        }
    }
    return NULL;
}

static void check_services(struct check *c)
{
    const struct scenario *s = c->s;
    char path[DIAG_PATH_MAX];
    for (size_t i = 0; i < s->component_count; i++) {
        const struct component *comp = &s->components[i];
        for (size_t j = 0; j < comp->provide_count; j++) {
            const struct component *other = check_provider(s, comp->provides[j], i);
            if (other != NULL) {
                diag_prop(c->d, s->fdt, comp->node, "provides",
                          "service \"%s\" is already provided by %s", comp->provides[j],
                          diag_path(s->fdt, other->node, path, sizeof(path)));
            }
        }
        for (size_t j = 0; j < comp->use_count; j++) {
            if (check_provider(s, comp->uses[j], s->component_count) == NULL) {
                diag_prop(c->d, s->fdt, comp->node, "uses", "no component provides service \"%s\"",
                          comp->uses[j]);
            }
        }
    }
}

/* A port of a server: a ring channel or virtio device it serves. */
struct served_port {
    const char *name; /* at the server */
    const struct port *port;
    int node;
};

static size_t served_ports(const struct scenario *s, const char *server, struct served_port *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->component_count; i++) {
        const struct component *comp = &s->components[i];
        for (size_t j = 0; j < comp->channel_count; j++) {
            const struct channel *ch = &comp->channels[j];
            if (ch->type == CHANNEL_RING && ch->server != NULL && strcmp(ch->server, server) == 0) {
                if (out != NULL) {
                    out[n] = (struct served_port){ch->name_at_server, &ch->port, ch->node};
                }
                n++;
            }
        }
    }
    for (size_t i = 0; i < s->vm_count; i++) {
        const struct vm *vm = &s->vms[i];
        for (size_t j = 0; j < vm->vdev_count; j++) {
            const struct vdev *v = &vm->vdevs[j];
            if (v->server != NULL && strcmp(v->server, server) == 0) {
                if (out != NULL) {
                    out[n] = (struct served_port){v->name_at_server, &v->port, v->node};
                }
                n++;
            }
        }
    }
    return n;
}

/* Across the ports of one server: distinct MAC addresses, and peers that
 * are other ports of it (or its uplink). */
static void check_server_ports(struct check *c, const struct component *server)
{
    size_t n = served_ports(c->s, server->name, NULL);
    struct served_port *ports = calloc(n ? n : 1, sizeof(*ports));
    char path[DIAG_PATH_MAX];
    if (ports == NULL) {
        diag_file(c->d, "out of memory");
        return;
    }
    served_ports(c->s, server->name, ports);
    for (size_t i = 0; i < n; i++) {
        const struct port *p = ports[i].port;
        for (size_t j = 0; p->mac != NULL && j < i; j++) {
            if (ports[j].port->mac != NULL && strcasecmp(ports[j].port->mac, p->mac) == 0) {
                diag_prop(c->d, c->s->fdt, ports[i].node, "mac",
                          "%s is also the address of %s, at the same server", p->mac,
                          diag_path(c->s->fdt, ports[j].node, path, sizeof(path)));
                break;
            }
        }
        for (size_t k = 0; k < p->peer_count; k++) {
            const char *peer = p->peers[k];
            bool found = strcmp(peer, "uplink") == 0;
            for (size_t j = 0; !found && j < n; j++) {
                found = j != i && ports[j].name != NULL && strcmp(ports[j].name, peer) == 0;
            }
            if (!found) {
                diag_prop(c->d, c->s->fdt, ports[i].node, "peers",
                          "\"%s\" is neither \"uplink\" nor another port of \"%s\"", peer,
                          server->name);
            }
        }
    }
    free(ports);
}

/* Every name in a "starts" is another component or a VM. */
static void check_starts(struct check *c)
{
    const struct scenario *s = c->s;
    for (size_t i = 0; i < s->component_count; i++) {
        const struct component *comp = &s->components[i];
        for (size_t j = 0; j < comp->start_count; j++) {
            const char *name = comp->starts[j];
            if (strcmp(name, comp->name) == 0) {
                diag_prop(c->d, s->fdt, comp->node, "starts", "a component cannot start itself");
            } else if (scenario_find_component(s, name) == NULL &&
                       scenario_find_vm(s, name) == NULL) {
                diag_prop(c->d, s->fdt, comp->node, "starts", "no component or VM named \"%s\"",
                          name);
            }
        }
    }
}

void check_links(struct check *c)
{
    for (size_t i = 0; i < c->s->component_count; i++) {
        check_component_links(c, &c->s->components[i]);
    }
    for (size_t i = 0; i < c->s->vm_count; i++) {
        check_vm_links(c, &c->s->vms[i]);
    }
    check_services(c);
    check_starts(c);
    for (size_t i = 0; i < c->s->component_count; i++) {
        check_server_ports(c, &c->s->components[i]);
    }
}
