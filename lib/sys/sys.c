/*
 * System call stubs: the number goes in x8, arguments in x0-x7, "svc #0",
 * status back in x0 and results in the registers each call names. The
 * kernel preserves every register it does not name as a result.
 */
#include "sys/sys.h"

struct regs_io {
    uint64_t x0, x1, x2, x3, x4, x5, x6, x7;
};

/* One system call with all eight argument registers in and out. */
static inline void syscall8(uint64_t nr, struct regs_io *r)
{
    register uint64_t x0 __asm__("x0") = r->x0;
    register uint64_t x1 __asm__("x1") = r->x1;
    register uint64_t x2 __asm__("x2") = r->x2;
    register uint64_t x3 __asm__("x3") = r->x3;
    register uint64_t x4 __asm__("x4") = r->x4;
    register uint64_t x5 __asm__("x5") = r->x5;
    register uint64_t x6 __asm__("x6") = r->x6;
    register uint64_t x7 __asm__("x7") = r->x7;
    register uint64_t x8 __asm__("x8") = nr;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7)
                     : "r"(x8)
                     : "memory");
    r->x0 = x0;
    r->x1 = x1;
    r->x2 = x2;
    r->x3 = x3;
    r->x4 = x4;
    r->x5 = x5;
    r->x6 = x6;
    r->x7 = x7;
}

static inline enum bt_status call6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                   uint64_t a4, uint64_t a5, struct regs_io *out)
{
    struct regs_io r = {a0, a1, a2, a3, a4, a5, 0, 0};
    syscall8(nr, &r);
    if (out != NULL) {
        *out = r;
    }
    return (enum bt_status)r.x0;
}

void bt_syscall_raw(uint64_t nr, struct bt_regs8 *r)
{
    struct regs_io io = {r->x[0], r->x[1], r->x[2], r->x[3], r->x[4], r->x[5], r->x[6], r->x[7]};
    syscall8(nr, &io);
    r->x[0] = io.x0;
    r->x[1] = io.x1;
    r->x[2] = io.x2;
    r->x[3] = io.x3;
    r->x[4] = io.x4;
    r->x[5] = io.x5;
    r->x[6] = io.x6;
    r->x[7] = io.x7;
}

/* ---- debugging and scheduling ---- */

enum bt_status bt_debug_write(const char *s, size_t len)
{
    return call6(BT_SYS_DEBUG_WRITE, (uintptr_t)s, len, 0, 0, 0, 0, NULL);
}

void bt_debug_puts(const char *s)
{
    size_t n = 0;
    while (s[n] != 0) {
        n++;
    }
    bt_debug_write(s, n);
}

enum bt_status bt_debug_name(bt_cptr_t cap, const char *name)
{
    size_t n = 0;
    while (name[n] != 0) {
        n++;
    }
    return call6(BT_SYS_DEBUG_NAME, cap, (uintptr_t)name, n, 0, 0, 0, NULL);
}

void bt_thread_exit(void)
{
    call6(BT_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0, NULL);
    for (;;) {
    }
}

enum bt_status bt_null(void)
{
    return call6(BT_SYS_NULL, 0, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_yield(void)
{
    return call6(BT_SYS_YIELD, 0, 0, 0, 0, 0, 0, NULL);
}

/* ---- IPC ---- */

static enum bt_status ipc(uint64_t nr, bt_cptr_t cap, bt_cptr_t reply, struct bt_msg *m,
                          bool receives)
{
    struct regs_io r = {cap, m->tag, reply, m->mr[0], m->mr[1], m->mr[2], m->mr[3], m->mr[4]};
    syscall8(nr, &r);
    if (receives && r.x0 == BT_OK) {
        m->tag = r.x1;
        m->badge = r.x2;
        m->mr[0] = r.x3;
        m->mr[1] = r.x4;
        m->mr[2] = r.x5;
        m->mr[3] = r.x6;
        m->mr[4] = r.x7;
    }
    return (enum bt_status)r.x0;
}

enum bt_status bt_call(bt_cptr_t ep, struct bt_msg *m)
{
    return ipc(BT_SYS_CALL, ep, 0, m, true);
}

enum bt_status bt_reply_recv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m)
{
    return ipc(BT_SYS_REPLY_RECV, src, reply, m, true);
}

enum bt_status bt_send(bt_cptr_t ep, const struct bt_msg *m)
{
    struct bt_msg copy = *m;
    return ipc(BT_SYS_SEND, ep, 0, &copy, false);
}

enum bt_status bt_nbsend(bt_cptr_t ep, const struct bt_msg *m)
{
    struct bt_msg copy = *m;
    return ipc(BT_SYS_NBSEND, ep, 0, &copy, false);
}

enum bt_status bt_recv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m)
{
    return ipc(BT_SYS_RECV, src, reply, m, true);
}

