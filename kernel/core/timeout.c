/*
 * Timeouts: see timeout.h. A short list per CPU, sorted by deadline; a
 * handful of sleeping vCPUs at most, so a list is the right structure.
 */
#include "core/timeout.h"
#include "core/cpu.h"
#include "core/sched.h"
#include "object/thread.h"
#include "object/vcpu.h"

void timeout_add(struct thread *t, uint64_t deadline)
{
    struct cpu *c = &cpus[t->cpu];
    struct thread **p = &c->timeouts;
    while (*p != NULL && (*p)->vcpu.deadline <= deadline) {
        p = &(*p)->vcpu.timeout_next;
    }
    t->vcpu.deadline = deadline;
    t->vcpu.timeout_next = *p;
    t->vcpu.on_timeout = true;
    *p = t;
}

void timeout_cancel(struct thread *t)
{
    if (!t->vcpu.on_timeout) {
        return;
    }
    for (unsigned i = 0; i < cpu_count; i++) {
        for (struct thread **p = &cpus[i].timeouts; *p != NULL; p = &(*p)->vcpu.timeout_next) {
            if (*p == t) {
                *p = t->vcpu.timeout_next;
                t->vcpu.on_timeout = false;
                return;
            }
        }
    }
}

void timeout_expire(uint64_t now)
{
    struct cpu *c = this_cpu();
    while (c->timeouts != NULL && c->timeouts->vcpu.deadline <= now) {
        struct thread *t = c->timeouts;
        c->timeouts = t->vcpu.timeout_next;
        t->vcpu.on_timeout = false;
        vcpu_wake(t);
    }
}

uint64_t timeout_next(const struct cpu *c)
{
    return c->timeouts != NULL ? c->timeouts->vcpu.deadline : ~0UL;
}
