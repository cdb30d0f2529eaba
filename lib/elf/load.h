/*
 * Loading a static AArch64 ELF executable into another task: each page of
 * each segment becomes a fresh frame, filled (through a temporary mapping in
 * the loading task) and mapped into the target with the segment's rights.
 * The checks are kernel/lib/elf.c's, the same the kernel applies to root.
 */
#ifndef LIB_ELF_LOAD_H
#define LIB_ELF_LOAD_H

#include "lib/elf.h"
#include "sys/sys.h"

struct elf_load_ops {
    /* A new 4 KiB frame in the loader's own CNode, or 0. */
    bt_cptr_t (*new_frame)(void *ctx);
    /* Maps frame into the target task at vaddr with rights (making tables). */
    enum bt_status (*map_target)(void *ctx, bt_cptr_t frame, uint64_t vaddr, unsigned rights);
    /* The frame is loaded and mapped; the loader may hand it on. */
    void (*done_frame)(void *ctx, bt_cptr_t frame);
    void *ctx;
    /* A free page-sized window in the loader's own address space, with the
     * tables to map it, and the loader's own task. */
    uint64_t window;
    bt_cptr_t self_task;
};

/* Checks file and loads it; on failure returns false with why. On success
 * *entry is the entry point. */
bool elf_load(const void *file, size_t size, const struct elf_load_ops *ops, uint64_t *entry,
              char *why, size_t why_size);

#endif