enum bt_status bt_nbrecv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m)
{
    return ipc(BT_SYS_NBRECV, src, reply, m, true);
}

enum bt_status bt_reply(bt_cptr_t reply, const struct bt_msg *m)
{
    struct bt_msg copy = *m;
    return ipc(BT_SYS_REPLY, 0, reply, &copy, false);
}

enum bt_status bt_signal(bt_cptr_t ntfn)
{
    return call6(BT_SYS_SIGNAL, ntfn, 0, 0, 0, 0, 0, NULL);
}

static enum bt_status wait_or_poll(uint64_t nr, bt_cptr_t ntfn, uint64_t *bits)
{
    struct regs_io r;
    enum bt_status st = call6(nr, ntfn, 0, 0, 0, 0, 0, &r);
    if (bits != NULL) {
        *bits = st == BT_OK ? r.x2 : 0;
    }
    return st;
}

enum bt_status bt_wait(bt_cptr_t ntfn, uint64_t *bits)
{
    return wait_or_poll(BT_SYS_WAIT, ntfn, bits);
}

enum bt_status bt_poll(bt_cptr_t ntfn, uint64_t *bits)
{
    return wait_or_poll(BT_SYS_POLL, ntfn, bits);
}

/* ---- capabilities ---- */

enum bt_status bt_cap_copy(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index, unsigned rights)
{
    return call6(BT_SYS_CAP_COPY, dst_cnode, dst_index, src_cnode, src_index, rights, 0, NULL);
}

enum bt_status bt_cap_mint(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index, unsigned rights, uint64_t badge)
{
    return call6(BT_SYS_CAP_MINT, dst_cnode, dst_index, src_cnode, src_index, rights, badge, NULL);
}

enum bt_status bt_cap_move(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index)
{
    return call6(BT_SYS_CAP_MOVE, dst_cnode, dst_index, src_cnode, src_index, 0, 0, NULL);
}

enum bt_status bt_cap_delete(bt_cptr_t cnode, uint64_t index)
{
    return call6(BT_SYS_CAP_DELETE, cnode, index, 0, 0, 0, 0, NULL);
}

enum bt_status bt_cap_revoke(bt_cptr_t cnode, uint64_t index)
{
    return call6(BT_SYS_CAP_REVOKE, cnode, index, 0, 0, 0, 0, NULL);
}

enum bt_status bt_cap_identify(bt_cptr_t cap, struct bt_cap_info *info)
{
    struct regs_io r = {cap, 0, 0, 0, 0, 0, 0, 0};
    syscall8(BT_SYS_CAP_IDENTIFY, &r);
    if (r.x0 == BT_OK && info != NULL) {
        *info = (struct bt_cap_info){r.x1, r.x2, r.x3, r.x4, r.x5, r.x6};
    }
    return (enum bt_status)r.x0;
}

/* ---- objects ---- */

enum bt_status bt_untyped_retype(bt_cptr_t untyped, unsigned type, unsigned size_bits,
                                 bt_cptr_t dst_cnode, uint64_t index, uint64_t count)
{
    return call6(BT_SYS_UNTYPED_RETYPE, untyped, type, size_bits, dst_cnode, index, count, NULL);
}

enum bt_status bt_task_map(bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr, unsigned rights,
                           unsigned attr, uint64_t *missing_level)
{
    struct regs_io r;
    enum bt_status st = call6(BT_SYS_TASK_MAP, task, frame, vaddr, rights, attr, 0, &r);
    if (st == BT_E_NOTABLE && missing_level != NULL) {
        *missing_level = r.x1;
    }
    return st;
}

