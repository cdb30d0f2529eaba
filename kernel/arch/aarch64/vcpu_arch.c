/*
 * vCPU world switch, the register side: see vcpu_arch.h. Register encodings
 * of the GIC virtualization interface (ICH_*) from the GICv3 specification;
 * the HCR_EL2 and MDCR_EL2 values follow what the Arm ARM says each bit
 * traps or routes.
 */
#include "arch/aarch64/vcpu_arch.h"
#include "arch/aarch64/boot.h"
#include "arch/aarch64/sysreg.h"

/* The guest's HCR_EL2: stage 2 on (VM), set/way maintenance upgraded
 * (SWIO), physical FIQ/IRQ/SError to EL2 (FMO, IMO, AMO), broadcast of TLB
 * and cache maintenance (FB, BSU inner shareable), WFI and SMC trapped (TWI,
 * TSC), EL1 in AArch64 (RW), VHE kept (E2H), host traps off (TGE clear). */
#define HCR_GUEST                                                                                  \
    (BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(9) | (1UL << 10) | BIT(13) | BIT(19) |       \
     HCR_RW | HCR_E2H)

/* The guest's MDCR_EL2: its PMU and debug registers trap (TPMCR, TPM, TDA,
 * TDOSA, TDRA); the kernel answers them as read-as-zero. HPMN kept. */
#define MDCR_GUEST_TRAPS (BIT(5) | BIT(6) | BIT(9) | BIT(10) | BIT(11))

static unsigned lr_count;
static uint64_t host_mdcr;

void vcpu_arch_init_cpu(void)
{
    uint64_t vtr = sysreg_read(S3_4_C12_C11_1); /* ICH_VTR_EL2 */
    lr_count = (unsigned)(vtr & 0x1f) + 1;
    if (lr_count > VCPU_MAX_LRS) {
        lr_count = VCPU_MAX_LRS;
    }
    host_mdcr = sysreg_read(mdcr_el2);
    sysreg_write(S3_4_C12_C11_0, 0); /* ICH_HCR_EL2: virtual interface off */
    /* Empty list registers while no vCPU is loaded: loads write only those
     * a vCPU uses (struct vcpu_gic.lr_live), saves empty them again. */
    for (unsigned i = 0; i < lr_count; i++) {
        vcpu_arch_lr_write(i, 0);
    }
    isb();
}

uint64_t vcpu_arch_lr_empty(void)
{
    return sysreg_read(S3_4_C12_C11_5) & ((1UL << lr_count) - 1); /* ICH_ELRSR_EL2 */
}

unsigned vcpu_arch_lr_count(void)
{
    return lr_count;
}

void vcpu_arch_reset(struct vcpu_el1 *el1, struct vcpu_gic *gic, struct vcpu_timer *timer)
{
    *el1 = (struct vcpu_el1){0};
    el1->sctlr = 0x30d00800; /* the architecture's RES1 bits: MMU and caches off */
    *gic = (struct vcpu_gic){0};
    gic->hcr = ICH_HCR_EN;
    *timer = (struct vcpu_timer){0};
}

uint64_t vcpu_arch_lr_read(unsigned n)
{
    switch (n) {
#define LR_READ(i, enc)                                                                            \
    case i:                                                                                        \
        return sysreg_read(enc)
        LR_READ(0, S3_4_C12_C12_0);
        LR_READ(1, S3_4_C12_C12_1);
        LR_READ(2, S3_4_C12_C12_2);
        LR_READ(3, S3_4_C12_C12_3);
        LR_READ(4, S3_4_C12_C12_4);
        LR_READ(5, S3_4_C12_C12_5);
        LR_READ(6, S3_4_C12_C12_6);
        LR_READ(7, S3_4_C12_C12_7);
        LR_READ(8, S3_4_C12_C13_0);
        LR_READ(9, S3_4_C12_C13_1);
        LR_READ(10, S3_4_C12_C13_2);
        LR_READ(11, S3_4_C12_C13_3);
        LR_READ(12, S3_4_C12_C13_4);
        LR_READ(13, S3_4_C12_C13_5);
        LR_READ(14, S3_4_C12_C13_6);
        LR_READ(15, S3_4_C12_C13_7);
#undef LR_READ
    default:
        return 0;
    }
}

void vcpu_arch_lr_write(unsigned n, uint64_t v)
{
    switch (n) {
#define LR_WRITE(i, enc)                                                                           \
    case i:                                                                                        \
        sysreg_write(enc, v);                                                                      \
        break
        LR_WRITE(0, S3_4_C12_C12_0);
        LR_WRITE(1, S3_4_C12_C12_1);
        LR_WRITE(2, S3_4_C12_C12_2);
        LR_WRITE(3, S3_4_C12_C12_3);
        LR_WRITE(4, S3_4_C12_C12_4);
        LR_WRITE(5, S3_4_C12_C12_5);
        LR_WRITE(6, S3_4_C12_C12_6);
        LR_WRITE(7, S3_4_C12_C12_7);
        LR_WRITE(8, S3_4_C12_C13_0);
        LR_WRITE(9, S3_4_C12_C13_1);
        LR_WRITE(10, S3_4_C12_C13_2);
        LR_WRITE(11, S3_4_C12_C13_3);
        LR_WRITE(12, S3_4_C12_C13_4);
        LR_WRITE(13, S3_4_C12_C13_5);
        LR_WRITE(14, S3_4_C12_C13_6);
        LR_WRITE(15, S3_4_C12_C13_7);
#undef LR_WRITE
    default:
        break;
    }
}

