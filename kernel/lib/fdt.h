/*
 * A small, bounds-checked reader for flattened device trees (DTB).
 *
 * The kernel reads the platform's DT before its MMU is on, where Debian's
 * libfdt cannot run (it contains SIMD instructions and the kernel is built
 * without FP). This reader validates the whole blob once in fdt_init(); after
 * that every walk stays inside checked bounds, so a hostile or corrupt DTB
 * yields "not found", never an out-of-bounds access. It performs only
 * byte-wise, aligned accesses, so it also works on Device memory (MMU off).
 *
 * Nodes are named by their offset in the structure block, as in libfdt.
 */
#ifndef KERNEL_LIB_FDT_H
#define KERNEL_LIB_FDT_H

#include "lib/types.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 32

struct fdt {
    const uint8_t *blob;
    uint32_t size;        /* totalsize from the header, checked */
    uint32_t struct_off;  /* structure block */
    uint32_t struct_size;
    uint32_t strings_off; /* strings block */
    uint32_t strings_size;
    uint32_t rsvmap_off;
};

struct fdt_prop {
    const uint8_t *data;
    uint32_t len;
};

/* Returns the total size the header claims, or 0 if there is no FDT magic. */
uint32_t fdt_header_size(const void *blob);

/*
 * Validates the blob (header, memory reservation map, every token, name and
 * property of the structure block, strings references, nesting) reading at
 * most max_size bytes. Returns false with *why set on the first problem.
 */
bool fdt_init(struct fdt *fdt, const void *blob, uint32_t max_size, const char **why);

/* Next node after node (-1 for the root) in document order, with its depth
 * (root = 0); -1 at the end. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);

/* First child of parent / next sibling of child; -1 when there is none. */
int fdt_first_child(const struct fdt *fdt, int parent);
int fdt_next_sibling(const struct fdt *fdt, int child);

/* Parent node, or -1 for the root. */
int fdt_parent(const struct fdt *fdt, int node);

/* Node at an absolute path such as "/cpus/cpu@0" (unit address optional
 * when the name without it is unique), or -1. */
int fdt_path(const struct fdt *fdt, const char *path);

/* Node name ("cpu@0"), always NUL-terminated. */
const char *fdt_name(const struct fdt *fdt, int node);

/* Property of node by name; false if absent. */
bool fdt_prop(const struct fdt *fdt, int node, const char *name, struct fdt_prop *out);

/* Does the node's "compatible" list contain compat? */
bool fdt_compatible(const struct fdt *fdt, int node, const char *compat);

/* Next node after from (-1: from the start) that is compatible, or -1. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);

/* Node whose "phandle" property is ph, or -1. */
int fdt_find_phandle(const struct fdt *fdt, uint32_t ph);

/* A string property: NUL-terminated within its length, else NULL. */
const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name);

/* A one-cell property; false if absent or of another size. */
bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);

/* #address-cells / #size-cells that apply to node's "reg" (its parent's). */
uint32_t fdt_address_cells(const struct fdt *fdt, int node);
uint32_t fdt_size_cells(const struct fdt *fdt, int node);

/* Entry index of node's "reg" (parent's cell sizes applied); false if there
 * is no such entry or a cell count is unsupported (> 2). */
bool fdt_reg(const struct fdt *fdt, int node, uint32_t index, uint64_t *addr, uint64_t *size);

/* Entry index of the memory reservation map; false past the end. */
bool fdt_mem_rsv(const struct fdt *fdt, uint32_t index, uint64_t *addr, uint64_t *size);

/* Big-endian cell readers (byte-wise: no alignment assumptions). */
uint32_t fdt_be32(const uint8_t *p);
uint64_t fdt_cells(const uint8_t *p, uint32_t cells);

#endif
