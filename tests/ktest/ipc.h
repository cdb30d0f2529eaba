/*
 * ktest: what the IPC suites (ipc.c, ipc_caps.c, ipc_reply.c) share: worker
 * threads that receive, send, call or serve once or in a loop and leave
 * what they saw in a struct rx that root reads. Defined in ipc.c.
 */
#ifndef TESTS_KTEST_IPC_H
#define TESTS_KTEST_IPC_H

#include "ktest.h"

/* A worker's view of one receive, shared with root. */
struct rx {
    bt_cptr_t ep, reply, ntfn;
    bt_cptr_t recv_slots[BT_MSG_MAX_CAPS];
    volatile uint64_t started, done;
    uint64_t status;
    struct bt_msg m;
    uint64_t words[BT_MSG_MAX_WORDS]; /* MR5 and up, as received */
};

/* A zeroed struct rx in the case's memory for endpoint ep and reply
 * object reply (some workers read other meanings into reply). */
struct rx *ipc_rx_new(struct kt *kt, bt_cptr_t ep, bt_cptr_t reply);

/* Receives one message on rx->ep (binding callers to rx->reply) with
 * rx->recv_slots as receive slots, keeps it and MR5.. in rx, signals
 * rx->ntfn if set. */
void ipc_receive_once(uint64_t arg);
/* Sends rx->m on rx->ep (calls instead if rx->reply == 1); keeps the status
 * and the reply. */
void ipc_send_once(uint64_t arg);
/* Calls rx->ep with MR0 = rx->reply (an id); keeps the status and reply. */
void ipc_call_once(uint64_t arg);

#endif
