/*
 * System calls: see abi/syscall.h for numbers and registers and
 * docs/kernel-api.md for what each does. Handlers return the status for x0,
 * or SYS_NO_STATUS when the registers are already set (a message arrived) or
 * will be set by whoever wakes the blocked caller.
 */
#include "core/syscall.h"
#include "abi/errors.h"
#include "abi/ipc.h"
#include "abi/syscall.h"
#include "arch/aarch64/psci.h"
#include "core/cpu.h"
#include "core/ipc.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/test_hooks.h"
#include "lib/string.h"
#include "object/cspace.h"
#include "object/endpoint.h"
#include "object/irq.h"
#include "object/notification.h"
#include "object/object.h"
#include "object/reply.h"
#include "object/thread.h"
#include "object/untyped.h"
#include "object/vspace.h"
#include "object/vcpu.h"
#include "object/vm.h"

#define SYS_NO_STATUS 0xffffu

typedef unsigned (*syscall_fn)(struct thread *t, uint64_t *x);

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        enum bt_status st_ = (expr);                                                               \
        if (st_ != BT_OK) {                                                                        \
            return st_;                                                                            \
        }                                                                                          \
    } while (0)

/* ---- debugging and scheduling ---- */

/* Copies the task's bytes page by page (a string may cross pages). */
static enum bt_status copy_in(struct thread *t, void *dst, uint64_t uva, uint64_t len)
{
    uint64_t done = 0;
    while (done < len) {
        uint64_t a = uva + done;
        uint64_t chunk = MIN(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
        const void *src = thread_user_ptr(t, a, chunk, false);
        if (src == NULL) {
            return BT_E_ADDR;
        }
        memcpy((uint8_t *)dst + done, src, chunk);
        done += chunk;
    }
    return BT_OK;
}

static unsigned sys_debug_write(struct thread *t, uint64_t *x)
{
    static char buf[BT_DEBUG_WRITE_MAX];
    if (x[1] > BT_DEBUG_WRITE_MAX) {
        return BT_E_ARG;
    }
    TRY(copy_in(t, buf, x[0], x[1]));
    printk_write(buf, x[1]);
    return BT_OK;
}

static unsigned sys_debug_name(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_NONE, BT_RIGHT_WRITE, &s));
    char *name;
    if (s->cap.type == BT_OBJ_THREAD) {
        name = ((struct thread *)s->cap.obj)->name;
    } else if (s->cap.type == BT_OBJ_TASK) {
        name = ((struct task *)s->cap.obj)->name;
    } else {
        return BT_E_TYPE;
    }
    char buf[THREAD_NAME_MAX];
    if (x[2] >= sizeof(buf)) {
        return BT_E_ARG;
    }
    TRY(copy_in(t, buf, x[1], x[2]));
    buf[x[2]] = 0;
    strncpy_bounded(name, buf, THREAD_NAME_MAX);
    return BT_OK;
}

static unsigned sys_thread_exit(struct thread *t, uint64_t *x)
{
    (void)x;
    thread_stop(t);
    return SYS_NO_STATUS;
}

static unsigned sys_null(struct thread *t, uint64_t *x)
{
    (void)t;
    (void)x;
    return BT_OK;
}

static unsigned sys_yield(struct thread *t, uint64_t *x)
{
    (void)t;
    (void)x;
    sched_yield();
    return BT_OK;
}

/* ---- IPC ---- */

static enum bt_status get_reply(struct thread *t, uint64_t cptr, struct reply **out)
{
    *out = NULL;
    if (cptr == 0) {
        return BT_OK;
    }
    struct slot *s;
    TRY(cspace_get(t, cptr, BT_OBJ_REPLY, 0, &s));
    *out = (struct reply *)s->cap.obj;
    return BT_OK;
}

/* Labels from BT_LABEL_KERNEL up are the kernel's (faults, notifications,
 * VM exits): a task cannot send them, so a receiver can trust them. */
static bool label_is_kernels(uint64_t tag)
{
    return BT_TAG_LABEL(tag) >= BT_LABEL_KERNEL;
}

