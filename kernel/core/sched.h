/*
 * Scheduling: 256 fixed priorities (255 highest), round robin with a time
 * slice inside a priority, one run queue per CPU. A thread runs only on the
 * CPU of its affinity. The running thread is not in its queue; it goes back
 * to the tail when its slice ends or a higher-priority thread preempts it.
 *
 * All functions here run under the kernel lock.
 */
#ifndef KERNEL_CORE_SCHED_H
#define KERNEL_CORE_SCHED_H

#include "lib/types.h"

#define PRIORITY_COUNT 256
#define TIME_SLICE_US 10000

struct thread;
struct regs;

struct runqueue {
    uint64_t summary; /* bit w: bitmap[w] is not zero */
    uint64_t bitmap[PRIORITY_COUNT / 64];
    struct thread *head[PRIORITY_COUNT];
    struct thread *tail[PRIORITY_COUNT];
};

/* Makes t runnable on its CPU, preempting (by IPI if remote) a lower-priority
 * thread there. */
void sched_wake(struct thread *t);
/* Removes t from its run queue if it is queued. */
void sched_remove(struct thread *t);
/* The time slice of this CPU's thread ended. */
void sched_tick(void);
/* The EL2 timer fired: timeouts, then the slice. */
void sched_timer_interrupt(void);
/* Asks CPU index to re-pick its thread at its next kernel exit. */
void sched_resched_cpu(unsigned index);
/* Gives up the rest of the slice to threads of equal priority. */
void sched_yield(void);

/* If t runs on another CPU, makes that CPU let go of it (saving its
 * registers into t) and waits until it has. */
void sched_detach(struct thread *t);

/* The highest priority queued in rq, or -1. */
static inline int sched_rq_top(const struct runqueue *rq)
{
    if (rq->summary == 0) {
        return -1;
    }
    int w = 63 - __builtin_clzl(rq->summary);
    return w * 64 + 63 - __builtin_clzl(rq->bitmap[w]);
}

/*
 * Switches this CPU to next, which the caller took out of every queue (the
 * IPC fast path). Saves the outgoing thread's FP state if live.
 */
void sched_switch_to(struct thread *next);

/*
 * Ends a kernel entry: picks the thread this CPU runs next, switches to it,
 * releases the kernel lock and returns its registers for the exit path; when
 * nothing is runnable it does not return but idles the CPU.
 */
struct regs *sched_exit(void);

/* Idles this CPU until a thread is runnable, then runs it. Called on a CPU's
 * own stack with the kernel lock not held. */
NORETURN void sched_idle(void);

/* From a kernel entry with the lock held: lets go of the current thread,
 * releases the lock and idles. */
NORETURN void sched_switch_to_idle(void);

/* The empty translation table idle CPUs point TTBR0_EL2 at. */
void sched_init_idle_table(void);

#endif
