/*
 * System register access and the register bit values the kernel programs.
 * Register layouts from the Arm ARM (DDI 0487); with HCR_EL2.E2H = 1 the EL2
 * registers TCR_EL2, SCTLR_EL2, CPTR_EL2 and CNTHCTL_EL2 take their EL1-style
 * layouts, which is what the values below assume.
 */
#ifndef KERNEL_ARCH_SYSREG_H
#define KERNEL_ARCH_SYSREG_H

#ifndef __ASSEMBLER__
#include <stdint.h>

#define sysreg_read(r)                                                                             \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #r : "=r"(v_));                                                \
        v_;                                                                                        \
    })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define wfi() __asm__ volatile("wfi" ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")

static inline void irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}
#endif

#define BIT(n) (1UL << (n))

/* HCR_EL2 */
#define HCR_RW BIT(31)
#define HCR_TGE BIT(27)
#define HCR_E2H BIT(34)

/* SCTLR_EL2 with E2H=1, TGE=1 (EL1 layout) */
#define SCTLR_M BIT(0)
#define SCTLR_A BIT(1)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_SA0 BIT(4)
#define SCTLR_I BIT(12)
#define SCTLR_DZE BIT(14)
#define SCTLR_UCT BIT(15)
#define SCTLR_NTWI BIT(16)
#define SCTLR_NTWE BIT(18)
#define SCTLR_WXN BIT(19)
#define SCTLR_SPAN BIT(23)
#define SCTLR_UCI BIT(26)
#define SCTLR_RES1 (BIT(11) | BIT(20) | BIT(22) | BIT(28) | BIT(29))

/* TCR_EL2 with E2H=1 (TCR_EL1 layout) */
#define TCR_T0SZ(n) ((uint64_t)(n) << 0)
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_TG0_4K (0UL << 14)
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_IRGN1_WBWA (1UL << 24)
#define TCR_ORGN1_WBWA (1UL << 26)
#define TCR_SH1_INNER (3UL << 28)
#define TCR_TG1_4K (2UL << 30)
#define TCR_IPS_SHIFT 32
#define TCR_AS BIT(36)

/* CPTR_EL2 with E2H=1 (CPACR_EL1 layout) */
#define CPTR_FPEN_NONE (3UL << 20)     /* no FP/SIMD traps */
#define CPTR_FPEN_EL0_TRAP (1UL << 20) /* trap FP/SIMD at EL0 only */

/* CNTHCTL_EL2 with E2H=1 */
#define CNTHCTL_EL0PCTEN BIT(0)
#define CNTHCTL_EL0VCTEN BIT(1)
#define CNTHCTL_EL1PCTEN BIT(10)

/* MAIR attribute indexes used in page table entries */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer write-back, read/write-allocate */
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_IDX_DEVICE_NGNRE 3
#define MAIR_VALUE (0x00UL | 0xffUL << 8 | 0x44UL << 16 | 0x04UL << 24)

/* ESR_EL2 exception classes */
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP 0x07
#define ESR_EC_ILLEGAL 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYSREG 0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_FP64 0x2c
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK64 0x3c

/* SPSR */
#define SPSR_MODE_EL0T 0x0
#define SPSR_DAIF (0xfUL << 6)

#endif
