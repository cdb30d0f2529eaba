/*
 * Ticket spinlocks (fair: CPUs get the lock in arrival order). Only valid
 * once the MMU is on: exclusive accesses need Normal memory.
 */
#ifndef KERNEL_CORE_SPINLOCK_H
#define KERNEL_CORE_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    uint16_t owner;
    uint16_t next;
};

static inline void spin_lock(struct spinlock *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
        __asm__ volatile("yield");
    }
}

static inline void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_held(const struct spinlock *l)
{
    return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif
