/*
 * The architecture side of a vCPU: the guest's EL1 system registers, its
 * virtual timer and its GIC virtual CPU interface (list registers), and the
 * EL2 controls that differ while a guest runs (HCR_EL2, VTTBR_EL2, MDCR_EL2,
 * VMPIDR_EL2, CNTVOFF_EL2). Loaded when a vCPU becomes a CPU's current
 * thread, saved when it stops being it. Under VHE the guest's EL1 registers
 * are reached through their *_EL12 / *_EL02 names.
 */
#ifndef KERNEL_ARCH_VCPU_ARCH_H
#define KERNEL_ARCH_VCPU_ARCH_H

#include <stdint.h>

#define VCPU_MAX_LRS 16

struct vcpu_el1 {
    uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair, amair, vbar;
    uint64_t contextidr, cntkctl, spsr, elr, sp_el1, tpidr_el1, par, csselr;
};

struct vcpu_gic {
    uint64_t lr[VCPU_MAX_LRS];
    uint64_t lr_live; /* bit i: lr[i] holds an interrupt (the others are empty) */
    uint64_t hcr, vmcr, ap0r0, ap1r0;
};

struct vcpu_timer {
    uint64_t ctl, cval;
};

/* ICH_LR_EL2 fields */
#define LR_STATE_SHIFT 62
#define LR_STATE_PENDING (1UL << 62)
#define LR_STATE_ACTIVE (2UL << 62)
#define LR_STATE_MASK (3UL << 62)
#define LR_GROUP1 (1UL << 60)
#define LR_PRIORITY(p) ((uint64_t)(p) << 48)
#define LR_VINTID_MASK 0xffffffffUL

/* ICH_HCR_EL2 */
#define ICH_HCR_EN 1UL
#define ICH_HCR_UIE 2UL

#define CNTV_CTL_ENABLE 1UL
#define CNTV_CTL_IMASK 2UL
#define CNTV_CTL_ISTATUS 4UL

/* Boot-time discovery (list register count) and per-CPU set-up. */
void vcpu_arch_init_cpu(void);
unsigned vcpu_arch_lr_count(void);

/* The initial EL1 state of a guest CPU (out of reset, MMU off). */
void vcpu_arch_reset(struct vcpu_el1 *el1, struct vcpu_gic *gic, struct vcpu_timer *timer);

void vcpu_arch_load(const struct vcpu_el1 *el1, const struct vcpu_gic *gic,
                    const struct vcpu_timer *timer, uint64_t vttbr, uint64_t vmpidr,
                    uint64_t cntvoff);
/* Saves, stops the guest's timer, and puts the host's EL2 controls back. */
void vcpu_arch_save(struct vcpu_el1 *el1, struct vcpu_gic *gic, struct vcpu_timer *timer);

/* Bit i set: list register i is empty (ICH_ELRSR_EL2), among lr_count. */
uint64_t vcpu_arch_lr_empty(void);
uint64_t vcpu_arch_lr_read(unsigned n);
void vcpu_arch_lr_write(unsigned n, uint64_t v);
uint64_t vcpu_arch_hcr_read(void);
void vcpu_arch_hcr_write(uint64_t v);
/* The live guest timer (only while loaded). */
uint64_t vcpu_arch_timer_ctl(void);
void vcpu_arch_timer_mask(void);

#endif