enum bt_status bt_task_unmap(bt_cptr_t frame)
{
    return call6(BT_SYS_TASK_UNMAP, frame, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_task_map_table(bt_cptr_t task, bt_cptr_t table, uint64_t vaddr, uint64_t *level)
{
    struct regs_io r;
    enum bt_status st = call6(BT_SYS_TASK_MAP_TABLE, task, table, vaddr, 0, 0, 0, &r);
    if (st == BT_OK && level != NULL) {
        *level = r.x1;
    }
    return st;
}

enum bt_status bt_task_unmap_table(bt_cptr_t table)
{
    return call6(BT_SYS_TASK_UNMAP_TABLE, table, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_thread_configure(bt_cptr_t thread, bt_cptr_t cspace, bt_cptr_t task,
                                   bt_cptr_t ipc_buffer, uint64_t ipc_buffer_vaddr,
                                   bt_cptr_t fault_ep)
{
    return call6(BT_SYS_THREAD_CONFIGURE, thread, cspace, task, ipc_buffer, ipc_buffer_vaddr,
                 fault_ep, NULL);
}

enum bt_status bt_thread_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t sp, uint64_t x0,
                                    uint64_t x1)
{
    return call6(BT_SYS_THREAD_WRITE_REGS, thread, pc, sp, x0, x1, 0, NULL);
}

enum bt_status bt_thread_read_regs(bt_cptr_t thread, struct bt_thread_regs *regs)
{
    struct regs_io r;
    enum bt_status st = call6(BT_SYS_THREAD_READ_REGS, thread, 0, 0, 0, 0, 0, &r);
    if (st == BT_OK && regs != NULL) {
        *regs = (struct bt_thread_regs){r.x1, r.x2, r.x3, r.x4};
    }
    return st;
}

enum bt_status bt_thread_set_sched(bt_cptr_t thread, unsigned priority, unsigned cpu, unsigned mcp)
{
    return call6(BT_SYS_THREAD_SET_SCHED, thread, priority, cpu, mcp, 0, 0, NULL);
}

enum bt_status bt_thread_resume(bt_cptr_t thread)
{
    return call6(BT_SYS_THREAD_RESUME, thread, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_thread_suspend(bt_cptr_t thread)
{
    return call6(BT_SYS_THREAD_SUSPEND, thread, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_thread_bind_notification(bt_cptr_t thread, bt_cptr_t ntfn)
{
    return call6(BT_SYS_THREAD_BIND_NOTIFICATION, thread, ntfn, 0, 0, 0, 0, NULL);
}

enum bt_status bt_irq_control_get(bt_cptr_t irq_control, unsigned intid, bt_cptr_t dst_cnode,
                                  uint64_t index, unsigned flags, unsigned cpu)
{
    return call6(BT_SYS_IRQ_CONTROL_GET, irq_control, intid, dst_cnode, index, flags, cpu, NULL);
}

enum bt_status bt_irq_set_notification(bt_cptr_t irq, bt_cptr_t ntfn)
{
    return call6(BT_SYS_IRQ_SET_NOTIFICATION, irq, ntfn, 0, 0, 0, 0, NULL);
}

enum bt_status bt_irq_ack(bt_cptr_t irq)
{
    return call6(BT_SYS_IRQ_ACK, irq, 0, 0, 0, 0, 0, NULL);
}

enum bt_status bt_system_power(bt_cptr_t system, unsigned op)
{
    return call6(BT_SYS_SYSTEM_POWER, system, op, 0, 0, 0, 0, NULL);
}

enum bt_status bt_vcpu_configure(bt_cptr_t thread, bt_cptr_t vm, bt_cptr_t state_frame,
                                 uint64_t number, bt_cptr_t exit_ep)
{
    return call6(BT_SYS_VCPU_CONFIGURE, thread, vm, state_frame, number, exit_ep, 0, NULL);
}

enum bt_status bt_vcpu_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t x0, uint64_t x1,
                                  uint64_t x2, uint64_t x3, uint64_t pstate)
{
    struct regs_io r = {thread, pc, x0, x1, x2, x3, pstate, 0};
    syscall8(BT_SYS_VCPU_WRITE_REGS, &r);
    return (enum bt_status)r.x0;
}

enum bt_status bt_vcpu_read_reg(bt_cptr_t thread, unsigned reg, uint64_t *value)
{
    struct regs_io r;
    enum bt_status st = call6(BT_SYS_VCPU_READ_REG, thread, reg, 0, 0, 0, 0, &r);
    if (st == BT_OK && value != NULL) {
        *value = r.x1;
    }
    return st;
}

enum bt_status bt_vcpu_kick(bt_cptr_t thread)
{
    return call6(BT_SYS_VCPU_KICK, thread, 0, 0, 0, 0, 0, NULL);
}
