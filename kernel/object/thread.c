/*
 * Threads: see thread.h.
 */
#include "object/thread.h"
#include "abi/errors.h"
#include "abi/layout.h"
#include "arch/aarch64/sysreg.h"
#include "core/cpu.h"
#include "core/sched.h"
#include "core/timeout.h"
#include "lib/string.h"
#include "object/endpoint.h"
#include "object/notification.h"
#include "object/object.h"
#include "object/reply.h"
#include "object/vspace.h"

void thread_init(struct thread *t)
{
    t->regs.pstate = SPSR_MODE_EL0T;
    t->cspace_slot.pad = SLOT_THREAD_CSPACE;
    t->task_slot.pad = SLOT_THREAD_TASK;
    t->ipcbuf_slot.pad = SLOT_THREAD_IPCBUF;
    t->fault_slot.pad = SLOT_THREAD_FAULT;
    t->ntfn_slot.pad = SLOT_THREAD_NOTIFICATION;
    /* A fresh thread's FP state: all zero, default FPCR. */
}

const char *thread_name(const struct thread *t)
{
    if (t->name[0] != 0) {
        return t->name;
    }
    struct task *task = thread_task(t);
    if (task != NULL && task->name[0] != 0) {
        return task->name;
    }
    return "(unnamed)";
}

void thread_wake_with(struct thread *t, uint64_t status)
{
    t->regs.x[0] = status;
    t->blocked_on = NULL;
    sched_wake(t);
}

/* Leaves whatever queue or binding the thread is blocked in. */
static void cancel_ipc(struct thread *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV:
        endpoint_cancel(t->blocked_on, t);
        if (t->recv_reply != NULL) {
            t->recv_reply->receiver = NULL;
            t->recv_reply = NULL;
        }
        /* Resuming the thread restarts its system call (or, for a fault
         * report, the faulting instruction, which is where pc is). */
        if ((t->send_flags & SEND_FAULT) == 0) {
            t->regs.pc -= 4;
        }
        break;
    case THREAD_BLOCKED_REPLY: {
        struct reply *r = t->blocked_on;
        if (r != NULL && r->caller == t) {
            r->caller = NULL;
        }
        if ((t->send_flags & SEND_FAULT) == 0) {
            t->regs.x[0] = BT_E_GONE; /* the call failed: nobody will reply now */
        }
        break;
    }
    case THREAD_BLOCKED_NOTIFICATION:
        notification_cancel(t->blocked_on, t);
        t->regs.pc -= 4;
        break;
    case THREAD_BLOCKED_WFI:
        timeout_cancel(t);
        break;
    default:
        break;
    }
    t->blocked_on = NULL;
    t->send_flags = 0;
}

void thread_stop(struct thread *t)
{
    cancel_ipc(t);
    sched_remove(t);
    t->state = THREAD_INACTIVE;
    sched_detach(t);
    if (this_cpu()->current == t) {
        this_cpu()->resched = true;
    }
}

bool thread_start(struct thread *t)
{
    bool ready = t->vcpu.is ? t->task_slot.cap.type == BT_OBJ_VM
                            : thread_task(t) != NULL && thread_cspace(t) != NULL;
    if (!ready) {
        return false;
    }
    if (t->state == THREAD_INACTIVE) {
        sched_wake(t);
    }
    return true;
}

void thread_destroy(struct thread *t)
{
    /* If it is this CPU's current thread (it deleted its own last
     * capability), the exit path switches away: it is no longer runnable. */
    thread_stop(t);
    cap_delete(&t->ntfn_slot);
    cap_delete(&t->fault_slot);
    cap_delete(&t->ipcbuf_slot);
    cap_delete(&t->task_slot);
    cap_delete(&t->cspace_slot);
}

void *thread_user_ptr(struct thread *t, uint64_t uva, size_t len, bool write)
{
    struct task *task = thread_task(t);
    if (task == NULL || uva >= BT_USER_VA_END || len > PAGE_SIZE - (uva & (PAGE_SIZE - 1))) {
        return NULL;
    }
    paddr_t pa;
    pte_t pte = vspace_lookup(task, uva, &pa);
    if ((pte & PTE_USER) == 0 || (write && (pte & PTE_RO))) {
        return NULL;
    }
    /* Device memory is not in the direct map. */
    if ((pte & PTE_ATTR(7)) == PTE_ATTR(MAIR_IDX_DEVICE_NGNRE)) {
        return NULL;
    }
    return pa_to_kva(pa);
}

void object_internal_slot_deleted(struct slot *s, enum internal_slot kind)
{
    struct thread *t;
    switch (kind) {
    case SLOT_THREAD_CSPACE:
        t = (struct thread *)((uint8_t *)s - __builtin_offsetof(struct thread, cspace_slot));
        thread_stop(t);
        break;
    case SLOT_THREAD_TASK:
        /* Its address space may be going away: it must not run any more. */
        t = (struct thread *)((uint8_t *)s - __builtin_offsetof(struct thread, task_slot));
        thread_stop(t);
        break;
    case SLOT_THREAD_IPCBUF:
        t = (struct thread *)((uint8_t *)s - __builtin_offsetof(struct thread, ipcbuf_slot));
        t->ipcbuf = 0;
        break;
    case SLOT_THREAD_NOTIFICATION:
        t = (struct thread *)((uint8_t *)s - __builtin_offsetof(struct thread, ntfn_slot));
        if (t->bound_ntfn != NULL && t->bound_ntfn->bound == t) {
            t->bound_ntfn->bound = NULL; /* its memory is valid until reaped */
        }
        t->bound_ntfn = NULL;
        break;
    case SLOT_IRQ_NOTIFICATION:
    case SLOT_THREAD_FAULT:
    case SLOT_USER:
        break;
    }
}
