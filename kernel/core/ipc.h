/*
 * Message transfer between threads, shared by endpoints, replies and fault
 * delivery: tag, message words (registers, then IPC buffers), capabilities.
 */
#ifndef KERNEL_CORE_IPC_H
#define KERNEL_CORE_IPC_H

#include "lib/types.h"

struct thread;

/*
 * Delivers sender's message to receiver: receiver's x0 = BT_OK, x1 = tag
 * (with the words and capabilities actually delivered), x2 = badge,
 * x3-x7 = MR0-MR4, the rest into its IPC buffer. Capabilities travel only if
 * grant is set.
 */
void ipc_transfer(struct thread *sender, struct thread *receiver, uint64_t badge, bool grant);

/*
 * A thread's IPC ended without a partner (the endpoint, reply object or
 * receiver went away): a system call fails with BT_E_GONE; a fault report
 * that nobody will answer stops the thread and is printed instead.
 */
void ipc_abort(struct thread *t);

#endif
