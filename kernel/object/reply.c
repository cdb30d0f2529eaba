/*
 * Reply objects: see reply.h.
 */
#include "object/reply.h"
#include "core/ipc.h"
#include "object/thread.h"

void reply_bind(struct reply *r, struct thread *caller)
{
    r->caller = caller;
}

struct thread *reply_take_caller(struct reply *r)
{
    struct thread *t = r->caller;
    r->caller = NULL;
    return t;
}

void reply_destroy(struct reply *r)
{
    struct thread *caller = reply_take_caller(r);
    if (caller != NULL) {
        caller->blocked_on = NULL;
        ipc_abort(caller);
    }
    if (r->receiver != NULL) {
        r->receiver->recv_reply = NULL; /* it keeps receiving, without a reply object */
        r->receiver = NULL;
    }
}
