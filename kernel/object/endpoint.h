/*
 * Endpoints: synchronous IPC rendezvous. An endpoint has one queue, of
 * senders or of receivers (never both).
 */
#ifndef KERNEL_OBJECT_ENDPOINT_H
#define KERNEL_OBJECT_ENDPOINT_H

#include "object/cap.h"

struct thread;
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

void ep_queue_append(struct endpoint *ep, struct thread *t);
void ep_queue_remove(struct endpoint *ep, struct thread *t);

#endif
