/*
 * Reply objects: the link from a server back to a client that called it.
 * A receiver names a reply object; when a call arrives, the caller is bound
 * to it until the server replies through it (or it is deleted, which fails
 * the call).
 */
#ifndef KERNEL_OBJECT_REPLY_H
#define KERNEL_OBJECT_REPLY_H

#include "object/cap.h"

struct thread;

struct reply {
    struct kobj obj;
    struct thread *caller;   /* bound caller, BLOCKED_REPLY */
    struct thread *receiver; /* thread blocked in receive with this reply */
};

void reply_bind(struct reply *r, struct thread *caller);
/* Unbinds the caller (if any) and returns it. */
struct thread *reply_take_caller(struct reply *r);
void reply_destroy(struct reply *r);

#endif
