/*
 * Internal to the cross-node checks: the state shared by check.c (machine,
 * names, CPUs, totals), check_links.c (channels, virtio devices, services)
 * and check_grants.c (device regions and IRQs).
 */
#ifndef TOOLS_SCENARIO_CHECK_H
#define TOOLS_SCENARIO_CHECK_H

#include "scenario.h"

/* One name in a component's capability name space, and where it came from. */
struct check_name {
    const struct component *owner;
    const char *name;
    int node;
};

struct check {
    const struct scenario *s;
    struct diag *d;
    uint64_t memory; /* what the scenario may use: /machine's or the machine's */
    uint32_t cpus;
    const char *memory_source; /* "the machine's" or "/machine's" */
    struct check_name *names;  /* capability names of all components */
    size_t name_count;
    size_t name_cap;
};

/* Adds name to owner's name space, reporting a duplicate. prop is NULL when
 * the name is the node's own; dflt says the property was absent. */
void check_add_name(struct check *c, const struct component *owner, const char *name, int node,
                    const char *prop, bool dflt);

void check_links(struct check *c);
void check_grants(struct check *c);

#endif
