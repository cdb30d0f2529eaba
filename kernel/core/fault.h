/*
 * Faults of threads: delivered as a call to the thread's fault endpoint
 * (the L4 pager model: the handler maps what is missing, or fixes the
 * registers, and replies to resume), or, when the thread has no fault
 * handler, reported on the console and the thread stopped.
 */
#ifndef KERNEL_CORE_FAULT_H
#define KERNEL_CORE_FAULT_H

#include "lib/types.h"

struct thread;

/* t took a synchronous exception that is not a system call. */
void fault_deliver(struct thread *t, uint64_t esr, uint64_t far);

/* The ABI label of the fault t is reporting. */
uint64_t fault_label(const struct thread *t);

/* Prints t's pending fault (t->fault_msg) and that it stopped, and why. */
void fault_report_unhandled(struct thread *t, const char *why);

#endif
