/*
 * The register frame saved on every exception: a thread's user state (kept
 * in its thread object) or a kernel frame (on the CPU's stack). The layout is
 * shared with vectors.S through asm-offsets.
 */
#ifndef KERNEL_ARCH_REGS_H
#define KERNEL_ARCH_REGS_H

#include <stdint.h>

struct regs {
    uint64_t x[31];
    uint64_t sp;     /* SP_EL0 for a task; the interrupted SP for a kernel frame */
    uint64_t pc;     /* ELR_EL2 */
    uint64_t pstate; /* SPSR_EL2 */
};

_Static_assert(sizeof(struct regs) == 272, "struct regs is part of the entry code");

#endif
