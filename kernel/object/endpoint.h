/*
 * Endpoints: synchronous IPC rendezvous. An endpoint has one queue, of
 * senders or of receivers (never both).
 */
#ifndef KERNEL_OBJECT_ENDPOINT_H
#define KERNEL_OBJECT_ENDPOINT_H

#include "object/cap.h"
#include "object/thread.h"

struct reply;

enum endpoint_state { EP_IDLE, EP_SEND, EP_RECV };

struct endpoint {
    struct kobj obj;
    uint8_t state;
    struct thread *head, *tail;
};

/*
 * sender sends through a capability with badge; flags are SEND_*. When no
 * receiver waits, a blocking send queues the sender; a non-blocking one
 * returns false (nothing sent).
 */
bool endpoint_send(struct endpoint *ep, struct thread *sender, uint64_t badge, unsigned flags,
                   bool block);

/* receiver receives, binding callers to reply (may be NULL). Returns false
 * when nothing was waiting and block is false. */
bool endpoint_receive(struct endpoint *ep, struct thread *receiver, struct reply *reply,
                      bool block);

/* Takes a blocked thread out of the endpoint's queue. */
void endpoint_cancel(struct endpoint *ep, struct thread *t);

void endpoint_destroy(struct endpoint *ep);

/* The queue (inline: the IPC fast path uses them). */
static inline void ep_queue_append(struct endpoint *ep, struct thread *t)
{
    t->ipc_next = NULL;
    t->ipc_prev = ep->tail;
    if (ep->tail != NULL) {
        ep->tail->ipc_next = t;
    } else {
        ep->head = t;
    }
    ep->tail = t;
}

static inline void ep_queue_remove(struct endpoint *ep, struct thread *t)
{
    if (t->ipc_prev != NULL) {
        t->ipc_prev->ipc_next = t->ipc_next;
    } else {
        ep->head = t->ipc_next;
    }
    if (t->ipc_next != NULL) {
        t->ipc_next->ipc_prev = t->ipc_prev;
    } else {
        ep->tail = t->ipc_prev;
    }
    t->ipc_next = t->ipc_prev = NULL;
    if (ep->head == NULL) {
        ep->state = EP_IDLE;
    }
}

#endif
