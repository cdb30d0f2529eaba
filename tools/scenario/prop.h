/*
 * Typed properties of a scenario node. A device tree property is only bytes;
 * the scenario format gives each property one kind, and prop_check_node()
 * checks every property of a node against a table of rules before anything
 * reads a value: unknown properties, missing required ones and values of the
 * wrong shape are reported here, once, with the same wording everywhere.
 * The readers below assume the node passed that check.
 */
#ifndef TOOLS_SCENARIO_PROP_H
#define TOOLS_SCENARIO_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum prop_kind {
    PROP_STRING,   /* one string, may be empty */
    PROP_STRINGS,  /* one or more non-empty strings */
    PROP_U32,      /* one 32-bit cell */
    PROP_U32_LIST, /* one or more 32-bit cells */
    PROP_U64,      /* two 32-bit cells <high low>, or /bits/ 64 <value> */
    PROP_REGIONS,  /* one or more <address-high address-low size-high size-low> */
    PROP_BOOL,     /* no value: true when present */
};

struct prop_rule {
    const char *name;
    enum prop_kind kind;
    bool required;
};

/* Checks every property of node against rules (count entries). Returns true
 * when nothing was wrong; otherwise each problem was reported to d. */
bool prop_check_node(struct diag *d, const void *fdt, int node, const struct prop_rule *rules,
                     size_t count);

/* Readers: the value, or dflt when the property is absent. */
const char *prop_string(const void *fdt, int node, const char *name, const char *dflt);
uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t dflt);
uint64_t prop_u64(const void *fdt, int node, const char *name, uint64_t dflt);
bool prop_bool(const void *fdt, int node, const char *name);
/* Number of entries (strings, cells or regions) of a list property; 0 when
 * absent. */
size_t prop_count(const void *fdt, int node, const char *name, enum prop_kind kind);
/* Entry i of a list property. */
const char *prop_string_at(const void *fdt, int node, const char *name, size_t i);
uint32_t prop_u32_at(const void *fdt, int node, const char *name, size_t i);
void prop_region_at(const void *fdt, int node, const char *name, size_t i, uint64_t *base,
                    uint64_t *size);

/* Reads a u32 and checks it lies in lo..hi, reporting otherwise as
 * "expected one 32-bit cell in LO..HI, got V". */
bool prop_u32_in(struct diag *d, const void *fdt, int node, const char *name, uint32_t dflt,
                 uint32_t lo, uint32_t hi, uint32_t *out);

#endif
