/*
 * The vGIC's core: state, routing and delivery, and the guest's SGIs
 * (ICC_SGI1R_EL1). The register files are vgic_dist.c and vgic_redist.c.
 * See vgic.h for the model.
 */
#include <string.h>

#include "vgic.h"

void vgic_init(struct vgic *g, unsigned vcpu_count,
               void (*inject)(void *ctx, unsigned vcpu, unsigned intid),
               void (*retract)(void *ctx, unsigned vcpu, unsigned intid), void *ctx)
{
    g->vcpu_count = vcpu_count > VM_MAX_VCPUS ? VM_MAX_VCPUS : vcpu_count;
    g->inject = inject;
    g->retract = retract;
    g->ctx = ctx;
    vgic_reset(g);
}

void vgic_reset(struct vgic *g)
{
    g->ctlr = 0;
    memset(g->group, 0, sizeof(g->group));
    memset(g->enabled, 0, sizeof(g->enabled));
    memset(g->pending, 0, sizeof(g->pending));
    memset(g->grpmod, 0, sizeof(g->grpmod));
    memset(g->cfg, 0, sizeof(g->cfg));
    memset(g->priority, 0, sizeof(g->priority));
    memset(g->router, 0, sizeof(g->router));
    memset(g->cpu, 0, sizeof(g->cpu));
    for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
        g->cpu[i].asleep = true; /* GICR_WAKER.ProcessorSleep is 1 out of reset */
    }
    g->delivered = 0;
}

bool vgic_group_enabled(const struct vgic *g, bool group1)
{
    return (g->ctlr & (group1 ? GICD_CTLR_ENABLE_G1 : GICD_CTLR_ENABLE_G0)) != 0;
}

int vgic_spi_target(const struct vgic *g, unsigned intid)
{
    if (intid < 32 || intid >= VGIC_NR_IRQS) {
        return -1;
    }
    uint64_t r = g->router[intid];
    if (r & (1ull << 31)) {
        return 0; /* Interrupt_Routing_Mode 1: any vCPU; the first one takes it */
    }
    uint64_t aff0 = r & 0xff, upper = (r >> 8) & 0xff, aff2 = (r >> 16) & 0xff;
    uint64_t aff3 = (r >> 32) & 0xff;
    if (upper != 0 || aff2 != 0 || aff3 != 0) {
        return -1;
    }
    for (unsigned i = 0; i < g->vcpu_count; i++) {
        if (vm_vcpu_mpidr(i) == aff0) {
            return (int)i;
        }
    }
    return -1;
}

static void hand_over(struct vgic *g, unsigned vcpu, unsigned intid)
{
    g->delivered++;
    if (g->inject != NULL) {
        g->inject(g->ctx, vcpu, intid);
    }
}

/* Hands over every SPI that is pending and deliverable. */
void vgic_update_spis(struct vgic *g)
{
    for (unsigned w = 1; w < VGIC_WORDS; w++) {
        uint32_t ready = g->pending[w] & g->enabled[w];
        if (!vgic_group_enabled(g, true)) {
            ready &= ~g->group[w];
        }
        if (!vgic_group_enabled(g, false)) {
            ready &= g->group[w];
        }
        while (ready != 0) {
            unsigned bit = (unsigned)__builtin_ctz(ready);
            ready &= ready - 1;
            unsigned intid = w * 32 + bit;
            int target = vgic_spi_target(g, intid);
            if (target >= 0) {
                g->pending[w] &= ~(1u << bit);
                hand_over(g, (unsigned)target, intid);
            }
        }
    }
}

/* Hands over vCPU vcpu's pending and deliverable SGIs and PPIs. */
void vgic_update_local(struct vgic *g, unsigned vcpu)
{
    struct vgic_cpu *c = &g->cpu[vcpu];
    uint32_t ready = c->pending & c->enabled;
    if (!vgic_group_enabled(g, true)) {
        ready &= ~c->group;
    }
    if (!vgic_group_enabled(g, false)) {
        ready &= c->group;
    }
    c->pending &= ~ready;
    while (ready != 0) {
        unsigned intid = (unsigned)__builtin_ctz(ready);
        ready &= ready - 1;
        hand_over(g, vcpu, intid);
    }
}

/* ICPENDR: forget pending SPIs, here and where they were handed over. */
void vgic_clear_spis(struct vgic *g, unsigned word, uint32_t bits)
{
    g->pending[word] &= ~bits;
    for (unsigned v = 0; g->retract != NULL && v < g->vcpu_count; v++) {
        for (uint32_t b = bits; b != 0; b &= b - 1) {
            g->retract(g->ctx, v, word * 32 + (unsigned)__builtin_ctz(b));
        }
    }
}

void vgic_clear_local(struct vgic *g, unsigned vcpu, uint32_t bits)
{
    g->cpu[vcpu].pending &= ~bits;
    for (uint32_t b = bits; g->retract != NULL && b != 0; b &= b - 1) {
        g->retract(g->ctx, vcpu, (unsigned)__builtin_ctz(b));
    }
}

void vgic_raise(struct vgic *g, unsigned vcpu, unsigned intid)
{
    if (intid < 32) {
        if (vcpu < g->vcpu_count) {
            g->cpu[vcpu].pending |= 1u << intid;
            vgic_update_local(g, vcpu);
        }
    } else if (intid < VGIC_NR_IRQS) {
        g->pending[intid / 32] |= 1u << (intid % 32);
        vgic_update_spis(g);
    }
}

void vgic_sgi1r(struct vgic *g, unsigned from, uint64_t value)
{
    unsigned intid = (unsigned)(value >> 24) & 0xf;
    if (value & (1ull << 40)) { /* IRM: every vCPU but the sender */
        for (unsigned v = 0; v < g->vcpu_count; v++) {
            if (v != from) {
                vgic_raise(g, v, intid);
            }
        }
        return;
    }
    uint64_t aff1 = (value >> 16) & 0xff, aff2 = (value >> 32) & 0xff;
    uint64_t aff3 = (value >> 48) & 0xff, rs = (value >> 44) & 0xf;
    if (aff1 != 0 || aff2 != 0 || aff3 != 0) {
        return; /* no vCPU has such an affinity */
    }
    for (uint32_t list = value & 0xffff; list != 0; list &= list - 1) {
        uint64_t aff0 = rs * 16 + (unsigned)__builtin_ctz(list);
        for (unsigned v = 0; v < g->vcpu_count; v++) {
            if (vm_vcpu_mpidr(v) == aff0) {
                vgic_raise(g, v, intid);
            }
        }
    }
}
