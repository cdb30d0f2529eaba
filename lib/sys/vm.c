/*
 * vCPU system call stubs: see vm.h.
 */
#include "sys/vm.h"

enum bt_status bt_vcpu_configure(bt_cptr_t thread, bt_cptr_t vm, bt_cptr_t state_frame,
                                 uint64_t number, bt_cptr_t exit_ep)
{
    struct bt_regs8 r = {{thread, vm, state_frame, number, exit_ep, 0, 0, 0}};
    bt_syscall_raw(BT_SYS_VCPU_CONFIGURE, &r);
    return (enum bt_status)r.x[0];
}

enum bt_status bt_vcpu_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t x0, uint64_t x1,
                                  uint64_t x2, uint64_t x3, uint64_t pstate)
{
    struct bt_regs8 r = {{thread, pc, x0, x1, x2, x3, pstate, 0}};
    bt_syscall_raw(BT_SYS_VCPU_WRITE_REGS, &r);
    return (enum bt_status)r.x[0];
}

enum bt_status bt_vcpu_read_reg(bt_cptr_t thread, unsigned reg, uint64_t *value)
{
    struct bt_regs8 r = {{thread, reg, 0, 0, 0, 0, 0, 0}};
    bt_syscall_raw(BT_SYS_VCPU_READ_REG, &r);
    if (r.x[0] == BT_OK && value != NULL) {
        *value = r.x[1];
    }
    return (enum bt_status)r.x[0];
}

enum bt_status bt_vcpu_kick(bt_cptr_t thread)
{
    struct bt_regs8 r = {{thread, 0, 0, 0, 0, 0, 0, 0}};
    bt_syscall_raw(BT_SYS_VCPU_KICK, &r);
    return (enum bt_status)r.x[0];
}
