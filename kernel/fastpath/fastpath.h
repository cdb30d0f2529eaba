/*
 * The IPC fast path: call and reply_recv with short messages between
 * threads on the same CPU, switching directly from the sender to the
 * receiver without queueing or scheduling. Anything unusual returns NULL and
 * the system call takes the slow path.
 */
#ifndef KERNEL_FASTPATH_FASTPATH_H
#define KERNEL_FASTPATH_FASTPATH_H

struct thread;
struct regs;

#include <stdint.h>

/* Where the fast path goes: the thread to resume (NULL: take the slow path)
 * and the badge its message carries. The message is already in the
 * receiver's saved registers x0-x7, from which the exit code (entry.S,
 * fastpath_exit) resumes it. */
struct fastpath_result {
    struct regs *next;
    uint64_t badge;
};

/* Run call (8) or reply_recv (9), whose registers are r, if the fast path
 * can, with the kernel lock released again. */
struct fastpath_result fastpath_call(struct regs *r);
struct fastpath_result fastpath_reply_recv(struct regs *r);

#endif
