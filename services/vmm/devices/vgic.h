/*
 * The emulated GICv3 distributor and redistributors: the register model a
 * guest's GIC driver programs (Linux's irq-gic-v3: affinity routing on, a
 * single security state, no LPIs), and the decision of when an interrupt
 * reaches a vCPU. The GIC CPU interface is the hardware's virtual one and
 * the virtual timer is the kernel's, so this model never sees an
 * acknowledge or an EOI: an interrupt that is pending, enabled, in an
 * enabled group and routed to an existing vCPU is handed over (the inject
 * callback; the VMM sets the bit in that vCPU's state page) and is no
 * longer pending here. One that is not deliverable stays pending until a
 * register write makes it so.
 *
 * Pure code with no system calls: the host tests drive it directly. Only
 * the VMM's exit-handling thread calls it, so it takes no locks. No value a
 * guest writes can make it read or write outside its arrays.
 */
#ifndef VMM_DEVICES_VGIC_H
#define VMM_DEVICES_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/layout.h"
#include "vmm/mmio.h"

/* INTIDs 0-31 are each vCPU's SGIs and PPIs; 32 .. VGIC_NR_IRQS-1 SPIs. */
#define VGIC_NR_IRQS 128
#define VGIC_WORDS (VGIC_NR_IRQS / 32)

/* GICD_CTLR with one security state (DS = 1). */
#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)

/* A redistributor's own interrupts (SGIs 0-15, PPIs 16-31) for one vCPU. */
struct vgic_cpu {
    uint32_t group, enabled, pending, grpmod;
    uint32_t cfg_ppi; /* GICR_ICFGR1; SGIs are always edge-triggered */
    uint8_t priority[32];
    bool asleep; /* GICR_WAKER.ProcessorSleep */
};

struct vgic {
    unsigned vcpu_count;
    uint32_t ctlr; /* enable bits only; ARE and DS read as one */
    /* SPIs, indexed by INTID (word 0, the local interrupts, is unused). */
    uint32_t group[VGIC_WORDS], enabled[VGIC_WORDS], pending[VGIC_WORDS], grpmod[VGIC_WORDS];
    uint32_t cfg[VGIC_NR_IRQS / 16];
    uint8_t priority[VGIC_NR_IRQS];
    uint64_t router[VGIC_NR_IRQS];
    struct vgic_cpu cpu[VM_MAX_VCPUS];

    /* Hands intid to vCPU vcpu (it is taken as soon as the vCPU runs). */
    void (*inject)(void *ctx, unsigned vcpu, unsigned intid);
    /* Takes back an interrupt handed over and not yet taken (may be NULL). */
    void (*retract)(void *ctx, unsigned vcpu, unsigned intid);
    void *ctx;
    uint64_t delivered; /* interrupts handed over, for statistics */
};

void vgic_init(struct vgic *g, unsigned vcpu_count,
               void (*inject)(void *ctx, unsigned vcpu, unsigned intid),
               void (*retract)(void *ctx, unsigned vcpu, unsigned intid), void *ctx);

/* Back to the state out of reset (nothing enabled, nothing pending). */
void vgic_reset(struct vgic *g);

/* A device or the VMM raises intid: an SPI (vcpu is ignored) or, below 32,
 * a PPI or SGI of vCPU vcpu. Edge semantics: one call, one delivery. Out of
 * range values are ignored. */
void vgic_raise(struct vgic *g, unsigned vcpu, unsigned intid);

/* The guest wrote ICC_SGI1R_EL1 (or ICC_ASGI1R/ICC_SGI0R) on vCPU from:
 * raises the SGI on every vCPU the value targets (the target list with
 * Aff1-3 and RS, or every other vCPU when IRM is set). */
void vgic_sgi1r(struct vgic *g, unsigned from, uint64_t value);

/* The vCPU an SPI is routed to, or -1 (routed to no existing vCPU). */
int vgic_spi_target(const struct vgic *g, unsigned intid);

/* MMIO handlers: the distributor (VM_GICD_SIZE bytes) and the
 * redistributors (VM_GICR_STRIDE bytes per vCPU). Unknown and reserved
 * registers read as zero and ignore writes, as on hardware; no access is
 * refused. */
bool vgic_dist_access(void *gic, struct mmio_access *a);
bool vgic_redist_access(void *gic, struct mmio_access *a);

/* Used by vgic_dist.c and vgic_redist.c. */
bool vgic_group_enabled(const struct vgic *g, bool group1);
void vgic_update_spis(struct vgic *g);
void vgic_update_local(struct vgic *g, unsigned vcpu);
void vgic_clear_spis(struct vgic *g, unsigned word, uint32_t bits);
void vgic_clear_local(struct vgic *g, unsigned vcpu, uint32_t bits);

#endif
