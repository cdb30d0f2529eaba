/*
 * The tiny freestanding guest kvmbench runs in its VM: AArch64 code for
 * EL1 with the MMU off, position independent, copied to the start of guest
 * RAM. It measures two kinds of exit with the virtual counter (one tick
 * per instruction under QEMU -icount shift=0 and cntfrq=1 GHz, so the
 * numbers include everything the host runs for the exit):
 *
 *  1. `hvc #0` with an SMCCC function ID no hypervisor implements
 *     (0x8500fff0: a fast call to the standard hypervisor service range,
 *     function 0xfff0, unassigned). KVM answers it in the kernel with
 *     NOT_SUPPORTED (-1) in x0: the shortest round trip into the host and
 *     back.
 *  2. A load from an address no memory slot backs. KVM cannot emulate it
 *     and returns KVM_EXIT_MMIO to the user-level runner, which supplies
 *     the value and enters the guest again: an MMIO exit to the VMM.
 *
 * Entry: x0 = iterations per loop, x1 = base of the runner's MMIO window.
 * State lives in x19-x22: an SMCCC call may return results in x0-x3 (KVM
 * zeroes x1-x3 for an unknown function) and preserves x18-x30.
 * Results go to the runner as stores into the window (see kvmbench.c):
 * +0x10 the hvc loop's count, +0x18 the MMIO loop's, +0x20 "done".
 * All accesses are plain ldr/str with an immediate offset, so the
 * hardware reports them with a valid syndrome (ESR_EL2.ISV) and KVM can
 * decode them.
 */
    .section .rodata.kvmguest, "a"
    .balign 4
    .global kvmguest_start, kvmguest_end
kvmguest_start:
    mov x19, x0
    mov x20, x1

    /* 1: hypercalls answered by the host kernel */
    mov x21, x19
    isb
    mrs x22, cntvct_el0
1:  movz w0, #0xfff0
    movk w0, #0x8500, lsl #16
    hvc #0
    subs x21, x21, #1
    b.ne 1b
    isb
    mrs x4, cntvct_el0
    sub x4, x4, x22
    str x4, [x20, #0x10]

    /* 2: loads from an unbacked address, answered by the runner */
    mov x21, x19
    isb
    mrs x22, cntvct_el0
2:  ldr x5, [x20]
    subs x21, x21, #1
    b.ne 2b
    isb
    mrs x4, cntvct_el0
    sub x4, x4, x22
    str x4, [x20, #0x18]

    str xzr, [x20, #0x20]
3:  wfi
    b 3b
kvmguest_end:
