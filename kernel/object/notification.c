/*
 * Notifications: see notification.h. A capability with badge 0 signals bit 0,
 * so an unbadged capability still wakes a waiter.
 */
#include "object/notification.h"
#include "abi/errors.h"
#include "abi/ipc.h"
#include "core/sched.h"
#include "object/endpoint.h"
#include "object/reply.h"
#include "object/thread.h"

static void queue_append(struct notification *n, struct thread *t)
{
    t->ipc_next = NULL;
    t->ipc_prev = n->tail;
    if (n->tail != NULL) {
        n->tail->ipc_next = t;
    } else {
        n->head = t;
    }
    n->tail = t;
}

static void queue_remove(struct notification *n, struct thread *t)
{
    if (t->ipc_prev != NULL) {
        t->ipc_prev->ipc_next = t->ipc_next;
    } else {
        n->head = t->ipc_next;
    }
    if (t->ipc_next != NULL) {
        t->ipc_next->ipc_prev = t->ipc_prev;
    } else {
        n->tail = t->ipc_prev;
    }
    t->ipc_next = t->ipc_prev = NULL;
}

void notification_signal(struct notification *n, uint64_t badge)
{
    uint64_t bits = badge != 0 ? badge : 1;
    if (n->head != NULL) {
        struct thread *t = n->head;
        queue_remove(n, t);
        t->regs.x[2] = n->word | bits;
        n->word = 0;
        thread_wake_with(t, BT_OK);
        return;
    }
    struct thread *b = n->bound;
    if (b != NULL && b->state == THREAD_BLOCKED_RECV) {
        /* The bound thread waits on an endpoint: end that receive with the
         * notification instead. */
        endpoint_cancel(b->blocked_on, b);
        if (b->recv_reply != NULL) {
            b->recv_reply->receiver = NULL;
            b->recv_reply = NULL;
        }
        b->regs.x[1] = BT_TAG(BT_LABEL_NOTIFICATION, 0, 0);
        b->regs.x[2] = n->word | bits;
        n->word = 0;
        thread_wake_with(b, BT_OK);
        return;
    }
    n->word |= bits;
}

uint64_t notification_wait(struct notification *n, struct thread *t, bool block)
{
    if (n->word != 0 || !block) {
        uint64_t bits = n->word;
        n->word = 0;
        return bits;
    }
    t->state = THREAD_BLOCKED_NOTIFICATION;
    t->blocked_on = n;
    queue_append(n, t);
    return 0;
}

void notification_cancel(struct notification *n, struct thread *t)
{
    if (n != NULL) {
        queue_remove(n, t);
    }
}

void notification_destroy(struct notification *n)
{
    while (n->head != NULL) {
        struct thread *t = n->head;
        queue_remove(n, t);
        thread_wake_with(t, BT_E_GONE);
    }
}
