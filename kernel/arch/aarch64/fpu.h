/*
 * FP/SIMD state of threads. The kernel itself never uses FP/SIMD (it is built
 * with -mgeneral-regs-only), so a thread's FP registers stay loaded across
 * kernel entries. Switching is lazy on load and eager on save: a thread that
 * is switched out has its state saved if it used FP/SIMD since it was
 * switched in; the next thread's first FP/SIMD instruction traps (CPTR_EL2)
 * and loads its own state. The registers never hold one thread's values
 * while another runs without the trap armed, so no state leaks.
 */
#ifndef KERNEL_ARCH_FPU_H
#define KERNEL_ARCH_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct fp_state {
    __uint128_t v[32];
    uint64_t fpsr;
    uint64_t fpcr;
} __attribute__((aligned(16)));

/* In entry.S: the 32 V registers, FPSR and FPCR. */
void fpu_save(struct fp_state *s);
void fpu_restore(const struct fp_state *s);

/* Arms (trap = true) or disarms the EL0 FP/SIMD trap. */
void fpu_set_trap(bool trap);

#endif
