/*
 * Exception handlers called from the vectors (entry.S). From a task: system
 * calls, faults (reported, then the thread is stopped) and interrupts. From
 * the kernel itself: interrupts while idle, and anything else is a kernel
 * bug that panics with a register dump and a backtrace.
 */
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/regs.h"
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/entry.h"
#include "core/irq.h"
#include "core/klock.h"
#include "core/panic.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "core/thread.h"

static const char *abort_kind(uint64_t dfsc)
{
    switch (dfsc & 0x3c) {
    case 0x00:
        return "address size fault";
    case 0x04:
        return "translation fault";
    case 0x08:
        return "access flag fault";
    case 0x0c:
        return "permission fault";
    default:
        break;
    }
    switch (dfsc) {
    case 0x10:
        return "synchronous external abort";
    case 0x21:
        return "alignment fault";
    default:
        return "fault";
    }
}

/* Describes a task's synchronous exception in words, one line. */
static void report_fault(struct thread *t, uint64_t esr, uint64_t far)
{
    const char *name = t->task->name;
    uint64_t ec = esr >> ESR_EC_SHIFT;
    uint64_t pc = t->regs.pc;
    switch (ec) {
    case ESR_EC_DABT_LOW:
    case ESR_EC_IABT_LOW: {
        uint64_t fsc = esr & 0x3f;
        bool instr = ec == ESR_EC_IABT_LOW;
        bool write = !instr && (esr & (1u << 6));
        bool far_valid = (esr & (1u << 10)) == 0;
        const char *access = instr ? "execute" : write ? "write" : "read";
        if (far_valid) {
            printk("kernel: task %s: %s at pc 0x%lx: %s of address 0x%lx (%s, level %lu)\n", name,
                   instr ? "instruction abort" : "data abort", pc, access, far, abort_kind(fsc),
                   fsc & 3);
        } else {
            printk("kernel: task %s: %s at pc 0x%lx: %s (%s)\n", name,
                   instr ? "instruction abort" : "data abort", pc, access, abort_kind(fsc));
        }
        break;
    }
    case ESR_EC_UNKNOWN: {
        const uint32_t *insn = (pc & 3) == 0 ? task_user_ptr(t->task, pc, 4, false) : NULL;
        if (insn != NULL) {
            printk("kernel: task %s: undefined instruction 0x%08x at pc 0x%lx\n", name, *insn, pc);
        } else {
            printk("kernel: task %s: undefined instruction at pc 0x%lx\n", name, pc);
        }
        break;
    }
    case ESR_EC_PC_ALIGN:
        printk("kernel: task %s: misaligned pc 0x%lx\n", name, pc);
        break;
    case ESR_EC_SP_ALIGN:
        printk("kernel: task %s: misaligned stack pointer 0x%lx at pc 0x%lx\n", name, t->regs.sp,
               pc);
        break;
    case ESR_EC_BRK64:
        printk("kernel: task %s: breakpoint (brk #%lu) at pc 0x%lx\n", name, esr & 0xffff, pc);
        break;
    default:
        printk("kernel: task %s: exception class 0x%lx at pc 0x%lx (esr 0x%lx, far 0x%lx)\n", name,
               ec, pc, esr, far);
        break;
    }
}

struct regs *trap_lower_sync(struct regs *r)
{
    kernel_lock();
    struct thread *t = thread_of_regs(r);
    uint64_t esr = sysreg_read(esr_el2);
    if ((esr >> ESR_EC_SHIFT) == ESR_EC_SVC64) {
        syscall_dispatch(t);
    } else {
        report_fault(t, esr, sysreg_read(far_el2));
        thread_stop(t);
    }
    return sched_exit();
}

/* Handles one pending interrupt; true if there was one. */
static bool handle_irq(void)
{
    uint32_t intid = gic_ack();
    if (intid >= GIC_SPURIOUS) {
        return false;
    }
    gic_eoi(intid);
    if (intid == timer_intid()) {
        timer_disarm();
        gic_deactivate(intid);
        sched_tick();
    } else if (intid == GIC_SGI_RESCHEDULE) {
        gic_deactivate(intid);
        sched_request_resched();
    } else {
        irq_deliver(intid);
    }
    return true;
}

struct regs *trap_lower_irq(struct regs *r)
{
    (void)r;
    kernel_lock();
    handle_irq();
    return sched_exit();
}

void trap_kernel_irq(struct regs *r)
{
    (void)r;
    kernel_lock();
    handle_irq();
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
    bool from_task = vector >= 8;
    if (from_task) {
        kernel_lock();
        struct thread *t = thread_of_regs(r);
        printk("kernel: task %s: unexpected %s exception at pc 0x%lx\n", t->task->name,
               names[vector & 3], r->pc);
        thread_stop(t);
        exit_to_user(sched_exit());
    }
    panic_regs(r, "unexpected %s exception (vector %lu)", names[vector & 3], vector);
}
