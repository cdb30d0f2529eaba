/*
 * The kernel lock. Every kernel entry from a task takes it and every exit
 * releases it, so kernel objects need no finer locking (the model seL4 uses
 * on SMP). Kernel code never runs with interrupts enabled, so a holder is
 * never interrupted, and it is held only for the bounded work of one system
 * call or interrupt (revocation checks for pending interrupts and restarts).
 *
 * A ticket lock in one 32-bit word: the next ticket in the high half, the
 * owner in the low half, so an uncontended acquire is a single atomic add.
 * A CPU waiting for the lock still answers detach requests (sched.h): the
 * holder may need it to let go of a thread before it can finish.
 */
#ifndef KERNEL_CORE_KLOCK_H
#define KERNEL_CORE_KLOCK_H

#include <stdint.h>

struct kernel_lock {
    union {
        uint32_t word; /* next << 16 | owner */
        struct {
            uint16_t owner; /* little-endian: the low half */
            uint16_t next;
        } half;
    };
};

extern struct kernel_lock kernel_lock_word;

void sched_poll_detach(void);

static inline void kernel_lock(void)
{
    uint32_t old = __atomic_fetch_add(&kernel_lock_word.word, 1u << 16, __ATOMIC_ACQUIRE);
    uint16_t ticket = (uint16_t)(old >> 16);
    if (__builtin_expect((uint16_t)old == ticket, 1)) {
        return;
    }
    while (__atomic_load_n(&kernel_lock_word.half.owner, __ATOMIC_ACQUIRE) != ticket) {
        sched_poll_detach();
    }
}

static inline void kernel_unlock(void)
{
    /* Only the holder writes the owner half. */
    uint16_t owner = __atomic_load_n(&kernel_lock_word.half.owner, __ATOMIC_RELAXED);
    __atomic_store_n(&kernel_lock_word.half.owner, (uint16_t)(owner + 1), __ATOMIC_RELEASE);
}

#endif
