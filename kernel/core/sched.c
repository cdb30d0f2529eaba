/*
 * Scheduler: see sched.h. Each CPU's queue has a bitmap of non-empty
 * priorities, so picking the next thread is a few bit scans.
 */
#include "core/sched.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/klock.h"
#include "core/thread.h"
#include "core/entry.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count;

static void rq_push_tail(struct runqueue *rq, struct thread *t)
{
    unsigned p = t->priority;
    t->rq_next = NULL;
    t->rq_prev = rq->tail[p];
    if (rq->tail[p] != NULL) {
        rq->tail[p]->rq_next = t;
    } else {
        rq->head[p] = t;
    }
    rq->tail[p] = t;
    rq->bitmap[p / 64] |= 1UL << (p % 64);
    t->queued = true;
}

static void rq_unlink(struct runqueue *rq, struct thread *t)
{
    unsigned p = t->priority;
    if (t->rq_prev != NULL) {
        t->rq_prev->rq_next = t->rq_next;
    } else {
        rq->head[p] = t->rq_next;
    }
    if (t->rq_next != NULL) {
        t->rq_next->rq_prev = t->rq_prev;
    } else {
        rq->tail[p] = t->rq_prev;
    }
    if (rq->head[p] == NULL) {
        rq->bitmap[p / 64] &= ~(1UL << (p % 64));
    }
    t->queued = false;
}

/* Highest queued priority, or -1 when the queue is empty. */
static int rq_top(const struct runqueue *rq)
{
    for (int w = PRIORITY_COUNT / 64 - 1; w >= 0; w--) {
        if (rq->bitmap[w] != 0) {
            return w * 64 + 63 - __builtin_clzl(rq->bitmap[w]);
        }
    }
    return -1;
}

void sched_remove(struct thread *t)
{
    if (t->queued) {
        rq_unlink(&cpus[t->cpu].rq, t);
    }
}

void sched_request_resched(void)
{
    this_cpu()->resched = true;
}

void sched_wake(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    t->state = THREAD_RUNNABLE;
    if (t->queued || c->current == t) {
        return;
    }
    rq_push_tail(&c->rq, t);
    struct thread *running = c->current;
    if (running == NULL || running->priority < t->priority) {
        if (c == this_cpu()) {
            c->resched = true;
        } else {
            gic_send_sgi(c->mpidr, GIC_SGI_RESCHEDULE);
        }
    }
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    c->resched = true;
    c->slice_expired = true;
}

/* Should cur give the CPU to the best queued thread? */
static bool should_switch(const struct cpu *c, const struct thread *cur, int top)
{
    if (cur == NULL || cur->state != THREAD_RUNNABLE || cur->cpu != c->index) {
        return true;
    }
    if (top > cur->priority) {
        return true;
    }
    return top == cur->priority && c->slice_expired;
}

static void switch_to(struct cpu *c, struct thread *next)
{
    struct thread *prev = c->current;
    if (prev != NULL) {
        prev->tpidr_el0 = sysreg_read(tpidr_el0);
        prev->tpidrro_el0 = sysreg_read(tpidrro_el0);
    }
    sysreg_write(tpidr_el0, next->tpidr_el0);
    sysreg_write(tpidrro_el0, next->tpidrro_el0);
    if (prev == NULL || prev->task != next->task) {
        struct task *task = next->task;
        sysreg_write(ttbr0_el2, task->space.root | (uint64_t)task->asid << 48);
        isb();
    }
    c->current = next;
    c->slice_expired = false;
    timer_arm_slice(TIME_SLICE_US);
}

struct regs *sched_exit(void)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (c->resched || cur == NULL || cur->state != THREAD_RUNNABLE) {
        c->resched = false;
        int top = rq_top(&c->rq);
        if (should_switch(c, cur, top)) {
            if (cur != NULL && cur->state == THREAD_RUNNABLE) {
                /* Preempted or its slice ended: back to the tail (or to the
                 * CPU its affinity now names). */
                c->current = NULL;
                sched_wake(cur);
                top = rq_top(&c->rq);
            }
            struct thread *next = top >= 0 ? c->rq.head[top] : NULL;
            if (next == NULL) {
                c->current = NULL;
                kernel_unlock();
                sched_idle();
            }
            rq_unlink(&c->rq, next);
            switch_to(c, next);
        }
        c->resched = false;
    }
    kernel_unlock();
    return &c->current->regs;
}

/* The idle loop proper, on a fresh stack (see idle_enter in entry.S). */
NORETURN void sched_idle_loop(void)
{
    struct cpu *c = this_cpu();
    timer_disarm();
    for (;;) {
        kernel_lock();
        int top = rq_top(&c->rq);
        if (top >= 0) {
            struct thread *next = c->rq.head[top];
            rq_unlink(&c->rq, next);
            switch_to(c, next);
            c->resched = false;
            kernel_unlock();
            exit_to_user(&next->regs);
        }
        kernel_unlock();
        /* WFI with interrupts masked still wakes on a pending one; it is then
         * taken in the short unmasked window, never lost between the check
         * above and the wait. */
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
}

void sched_idle(void)
{
    struct cpu *c = this_cpu();
    c->current = NULL;
    idle_enter(c->kstack_top);
}
