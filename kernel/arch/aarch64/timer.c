/*
 * EL2 physical timer: see timer.h. Registers CNTHP_CTL_EL2 (ENABLE bit 0,
 * IMASK bit 1) and CNTHP_CVAL_EL2 (compare value against CNTPCT_EL0).
 */
#include "arch/aarch64/timer.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/sysreg.h"

enum { CTL_ENABLE = 1, CTL_IMASK = 2, PPI_BASE = 16, DEFAULT_HYP_PPI = 10 };

static uint32_t intid = PPI_BASE + DEFAULT_HYP_PPI;
static uint64_t frequency;
static uint64_t slice_us, slice_ticks; /* the last slice length, converted */

bool timer_init(const struct dtb *dt, const char **why)
{
    int node = dtb_find_compatible(dt, -1, "arm,armv8-timer");
    struct dtb_prop irqs;
    if (node >= 0 && dtb_prop(dt, node, "interrupts", &irqs) && irqs.len >= 4 * 12) {
        /* Entries are <type number flags>; entry 3 is the EL2 physical timer. */
        uint32_t type = dtb_be32(irqs.data + 36);
        uint32_t number = dtb_be32(irqs.data + 40);
        if (type == 1 && number < 16) {
            intid = PPI_BASE + number;
        }
    }
    frequency = sysreg_read(cntfrq_el0);
    if (frequency == 0) {
        *why = "the generic timer reports a frequency of 0 (CNTFRQ_EL0)";
        return false;
    }
    return true;
}

void timer_init_cpu(void)
{
    sysreg_write(cnthp_ctl_el2, CTL_IMASK);
    gic_enable_ppi(intid);
}

uint32_t timer_intid(void)
{
    return intid;
}

uint64_t timer_now(void)
{
    isb();
    return sysreg_read(cntpct_el0);
}

uint64_t timer_frequency(void)
{
    return frequency;
}

uint64_t timer_ticks(uint64_t us)
{
    if (us != slice_us) {
        slice_ticks = frequency / 1000000 * us + (frequency % 1000000) * us / 1000000;
        slice_us = us;
    }
    return slice_ticks;
}

void timer_arm_at(uint64_t at)
{
    sysreg_write(cnthp_cval_el2, at);
    sysreg_write(cnthp_ctl_el2, CTL_ENABLE);
    isb();
}

void timer_disarm(void)
{
    sysreg_write(cnthp_ctl_el2, CTL_IMASK);
    isb();
}
