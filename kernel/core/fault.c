/*
 * Fault delivery and reports: see fault.h.
 */
#include "core/fault.h"
#include "abi/ipc.h"
#include "arch/aarch64/sysreg.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "object/endpoint.h"
#include "object/thread.h"

enum { MSG_ADDR, MSG_PC, MSG_ESR, MSG_SP };

uint64_t fault_label(const struct thread *t)
{
    return t->fault_label;
}

static uint64_t label_of(uint64_t esr)
{
    switch (esr >> ESR_EC_SHIFT) {
    case ESR_EC_DABT_LOW:
    case ESR_EC_IABT_LOW:
        return BT_FAULT_MEMORY;
    case ESR_EC_UNKNOWN:
        return BT_FAULT_UNDEFINED;
    default:
        return BT_FAULT_OTHER;
    }
}

static const char *abort_kind(uint64_t fsc)
{
    switch (fsc & 0x3c) {
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
    return fsc == 0x21 ? "alignment fault" : fsc == 0x10 ? "synchronous external abort" : "fault";
}

/* One line naming the task (and thread), the fault and the address. */
static void print_fault(struct thread *t)
{
    struct task *task = thread_task(t);
    const char *tname = task != NULL && task->name[0] != 0 ? task->name : thread_name(t);
    char who[64];
    if (t->name[0] != 0 && strcmp(t->name, tname) != 0) {
        format_buf(who, sizeof(who), "task %s thread %s", tname, t->name);
    } else {
        format_buf(who, sizeof(who), "task %s", tname);
    }
    uint64_t esr = t->fault_msg[MSG_ESR], far = t->fault_msg[MSG_ADDR];
    uint64_t pc = t->fault_msg[MSG_PC], ec = esr >> ESR_EC_SHIFT;
    switch (ec) {
    case ESR_EC_DABT_LOW:
    case ESR_EC_IABT_LOW: {
        uint64_t fsc = esr & 0x3f;
        bool instr = ec == ESR_EC_IABT_LOW;
        const char *access = instr ? "execute" : (esr & (1u << 6)) ? "write" : "read";
        printk("kernel: %s: %s at pc 0x%lx: %s of address 0x%lx (%s, level %lu)\n", who,
               instr ? "instruction abort" : "data abort", pc, access, far, abort_kind(fsc),
               fsc & 3);
        break;
    }
    case ESR_EC_UNKNOWN: {
        const uint32_t *insn = (pc & 3) == 0 ? thread_user_ptr(t, pc, 4, false) : NULL;
        if (insn != NULL) {
            printk("kernel: %s: undefined instruction 0x%08x at pc 0x%lx\n", who, *insn, pc);
        } else {
            printk("kernel: %s: undefined instruction at pc 0x%lx\n", who, pc);
        }
        break;
    }
    case ESR_EC_PC_ALIGN:
        printk("kernel: %s: misaligned pc 0x%lx\n", who, pc);
        break;
    case ESR_EC_SP_ALIGN:
        printk("kernel: %s: misaligned stack pointer 0x%lx at pc 0x%lx\n", who,
               t->fault_msg[MSG_SP], pc);
        break;
    case ESR_EC_BRK64:
        printk("kernel: %s: breakpoint (brk #%lu) at pc 0x%lx\n", who, esr & 0xffff, pc);
        break;
    default:
        printk("kernel: %s: exception class 0x%lx at pc 0x%lx (esr 0x%lx, far 0x%lx)\n", who, ec,
               pc, esr, far);
        break;
    }
}

void fault_report_unhandled(struct thread *t, const char *why)
{
    print_fault(t);
    printk("kernel: thread %s stopped (%s)\n", thread_name(t), why);
}

void fault_deliver(struct thread *t, uint64_t esr, uint64_t far)
{
    t->fault_msg[MSG_ADDR] = far;
    t->fault_msg[MSG_PC] = t->regs.pc;
    t->fault_msg[MSG_ESR] = esr;
    t->fault_msg[MSG_SP] = t->regs.sp;
    t->fault_msg[4] = 0;
    t->fault_label = label_of(esr);
    struct slot *fs = &t->fault_slot;
    if (slot_empty(fs) || fs->cap.type != BT_OBJ_ENDPOINT ||
        (fs->cap.rights & BT_RIGHT_WRITE) == 0) {
        thread_stop(t);
        fault_report_unhandled(t, "no fault handler");
        return;
    }
    endpoint_send((struct endpoint *)fs->cap.obj, t, fs->cap.badge, SEND_CALL | SEND_FAULT, true);
}