static unsigned do_send(struct thread *t, uint64_t *x, unsigned flags, bool block)
{
    struct slot *s;
    if (label_is_kernels(x[1])) {
        return BT_E_ARG;
    }
    TRY(cspace_get(t, x[0], BT_OBJ_ENDPOINT, BT_RIGHT_WRITE, &s));
    if (s->cap.rights & BT_RIGHT_GRANT) {
        flags |= SEND_GRANT;
    }
    if (!endpoint_send((struct endpoint *)s->cap.obj, t, s->cap.badge, flags, block)) {
        return BT_E_WOULDBLOCK;
    }
    if (t->state != THREAD_RUNNABLE) {
        return SYS_NO_STATUS; /* queued, or waiting for the reply */
    }
    return (flags & SEND_CALL) ? SYS_NO_STATUS : BT_OK;
}

static unsigned sys_call(struct thread *t, uint64_t *x)
{
    return do_send(t, x, SEND_CALL, true);
}

static unsigned sys_send(struct thread *t, uint64_t *x)
{
    return do_send(t, x, 0, true);
}

static unsigned sys_nbsend(struct thread *t, uint64_t *x)
{
    return do_send(t, x, 0, false);
}

/* The receive half of recv, nbrecv and reply_recv, after decoding. */
static unsigned receive(struct thread *t, struct slot *src, struct reply *reply, bool block)
{
    uint64_t *x = t->regs.x;
    if (src->cap.type == BT_OBJ_NOTIFICATION) {
        uint64_t bits = notification_wait((struct notification *)src->cap.obj, t, block);
        if (bits == 0) {
            return block ? SYS_NO_STATUS : BT_E_WOULDBLOCK;
        }
        x[1] = 0;
        x[2] = bits;
        return BT_OK;
    }
    struct notification *bound = t->bound_ntfn;
    if (bound != NULL && bound->word != 0) {
        x[1] = BT_TAG(BT_LABEL_NOTIFICATION, 0, 0);
        x[2] = notification_wait(bound, t, false);
        return BT_OK;
    }
    if (!endpoint_receive((struct endpoint *)src->cap.obj, t, reply, block)) {
        return BT_E_WOULDBLOCK;
    }
    return SYS_NO_STATUS;
}

static enum bt_status decode_receive(struct thread *t, uint64_t *x, struct slot **src,
                                     struct reply **reply)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_NONE, BT_RIGHT_READ, &s));
    if (s->cap.type != BT_OBJ_ENDPOINT && s->cap.type != BT_OBJ_NOTIFICATION) {
        return BT_E_TYPE;
    }
    TRY(get_reply(t, x[2], reply));
    *src = s;
    return BT_OK;
}

static unsigned do_recv(struct thread *t, uint64_t *x, bool block)
{
    struct slot *src;
    struct reply *reply;
    TRY(decode_receive(t, x, &src, &reply));
    if (reply != NULL && (reply->caller != NULL || reply->receiver != NULL)) {
        return BT_E_BUSY;
    }
    return receive(t, src, reply, block);
}

static unsigned sys_recv(struct thread *t, uint64_t *x)
{
    return do_recv(t, x, true);
}

static unsigned sys_nbrecv(struct thread *t, uint64_t *x)
{
    return do_recv(t, x, false);
}

/* Sends t's message to the thread bound to reply, which resumes. */
static void deliver_reply(struct thread *t, struct reply *reply)
{
    struct thread *caller = reply_take_caller(reply);
    if (caller == NULL) {
        return;
    }
    if ((caller->send_flags & SEND_FAULT) == 0) {
        ipc_transfer(t, caller, 0, true);
    } else if (caller->vcpu.is) {
        vcpu_resume(caller, t->regs.x[1], &t->regs.x[3]);
    }
    caller->send_flags = 0;
    caller->blocked_on = NULL;
    sched_wake(caller);
}

static unsigned sys_reply(struct thread *t, uint64_t *x)
{
    struct reply *reply;
    if (label_is_kernels(x[1])) {
        return BT_E_ARG;
    }
    TRY(get_reply(t, x[2], &reply));
    if (reply == NULL) {
        return BT_E_CAP;
    }
    if (reply->caller == NULL) {
        return BT_E_BUSY;
    }
    deliver_reply(t, reply);
    return BT_OK;
}

static unsigned sys_reply_recv(struct thread *t, uint64_t *x)
{
    struct slot *src;
    struct reply *reply;
    TRY(decode_receive(t, x, &src, &reply));
    if (reply != NULL && reply->receiver != NULL) {
        return BT_E_BUSY;
    }
    if (label_is_kernels(x[1])) {
        return BT_E_ARG;
    }
    if (reply != NULL) {
        deliver_reply(t, reply);
    }
    return receive(t, src, reply, true);
}

