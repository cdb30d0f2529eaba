/*
 * The hostile guest's entry: an arm64 Image header (so a VMM's loader
 * takes it like a Linux kernel; booting.rst), the boot CPU's and the
 * secondaries' entry points, and an exception vector table that saves
 * every register, lets hostile_exception() record the exception and
 * choose where to resume, and returns there. Linked at the start of guest
 * RAM (hostile.ld) with text_offset 0: the VMM loads it there, MMU off.
 */
    .section .text.head, "ax"
    .globl _head
_head:
    b       primary                 /* code0 */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   __image_size            /* image_size, BSS and stacks included */
    .quad   0xa                     /* flags: little-endian, 4 KiB pages, anywhere */
    .quad   0, 0, 0                 /* res2-res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 */

primary:
    msr     daifset, #0xf
    ldr     x1, =__stack0_top
    mov     sp, x1
    mov     x19, x0                 /* the DTB's address */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  ldr     x1, =vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    bl      hostile_main
3:  wfe
    b       3b

    /* Secondary vCPUs (PSCI CPU_ON): x0 = context = the stack top. */
    .globl secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     sp, x0
    ldr     x1, =vectors
    msr     vbar_el1, x1
    isb
    bl      hostile_secondary
4:  wfe
    b       4b

/* 16 vectors of 0x80 bytes; each saves x0 and x1, puts its number in x1
 * and goes to the common code. */
    .macro  vector n
    .balign 0x80
    sub     sp, sp, #(34 * 8)
    stp     x0, x1, [sp]
    mov     x1, #\n
    b       exception_common
    .endm

    .text
    .balign 2048
vectors:
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vector  \n
    .endr

/* The frame: x0-x30, elr, spsr, the vector number (struct frame). */
exception_common:
    str     x1, [sp, #(33 * 8)]
    stp     x2, x3, [sp, #(2 * 8)]
    stp     x4, x5, [sp, #(4 * 8)]
    stp     x6, x7, [sp, #(6 * 8)]
    stp     x8, x9, [sp, #(8 * 8)]
    stp     x10, x11, [sp, #(10 * 8)]
    stp     x12, x13, [sp, #(12 * 8)]
    stp     x14, x15, [sp, #(14 * 8)]
    stp     x16, x17, [sp, #(16 * 8)]
    stp     x18, x19, [sp, #(18 * 8)]
    stp     x20, x21, [sp, #(20 * 8)]
    stp     x22, x23, [sp, #(22 * 8)]
    stp     x24, x25, [sp, #(24 * 8)]
    stp     x26, x27, [sp, #(26 * 8)]
    stp     x28, x29, [sp, #(28 * 8)]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x30, x2, [sp, #(30 * 8)]
    str     x3, [sp, #(32 * 8)]
    ldr     x1, [sp, #8]
    mov     x0, sp
    bl      hostile_exception
    ldp     x30, x2, [sp, #(30 * 8)]
    ldr     x3, [sp, #(32 * 8)]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x2, x3, [sp, #(2 * 8)]
    ldp     x4, x5, [sp, #(4 * 8)]
    ldp     x6, x7, [sp, #(6 * 8)]
    ldp     x8, x9, [sp, #(8 * 8)]
    ldp     x10, x11, [sp, #(10 * 8)]
    ldp     x12, x13, [sp, #(12 * 8)]
    ldp     x14, x15, [sp, #(14 * 8)]
    ldp     x16, x17, [sp, #(16 * 8)]
    ldp     x18, x19, [sp, #(18 * 8)]
    ldp     x20, x21, [sp, #(20 * 8)]
    ldp     x22, x23, [sp, #(22 * 8)]
    ldp     x24, x25, [sp, #(24 * 8)]
    ldp     x26, x27, [sp, #(26 * 8)]
    ldp     x28, x29, [sp, #(28 * 8)]
    ldp     x0, x1, [sp]
    add     sp, sp, #(34 * 8)
    eret
