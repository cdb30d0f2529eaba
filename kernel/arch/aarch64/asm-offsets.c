/*
 * Constants for the assembly files, generated from the C definitions so the
 * two can never disagree. The build compiles this file to assembly and turns
 * each "->NAME value" marker into a #define (see mk/kernel.mk).
 */
#include "arch/aarch64/boot.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/regs.h"
#include "core/cpu.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" ::"i"(val))
#define OFFSET(sym, type, member) DEFINE(sym, __builtin_offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
    DEFINE(REGS_SIZE, sizeof(struct regs));
    OFFSET(REGS_X30, struct regs, x[30]);
    OFFSET(REGS_PC, struct regs, pc);
    OFFSET(CPU_KSTACK_TOP, struct cpu, kstack_top);
    OFFSET(BOOT_REGS_HCR, struct boot_cpu_regs, hcr);
    OFFSET(BOOT_REGS_MAIR, struct boot_cpu_regs, mair);
    OFFSET(BOOT_REGS_TCR, struct boot_cpu_regs, tcr);
    OFFSET(BOOT_REGS_SCTLR, struct boot_cpu_regs, sctlr);
    OFFSET(BOOT_REGS_TTBR0, struct boot_cpu_regs, ttbr0);
    OFFSET(BOOT_REGS_TTBR1, struct boot_cpu_regs, ttbr1);
    OFFSET(BOOT_REGS_CPTR, struct boot_cpu_regs, cptr);
    OFFSET(BOOT_REGS_CNTHCTL, struct boot_cpu_regs, cnthctl);
    OFFSET(CPU_BOOT_STACK_TOP, struct cpu_boot_args, stack_top);
    DEFINE(ASM_DIRECT_MAP_BASE, DIRECT_MAP_BASE);
    DEFINE(ASM_KERNEL_STACK_SIZE, KERNEL_STACK_SIZE);
}
