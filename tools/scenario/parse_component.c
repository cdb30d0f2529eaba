/*
 * Reads /components: each native component with its device grants and its
 * channels. Checks each node on its own; names that must be unique across
 * nodes, references and overlaps are check.c's.
 */
#include "parse.h"

#include <inttypes.h>
#include <string.h>

#include <libfdt.h>

static void parse_regions(struct parse *p, int node, struct device *dev)
{
    dev->region_count = prop_count(p->fdt, node, "reg", PROP_REGIONS);
    dev->regions = parse_alloc(p, dev->region_count, sizeof(*dev->regions));
    for (size_t i = 0; dev->regions != NULL && i < dev->region_count; i++) {
        struct region *r = &dev->regions[i];
        prop_region_at(p->fdt, node, "reg", i, &r->base, &r->size);
        if (r->size == 0 || (r->base | r->size) % SCENARIO_PAGE != 0 ||
            r->base + r->size < r->base) {
            diag_prop(p->d, p->fdt, node, "reg",
                      "region <0x%" PRIx64 ", size 0x%" PRIx64 ">: expected a non-zero size, "
                      "base and size multiples of 4 KiB, and an end below 2^64",
                      r->base, r->size);
        }
    }
}

static void parse_irqs(struct parse *p, int node, struct device *dev)
{
    dev->irq_count = prop_count(p->fdt, node, "irqs", PROP_U32_LIST);
    dev->irqs = parse_alloc(p, dev->irq_count, sizeof(*dev->irqs));
    for (size_t i = 0; dev->irqs != NULL && i < dev->irq_count; i++) {
        dev->irqs[i] = prop_u32_at(p->fdt, node, "irqs", i);
        if (dev->irqs[i] < SCENARIO_IRQ_MIN || dev->irqs[i] > SCENARIO_IRQ_MAX) {
            diag_prop(p->d, p->fdt, node, "irqs",
                      "expected GIC shared interrupt IDs (SPIs) in %u..%u, got %u",
                      SCENARIO_IRQ_MIN, SCENARIO_IRQ_MAX, dev->irqs[i]);
        }
    }
}

static void parse_device(struct parse *p, int node, struct device *dev)
{
    static const struct prop_rule rules[] = {
        {"reg", PROP_REGIONS, false},
        {"irqs", PROP_U32_LIST, false},
    };
    dev->node = node;
    dev->name = parse_node_name(p, node);
    parse_no_children(p, node, "a device");
    if (!prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        return;
    }
    if (!prop_bool(p->fdt, node, "reg") && !prop_bool(p->fdt, node, "irqs")) {
        diag_node(p->d, p->fdt, node,
                  "a device grants nothing: expected \"reg\", \"irqs\" or both");
    }
    parse_regions(p, node, dev);
    parse_irqs(p, node, dev);
}

static void parse_devices(struct parse *p, int node, struct component *c)
{
    /* Allowed so that the regions read as they do in any device tree. */
    static const struct prop_rule rules[] = {
        {"#address-cells", PROP_U32, false},
        {"#size-cells", PROP_U32, false},
    };
    if (prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        for (size_t i = 0; i < PARSE_COUNT(rules); i++) {
            uint32_t cells = prop_u32(p->fdt, node, rules[i].name, 2);
            if (cells != 2) {
                diag_prop(p->d, p->fdt, node, rules[i].name,
                          "expected <2> (a region is always two cells of address and two of "
                          "size), got <%u>",
                          cells);
            }
        }
    }
    c->devices = parse_alloc(p, parse_count_children(p->fdt, node), sizeof(*c->devices));
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (c->devices != NULL) {
            parse_device(p, child, &c->devices[c->device_count++]);
        }
    }
}