static unsigned sys_signal(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_NOTIFICATION, BT_RIGHT_WRITE, &s));
    notification_signal((struct notification *)s->cap.obj, s->cap.badge);
    return BT_OK;
}

static unsigned do_wait(struct thread *t, uint64_t *x, bool block)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_NOTIFICATION, BT_RIGHT_READ, &s));
    uint64_t bits = notification_wait((struct notification *)s->cap.obj, t, block);
    if (bits == 0 && block) {
        return SYS_NO_STATUS;
    }
    x[2] = bits;
    return BT_OK;
}

static unsigned sys_wait(struct thread *t, uint64_t *x)
{
    return do_wait(t, x, true);
}

static unsigned sys_poll(struct thread *t, uint64_t *x)
{
    return do_wait(t, x, false);
}

/* ---- capabilities ---- */

static unsigned copy_or_mint(struct thread *t, uint64_t *x, bool mint)
{
    struct slot *dst, *src;
    TRY(cspace_slot_at(t, x[2], x[3], false, &src));
    TRY(cspace_slot_at(t, x[0], x[1], true, &dst));
    struct cap c;
    TRY(cap_derive(&src->cap, (unsigned)x[4], &c));
    if (mint) {
        if (c.type != BT_OBJ_ENDPOINT && c.type != BT_OBJ_NOTIFICATION) {
            return BT_E_TYPE;
        }
        if (src->cap.badge != 0) {
            return BT_E_BUSY; /* a badged capability cannot be re-badged */
        }
        c.badge = x[5];
    }
    cap_insert(dst, &c, src);
    return BT_OK;
}

static unsigned sys_cap_copy(struct thread *t, uint64_t *x)
{
    return copy_or_mint(t, x, false);
}

static unsigned sys_cap_mint(struct thread *t, uint64_t *x)
{
    return copy_or_mint(t, x, true);
}

static unsigned sys_cap_move(struct thread *t, uint64_t *x)
{
    struct slot *dst, *src;
    TRY(cspace_slot_at(t, x[2], x[3], false, &src));
    TRY(cspace_slot_at(t, x[0], x[1], true, &dst));
    cap_move(dst, src);
    return BT_OK;
}

static unsigned sys_cap_delete(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_slot_at(t, x[0], x[1], false, &s));
    cap_delete(s);
    return BT_OK;
}

static unsigned sys_cap_revoke(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_slot_at(t, x[0], x[1], false, &s));
    if (!cap_revoke(s)) {
        /* An interrupt is pending: let it in, then carry on from here. */
        t->regs.pc -= 4;
        return SYS_NO_STATUS;
    }
    if (s->cap.type == BT_OBJ_UNTYPED) {
        s->cap.badge = 0; /* nothing is made of it any more */
    }
    return BT_OK;
}

static unsigned sys_cap_identify(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_NONE, 0, &s));
    const struct cap *c = &s->cap;
    bool physical = c->type == BT_OBJ_FRAME || c->type == BT_OBJ_UNTYPED;
    x[1] = c->type;
    x[2] = c->rights;
    x[3] = c->type == BT_OBJ_ENDPOINT || c->type == BT_OBJ_NOTIFICATION ? c->badge : 0;
    x[4] = c->size_bits;
    x[5] = physical ? c->obj : 0;
    x[6] = c->type == BT_OBJ_UNTYPED ? c->badge : (c->map & ((1UL << 48) - 1));
    return BT_OK;
}

/* ---- objects ---- */

static unsigned sys_untyped_retype(struct thread *t, uint64_t *x)
{
    struct slot *ut, *dst;
    TRY(cspace_get(t, x[0], BT_OBJ_UNTYPED, BT_RIGHT_WRITE, &ut));
    TRY(cspace_get(t, x[3], BT_OBJ_CNODE, BT_RIGHT_WRITE, &dst));
    if (x[1] >= BT_OBJ_TYPE_COUNT) {
        return BT_E_ARG;
    }
    /* Fixed-size types ignore x2; for the others no size above 63 is valid. */
    unsigned size_bits = x[2] > 63 ? 0 : (unsigned)x[2];
    return untyped_retype(ut, (unsigned)x[1], size_bits, (struct cnode *)dst->cap.obj, x[4], x[5]);
}

