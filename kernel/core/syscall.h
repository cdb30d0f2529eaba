/*
 * System call dispatch: decodes the number in x8 and runs the call for the
 * calling thread, writing results into its saved registers.
 */
#ifndef KERNEL_CORE_SYSCALL_H
#define KERNEL_CORE_SYSCALL_H

struct thread;

void syscall_dispatch(struct thread *t);

#endif
