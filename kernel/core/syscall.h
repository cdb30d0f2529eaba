/*
 * System call dispatch: decodes the number in x8 and runs the call for the
 * calling thread, writing results into its saved registers. Each call first
 * decodes (looks up and checks every capability and argument, and may fail)
 * and only then invokes (changes state, and cannot fail), so an error never
 * leaves half-done work behind.
 */
#ifndef KERNEL_CORE_SYSCALL_H
#define KERNEL_CORE_SYSCALL_H

struct thread;

void syscall_dispatch(struct thread *t);

#endif
