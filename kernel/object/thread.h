/*
 * Threads: registers, FP/SIMD state, scheduling parameters, and the
 * capabilities the thread runs with (its CNode, task, IPC buffer, fault
 * endpoint, bound notification), held in slots inside the thread so that
 * revoking any of them reaches the thread too.
 */
#ifndef KERNEL_OBJECT_THREAD_H
#define KERNEL_OBJECT_THREAD_H

#include "arch/aarch64/fpu.h"
#include "arch/aarch64/regs.h"
#include "object/cap.h"
#include "object/cnode.h"
#include "object/task.h"
#include "object/vcpu.h"

#define THREAD_NAME_MAX 24

enum thread_state {
    THREAD_INACTIVE,             /* not started, suspended, or stopped after a fault */
    THREAD_RUNNABLE,             /* running or in a run queue */
    THREAD_BLOCKED_SEND,         /* in an endpoint's queue, sending (or calling) */
    THREAD_BLOCKED_RECV,         /* in an endpoint's queue, receiving */
    THREAD_BLOCKED_REPLY,        /* called; waiting on a reply object */
    THREAD_BLOCKED_NOTIFICATION, /* waiting on a notification */
    THREAD_BLOCKED_WFI,          /* a vCPU whose guest waits for an interrupt */
};

/* Why a blocked sender sends. */
#define SEND_CALL 1u  /* expects a reply */
#define SEND_GRANT 2u /* may transfer capabilities */
#define SEND_FAULT 4u /* the message is a fault report (thread.fault_msg) */

struct reply;
struct notification;

struct thread {
    struct kobj obj;
    struct regs regs; /* user state while not running */
    uint64_t tpidr_el0;
    uint64_t tpidrro_el0;
    struct fp_state fp;
    bool fp_live;                       /* fp is loaded in this CPU's registers, not in .fp */
    uint8_t state;                      /* enum thread_state */
    uint8_t priority;                   /* 0..255, higher first */
    uint8_t mcp;                        /* highest priority this thread may give */
    bool queued;                        /* in its CPU's run queue */
    uint8_t send_flags;                 /* SEND_* while BLOCKED_SEND */
    uint16_t cpu;                       /* affinity */
    uint32_t regs_gen;                  /* counts writes of regs by others */
    struct thread *rq_next, *rq_prev;   /* run queue */
    struct thread *ipc_next, *ipc_prev; /* endpoint or notification queue */
    void *blocked_on;                   /* endpoint, notification or reply */
    struct reply *recv_reply;           /* BLOCKED_RECV: binds the next caller */
    uint64_t send_badge;                /* BLOCKED_SEND: badge of the cap used */
    uint64_t fault_label;               /* SEND_FAULT: the report's label */
    uint64_t fault_msg[5];              /* SEND_FAULT: its message words */
    struct notification *bound_ntfn;    /* the one in ntfn_slot */
    uintptr_t ipcbuf;                   /* kernel VA of the IPC buffer, or 0 */
    uint64_t ipcbuf_vaddr;
    struct slot cspace_slot;
    struct slot task_slot;
    struct slot ipcbuf_slot;
    struct slot fault_slot;
    struct slot ntfn_slot;
    char name[THREAD_NAME_MAX];
    struct vcpu vcpu; /* when the thread runs a guest */
};

_Static_assert(sizeof(struct thread) <= 1u << BT_THREAD_BITS, "thread object size");

static inline struct thread *thread_of_regs(struct regs *r)
{
    return (struct thread *)((uint8_t *)r - __builtin_offsetof(struct thread, regs));
}

static inline struct cnode *thread_cspace(const struct thread *t)
{
    return (struct cnode *)t->cspace_slot.cap.obj;
}

/* The task the thread runs in; NULL for none, and for a vCPU (whose slot
 * holds its VM). */
static inline struct task *thread_task(const struct thread *t)
{
    return t->task_slot.cap.type == BT_OBJ_TASK ? (struct task *)t->task_slot.cap.obj : NULL;
}

void thread_init(struct thread *t);
void thread_destroy(struct thread *t);

/* Cancels whatever IPC the thread is blocked in (it leaves every queue and
 * reply binding) and makes it inactive; if it runs on another CPU, waits
 * until that CPU has let go of it. */
void thread_stop(struct thread *t);

/* Starts an inactive thread that has a task and a CNode. */
bool thread_start(struct thread *t);

/* A blocked thread's operation ended: status in x0, runnable again. */
void thread_wake_with(struct thread *t, uint64_t status);

/* The name fault reports use. */
const char *thread_name(const struct thread *t);

/* Translates task memory for the kernel: the kernel VA of [uva, uva+len)
 * if it lies in one page that the thread's task may access (writable if
 * write), else NULL. */
void *thread_user_ptr(struct thread *t, uint64_t uva, size_t len, bool write);

#endif