/* A task or a VM: where frames and tables can be mapped. */
static enum bt_status get_space(struct thread *t, uint64_t cptr, struct slot **out)
{
    TRY(cspace_get(t, cptr, BT_OBJ_NONE, BT_RIGHT_WRITE, out));
    unsigned type = (*out)->cap.type;
    return type == BT_OBJ_TASK || type == BT_OBJ_VM ? BT_OK : BT_E_TYPE;
}

static unsigned sys_task_map(struct thread *t, uint64_t *x)
{
    struct slot *space, *frame;
    TRY(get_space(t, x[0], &space));
    TRY(cspace_get(t, x[1], BT_OBJ_FRAME, 0, &frame));
    uint64_t level = 0;
    enum bt_status st = space->cap.type == BT_OBJ_VM
                            ? vspace_map_frame_vm((struct vm *)space->cap.obj, &frame->cap, x[2],
                                                  (unsigned)x[3], (unsigned)x[4], &level)
                            : vspace_map_frame((struct task *)space->cap.obj, &frame->cap, x[2],
                                               (unsigned)x[3], (unsigned)x[4], &level);
    if (st == BT_E_NOTABLE) {
        x[1] = level;
    }
    return st;
}

static unsigned sys_task_unmap(struct thread *t, uint64_t *x)
{
    struct slot *frame;
    TRY(cspace_get(t, x[0], BT_OBJ_FRAME, 0, &frame));
    vspace_unmap_frame(&frame->cap);
    return BT_OK;
}

static unsigned sys_task_map_table(struct thread *t, uint64_t *x)
{
    struct slot *space, *table;
    TRY(get_space(t, x[0], &space));
    TRY(cspace_get(t, x[1], BT_OBJ_PAGE_TABLE, 0, &table));
    uint64_t level = 0;
    TRY(space->cap.type == BT_OBJ_VM
            ? vspace_map_table_vm((struct vm *)space->cap.obj, &table->cap, x[2], &level)
            : vspace_map_table((struct task *)space->cap.obj, &table->cap, x[2], &level));
    x[1] = level;
    return BT_OK;
}

static unsigned sys_task_unmap_table(struct thread *t, uint64_t *x)
{
    struct slot *table;
    TRY(cspace_get(t, x[0], BT_OBJ_PAGE_TABLE, 0, &table));
    vspace_unmap_table(&table->cap);
    return BT_OK;
}

static enum bt_status get_thread(struct thread *t, uint64_t cptr, struct thread **out)
{
    struct slot *s;
    TRY(cspace_get(t, cptr, BT_OBJ_THREAD, BT_RIGHT_WRITE, &s));
    *out = (struct thread *)s->cap.obj;
    return BT_OK;
}

/* Replaces the capability in an internal slot with a copy of src's. */
static void set_internal(struct slot *internal, struct slot *src)
{
    cap_delete(internal);
    struct cap c;
    cap_derive(&src->cap, BT_RIGHTS_ALL, &c);
    cap_insert(internal, &c, src);
}

static unsigned sys_thread_configure(struct thread *t, uint64_t *x)
{
    struct thread *target;
    struct slot *cspace = NULL, *task = NULL, *ipcbuf = NULL, *fault = NULL;
    TRY(get_thread(t, x[0], &target));
    if (target->state != THREAD_INACTIVE) {
        return BT_E_BUSY;
    }
    if (x[1] != 0) {
        TRY(cspace_get(t, x[1], BT_OBJ_CNODE, 0, &cspace));
    }
    if (x[2] != 0) {
        TRY(cspace_get(t, x[2], BT_OBJ_TASK, 0, &task));
    }
    if (x[3] != 0) {
        TRY(cspace_get(t, x[3], BT_OBJ_FRAME, BT_RIGHT_READ | BT_RIGHT_WRITE, &ipcbuf));
        if (ipcbuf->cap.size_bits != BT_FRAME_SMALL_BITS || ipcbuf->cap.device) {
            return BT_E_TYPE;
        }
        if (!IS_ALIGNED(x[4], PAGE_SIZE)) {
            return BT_E_ALIGN;
        }
    }
    if (x[5] != 0) {
        TRY(cspace_get(t, x[5], BT_OBJ_ENDPOINT, BT_RIGHT_WRITE, &fault));
    }
    if (cspace != NULL) {
        set_internal(&target->cspace_slot, cspace);
    }
    if (task != NULL) {
        set_internal(&target->task_slot, task);
    }
    if (ipcbuf != NULL) {
        set_internal(&target->ipcbuf_slot, ipcbuf);
        target->ipcbuf = (uintptr_t)pa_to_kva(ipcbuf->cap.obj);
        target->ipcbuf_vaddr = x[4];
        target->tpidrro_el0 = x[4]; /* the runtime finds its IPC buffer here */
    }
    if (fault != NULL) {
        set_internal(&target->fault_slot, fault);
    } else {
        cap_delete(&target->fault_slot);
    }
    return BT_OK;
}

