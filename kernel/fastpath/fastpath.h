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

/* Runs t's system call if the fast path can; returns the registers of the
 * thread to resume (with the kernel lock released), or NULL. */
struct regs *fastpath_try(struct thread *t);

#endif