uint64_t vcpu_arch_hcr_read(void)
{
    return sysreg_read(S3_4_C12_C11_0);
}

void vcpu_arch_hcr_write(uint64_t v)
{
    sysreg_write(S3_4_C12_C11_0, v);
}

uint64_t vcpu_arch_timer_ctl(void)
{
    return sysreg_read(cntv_ctl_el02);
}

void vcpu_arch_timer_mask(void)
{
    sysreg_write(cntv_ctl_el02, sysreg_read(cntv_ctl_el02) | CNTV_CTL_IMASK);
    isb();
}

void vcpu_arch_load(const struct vcpu_el1 *el1, const struct vcpu_gic *gic,
                    const struct vcpu_timer *timer, uint64_t vttbr, uint64_t vmpidr,
                    uint64_t cntvoff)
{
    sysreg_write(vttbr_el2, vttbr);
    sysreg_write(vmpidr_el2, vmpidr);
    sysreg_write(cntvoff_el2, cntvoff);
    sysreg_write(sctlr_el12, el1->sctlr);
    sysreg_write(cpacr_el12, el1->cpacr);
    sysreg_write(ttbr0_el12, el1->ttbr0);
    sysreg_write(ttbr1_el12, el1->ttbr1);
    sysreg_write(tcr_el12, el1->tcr);
    sysreg_write(esr_el12, el1->esr);
    sysreg_write(afsr0_el12, el1->afsr0);
    sysreg_write(afsr1_el12, el1->afsr1);
    sysreg_write(far_el12, el1->far);
    sysreg_write(mair_el12, el1->mair);
    sysreg_write(amair_el12, el1->amair);
    sysreg_write(vbar_el12, el1->vbar);
    sysreg_write(contextidr_el12, el1->contextidr);
    sysreg_write(cntkctl_el12, el1->cntkctl);
    sysreg_write(spsr_el12, el1->spsr);
    sysreg_write(elr_el12, el1->elr);
    sysreg_write(sp_el1, el1->sp_el1);
    sysreg_write(tpidr_el1, el1->tpidr_el1);
    sysreg_write(par_el1, el1->par);
    sysreg_write(csselr_el1, el1->csselr);
    sysreg_write(cntv_cval_el02, timer->cval);
    sysreg_write(cntv_ctl_el02, timer->ctl);
    for (uint64_t live = gic->lr_live; live != 0; live &= live - 1) {
        unsigned i = (unsigned)__builtin_ctzl(live);
        vcpu_arch_lr_write(i, gic->lr[i]);
    }
    sysreg_write(S3_4_C12_C8_0, gic->ap0r0); /* ICH_AP0R0_EL2 */
    sysreg_write(S3_4_C12_C9_0, gic->ap1r0); /* ICH_AP1R0_EL2 */
    sysreg_write(S3_4_C12_C11_7, gic->vmcr); /* ICH_VMCR_EL2 */
    sysreg_write(S3_4_C12_C11_0, gic->hcr);  /* ICH_HCR_EL2 */
    sysreg_write(mdcr_el2, host_mdcr | MDCR_GUEST_TRAPS);
    sysreg_write(hcr_el2, HCR_GUEST);
    isb();
}

void vcpu_arch_save(struct vcpu_el1 *el1, struct vcpu_gic *gic, struct vcpu_timer *timer)
{
    el1->sctlr = sysreg_read(sctlr_el12);
    el1->cpacr = sysreg_read(cpacr_el12);
    el1->ttbr0 = sysreg_read(ttbr0_el12);
    el1->ttbr1 = sysreg_read(ttbr1_el12);
    el1->tcr = sysreg_read(tcr_el12);
    el1->esr = sysreg_read(esr_el12);
    el1->afsr0 = sysreg_read(afsr0_el12);
    el1->afsr1 = sysreg_read(afsr1_el12);
    el1->far = sysreg_read(far_el12);
    el1->mair = sysreg_read(mair_el12);
    el1->amair = sysreg_read(amair_el12);
    el1->vbar = sysreg_read(vbar_el12);
    el1->contextidr = sysreg_read(contextidr_el12);
    el1->cntkctl = sysreg_read(cntkctl_el12);
    el1->spsr = sysreg_read(spsr_el12);
    el1->elr = sysreg_read(elr_el12);
    el1->sp_el1 = sysreg_read(sp_el1);
    el1->tpidr_el1 = sysreg_read(tpidr_el1);
    el1->par = sysreg_read(par_el1);
    el1->csselr = sysreg_read(csselr_el1);
    timer->ctl = sysreg_read(cntv_ctl_el02);
    timer->cval = sysreg_read(cntv_cval_el02);
    sysreg_write(cntv_ctl_el02, 0); /* it must not fire for someone else */
    gic->lr_live = ~vcpu_arch_lr_empty() & ((1UL << lr_count) - 1);
    for (uint64_t live = gic->lr_live; live != 0; live &= live - 1) {
        unsigned i = (unsigned)__builtin_ctzl(live);
        gic->lr[i] = vcpu_arch_lr_read(i);
        vcpu_arch_lr_write(i, 0);
    }
    gic->ap0r0 = sysreg_read(S3_4_C12_C8_0);
    gic->ap1r0 = sysreg_read(S3_4_C12_C9_0);
    gic->vmcr = sysreg_read(S3_4_C12_C11_7);
    gic->hcr = sysreg_read(S3_4_C12_C11_0);
    sysreg_write(S3_4_C12_C11_0, 0);
    sysreg_write(mdcr_el2, host_mdcr);
    sysreg_write(hcr_el2, boot_cpu_regs.hcr);
    isb();
}