/* Is the thread's state live in some CPU's registers right now? */
static bool running_elsewhere(struct thread *target, struct thread *self)
{
    if (target == self) {
        return false;
    }
    for (unsigned i = 0; i < cpu_count; i++) {
        if (cpus[i].current == target) {
            return true;
        }
    }
    return false;
}

static unsigned sys_thread_write_regs(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    if (running_elsewhere(target, t)) {
        return BT_E_BUSY;
    }
    target->regs.pc = x[1];
    target->regs_gen++;
    target->regs.sp = x[2];
    target->regs.x[0] = x[3];
    target->regs.x[1] = x[4];
    return target == t ? SYS_NO_STATUS : BT_OK;
}

static unsigned sys_thread_read_regs(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    if (running_elsewhere(target, t)) {
        return BT_E_BUSY;
    }
    const struct regs *r = &target->regs;
    uint64_t pc = r->pc, sp = r->sp, a0 = r->x[0], a1 = r->x[1];
    x[1] = pc;
    x[2] = sp;
    x[3] = a0;
    x[4] = a1;
    return BT_OK;
}

static unsigned sys_thread_set_sched(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    if (x[1] > t->mcp || x[3] > t->mcp) {
        return BT_E_RIGHTS;
    }
    if (x[2] >= cpu_count || !cpus[x[2]].online) {
        return BT_E_ARG;
    }
    bool queued = target->queued;
    unsigned old_cpu = target->cpu;
    sched_remove(target);
    target->priority = (uint8_t)x[1];
    target->mcp = (uint8_t)x[3];
    target->cpu = (uint16_t)x[2];
    if (queued) {
        sched_wake(target);
    }
    /* If it is running, its CPU re-picks (and moves it if needed). */
    if (cpus[old_cpu].current == target) {
        sched_resched_cpu(old_cpu);
    }
    return BT_OK;
}

static unsigned sys_thread_resume(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    return thread_start(target) ? BT_OK : BT_E_ARG;
}

static unsigned sys_thread_suspend(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    thread_stop(target);
    if (target == t) {
        /* Its registers are saved already: the status goes there, for when
         * it is resumed. */
        x[0] = BT_OK;
        return SYS_NO_STATUS;
    }
    return BT_OK;
}

static unsigned sys_thread_bind_notification(struct thread *t, uint64_t *x)
{
    struct thread *target;
    TRY(get_thread(t, x[0], &target));
    if (x[1] == 0) {
        cap_delete(&target->ntfn_slot);
        return BT_OK;
    }
    struct slot *s;
    TRY(cspace_get(t, x[1], BT_OBJ_NOTIFICATION, BT_RIGHT_READ, &s));
    struct notification *n = (struct notification *)s->cap.obj;
    if (n->bound != NULL || target->bound_ntfn != NULL) {
        return BT_E_BUSY;
    }
    set_internal(&target->ntfn_slot, s);
    n->bound = target;
    target->bound_ntfn = n;
    return BT_OK;
}

static unsigned sys_irq_control_get(struct thread *t, uint64_t *x)
{
    struct slot *ctl, *dst;
    TRY(cspace_get(t, x[0], BT_OBJ_IRQ_CONTROL, 0, &ctl));
    struct irq_state *irq = irq_state_of((uint32_t)MIN(x[1], 0xffffffffUL));
    if (irq == NULL || x[4] > BT_IRQ_EDGE || x[5] >= cpu_count || !cpus[x[5]].online) {
        return BT_E_ARG;
    }
    if (irq->obj.refs != 0 || irq->obj.dying) {
        return BT_E_EXISTS;
    }
    TRY(cspace_slot_at(t, x[2], x[3], true, &dst));
    irq_claim(irq, x[4] == BT_IRQ_EDGE, (uint16_t)x[5]);
    struct cap c = {.type = BT_OBJ_IRQ, .rights = BT_RIGHTS_ALL, .obj = (uintptr_t)irq};
    cap_insert(dst, &c, ctl);
    return BT_OK;
}

