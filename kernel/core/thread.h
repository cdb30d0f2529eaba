/*
 * Threads and tasks. A task is an address space (a set of translation
 * tables with an ASID); a thread is a flow of execution in a task with its
 * own registers, priority and CPU affinity.
 */
#ifndef KERNEL_CORE_THREAD_H
#define KERNEL_CORE_THREAD_H

#include "arch/aarch64/mmu.h"
#include "arch/aarch64/regs.h"
#include "lib/types.h"

#define TASK_NAME_MAX 24

enum thread_state {
    THREAD_INACTIVE, /* created, not started */
    THREAD_RUNNABLE, /* running or in a run queue */
    THREAD_BLOCKED,
    THREAD_DEAD, /* stopped after a fault or exit */
};

struct task {
    struct mmu_space space;
    uint16_t asid;
    char name[TASK_NAME_MAX];
};

struct thread {
    struct regs regs; /* user state while not running */
    uint64_t tpidr_el0;
    uint64_t tpidrro_el0;
    struct task *task;
    struct thread *rq_next; /* run queue links (kernel lock) */
    struct thread *rq_prev;
    uint8_t state;    /* enum thread_state */
    uint8_t priority; /* 0 .. PRIORITY_COUNT-1, higher runs first */
    bool queued;
    uint16_t cpu; /* affinity */
};

static inline struct thread *thread_of_regs(struct regs *r)
{
    return (struct thread *)((uint8_t *)r - __builtin_offsetof(struct thread, regs));
}

/* Stops a thread for good and reports why (already printed by the caller). */
void thread_stop(struct thread *t);

/* Loads the root program into a new task and makes its thread runnable. */
void task_start_root(const void *elf, size_t size);

/* Translates a range of task memory for the kernel: the kernel VA of uva if
 * [uva, uva+len) lies within one page that the task may access (writable
 * if write), else NULL. */
void *task_user_ptr(struct task *task, uaddr_t uva, size_t len, bool write);

#endif
