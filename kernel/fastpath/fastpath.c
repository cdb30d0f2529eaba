/*
 * IPC fast path: see fastpath.h. It handles
 *   call:       a short message to an endpoint where a receiver on this CPU
 *               waits with a reply object;
 *   reply_recv: a short reply to a caller on this CPU, then waiting on an
 *               endpoint where no sender is queued;
 * when the thread switched to is at least as important as anything queued
 * on this CPU. It does exactly what the slow path would (endpoint.c, reply.c,
 * sched.c), minus the general cases: no capabilities, no IPC buffer words,
 * no faults, no bound notifications, no cross-CPU wake-ups. The entry code
 * (entry.S) calls it for system calls 8 and 9 only.
 */
#include "fastpath/fastpath.h"
#include "abi/errors.h"
#include "abi/ipc.h"
#include "abi/syscall.h"
#include "core/klock.h"
#include "core/switch.h"
#include "object/endpoint.h"
#include "object/notification.h"
#include "object/reply.h"

/* The capability at cptr if it has this type and these rights. */
static inline struct slot *lookup(struct cnode *cn, uint64_t cptr, unsigned type, unsigned rights)
{
    if (unlikely(cptr == 0 || (cptr >> cn->size_bits) != 0)) {
        return NULL;
    }
    struct slot *s = &cnode_slots(cn)[cptr];
    if (unlikely(s->cap.type != type || (s->cap.rights & rights) != rights)) {
        return NULL;
    }
    return s;
}

/* May next run now on c, ahead of everything queued there? */
static inline bool may_switch_to(const struct cpu *c, const struct thread *next)
{
    return next->cpu == c->index && sched_rq_top(&c->rq) <= (int)next->priority;
}

static inline struct regs *fast_call(struct cpu *c, struct thread *t, struct cnode *cn,
                                     uint64_t *badge)
{
    uint64_t *x = t->regs.x;
    struct slot *s = lookup(cn, x[0], BT_OBJ_ENDPOINT, BT_RIGHT_WRITE);
    if (s == NULL) {
        return NULL;
    }
    struct endpoint *ep = (struct endpoint *)s->cap.obj;
    if (ep->state != EP_RECV) {
        return NULL;
    }
    struct thread *r = ep->head;
    struct reply *reply = r->recv_reply;
    if (reply == NULL || !may_switch_to(c, r)) {
        return NULL;
    }
    /* r is the head: pop it. Its queue links and blocked_on go stale, which
     * is fine: they mean something only while it is blocked. */
    struct thread *rest = r->ipc_next;
    ep->head = rest;
    if (rest != NULL) {
        rest->ipc_prev = NULL;
    } else {
        ep->tail = NULL;
        ep->state = EP_IDLE;
    }
    r->recv_reply = NULL;
    reply->receiver = NULL;
    *badge = s->cap.badge;
    r->state = THREAD_RUNNABLE;
    /* t's send_flags are already 0 (a running thread has none), which is
     * what a plain call without capabilities needs. */
    reply->caller = t;
    t->state = THREAD_BLOCKED_REPLY;
    t->blocked_on = reply;
    switch_to(c, r);
    return &r->regs;
}

static inline struct regs *fast_reply_recv(struct cpu *c, struct thread *t, struct cnode *cn)
{
    uint64_t *x = t->regs.x;
    struct slot *es = lookup(cn, x[0], BT_OBJ_ENDPOINT, BT_RIGHT_READ);
    struct slot *rs = lookup(cn, x[2], BT_OBJ_REPLY, 0);
    if (es == NULL || rs == NULL) {
        return NULL;
    }
    struct endpoint *ep = (struct endpoint *)es->cap.obj;
    struct reply *reply = (struct reply *)rs->cap.obj;
    struct thread *caller = reply->caller;
    if (ep->state == EP_SEND || caller == NULL || reply->receiver != NULL ||
        (caller->send_flags & SEND_FAULT) || !may_switch_to(c, caller) ||
        (t->bound_ntfn != NULL && t->bound_ntfn->word != 0)) {
        return NULL;
    }
    reply->caller = NULL;
    caller->state = THREAD_RUNNABLE; /* its send_flags are 0: not a fault */
    t->state = THREAD_BLOCKED_RECV;
    t->blocked_on = ep;
    t->recv_reply = reply;
    reply->receiver = t;
    ep_queue_append(ep, t);
    ep->state = EP_RECV;
    switch_to(c, caller);
    return &caller->regs;
}

/* The common start: a short message, the lock, and this CPU still running
 * t (another CPU may have stopped it while this one waited for the lock). */
static inline struct cnode *fast_enter(struct regs *r, struct thread *t, struct cpu **c)
{
    /* Short (at most the register words, no capabilities) and not with one
     * of the kernel's labels, which only the slow path refuses. */
    uint64_t tag = r->x[1];
    if ((tag & 0x37f) > BT_MSG_REG_WORDS || BT_TAG_LABEL(tag) >= BT_LABEL_KERNEL) {
        return NULL;
    }
    kernel_lock();
    *c = this_cpu();
    if (unlikely((*c)->current != t)) {
        kernel_unlock();
        return NULL;
    }
    return thread_cspace(t);
}

/* The message goes into the receiver's saved registers while the lock is
 * held: once it is released, a sender on another CPU may already be
 * writing into this thread's registers (it waits as a receiver again after
 * reply_recv). */
static inline void deliver(struct regs *to, const struct regs *from, uint64_t badge)
{
    to->x[0] = BT_OK;
    to->x[1] = BT_TAG(BT_TAG_LABEL(from->x[1]), BT_TAG_WORDS(from->x[1]), 0); /* as ipc.c */
    to->x[2] = badge;
    to->x[3] = from->x[3];
    to->x[4] = from->x[4];
    to->x[5] = from->x[5];
    to->x[6] = from->x[6];
    to->x[7] = from->x[7];
}

struct fastpath_result fastpath_call(struct regs *r)
{
    struct thread *t = thread_of_regs(r);
    struct fastpath_result res = {NULL, 0};
    struct cpu *c;
    struct cnode *cn = fast_enter(r, t, &c);
    if (cn != NULL) {
        res.next = fast_call(c, t, cn, &res.badge);
        if (res.next != NULL) {
            deliver(res.next, r, res.badge);
        }
        kernel_unlock();
    }
    return res;
}

struct fastpath_result fastpath_reply_recv(struct regs *r)
{
    struct thread *t = thread_of_regs(r);
    struct fastpath_result res = {NULL, 0};
    struct cpu *c;
    struct cnode *cn = fast_enter(r, t, &c);
    if (cn != NULL) {
        res.next = fast_reply_recv(c, t, cn);
        if (res.next != NULL) {
            deliver(res.next, r, 0);
        }
        kernel_unlock();
    }
    return res;
}

