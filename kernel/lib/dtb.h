/*
 * A small, bounds-checked reader for flattened device trees (DTB).
 *
 * The kernel reads the platform's DT before its MMU is on, where Debian's
 * libfdt cannot run (it contains SIMD instructions and the kernel is built
 * without FP). This reader validates the whole blob once in dtb_init(); after
 * that every walk stays inside checked bounds, so a hostile or corrupt DTB
 * yields "not found", never an out-of-bounds access. It performs only
 * byte-wise, aligned accesses, so it also works on Device memory (MMU off).
 *
 * Nodes are named by their offset in the structure block, as in libfdt.
 */
#ifndef KERNEL_LIB_DTB_H
#define KERNEL_LIB_DTB_H

#include "lib/types.h"

#define DTB_MAGIC 0xd00dfeedu
#define DTB_MAX_DEPTH 32

struct dtb {
    const uint8_t *blob;
    uint32_t size;       /* totalsize from the header, checked */
    uint32_t struct_off; /* structure block */
    uint32_t struct_size;
    uint32_t strings_off; /* strings block */
    uint32_t strings_size;
    uint32_t rsvmap_off;
};

struct dtb_prop {
    const uint8_t *data;
    uint32_t len;
};

/* Returns the total size the header claims, or 0 if there is no FDT magic. */
uint32_t dtb_header_size(const void *blob);

/*
 * Validates the blob (header, memory reservation map, every token, name and
 * property of the structure block, strings references, nesting) reading at
 * most max_size bytes. Returns false with *why set on the first problem.
 */
bool dtb_init(struct dtb *dt, const void *blob, uint32_t max_size, const char **why);

/* Next node after node (-1 for the root) in document order, with its depth
 * (root = 0); -1 at the end. */
int dtb_next_node(const struct dtb *dt, int node, int *depth);

/* First child of parent / next sibling of child; -1 when there is none. */
int dtb_first_child(const struct dtb *dt, int parent);
int dtb_next_sibling(const struct dtb *dt, int child);

/* Parent node, or -1 for the root. */
int dtb_parent(const struct dtb *dt, int node);

/* Node at an absolute path such as "/cpus/cpu@0" (unit address optional
 * when the name without it is unique), or -1. */
int dtb_path(const struct dtb *dt, const char *path);

/* Node name ("cpu@0"), always NUL-terminated. */
const char *dtb_name(const struct dtb *dt, int node);

/* Property of node by name; false if absent. */
bool dtb_prop(const struct dtb *dt, int node, const char *name, struct dtb_prop *out);

/* Does the node's "compatible" list contain compat? */
bool dtb_compatible(const struct dtb *dt, int node, const char *compat);

/* Next node after from (-1: from the start) that is compatible, or -1. */
int dtb_find_compatible(const struct dtb *dt, int from, const char *compat);

/* Node whose "phandle" property is ph, or -1. */
int dtb_find_phandle(const struct dtb *dt, uint32_t ph);

/* A string property: NUL-terminated within its length, else NULL. */
const char *dtb_prop_string(const struct dtb *dt, int node, const char *name);

/* A one-cell property; false if absent or of another size. */
bool dtb_prop_u32(const struct dtb *dt, int node, const char *name, uint32_t *out);

/* #address-cells / #size-cells that apply to node's "reg" (its parent's). */
uint32_t dtb_address_cells(const struct dtb *dt, int node);
uint32_t dtb_size_cells(const struct dtb *dt, int node);

/* Entry index of node's "reg" (parent's cell sizes applied); false if there
 * is no such entry or a cell count is unsupported (> 2). */
bool dtb_reg(const struct dtb *dt, int node, uint32_t index, uint64_t *addr, uint64_t *size);

/* Entry index of the memory reservation map; false past the end. */
bool dtb_mem_rsv(const struct dtb *dt, uint32_t index, uint64_t *addr, uint64_t *size);

/* Big-endian cell readers (byte-wise: no alignment assumptions). */
uint32_t dtb_be32(const uint8_t *p);
uint64_t dtb_cells(const uint8_t *p, uint32_t cells);

#endif