static unsigned sys_irq_set_notification(struct thread *t, uint64_t *x)
{
    struct slot *s, *n = NULL;
    TRY(cspace_get(t, x[0], BT_OBJ_IRQ, BT_RIGHT_WRITE, &s));
    if (x[1] != 0) {
        TRY(cspace_get(t, x[1], BT_OBJ_NOTIFICATION, BT_RIGHT_WRITE, &n));
    }
    struct irq_state *irq = (struct irq_state *)s->cap.obj;
    cap_delete(&irq->ntfn_slot);
    if (n != NULL) {
        set_internal(&irq->ntfn_slot, n);
    }
    return BT_OK;
}

static unsigned sys_irq_ack(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_IRQ, BT_RIGHT_WRITE, &s));
    irq_ack((struct irq_state *)s->cap.obj);
    return BT_OK;
}

/* ---- vCPUs ---- */

static enum bt_status get_vcpu(struct thread *t, uint64_t cptr, struct thread **out)
{
    TRY(get_thread(t, cptr, out));
    return (*out)->vcpu.is ? BT_OK : BT_E_TYPE;
}

static unsigned sys_vcpu_configure(struct thread *t, uint64_t *x)
{
    struct thread *target;
    struct slot *vm, *state, *exit_ep;
    TRY(get_thread(t, x[0], &target));
    if (target->state != THREAD_INACTIVE ||
        (!slot_empty(&target->task_slot) && !target->vcpu.is)) {
        return BT_E_BUSY; /* running, or a task's thread already */
    }
    TRY(cspace_get(t, x[1], BT_OBJ_VM, BT_RIGHT_WRITE, &vm));
    TRY(cspace_get(t, x[2], BT_OBJ_FRAME, BT_RIGHT_READ | BT_RIGHT_WRITE, &state));
    if (state->cap.size_bits != BT_FRAME_SMALL_BITS || state->cap.device) {
        return BT_E_TYPE;
    }
    TRY(cspace_get(t, x[4], BT_OBJ_ENDPOINT, BT_RIGHT_WRITE, &exit_ep));
    if (x[3] > 0xffff) {
        return BT_E_ARG;
    }
    set_internal(&target->task_slot, vm);
    set_internal(&target->ipcbuf_slot, state);
    set_internal(&target->fault_slot, exit_ep);
    target->ipcbuf = 0; /* a vCPU sends no messages of its own */
    /* A vCPU again (or anew): its guest state starts from reset, which is
     * how a VMM resets a guest or restarts a CPU after PSCI CPU_OFF. */
    vcpu_init(target, (struct vm *)vm->cap.obj, pa_to_kva(state->cap.obj), x[3]);
    return BT_OK;
}

static unsigned sys_vcpu_write_regs(struct thread *t, uint64_t *x)
{
    struct thread *v;
    TRY(get_vcpu(t, x[0], &v));
    if (running_elsewhere(v, t)) {
        return BT_E_BUSY;
    }
    /* AArch64 EL0t, EL1t or EL1h only; flags and masks as given. */
    uint64_t mode = x[6] & 0x1f;
    if (mode != 0 && mode != 4 && mode != 5) {
        return BT_E_ARG;
    }
    v->regs.pc = x[1];
    v->regs_gen++;
    v->regs.x[0] = x[2];
    v->regs.x[1] = x[3];
    v->regs.x[2] = x[4];
    v->regs.x[3] = x[5];
    v->regs.pstate = x[6] & (0xf0000000UL | 0x3c0 | 0xf);
    return BT_OK;
}

static unsigned sys_vcpu_read_reg(struct thread *t, uint64_t *x)
{
    struct thread *v;
    TRY(get_vcpu(t, x[0], &v));
    if (running_elsewhere(v, t)) {
        return BT_E_BUSY;
    }
    uint64_t r = x[1];
    if (r <= 30) {
        x[1] = v->regs.x[r];
    } else if (r == 31) {
        x[1] = v->vcpu.el1.sp_el1;
    } else if (r == 32) {
        x[1] = v->regs.pc;
    } else if (r == 33) {
        x[1] = v->regs.pstate;
    } else if (r == 34) {
        x[1] = v->regs.sp;
    } else {
        return BT_E_ARG;
    }
    return BT_OK;
}

