/*
 * Per-CPU timeouts: threads that sleep until a counter value (vCPUs in WFI
 * whose virtual timer is due then). The EL2 timer is programmed for the
 * earlier of the time slice's end and the first timeout. All under the
 * kernel lock.
 */
#ifndef KERNEL_CORE_TIMEOUT_H
#define KERNEL_CORE_TIMEOUT_H

#include "lib/types.h"

struct thread;
struct cpu;

/* t sleeps on its CPU until the physical counter reaches deadline. */
void timeout_add(struct thread *t, uint64_t deadline);
void timeout_cancel(struct thread *t);
/* Wakes every thread of this CPU whose deadline has passed. */
void timeout_expire(uint64_t now);
/* The earliest deadline on CPU c, or ~0. */
uint64_t timeout_next(const struct cpu *c);

#endif
