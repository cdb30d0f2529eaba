/*
 * The kernel lock. Every kernel entry from a task takes it and every exit
 * releases it, so kernel objects need no finer locking (the model seL4 uses
 * on SMP). Kernel code never runs with interrupts enabled, so a holder is
 * never interrupted, and it is held only for the bounded work of one system
 * call or interrupt (revocation checks for pending interrupts and restarts).
 *
 * A CPU waiting for the lock still answers detach requests (sched.h): the
 * holder may need it to let go of a thread before it can finish.
 */
#ifndef KERNEL_CORE_KLOCK_H
#define KERNEL_CORE_KLOCK_H

#include "core/spinlock.h"

extern struct spinlock kernel_lock_word;

void sched_poll_detach(void);

static inline void kernel_lock(void)
{
    uint16_t ticket = __atomic_fetch_add(&kernel_lock_word.next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&kernel_lock_word.owner, __ATOMIC_ACQUIRE) != ticket) {
        sched_poll_detach();
    }
}

static inline void kernel_unlock(void)
{
    spin_unlock(&kernel_lock_word);
}

#endif