static void parse_channel(struct parse *p, int node, const struct component *c, struct channel *ch)
{
    static const struct prop_rule rules[] = {
        {"server", PROP_STRING, true},
        {"type", PROP_STRING, false},
        {"name-at-server", PROP_STRING, false},
        {"size", PROP_U64, false},
        PARSE_PORT_RULES,
    };
    ch->node = node;
    ch->name = parse_node_name(p, node);
    parse_no_children(p, node, "a channel");
    if (!prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        return;
    }
    ch->server = parse_name_prop(p, node, "server", NULL);
    ch->name_at_server = parse_name_prop(p, node, "name-at-server", c->name);
    const char *type = prop_string(p->fdt, node, "type", "ipc");
    if (strcmp(type, "ring") == 0) {
        ch->type = CHANNEL_RING;
        ch->size = parse_ring_size(p, node);
        parse_port(p, node, true, true, "a channel", &ch->port);
    } else if (strcmp(type, "ipc") == 0) {
        ch->type = CHANNEL_IPC;
        if (prop_bool(p->fdt, node, "size")) {
            diag_prop(p->d, p->fdt, node, "size", "only a \"ring\" channel has a size");
        }
        parse_port(p, node, false, false, "an \"ipc\" channel", &ch->port);
    } else {
        diag_prop(p->d, p->fdt, node, "type", "expected \"ipc\" or \"ring\", got \"%s\"", type);
    }
}

static void parse_channels(struct parse *p, int node, struct component *c)
{
    prop_check_node(p->d, p->fdt, node, NULL, 0);
    c->channels = parse_alloc(p, parse_count_children(p->fdt, node), sizeof(*c->channels));
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (c->channels != NULL) {
            parse_channel(p, child, c, &c->channels[c->channel_count++]);
        }
    }
}

static void parse_component_children(struct parse *p, int node, struct component *c)
{
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        const char *name = fdt_get_name(p->fdt, child, NULL);
        if (strcmp(name, "devices") == 0) {
            parse_devices(p, child, c);
        } else if (strcmp(name, "channels") == 0) {
            parse_channels(p, child, c);
        } else {
            diag_node(p->d, p->fdt, child, "unknown node (expected devices or channels)");
        }
    }
}

static void parse_component(struct parse *p, int node, struct component *c)
{
    static const struct prop_rule rules[] = {
        {"program", PROP_STRING, true},    {"memory", PROP_U64, true},
        {"priority", PROP_U32, false},     {"cpus", PROP_U32_LIST, false},
        {"start", PROP_STRING, false},     {"restart", PROP_BOOL, false},
        {"provides", PROP_STRINGS, false}, {"uses", PROP_STRINGS, false},
        {"args", PROP_STRING, false},      {"starts", PROP_STRINGS, false},
    };
    c->node = node;
    c->name = parse_node_name(p, node);
    if (prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        c->program = parse_name_prop(p, node, "program", NULL);
        c->memory = parse_size(p, node, "memory", 0);
        prop_u32_in(p->d, p->fdt, node, "priority", SCENARIO_DEFAULT_PRIORITY, 0, 255,
                    &c->priority);
        c->cpus = parse_cpus(p, node, &c->cpu_count);
        c->start_at_boot = parse_start(p, node);
        c->restart = prop_bool(p->fdt, node, "restart");
        c->provides = parse_services(p, node, "provides", &c->provide_count);
        c->uses = parse_services(p, node, "uses", &c->use_count);
        c->starts = parse_names(p, node, "starts", "component or VM", &c->start_count);
        const char *args = prop_string(p->fdt, node, "args", "");
        if (strlen(args) >= SCENARIO_ARGS_MAX) {
            diag_prop(p->d, p->fdt, node, "args", "expected at most %d bytes, got %zu",
                      SCENARIO_ARGS_MAX - 1, strlen(args));
        }
    }
    parse_component_children(p, node, c);
}

void parse_components(struct parse *p, int node)
{
    struct scenario *s = p->s;
    prop_check_node(p->d, p->fdt, node, NULL, 0);
    s->components = parse_alloc(p, parse_count_children(p->fdt, node), sizeof(*s->components));
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        if (s->components != NULL) {
            parse_component(p, child, &s->components[s->component_count++]);
        }
    }
}
