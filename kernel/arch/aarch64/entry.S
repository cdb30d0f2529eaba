/*
 * Exception vectors and the kernel's entry and exit paths.
 *
 * While a thread runs at EL0, SP_EL2 points just past its saved-register area
 * (struct regs inside struct thread), so an exception from EL0 saves the
 * thread's registers directly into its thread object, then switches to this
 * CPU's kernel stack. The C handler returns the registers of the thread to
 * run next, and exit_to_user restores them and sets SP_EL2 the same way.
 * Exceptions taken at EL2 save a frame on the current kernel stack.
 */
#include "arch/aarch64/asm-offsets.h"

.macro save_gprs
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
.endm

.macro restore_gprs
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldp     x0, x1, [sp, #16 * 0]
.endm

/* From EL0: registers into the thread, then onto the CPU's kernel stack. */
.macro user_entry handler, vector=-1
    sub     sp, sp, #REGS_SIZE
    save_gprs
    mrs     x21, sp_el0
    mrs     x22, elr_el2
    mrs     x23, spsr_el2
    stp     x30, x21, [sp, #REGS_X30]
    stp     x22, x23, [sp, #REGS_PC]
    mov     x0, sp
    mov     x1, #\vector
    mrs     x2, tpidr_el2
    ldr     x2, [x2, #CPU_KSTACK_TOP]
    mov     sp, x2
    mov     x29, xzr
    bl      \handler
    b       exit_to_user
.endm

/* From EL0, synchronous: system calls 8 and 9 (call, reply_recv) try the
 * IPC fast path before the general handler. x8 still holds the number. */
.macro user_entry_sync
    sub     sp, sp, #REGS_SIZE
    save_gprs
    mrs     x21, sp_el0
    mrs     x22, elr_el2
    mrs     x23, spsr_el2
    stp     x30, x21, [sp, #REGS_X30]
    stp     x22, x23, [sp, #REGS_PC]
    mov     x19, sp
    mrs     x2, tpidr_el2
    ldr     x2, [x2, #CPU_KSTACK_TOP]
    mov     sp, x2
    mov     x29, xzr
    mrs     x20, esr_el2
    lsr     x20, x20, #26
    cmp     x20, #0x15              // SVC from AArch64
    b.ne    1f
    mov     x0, x19
    cmp     x8, #8                  // call
    b.eq    2f
    cmp     x8, #9                  // reply_recv
    b.ne    1f
    bl      fastpath_reply_recv
    cbnz    x0, fastpath_exit
    b       1f
2:  bl      fastpath_call
    cbnz    x0, fastpath_exit
1:  mov     x0, x19
    bl      trap_lower_sync
    b       exit_to_user
.endm

/* From EL2: a frame on the current stack. */
.macro kernel_entry handler, vector=-1
    sub     sp, sp, #REGS_SIZE
    save_gprs
    add     x21, sp, #REGS_SIZE
    mrs     x22, elr_el2
    mrs     x23, spsr_el2
    stp     x30, x21, [sp, #REGS_X30]
    stp     x22, x23, [sp, #REGS_PC]
    mov     x0, sp
    mov     x1, #\vector
    bl      \handler
    ldp     x22, x23, [sp, #REGS_PC]
    msr     elr_el2, x22
    msr     spsr_el2, x23
    ldr     x30, [sp, #REGS_X30]
    restore_gprs
    add     sp, sp, #REGS_SIZE
    eret
.endm

.macro vector_entry label
    .balign 0x80
    b       \label
.endm

    .text
    .balign 0x800
    .globl  exception_vectors
exception_vectors:
    vector_entry el2t_sync          // current EL with SP_EL0: never used
    vector_entry el2t_irq
    vector_entry el2t_fiq
    vector_entry el2t_serror
    vector_entry el2h_sync          // current EL with SP_EL2: the kernel
    vector_entry el2h_irq
    vector_entry el2h_fiq
    vector_entry el2h_serror
    vector_entry el0_sync           // lower EL, AArch64: tasks
    vector_entry el0_irq
    vector_entry el0_fiq
    vector_entry el0_serror
    vector_entry el0_32_sync        // lower EL, AArch32: never used
    vector_entry el0_32_irq
    vector_entry el0_32_fiq
    vector_entry el0_32_serror

el2t_sync:      kernel_entry trap_unexpected, 0
el2t_irq:       kernel_entry trap_unexpected, 1
el2t_fiq:       kernel_entry trap_unexpected, 2
el2t_serror:    kernel_entry trap_unexpected, 3
el2h_sync:      kernel_entry trap_kernel_sync, 4
el2h_irq:       kernel_entry trap_kernel_irq, 5
el2h_fiq:       kernel_entry trap_unexpected, 6
el2h_serror:    kernel_entry trap_unexpected, 7
el0_sync:       user_entry_sync
el0_irq:        user_entry trap_lower_irq, 9
el0_fiq:        user_entry trap_unexpected, 10
el0_serror:     user_entry trap_unexpected, 11
el0_32_sync:    user_entry trap_unexpected, 12
el0_32_irq:     user_entry trap_unexpected, 13
el0_32_fiq:     user_entry trap_unexpected, 14
el0_32_serror:  user_entry trap_unexpected, 15

/* exit_to_user(struct regs *r): resume a thread at EL0. */
    .globl  exit_to_user
exit_to_user:
    mov     sp, x0
    ldp     x22, x23, [sp, #REGS_PC]
    ldp     x30, x21, [sp, #REGS_X30]
    msr     elr_el2, x22
    msr     spsr_el2, x23
    msr     sp_el0, x21
    restore_gprs
    add     sp, sp, #REGS_SIZE      // SP_EL2 = end of this thread's registers
    eret

/*
 * fastpath_exit: x0 = the receiver's registers, which the fast path filled
 * with the status, tag, badge and message words under the lock. Resumes
 * the receiver with all of them.
 */
fastpath_exit:
    mov     sp, x0
    ldp     x22, x23, [sp, #REGS_PC]
    ldp     x30, x21, [sp, #REGS_X30]
    msr     elr_el2, x22
    msr     spsr_el2, x23
    msr     sp_el0, x21
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #REGS_SIZE
    eret

/* idle_enter(stack_top): drop whatever the kernel stack held and idle. */
    .globl  idle_enter
idle_enter:
    mov     sp, x0
    mov     x29, xzr
    mov     x30, xzr
    b       sched_idle_loop
