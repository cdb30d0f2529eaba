/*
 * Answering exits: the main thread's loop on the exit endpoint. Each exit
 * is a call from a vCPU (the badge is its number) labelled BT_VM_EXIT_*;
 * the answer is a reply labelled BT_VM_RESUME (with the result) or
 * BT_VM_INJECT_ABORT. MMIO goes through the MMIO table, HVC and SMC to
 * PSCI, trapped system registers to the vGIC's SGIs. Anything the VMM does
 * not emulate gets an abort, never a hang: no exit goes unanswered except
 * CPU_OFF's, whose vCPU is stopped instead.
 *
 * Output of the UART leaves at newlines and IMSC writes (pl011.h). For a
 * guest that never writes IMSC (a simple polling one), it is also flushed
 * when no exit is waiting: after answering, the loop looks for the next
 * exit without blocking and flushes only if there is none, so a prompt
 * without a newline still appears.
 */
#include "c/print.h"
#include "sysreg.h"
#include "vm.h"

#define NOTED_FAULTS 8

enum answer {
    ANSWER_REPLY,     /* reply with the message built */
    ANSWER_STOPPED,   /* the caller was stopped (CPU_OFF): no reply */
    ANSWER_POWER_OFF, /* SYSTEM_OFF */
    ANSWER_RESET,     /* SYSTEM_RESET */
};

static void note_fault(struct vm *vm, unsigned n, const char *what, uint64_t addr, uint64_t pc)
{
    if (vm->fault_notes < NOTED_FAULTS) {
        bt_printf("vmm[%s]: vCPU %u: %s 0x%lx at pc 0x%lx: abort injected\n", vm->name, n, what,
                  addr, pc);
    } else if (vm->fault_notes == NOTED_FAULTS) {
        bt_printf("vmm[%s]: further guest faults get their abort without a note\n", vm->name);
    }
    vm->fault_notes++;
}

static enum answer abort_guest(struct bt_msg *r)
{
    r->tag = BT_TAG(BT_VM_INJECT_ABORT, 0, 0);
    return ANSWER_REPLY;
}

static enum answer resume(struct bt_msg *r, uint64_t x0)
{
    r->tag = BT_TAG(BT_VM_RESUME, 1, 0);
    r->mr[0] = x0;
    return ANSWER_REPLY;
}

static enum answer mmio(struct vm *vm, unsigned n, const struct bt_msg *m, struct bt_msg *r)
{
    uint64_t ipa = m->mr[0], access = m->mr[1];
    bool write = (access & BT_VM_MMIO_WRITE) != 0;
    uint64_t value = m->mr[2];
    if (mmio_dispatch(&vm->mmio, ipa, BT_VM_MMIO_WIDTH(access), write, &value, n) == MMIO_DONE) {
        return resume(r, write ? 0 : value);
    }
    note_fault(vm, n,
               write ? "write to unbacked guest-physical address"
                     : "read of unbacked guest-physical address",
               ipa, m->mr[3]);
    return abort_guest(r);
}

static enum answer firmware(struct vm *vm, unsigned n, const struct bt_msg *m, struct bt_msg *r)
{
    uint64_t x[4] = {m->mr[0], m->mr[1], m->mr[2], m->mr[3]};
    struct psci_result p = psci_call(&vm->psci, n, x);
    r->tag = BT_TAG(BT_VM_RESUME, 4, 0);
    r->mr[0] = (uint64_t)p.value;
    r->mr[1] = x[1]; /* x1-x3 as they were */
    r->mr[2] = x[2];
    r->mr[3] = x[3];
    switch (p.action) {
    case PSCI_START_CPU:
        if (!vcpu_start(vm, p.target, p.entry, p.context)) {
            psci_start_failed(&vm->psci, p.target);
            r->mr[0] = (uint64_t)(int64_t)PSCI_INTERNAL_FAILURE;
        }
        return ANSWER_REPLY;
    case PSCI_STOP_CALLER:
        vcpu_stop(vm, n);
        return ANSWER_STOPPED;
    case PSCI_POWER_OFF:
        return ANSWER_POWER_OFF;
    case PSCI_RESET:
        return ANSWER_RESET;
    default:
        return ANSWER_REPLY;
    }
}

static enum answer sysreg(struct vm *vm, unsigned n, const struct bt_msg *m, struct bt_msg *r)
{
    uint64_t iss = m->mr[0];
    if (!sysreg_iss_is_read(iss) && sysreg_is_sgi(sysreg_of_iss(iss))) {
        vgic_sgi1r(&vm->gic, n, m->mr[1]);
    }
    return resume(r, 0); /* others: read as zero, writes ignored */
}

static enum answer answer(struct vm *vm, unsigned n, const struct bt_msg *m, struct bt_msg *r)
{
    switch (BT_TAG_LABEL(m->tag)) {
    case BT_VM_EXIT_MMIO:
        return mmio(vm, n, m, r);
    case BT_VM_EXIT_HVC:
    case BT_VM_EXIT_SMC:
        return firmware(vm, n, m, r);
    case BT_VM_EXIT_SYSREG:
        return sysreg(vm, n, m, r);
    case BT_VM_EXIT_ABORT:
        note_fault(vm, n, "undecodable access or fetch at guest-physical address", m->mr[0],
                   m->mr[3]);
        return abort_guest(r);
    default: /* BT_VM_EXIT_OTHER, and labels this VMM does not know */
        note_fault(vm, n, "unhandled exit, syndrome", m->mr[1], m->mr[3]);
        return abort_guest(r);
    }
}

