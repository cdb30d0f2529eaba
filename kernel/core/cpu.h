/*
 * Per-CPU state. TPIDR_EL2 holds this CPU's struct cpu; fields marked
 * "own" are touched only by their CPU, the others under the kernel lock.
 */
#ifndef KERNEL_CORE_CPU_H
#define KERNEL_CORE_CPU_H

#include "arch/aarch64/layout.h"
#include "arch/aarch64/sysreg.h"
#include "core/sched.h"
#include "lib/types.h"

struct thread;

struct cpu {
    uintptr_t kstack_top;   /* own; read by the entry code (asm-offsets) */
    struct thread *current; /* thread whose state is live here, NULL when idle */
    unsigned index;         /* 0 .. cpu_count-1; 0 is the boot CPU */
    uint64_t mpidr;         /* affinity as PSCI and the GIC name it */
    volatile uint8_t *gicr; /* own; this CPU's redistributor frame */
    volatile uint32_t online;
    volatile uint32_t detach_req; /* set by the lock holder, cleared here */
    struct runqueue rq;
    uint64_t ttbr0;          /* own; what TTBR0_EL2 holds */
    uint64_t slice_end;      /* own; counter value at which current's slice ends */
    uint64_t timer_at; /* what the EL2 timer is set to (~0: disarmed) */
    struct thread *timeouts; /* sleeping until a deadline (core/timeout.c) */
    bool resched;            /* own; re-pick the thread at the next kernel exit */
    bool slice_expired;      /* own; the current thread used up its slice */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count;

static inline struct cpu *this_cpu(void)
{
    return (struct cpu *)sysreg_read(tpidr_el2);
}

#endif
