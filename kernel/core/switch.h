/*
 * Switching a CPU from one thread to another: what lives only in CPU
 * registers (thread pointers, FP/SIMD state, the address space) changes
 * hands. Inline, because the IPC fast path does this on every message.
 */
#ifndef KERNEL_CORE_SWITCH_H
#define KERNEL_CORE_SWITCH_H

#include "arch/aarch64/fpu.h"
#include "core/cpu.h"
#include "object/thread.h"
#include "object/vcpu.h"

static inline void switch_load_ttbr0(struct cpu *c, uint64_t ttbr)
{
    if (c->ttbr0 != ttbr) {
        sysreg_write(ttbr0_el2, ttbr);
        isb();
        c->ttbr0 = ttbr;
    }
}

/* Saves what of the outgoing thread lives only in this CPU's registers.
 * Invariant: the EL0 FP trap is disarmed exactly while the current thread's
 * FP state is live. */
static inline void switch_save_outgoing(struct thread *prev)
{
    prev->tpidr_el0 = sysreg_read(tpidr_el0);
    if (unlikely(prev->fp_live)) {
        fpu_save(&prev->fp);
        prev->fp_live = false;
        fpu_set_trap(true);
    }
}

/* Lets go of what the outgoing thread had loaded on this CPU. */
static inline void switch_out(struct thread *prev)
{
    switch_save_outgoing(prev);
    if (unlikely(prev->vcpu.loaded)) {
        vcpu_put(prev);
    }
}

/* Makes next this CPU's current thread. Its TPIDRRO_EL0 (read-only to it,
 * so never saved) and TPIDR_EL0 are loaded, and its address space (a
 * task's, or a guest's whole EL1 context for a vCPU). */
static inline void switch_to(struct cpu *c, struct thread *next)
{
    if (c->current != NULL) {
        switch_out(c->current);
    }
    sysreg_write(tpidr_el0, next->tpidr_el0);
    sysreg_write(tpidrro_el0, next->tpidrro_el0);
    if (unlikely(next->vcpu.is)) {
        vcpu_load(next);
    } else {
        switch_load_ttbr0(c, task_ttbr(thread_task(next)));
    }
    c->current = next;
}

#endif
