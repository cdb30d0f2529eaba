/*
 * Anonymous page faults: map fresh anonymous memory and write one byte per
 * 4 KiB page, so every write takes a fault that allocates and zeroes a
 * page (lmbench's lat_pagefault, for anonymous memory). Only the writes
 * are timed, not mmap and munmap. Prints instructions per page.
 *
 * Transparent huge pages would turn 512 of these faults into one; the
 * guest's command line pins transparent_hugepage=never, and madvise says
 * the same, so the figure does not depend on the kernel's default.
 */
#include "rt.h"

#define PAGE 4096ul
#define ROUND_PAGES 4096ul /* 16 MiB per mapping */
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MADV_NOHUGEPAGE 15

static volatile char *map_fresh(void)
{
    long addr = rt_syscall6(SYS_MMAP, 0, ROUND_PAGES * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (addr < 0 && addr > -4096) {
        rt_fail("mmap", addr);
    }
    rt_syscall3(SYS_MADVISE, addr, ROUND_PAGES * PAGE, MADV_NOHUGEPAGE);
    return (volatile char *)addr;
}

/* Touches every page of one fresh mapping; returns the instructions spent. */
static uint64_t round_once(void)
{
    volatile char *p = map_fresh();
    uint64_t start = rt_counter();
    for (unsigned long i = 0; i < ROUND_PAGES; i++) {
        p[i * PAGE] = 1;
    }
    uint64_t spent = rt_counter() - start;
    rt_syscall2(SYS_MUNMAP, p, ROUND_PAGES * PAGE);
    return spent;
}

int main(int argc, char **argv)
{
    uint64_t rounds = rt_count_arg(argc, argv, 4);
    round_once();
    rt_align();
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        total += round_once();
    }
    rt_print_u64("pagefault_ops", rounds * ROUND_PAGES);
    rt_print_ratio("pagefault_insns_per_op", total, rounds * ROUND_PAGES);
    return 0;
}
