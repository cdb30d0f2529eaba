/*
 * System call stubs for virtual machine monitors (abi/vm.h, calls 64-67):
 * configuring a thread as a vCPU, setting its guest registers, reading one
 * back, and kicking it to take new virtual interrupts. Built on
 * bt_syscall_raw, so they need nothing from sys.c's internals.
 */
#ifndef LIB_SYS_VM_H
#define LIB_SYS_VM_H

#include "abi/vm.h"
#include "sys/sys.h"

/* Makes the inactive thread a vCPU of vm: state_frame is its struct
 * bt_vcpu_state page (4 KiB frame), number its vCPU number (its MPIDR),
 * exit_ep the endpoint its exits are called on (with that capability's
 * badge). */
enum bt_status bt_vcpu_configure(bt_cptr_t thread, bt_cptr_t vm, bt_cptr_t state_frame,
                                 uint64_t number, bt_cptr_t exit_ep);

/* The guest's pc, x0-x3 and pstate (BT_VCPU_PSTATE_*) for its next start. */
enum bt_status bt_vcpu_write_regs(bt_cptr_t thread, uint64_t pc, uint64_t x0, uint64_t x1,
                                  uint64_t x2, uint64_t x3, uint64_t pstate);

/* One guest register: 0-30 x0-x30, 31 sp_el1, 32 pc, 33 pstate, 34 sp_el0. */
enum bt_status bt_vcpu_read_reg(bt_cptr_t thread, unsigned reg, uint64_t *value);

/* The vCPU takes newly set pending interrupts now (wakes it from WFI,
 * interrupts it if it runs). */
enum bt_status bt_vcpu_kick(bt_cptr_t thread);

#endif
