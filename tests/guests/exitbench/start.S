/*
 * The exit benchmark guest's entry: an arm64 Image header (booting.rst),
 * so a VMM loads it like a Linux kernel, then a stack and exitbench_main.
 * Linked at the start of guest RAM (exitbench.ld), MMU off, one vCPU.
 */
    .section .text.head, "ax"
    .globl _head
_head:
    b       primary                 /* code0 */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   __image_size            /* image_size, stack included */
    .quad   0xa                     /* flags: little-endian, 4 KiB pages, anywhere */
    .quad   0, 0, 0                 /* res2-res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 */

primary:
    msr     daifset, #0xf
    ldr     x1, =__stack_top
    mov     sp, x1
    bl      exitbench_main
1:  wfi
    b       1b

/*
 * The two timed loops, instruction for instruction those of the KVM peer
 * (guest/kvmbench/guest.S), so that both hypervisors are measured on the
 * same guest code. x0 = iterations; returns the counter ticks (one per
 * retired instruction under -icount shift=0 and cntfrq = 1 GHz).
 *
 * exitbench_hvc: `hvc #0` with an SMCCC function ID nothing implements
 * (0x8500fff0), which the VMM answers with NOT_SUPPORTED.
 */
    .text
    .globl exitbench_hvc
exitbench_hvc:
    stp     x19, x20, [sp, #-32]!
    stp     x21, x22, [sp, #16]
    mov     x21, x0
    isb
    mrs     x22, cntvct_el0
1:  movz    w0, #0xfff0
    movk    w0, #0x8500, lsl #16
    hvc     #0
    subs    x21, x21, #1
    b.ne    1b
    isb
    mrs     x0, cntvct_el0
    sub     x0, x0, x22
    ldp     x21, x22, [sp, #16]
    ldp     x19, x20, [sp], #32
    ret

/*
 * exitbench_mmio: x1 = the address of a device register the VMM emulates;
 * a load from it per iteration (kvmbench's runner answers its loads the
 * same way, from user level).
 */
    .globl exitbench_mmio
exitbench_mmio:
    stp     x19, x20, [sp, #-32]!
    stp     x21, x22, [sp, #16]
    mov     x21, x0
    mov     x20, x1
    isb
    mrs     x22, cntvct_el0
2:  ldr     w5, [x20]
    subs    x21, x21, #1
    b.ne    2b
    isb
    mrs     x0, cntvct_el0
    sub     x0, x0, x22
    ldp     x21, x22, [sp, #16]
    ldp     x19, x20, [sp], #32
    ret
