/*
 * The kernel lock. Every kernel entry from a task takes it and every exit
 * releases it, so kernel objects need no finer locking (the model seL4 uses
 * on SMP). Kernel code never runs with interrupts enabled, so a lock holder
 * is never interrupted, and the lock is held only for the short, bounded
 * work of one system call or interrupt.
 */
#ifndef KERNEL_CORE_KLOCK_H
#define KERNEL_CORE_KLOCK_H

#include "core/spinlock.h"

extern struct spinlock kernel_lock_word;

static inline void kernel_lock(void)
{
    spin_lock(&kernel_lock_word);
}

static inline void kernel_unlock(void)
{
    spin_unlock(&kernel_lock_word);
}

#endif
