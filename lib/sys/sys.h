/*
 * System call stubs for native components, one function per call (see
 * abi/syscall.h and docs/kernel-api.md). IPC messages use struct bt_msg for
 * the words that travel in registers; longer messages continue in the IPC
 * buffer (bt_ipc_buffer()).
 */
#ifndef LIB_SYS_SYS_H
#define LIB_SYS_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/caps.h"
#include "abi/errors.h"
#include "abi/ipc.h"
#include "abi/syscall.h"

/* The part of a message that travels in registers. */
struct bt_msg {
    uint64_t tag;
    uint64_t badge; /* out: the badge of the sender's capability */
    uint64_t mr[BT_MSG_REG_WORDS];
};

struct bt_cap_info {
    uint64_t type;
    uint64_t rights;
    uint64_t badge;
    uint64_t size_bits;
    uint64_t paddr; /* frames and untyped */
    uint64_t extra; /* untyped: bytes used; frame: mapped address */
};

struct bt_thread_regs {
    uint64_t pc, sp, x0, x1;
};

/* The calling thread's IPC buffer (from TPIDRRO_EL0). */
static inline struct bt_ipc_buffer *bt_ipc_buffer(void)
{
    uint64_t v;
    __asm__("mrs %0, tpidrro_el0" : "=r"(v));
    return (struct bt_ipc_buffer *)v;
}

/* Debugging and scheduling */
enum bt_status bt_debug_write(const char *s, size_t len);
void bt_debug_puts(const char *s);
enum bt_status bt_debug_name(bt_cptr_t thread_or_task, const char *name);
__attribute__((noreturn)) void bt_thread_exit(void);
enum bt_status bt_null(void);
enum bt_status bt_yield(void);

/* IPC */
enum bt_status bt_call(bt_cptr_t ep, struct bt_msg *m);
enum bt_status bt_reply_recv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m);
enum bt_status bt_send(bt_cptr_t ep, const struct bt_msg *m);
enum bt_status bt_nbsend(bt_cptr_t ep, const struct bt_msg *m);
enum bt_status bt_recv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m);
enum bt_status bt_nbrecv(bt_cptr_t src, bt_cptr_t reply, struct bt_msg *m);
enum bt_status bt_reply(bt_cptr_t reply, const struct bt_msg *m);
enum bt_status bt_signal(bt_cptr_t ntfn);
enum bt_status bt_wait(bt_cptr_t ntfn, uint64_t *bits);
enum bt_status bt_poll(bt_cptr_t ntfn, uint64_t *bits);

/* Capabilities */
enum bt_status bt_cap_copy(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index, unsigned rights);
enum bt_status bt_cap_mint(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index, unsigned rights, uint64_t badge);
enum bt_status bt_cap_move(bt_cptr_t dst_cnode, uint64_t dst_index, bt_cptr_t src_cnode,
                           uint64_t src_index);
enum bt_status bt_cap_delete(bt_cptr_t cnode, uint64_t index);
enum bt_status bt_cap_revoke(bt_cptr_t cnode, uint64_t index);
enum bt_status bt_cap_identify(bt_cptr_t cap, struct bt_cap_info *info);

/* Objects */
enum bt_status bt_untyped_retype(bt_cptr_t untyped, unsigned type, unsigned size_bits,
                                 bt_cptr_t dst_cnode, uint64_t index, uint64_t count);
/* On BT_E_NOTABLE, *missing_level (if not NULL) says which table is missing. */
enum bt_status bt_task_map(bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr, unsigned rights,
                           unsigned attr, uint64_t *missing_level);
enum bt_status bt_task_unmap(bt_cptr_t frame);
enum bt_status bt_task_map_table(bt_cptr_t task, bt_cptr_t table, uint64_t vaddr, uint64_t *level);
enum bt_status bt_task_unmap_table(bt_cptr_t table);
enum bt_status bt_thread_configure(bt_cptr_t thread, bt_cptr_t cspace, bt_cptr_t task,
                                   bt_cptr_t ipc_buffer, uint64_t ipc_buffer_vaddr,
                                   bt_cptr_t fault_ep);
enum bt_status bt_thread_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t sp, uint64_t x0,
                                    uint64_t x1);
enum bt_status bt_thread_read_regs(bt_cptr_t thread, struct bt_thread_regs *regs);
enum bt_status bt_thread_set_sched(bt_cptr_t thread, unsigned priority, unsigned cpu, unsigned mcp);
enum bt_status bt_thread_resume(bt_cptr_t thread);
enum bt_status bt_thread_suspend(bt_cptr_t thread);
enum bt_status bt_thread_bind_notification(bt_cptr_t thread, bt_cptr_t ntfn);
enum bt_status bt_irq_control_get(bt_cptr_t irq_control, unsigned intid, bt_cptr_t dst_cnode,
                                  uint64_t index, unsigned flags, unsigned cpu);
enum bt_status bt_irq_set_notification(bt_cptr_t irq, bt_cptr_t ntfn);
enum bt_status bt_irq_ack(bt_cptr_t irq);
/* Powers the machine off or resets it (BT_POWER_*); returns only on error. */
enum bt_status bt_system_power(bt_cptr_t system, unsigned op);

/* Virtual machines (abi/vm.h) */
enum bt_status bt_vcpu_configure(bt_cptr_t thread, bt_cptr_t vm, bt_cptr_t state_frame,
                                 uint64_t number, bt_cptr_t exit_ep);
enum bt_status bt_vcpu_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t x0, uint64_t x1,
                                  uint64_t x2, uint64_t x3, uint64_t pstate);
enum bt_status bt_vcpu_read_reg(bt_cptr_t thread, unsigned reg, uint64_t *value);
enum bt_status bt_vcpu_kick(bt_cptr_t thread);

/* Raw entry: any number, registers in and out (for tests and the fuzzer). */
struct bt_regs8 {
    uint64_t x[8];
};
void bt_syscall_raw(uint64_t nr, struct bt_regs8 *r);

#endif
