/*
 * Exception handlers called from the vectors (entry.S). From a task: system
 * calls, the FP/SIMD trap, faults (delivered to the thread's fault handler)
 * and interrupts. From the kernel itself: interrupts while idle, and anything
 * else is a kernel bug that panics with a register dump and a backtrace.
 */
#include "arch/aarch64/fpu.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/regs.h"
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/entry.h"
#include "core/fault.h"
#include "core/irq.h"
#include "core/klock.h"
#include "core/panic.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "object/thread.h"

/* Takes the kernel lock for t's exception; false if this CPU let go of t
 * while waiting (another CPU stopped it), so the exception must be dropped. */
static bool enter_for(struct thread *t)
{
    kernel_lock();
    return this_cpu()->current == t;
}

/* Synchronous exceptions from a task (the IPC fast path was tried first by
 * the entry code). */
struct regs *trap_lower_sync(struct regs *r)
{
    struct thread *t = thread_of_regs(r);
    uint64_t esr = sysreg_read(esr_el2);
    uint64_t far = sysreg_read(far_el2);
    uint64_t ec = esr >> ESR_EC_SHIFT;
    uint32_t gen = __atomic_load_n(&t->regs_gen, __ATOMIC_RELAXED);
    if (!enter_for(t)) {
        /* Another CPU stopped t while this exception waited for the lock.
         * A system call (or a guest's HVC) was not made: step back onto
         * the instruction so it is made when t runs again, unless that CPU
         * gave t new registers meanwhile. Other exceptions point at their
         * instruction already. */
        bool steps = ec == ESR_EC_SVC64 || (t->vcpu.is && ec == ESR_EC_HVC64);
        if (steps && t->regs_gen == gen) {
            r->pc -= 4;
        }
        return sched_exit();
    }
    if (unlikely(t->vcpu.is)) {
        vcpu_exit(t, esr, far);
        return sched_exit();
    }
    switch (ec) {
    case ESR_EC_SVC64:
        syscall_dispatch(t);
        break;
    case ESR_EC_FP:
        /* First FP/SIMD use since t was switched in: load its state. */
        fpu_restore(&t->fp);
        t->fp_live = true;
        fpu_set_trap(false);
        break;
    default:
        fault_deliver(t, esr, far);
        break;
    }
    return sched_exit();
}

/* Handles one pending interrupt; true if there was one. */
bool trap_handle_irq(void)
{
    uint32_t intid = gic_ack();
    if (intid >= GIC_SPURIOUS) {
        return false;
    }
    gic_eoi(intid);
    if (intid == timer_intid()) {
        timer_disarm();
        this_cpu()->timer_at = ~0UL;
        gic_deactivate(intid);
        sched_timer_interrupt();
    } else if (intid == GIC_PPI_VTIMER) {
        vcpu_timer_interrupt();
        gic_deactivate(intid);
    } else if (intid == GIC_PPI_MAINTENANCE) {
        gic_deactivate(intid); /* list registers are refilled on the way back */
    } else if (intid == GIC_SGI_RESCHEDULE) {
        gic_deactivate(intid);
        this_cpu()->resched = true;
    } else {
        irq_deliver(intid);
    }
    return true;
}

struct regs *trap_lower_irq(struct regs *r)
{
    enter_for(thread_of_regs(r));
    trap_handle_irq();
    return sched_exit();
}

void trap_kernel_irq(struct regs *r)
{
    (void)r;
    kernel_lock();
    trap_handle_irq();
    kernel_unlock();
}

void trap_kernel_sync(struct regs *r)
{
    uint64_t esr = sysreg_read(esr_el2);
    panic_regs(r, "unexpected exception in the kernel (class 0x%lx) at pc 0x%lx",
               esr >> ESR_EC_SHIFT, r->pc);
}

void trap_unexpected(struct regs *r, uint64_t vector)
{
    static const char *const names[] = {
        "synchronous",
        "IRQ",
        "FIQ",
        "SError",
    };
    if (vector >= 8) { /* from a task: that task's problem, not the kernel's */
        struct thread *t = thread_of_regs(r);
        if (enter_for(t)) {
            printk("kernel: thread %s: unexpected %s exception at pc 0x%lx\n", thread_name(t),
                   names[vector & 3], r->pc);
            thread_stop(t);
        }
        exit_to_user(sched_exit());
    }
    panic_regs(r, "unexpected %s exception (vector %lu)", names[vector & 3], vector);
}
