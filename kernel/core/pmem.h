/*
 * Physical memory at boot: the RAM ranges from the device tree minus what is
 * in use (kernel image, device tree, boot archive, firmware reservations).
 * The kernel allocates its own boot-time structures here (page tables, CPU
 * stacks, the root task); whatever stays free is handed to root as untyped
 * memory, after which the kernel never allocates on its own again.
 */
#ifndef KERNEL_CORE_PMEM_H
#define KERNEL_CORE_PMEM_H

#include "lib/types.h"

#define PMEM_MAX_RANGES 32

struct pmem_range {
    paddr_t start;
    paddr_t end;
};

/* Adds RAM [start, end), shrunk to whole pages. */
void pmem_add(paddr_t start, paddr_t end);
/* Removes [start, end), grown to whole pages, from the free ranges. */
void pmem_reserve(paddr_t start, paddr_t end);
/* Allocates size bytes aligned to align (a power of two, at least a page),
 * zeroed; returns 0 when no range can satisfy it. */
paddr_t pmem_alloc(uint64_t size, uint64_t align);
uint64_t pmem_free_bytes(void);
/* Empties the free list: what was free now belongs to root. */
void pmem_take_all(void);
/* The free ranges, in address order. */
const struct pmem_range *pmem_ranges(unsigned *count);

#endif
