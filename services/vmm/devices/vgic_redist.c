/*
 * The GICv3 redistributors' registers (GICR_*): one pair of 64 KiB frames
 * per vCPU, back to back from VM_GICR_BASE. The RD frame identifies the
 * vCPU (GICR_TYPER: its affinity, its number, Last on the final one) and
 * wakes it (GICR_WAKER); the SGI frame holds group, enable, pending,
 * priority and configuration of its SGIs and PPIs. No LPIs: GICR_CTLR,
 * PROPBASER and PENDBASER read as zero.
 */
#include "vgic.h"

#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8

#define GICR_SGI_FRAME 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

static uint64_t typer(const struct vgic *g, unsigned vcpu)
{
    uint64_t t = vm_vcpu_mpidr(vcpu) << 32 /* Affinity_Value (Aff0 only) */
                 | (uint64_t)vcpu << 8;    /* Processor_Number */
    if (vcpu + 1 == g->vcpu_count) {
        t |= 1u << 4; /* Last */
    }
    return t;
}

static void rd_access(struct vgic *g, unsigned vcpu, uint64_t off, struct mmio_access *a)
{
    struct vgic_cpu *c = &g->cpu[vcpu];
    if (off == GICR_TYPER && a->width == 8) {
        if (!a->write) {
            a->value = typer(g, vcpu);
        }
        return;
    }
    if (a->width != 4 || (off & 3) != 0) {
        return; /* RAZ/WI */
    }
    if (a->write) {
        if (off == GICR_WAKER) {
            c->asleep = (a->value & WAKER_PROCESSOR_SLEEP) != 0;
        }
        return; /* every other RD register is read-only or not implemented */
    }
    switch (off) {
    case GICR_IIDR:
        a->value = 0x43b;
        break;
    case GICR_TYPER:
    case GICR_TYPER + 4:
        a->value = (uint32_t)(typer(g, vcpu) >> (off == GICR_TYPER ? 0 : 32));
        break;
    case GICR_WAKER:
        a->value = c->asleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
        break;
    case GICR_PIDR2:
        a->value = 0x3b;
        break;
    default: /* CTLR (no LPIs), STATUSR, PROPBASER, PENDBASER...: RAZ */
        break;
    }
}

/* A plain read-write register (writes keep the bits of mask). */
static void plain(uint32_t *reg, uint32_t mask, struct mmio_access *a)
{
    if (a->write) {
        *reg = (uint32_t)a->value & mask;
    } else {
        a->value = *reg;
    }
}

static void set_or_clear(uint32_t *reg, bool set, struct mmio_access *a)
{
    if (!a->write) {
        a->value = *reg;
    } else if (set) {
        *reg |= (uint32_t)a->value;
    } else {
        *reg &= ~(uint32_t)a->value;
    }
}

static void sgi_word(struct vgic *g, unsigned vcpu, uint64_t off, struct mmio_access *a)
{
    struct vgic_cpu *c = &g->cpu[vcpu];
    uint32_t v = (uint32_t)a->value;
    switch (off) {
    case GICR_IGROUPR0:
        plain(&c->group, ~0u, a);
        break;
    case GICR_ISENABLER0:
    case GICR_ICENABLER0:
        set_or_clear(&c->enabled, off == GICR_ISENABLER0, a);
        break;
    case GICR_ISPENDR0:
        set_or_clear(&c->pending, true, a);
        break;
    case GICR_ICPENDR0:
        if (a->write) {
            vgic_clear_local(g, vcpu, v);
        } else {
            a->value = c->pending;
        }
        break;
    case GICR_ICFGR0:
        if (!a->write) {
            a->value = 0xaaaaaaaau; /* SGIs are edge-triggered, fixed */
        }
        break;
    case GICR_ICFGR1:
        plain(&c->cfg_ppi, 0xaaaaaaaau, a);
        break;
    case GICR_IGRPMODR0:
        plain(&c->grpmod, ~0u, a);
        break;
    default: /* ISACTIVER0/ICACTIVER0 (the virtual CPU interface's), NSACR */
        break;
    }
    if (a->write) {
        vgic_update_local(g, vcpu);
    }
}

static void sgi_access(struct vgic *g, unsigned vcpu, uint64_t off, struct mmio_access *a)
{
    struct vgic_cpu *c = &g->cpu[vcpu];
    if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32) {
        for (unsigned i = 0; i < a->width && a->width <= 4; i++) {
            uint64_t intid = off - GICR_IPRIORITYR + i;
            if (intid >= 32) {
                break;
            }
            if (a->write) {
                c->priority[intid] = (uint8_t)(a->value >> (8 * i));
            } else {
                a->value |= (uint64_t)c->priority[intid] << (8 * i);
            }
        }
    } else if (a->width == 4 && (off & 3) == 0) {
        sgi_word(g, vcpu, off, a);
    }
}

bool vgic_redist_access(void *gic, struct mmio_access *a)
{
    struct vgic *g = gic;
    uint64_t vcpu = a->offset / VM_GICR_STRIDE;
    uint64_t off = a->offset % VM_GICR_STRIDE;
    if (!a->write) {
        a->value = 0;
    }
    if (vcpu >= g->vcpu_count) {
        return true; /* the window is sized to the vCPUs; nothing lies beyond */
    }
    if (off < GICR_SGI_FRAME) {
        rd_access(g, (unsigned)vcpu, off, a);
    } else {
        sgi_access(g, (unsigned)vcpu, off - GICR_SGI_FRAME, a);
    }
    return true;
}