/* Sends the pending reply (if any) and receives the next exit or
 * notification. For a guest that never writes IMSC, buffered UART output
 * is flushed first if nothing waits. */
static enum bt_status next(struct vm *vm, struct handler *h, bool replying,
                           const struct bt_msg *out, struct bt_msg *in)
{
    vm_lock(vm);
    bool idle_flush = vm->uart.tx_len > 0 && !vm->uart.driver_seen;
    vm_unlock(vm);
    if (!idle_flush) {
        if (!replying) {
            return bt_recv(h->ep, h->reply, in);
        }
        *in = *out;
        return bt_reply_recv(h->ep, h->reply, in);
    }
    if (replying) {
        bt_reply(h->reply, out);
    }
    enum bt_status st = bt_nbrecv(h->ep, h->reply, in);
    if (st != BT_E_WOULDBLOCK) {
        return st;
    }
    vm_lock(vm);
    vpl011_flush(&vm->uart);
    vm_unlock(vm);
    return bt_recv(h->ep, h->reply, in);
}

/* After a vCPU was stopped in the middle of its call, the reply object
 * may still be bound to it; a reply frees it (or fails harmlessly). */
static void release_reply(struct handler *h)
{
    struct bt_msg none = {.tag = BT_TAG(BT_VM_RESUME_AS_IS, 0, 0)};
    bt_reply(h->reply, &none);
}

/* A failed receive: a reply object stuck with a caller is replaced;
 * anything else is retried a while, then given up. */
static bool recover(struct vm *vm, struct handler *h, enum bt_status st, unsigned *failures)
{
    if (st == BT_E_BUSY) {
        vm_lock(vm);
        bt_cptr_t r = bt_alloc_object(&vm->alloc, BT_OBJ_REPLY, BT_REPLY_BITS);
        vm_unlock(vm);
        if (r != 0) {
            h->reply = r;
        }
    }
    if (++*failures < 1000) {
        bt_yield();
        return true;
    }
    bt_printf("vmm[%s]: receiving exits on CPU %u fails (error %d)\n", vm->name, h->cpu, st);
    return false;
}

/* Answers one exit of vCPU n under the lock; the guest's end (power off,
 * reset) stops every vCPU and is left in vm->state for the main thread. */
static enum answer answer_locked(struct vm *vm, unsigned n, const struct bt_msg *in,
                                 struct bt_msg *out)
{
    vm_lock(vm);
    vm->exiting = (int)n;
    enum answer a = answer(vm, n, in, out);
    if (conio_pending(vm)) {
        conio_drain(vm); /* the guest may have made room in the UART */
    }
    vm->exiting = -1;
    if (a == ANSWER_POWER_OFF || a == ANSWER_RESET) {
        vcpu_stop_all(vm);
        vpl011_flush(&vm->uart);
        vm->state = a == ANSWER_POWER_OFF ? VM_ENDING_OFF : VM_ENDING_RESET;
    }
    vm_unlock(vm);
    return a;
}

/* The main thread's notification: console input, or another handler
 * saying the guest ended. */
static bool notified(struct vm *vm, enum vm_end *end)
{
    vm_lock(vm);
    conio_drain(vm);
    enum vm_state state = vm->state;
    vm_unlock(vm);
    *end = state == VM_ENDING_OFF ? VM_POWER_OFF : VM_RESET;
    return state != VM_RUNNING;
}

enum vm_end exits_serve(struct vm *vm, struct handler *h)
{
    bool is_main = h->thread == 0;
    struct bt_msg in, out;
    bool replying = false;
    unsigned failures = 0;
    enum vm_end end;
    for (;;) {
        enum bt_status st = next(vm, h, replying, &out, &in);
        replying = false;
        if (st != BT_OK) {
            if (recover(vm, h, st, &failures)) {
                continue;
            }
            vm_lock(vm);
            vcpu_stop_all(vm);
            vm->state = VM_ENDING_OFF;
            vm_unlock(vm);
            if (!is_main) {
                bt_signal(vm->con.wake); /* the main thread ends the guest */
            }
            return VM_POWER_OFF;
        }
        failures = 0;
        if (BT_TAG_LABEL(in.tag) == BT_LABEL_NOTIFICATION) {
            if (is_main && notified(vm, &end)) {
                return end;
            }
            continue;
        }
        unsigned n = (unsigned)in.badge;
        if (n >= vm->cfg.vcpu_count || vm->vcpu[n].handler != h) {
            abort_guest(&out); /* not from a vCPU of this handler: cannot happen */
            replying = true;
            continue;
        }
        enum answer a = answer_locked(vm, n, &in, &out);
        if (a == ANSWER_REPLY) {
            replying = true;
            continue;
        }
        release_reply(h);
        if (a == ANSWER_STOPPED) {
            continue;
        }
        if (is_main) {
            return a == ANSWER_POWER_OFF ? VM_POWER_OFF : VM_RESET;
        }
        bt_signal(vm->con.wake); /* the main thread ends or resets the guest */
    }
}
