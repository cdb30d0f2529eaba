/*
 * Error messages of the scenario tool. Every message is one line that names
 * the scenario file, then the node path, then (when one is at fault) the
 * property, then the reason:
 *
 *     scenarios/x.dts: /components/console: property "priority": expected ...
 *
 * The diag context counts what it printed, so a caller can validate a whole
 * tree, report every problem in tree order, and decide afterwards.
 */
#ifndef TOOLS_SCENARIO_DIAG_H
#define TOOLS_SCENARIO_DIAG_H

#include <stdint.h>
#include <stdio.h>

struct diag {
    const char *file; /* the scenario as the user named it */
    FILE *out;        /* where messages go: stderr, or a memory stream in tests */
    unsigned errors;  /* messages printed so far */
};

void diag_init(struct diag *d, const char *file, FILE *out);

/* "FILE: REASON" — about the file as a whole. */
void diag_file(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE: PATH: REASON" — about a node (unknown node, bad name, duplicate). */
void diag_node(struct diag *d, const void *fdt, int node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "FILE: PATH: property "PROP": REASON". */
void diag_prop(struct diag *d, const void *fdt, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Writes the full path of node into buf ("?" if the tree is broken). */
const char *diag_path(const void *fdt, int node, char *buf, size_t size);

/* Writes size as "1 GiB", "64 KiB" or "4097 bytes": exact, never rounded. */
const char *diag_size(uint64_t size, char *buf, size_t buf_size);

#define DIAG_PATH_MAX 512
#define DIAG_SIZE_MAX 32

#endif