static unsigned sys_vcpu_kick(struct thread *t, uint64_t *x)
{
    struct thread *v;
    TRY(get_vcpu(t, x[0], &v));
    vcpu_kick(v);
    return BT_OK;
}

static unsigned sys_system_power(struct thread *t, uint64_t *x)
{
    struct slot *s;
    TRY(cspace_get(t, x[0], BT_OBJ_SYSTEM, BT_RIGHT_WRITE, &s));
    if (x[1] == BT_POWER_OFF) {
        printk("kernel: powering off at the request of %s\n", thread_name(t));
        psci_system_off();
    }
    if (x[1] == BT_POWER_RESET) {
        printk("kernel: resetting at the request of %s\n", thread_name(t));
        psci_system_reset();
    }
    return BT_E_ARG;
}

static const syscall_fn handlers[BT_SYSCALL_COUNT] = {
    [BT_SYS_DEBUG_WRITE] = sys_debug_write,
    [BT_SYS_THREAD_EXIT] = sys_thread_exit,
    [BT_SYS_NULL] = sys_null,
    [BT_SYS_YIELD] = sys_yield,
    [BT_SYS_DEBUG_NAME] = sys_debug_name,
    [BT_SYS_CALL] = sys_call,
    [BT_SYS_REPLY_RECV] = sys_reply_recv,
    [BT_SYS_SEND] = sys_send,
    [BT_SYS_NBSEND] = sys_nbsend,
    [BT_SYS_RECV] = sys_recv,
    [BT_SYS_NBRECV] = sys_nbrecv,
    [BT_SYS_REPLY] = sys_reply,
    [BT_SYS_SIGNAL] = sys_signal,
    [BT_SYS_WAIT] = sys_wait,
    [BT_SYS_POLL] = sys_poll,
    [BT_SYS_CAP_COPY] = sys_cap_copy,
    [BT_SYS_CAP_MINT] = sys_cap_mint,
    [BT_SYS_CAP_MOVE] = sys_cap_move,
    [BT_SYS_CAP_DELETE] = sys_cap_delete,
    [BT_SYS_CAP_REVOKE] = sys_cap_revoke,
    [BT_SYS_CAP_IDENTIFY] = sys_cap_identify,
    [BT_SYS_UNTYPED_RETYPE] = sys_untyped_retype,
    [BT_SYS_TASK_MAP] = sys_task_map,
    [BT_SYS_TASK_UNMAP] = sys_task_unmap,
    [BT_SYS_TASK_MAP_TABLE] = sys_task_map_table,
    [BT_SYS_TASK_UNMAP_TABLE] = sys_task_unmap_table,
    [BT_SYS_THREAD_CONFIGURE] = sys_thread_configure,
    [BT_SYS_THREAD_WRITE_REGS] = sys_thread_write_regs,
    [BT_SYS_THREAD_READ_REGS] = sys_thread_read_regs,
    [BT_SYS_THREAD_SET_SCHED] = sys_thread_set_sched,
    [BT_SYS_THREAD_RESUME] = sys_thread_resume,
    [BT_SYS_THREAD_SUSPEND] = sys_thread_suspend,
    [BT_SYS_THREAD_BIND_NOTIFICATION] = sys_thread_bind_notification,
    [BT_SYS_IRQ_CONTROL_GET] = sys_irq_control_get,
    [BT_SYS_IRQ_SET_NOTIFICATION] = sys_irq_set_notification,
    [BT_SYS_IRQ_ACK] = sys_irq_ack,
    [BT_SYS_SYSTEM_POWER] = sys_system_power,
    [BT_SYS_VCPU_CONFIGURE] = sys_vcpu_configure,
    [BT_SYS_VCPU_WRITE_REGS] = sys_vcpu_write_regs,
    [BT_SYS_VCPU_READ_REG] = sys_vcpu_read_reg,
    [BT_SYS_VCPU_KICK] = sys_vcpu_kick,
};

void syscall_dispatch(struct thread *t)
{
    uint64_t *x = t->regs.x;
    uint64_t nr = x[8];
    syscall_fn fn = nr < BT_SYSCALL_COUNT ? handlers[nr] : NULL;
    unsigned st = BT_E_SYSCALL;
    if (fn != NULL) {
        st = fn(t, x);
    } else {
        test_hooks_syscall(t, nr, &st);
    }
    if (st != SYS_NO_STATUS) {
        x[0] = st;
    }
    object_reap();
}
