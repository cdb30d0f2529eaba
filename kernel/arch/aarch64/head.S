/*
 * Kernel entry. The image starts with the arm64 Linux boot header
 * (Documentation/arch/arm64/booting.rst in Linux), so any Linux boot loader
 * (QEMU -kernel, U-Boot booti, ...) starts it: at the load address, MMU off,
 * DTB physical address in x0, at EL2 (or EL1, which the kernel refuses).
 *
 * The boot CPU runs boot_early() (C, MMU off) to check the machine and build
 * the initial tables, turns the MMU on through the identity map, jumps to the
 * kernel's link address and calls kernel_main(). Secondary CPUs enter at
 * secondary_entry with the physical address of their cpu_boot_args.
 */
#include "arch/aarch64/asm-offsets.h"

.macro adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
.endm

    .section ".head.text", "ax"
    .globl  _head
_head:
    b       primary_entry           // code0
    .long   0                       // code1
    .quad   0                       // text_offset
    .quad   _kernel_size            // image_size, bss included
    .quad   0xa                     // flags: little-endian, 4K pages, anywhere in RAM
    .quad   0, 0, 0                 // res2-res4
    .ascii  "ARM\x64"               // magic
    .long   0                       // res5: no PE/COFF header

    .text
primary_entry:
    msr     daifset, #0xf
    mov     x19, x0                 // DTB
    mrs     x20, CurrentEL
    ubfx    x20, x20, #2, #2
    cmp     x20, #2
    b.ne    1f
    msr     spsel, #1
1:  adr_l   x0, boot_stack_top
    mov     sp, x0
    adr_l   x0, __bss_start
    adr_l   x1, __bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b
3:  mov     x29, xzr
    mov     x0, x19
    mov     x1, x20
    bl      boot_early              // returns only if the machine can be used
    bl      cpu_enable_mmu
    ldr     x0, =primary_high
    br      x0

primary_high:
    ldr     x0, =boot_stack_top
    mov     sp, x0
    adr_l   x0, exception_vectors
    msr     vbar_el2, x0
    isb
    mov     x29, xzr
    mov     x30, xzr
    bl      kernel_main
    b       .

    .globl  secondary_entry
secondary_entry:
    msr     daifset, #0xf
    msr     spsel, #1
    mov     x19, x0                 // PA of this CPU's cpu_boot_args
    bl      cpu_enable_mmu
    ldr     x0, =secondary_high
    br      x0

secondary_high:
    ldr     x1, =ASM_DIRECT_MAP_BASE
    add     x19, x19, x1            // its VA through the direct map
    ldr     x0, [x19, #CPU_BOOT_STACK_TOP]
    mov     sp, x0
    adr_l   x0, exception_vectors
    msr     vbar_el2, x0
    isb
    mov     x0, x19
    mov     x29, xzr
    mov     x30, xzr
    bl      secondary_main
    b       .

/*
 * Loads the EL2 configuration that boot_early() computed and turns the MMU
 * on. Runs at the physical address; returns there (the identity map covers
 * the image). HCR_EL2.E2H is set first: it changes the layout of TCR_EL2,
 * SCTLR_EL2, CPTR_EL2 and CNTHCTL_EL2.
 */
cpu_enable_mmu:
    adr_l   x1, boot_cpu_regs
    ldr     x2, [x1, #BOOT_REGS_HCR]
    msr     hcr_el2, x2
    isb
    ldr     x2, [x1, #BOOT_REGS_MAIR]
    msr     mair_el2, x2
    ldr     x2, [x1, #BOOT_REGS_TCR]
    msr     tcr_el2, x2
    ldr     x2, [x1, #BOOT_REGS_TTBR0]
    msr     ttbr0_el2, x2
    ldr     x2, [x1, #BOOT_REGS_TTBR1]
    msr     ttbr1_el2, x2
    ldr     x2, [x1, #BOOT_REGS_CPTR]
    msr     cptr_el2, x2
    ldr     x2, [x1, #BOOT_REGS_CNTHCTL]
    msr     cnthctl_el2, x2
    msr     cntvoff_el2, xzr
    isb
    tlbi    alle2
    dsb     nsh
    isb
    ldr     x2, [x1, #BOOT_REGS_SCTLR]
    msr     sctlr_el2, x2
    isb
    ic      iallu
    dsb     nsh
    isb
    ret

    .bss
    .balign 16
boot_stack:
    .space  ASM_KERNEL_STACK_SIZE
    .globl  boot_stack_top
boot_stack_top:
