/*
 * Scheduler: see sched.h. Each CPU's queue has a bitmap of non-empty
 * priorities, so picking the next thread is a few bit scans.
 */
#include "core/sched.h"
#include "core/switch.h"
#include "core/timeout.h"
#include "arch/aarch64/fpu.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/entry.h"
#include "core/klock.h"
#include "core/panic.h"
#include "core/pmem.h"
#include "object/thread.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count;
struct kernel_lock kernel_lock_word;
static uint64_t idle_ttbr0; /* an empty table, ASID 0 */

void sched_init_idle_table(void)
{
    idle_ttbr0 = pmem_alloc(PAGE_SIZE, PAGE_SIZE);
    CHECK(idle_ttbr0 != 0);
}

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
    rq->summary |= 1UL << (p / 64);
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
        if (rq->bitmap[p / 64] == 0) {
            rq->summary &= ~(1UL << (p / 64));
        }
    }
    t->queued = false;
}

static int rq_top(const struct runqueue *rq)
{
    return sched_rq_top(rq);
}

void sched_remove(struct thread *t)
{
    if (t->queued) {
        rq_unlink(&cpus[t->cpu].rq, t);
    }
}

void sched_resched_cpu(unsigned index)
{
    if (index == this_cpu()->index) {
        this_cpu()->resched = true;
    } else {
        gic_send_sgi(cpus[index].mpidr, GIC_SGI_RESCHEDULE);
    }
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
        sched_resched_cpu(t->cpu);
    }
}

void sched_timer_interrupt(void)
{
    struct cpu *c = this_cpu();
    uint64_t now = timer_now();
    timeout_expire(now);
    if (c->current != NULL && now >= c->slice_end) {
        sched_tick();
    }
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    c->resched = true;
    c->slice_expired = true;
}

void sched_yield(void)
{
    sched_tick();
}

void sched_detach(struct thread *t)
{
    struct cpu *self = this_cpu();
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *c = &cpus[i];
        if (c == self || c->current != t) {
            continue;
        }
        __atomic_store_n(&c->detach_req, 1, __ATOMIC_RELEASE);
        gic_send_sgi(c->mpidr, GIC_SGI_RESCHEDULE);
        while (__atomic_load_n(&c->detach_req, __ATOMIC_ACQUIRE)) {
            __asm__ volatile("yield");
        }
    }
}

/* Lets go of the current thread at the lock holder's request: its
 * registers are already saved (it entered the kernel to get here). */
void sched_poll_detach(void)
{
    struct cpu *c = this_cpu();
    if (!__atomic_load_n(&c->detach_req, __ATOMIC_ACQUIRE)) {
        __asm__ volatile("yield");
        return;
    }
    if (c->current != NULL) {
        switch_out(c->current);
    }
    c->current = NULL;
    switch_load_ttbr0(c, idle_ttbr0);
    __atomic_store_n(&c->detach_req, 0, __ATOMIC_RELEASE);
}

void sched_switch_to(struct thread *next)
{
    switch_to(this_cpu(), next);
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

/* The EL2 timer fires at the end of the slice or at the first timeout. */
static void program_timer(struct cpu *c)
{
    uint64_t at = timeout_next(c);
    if (c->current != NULL && c->slice_end < at) {
        at = c->slice_end;
    }
    if (at == c->timer_at) {
        return; /* most kernel exits: nothing changed */
    }
    c->timer_at = at;
    if (at == ~0UL) {
        timer_disarm();
    } else {
        timer_arm_at(at);
    }
}

static void begin_slice(struct cpu *c)
{
    c->slice_expired = false;
    c->slice_end = timer_now() + timer_ticks(TIME_SLICE_US);
}

struct regs *sched_exit(void)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (c->resched || cur == NULL || cur->state != THREAD_RUNNABLE || cur->cpu != c->index) {
        c->resched = false;
        int top = rq_top(&c->rq);
        if (should_switch(c, cur, top)) {
            if (cur != NULL && cur->state == THREAD_RUNNABLE) {
                /* Preempted, slice used up, or moved: back to the tail of the
                 * queue of the CPU its affinity names. */
                c->current = NULL;
                sched_wake(cur);
                c->current = cur;
                top = rq_top(&c->rq);
            }
            if (top < 0) {
                sched_switch_to_idle();
            }
            struct thread *next = c->rq.head[top];
            rq_unlink(&c->rq, next);
            sched_switch_to(next);
            begin_slice(c);
        } else if (c->slice_expired) {
            begin_slice(c);
        }
        c->resched = false;
    }
    if (unlikely(c->current->vcpu.is)) {
        vcpu_prepare_entry(c->current);
    }
    program_timer(c);
    kernel_unlock();
    return &c->current->regs;
}

/* Leaves the current thread (saving its FP state) and idles. */
NORETURN void sched_switch_to_idle(void)
{
    struct cpu *c = this_cpu();
    if (c->current != NULL) {
        switch_out(c->current);
    }
    c->current = NULL;
    switch_load_ttbr0(c, idle_ttbr0);
    kernel_unlock();
    idle_enter(c->kstack_top);
}

/* The idle loop proper, on a fresh stack (see idle_enter in entry.S). */
NORETURN void sched_idle_loop(void)
{
    struct cpu *c = this_cpu();
    for (;;) {
        kernel_lock();
        /* What woke the WFI below is handled here, without taking the
         * exception: reading the GIC's acknowledge register works with
         * interrupts masked. */
        while (trap_handle_irq()) {
        }
        int top = rq_top(&c->rq);
        if (top >= 0) {
            struct thread *next = c->rq.head[top];
            rq_unlink(&c->rq, next);
            sched_switch_to(next);
            begin_slice(c);
            c->resched = false;
            if (unlikely(next->vcpu.is)) {
                vcpu_prepare_entry(next);
            }
            program_timer(c);
            kernel_unlock();
            exit_to_user(&next->regs);
        }
        program_timer(c); /* only timeouts, while idle */
        kernel_unlock();
        /* WFI with interrupts masked still wakes on a pending one, so none
         * is lost between the check above and the wait. */
        wfi();
    }
}

void sched_idle(void)
{
    struct cpu *c = this_cpu();
    c->current = NULL;
    c->ttbr0 = ~0UL;
    switch_load_ttbr0(c, idle_ttbr0);
    idle_enter(c->kstack_top);
}
