/*
 * Internal to the parser: the state shared by parse.c (root, machine and the
 * helpers every node uses), parse_component.c and parse_vm.c.
 */
#ifndef TOOLS_SCENARIO_PARSE_H
#define TOOLS_SCENARIO_PARSE_H

#include "prop.h"
#include "scenario.h"

struct parse {
    struct scenario *s;
    struct diag *d;
    const void *fdt;
    bool out_of_memory;
};

#define PARSE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Whether s follows the name rule (docs/scenarios.md). */
bool parse_is_name(const char *s);
/* The node's name, reported unless it follows the name rule. */
const char *parse_node_name(struct parse *p, int node);
/* A string property holding a name; dflt when absent (may be NULL). */
const char *parse_name_prop(struct parse *p, int node, const char *prop, const char *dflt);
/* A string property holding a file name (VM kernel, initrd). */
const char *parse_file_prop(struct parse *p, int node, const char *prop);
/* Reports every sub-node of a node that takes none; what names the node. */
void parse_no_children(struct parse *p, int node, const char *what);
size_t parse_count_children(const void *fdt, int node);
/* Zeroed memory owned by the scenario (at least one element). */
void *parse_alloc(struct parse *p, size_t count, size_t size);
/* A size property: non-zero and a multiple of 4 KiB; dflt when absent. */
uint64_t parse_size(struct parse *p, int node, const char *prop, uint64_t dflt);
/* A ring's size property: as parse_size, at most SCENARIO_MAX_RING_SIZE. */
uint64_t parse_ring_size(struct parse *p, int node);
/* "start": true for "boot" (the default), false for "manual". */
bool parse_start(struct parse *p, int node);
/* "cpus": distinct CPU numbers, {0} when absent. */
uint32_t *parse_cpus(struct parse *p, int node, size_t *count);
/* A string-list property of distinct names; what names them in messages. */
const char **parse_names(struct parse *p, int node, const char *prop, const char *what,
                         size_t *count);
/* A string-list property of distinct service names. */
const char **parse_services(struct parse *p, int node, const char *prop, size_t *count);

/* The port properties of a ring channel or virtio device (parse_port.c):
 * those of a disk if disk, of a network port if net; others are reported,
 * naming what the node is. */
void parse_port(struct parse *p, int node, bool disk, bool net, const char *what,
                struct port *port);
#define PARSE_PORT_RULES                                                                           \
    {"read-only", PROP_BOOL, false}, {"partition", PROP_U32, false},                               \
        {"range", PROP_REGIONS, false}, {"mac", PROP_STRING, false},                               \
    {                                                                                              \
        "peers", PROP_STRINGS, false                                                               \
    }

void parse_components(struct parse *p, int node);
void parse_vms(struct parse *p, int node);

#endif
