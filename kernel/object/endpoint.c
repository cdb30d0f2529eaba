/*
 * Endpoint IPC, the slow path: see endpoint.h. The fast path
 * (fastpath/fastpath.c) handles the common call/reply-receive cases without
 * queueing and falls back here for everything else.
 */
#include "object/endpoint.h"
#include "abi/errors.h"
#include "core/ipc.h"
#include "core/sched.h"
#include "object/reply.h"
#include "object/thread.h"

/* The caller's call was delivered; bind it to the receiver's reply object,
 * or fail it if the receiver gave none. */
static void bind_caller(struct thread *caller, struct reply *reply, unsigned flags)
{
    caller->send_flags = (uint8_t)flags;
    if (reply == NULL) {
        ipc_abort(caller);
        return;
    }
    reply_bind(reply, caller);
    caller->state = THREAD_BLOCKED_REPLY;
    caller->blocked_on = reply;
}

bool endpoint_send(struct endpoint *ep, struct thread *sender, uint64_t badge, unsigned flags,
                   bool block)
{
    if (ep->state == EP_RECV) {
        struct thread *r = ep->head;
        ep_queue_remove(ep, r);
        struct reply *reply = r->recv_reply;
        r->recv_reply = NULL;
        if (reply != NULL) {
            reply->receiver = NULL;
        }
        sender->send_flags = (uint8_t)flags;
        ipc_transfer(sender, r, badge, flags & SEND_GRANT);
        r->blocked_on = NULL;
        sched_wake(r);
        if (flags & SEND_CALL) {
            bind_caller(sender, reply, flags);
        } else {
            sender->send_flags = 0;
        }
        return true;
    }
    if (!block) {
        return false;
    }
    sender->state = THREAD_BLOCKED_SEND;
    sender->blocked_on = ep;
    sender->send_badge = badge;
    sender->send_flags = (uint8_t)flags;
    ep_queue_append(ep, sender);
    ep->state = EP_SEND;
    return true;
}

bool endpoint_receive(struct endpoint *ep, struct thread *receiver, struct reply *reply, bool block)
{
    if (ep->state == EP_SEND) {
        struct thread *s = ep->head;
        ep_queue_remove(ep, s);
        unsigned flags = s->send_flags;
        ipc_transfer(s, receiver, s->send_badge, flags & SEND_GRANT);
        s->blocked_on = NULL;
        if (flags & SEND_CALL) {
            bind_caller(s, reply, flags);
        } else {
            s->send_flags = 0;
            thread_wake_with(s, BT_OK);
        }
        return true;
    }
    if (!block) {
        return false;
    }
    receiver->state = THREAD_BLOCKED_RECV;
    receiver->blocked_on = ep;
    receiver->recv_reply = reply;
    if (reply != NULL) {
        reply->receiver = receiver;
    }
    ep_queue_append(ep, receiver);
    ep->state = EP_RECV;
    return true;
}

void endpoint_cancel(struct endpoint *ep, struct thread *t)
{
    if (ep != NULL) {
        ep_queue_remove(ep, t);
    }
}

void endpoint_destroy(struct endpoint *ep)
{
    while (ep->head != NULL) {
        struct thread *t = ep->head;
        ep_queue_remove(ep, t);
        if (t->recv_reply != NULL) {
            t->recv_reply->receiver = NULL;
            t->recv_reply = NULL;
        }
        ipc_abort(t);
    }
}
