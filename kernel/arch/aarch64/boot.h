/*
 * What early boot (MMU off, arch/aarch64/early.c) hands to the rest of the
 * kernel, and the register values every CPU loads when it turns its MMU on
 * (read by head.S, so the layout is shared through asm-offsets).
 */
#ifndef KERNEL_ARCH_BOOT_H
#define KERNEL_ARCH_BOOT_H

#include "lib/types.h"

struct boot_cpu_regs {
    uint64_t hcr;
    uint64_t mair;
    uint64_t tcr;
    uint64_t sctlr;
    uint64_t ttbr0; /* identity map of the kernel image, for turning the MMU on */
    uint64_t ttbr1;
    uint64_t cptr;
    uint64_t cnthctl;
};

struct boot_params {
    paddr_t dtb_pa;
    uint32_t dtb_size;
    unsigned entry_el;
    paddr_t kernel_pa; /* where the image (and its bss) sits */
    paddr_t kernel_end_pa;
    uintptr_t uart_va;
    unsigned asid_bits;
    unsigned vmid_bits;
    unsigned pa_bits;
};

/* Per-CPU start-up arguments for a secondary CPU (PSCI context id = PA). */
struct cpu_boot_args {
    uint64_t stack_top; /* kernel VA */
    uint64_t cpu_index;
};

extern struct boot_cpu_regs boot_cpu_regs;
extern struct boot_params boot_params;

/* Entry points in head.S. */
void secondary_entry(void);

/* The largest DTB the boot protocol allows. */
#define DTB_MAX_SIZE (2u * 1024 * 1024)

#endif
