/*
 * The GICv3 distributor's registers (GICD_*), as a guest with affinity
 * routing sees them: its control, type and identification registers, and
 * for the SPIs group, enable, pending, priority, configuration and
 * routing. The SGI/PPI parts of the bit arrays are reserved with affinity
 * routing on (those live in the redistributors) and read as zero.
 * Active state is the hardware's virtual CPU interface's: ISACTIVER reads
 * as zero and ICACTIVER is ignored.
 */
#include "vgic.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GIC_PIDR2_V3 0x3b /* ArchRev 3, and Arm's JEP106 code bits */
#define GIC_IIDR_ARM 0x43b

static uint32_t typer(const struct vgic *g)
{
    unsigned cpus = g->vcpu_count > 8 ? 8 : g->vcpu_count;
    return (VGIC_NR_IRQS / 32 - 1) /* ITLinesNumber */
           | (cpus - 1) << 5       /* CPUNumber */
           | 9u << 19              /* IDbits: 10-bit INTIDs */
           | 1u << 26;             /* RSS: SGI targets may use the range selector */
}

/* IPRIORITYR: byte-accessible; the local interrupts' bytes are reserved. */
static void priority_access(struct vgic *g, struct mmio_access *a)
{
    if (a->width > 4) {
        return;
    }
    for (unsigned i = 0; i < a->width; i++) {
        uint64_t intid = a->offset - GICD_IPRIORITYR + i;
        if (intid < 32 || intid >= VGIC_NR_IRQS) {
            continue;
        }
        if (a->write) {
            g->priority[intid] = (uint8_t)(a->value >> (8 * i));
        } else {
            a->value |= (uint64_t)g->priority[intid] << (8 * i);
        }
    }
}

/* IROUTER<n>: 64-bit, or either 32-bit half. */
static void router_access(struct vgic *g, struct mmio_access *a)
{
    uint64_t n = (a->offset - GICD_IROUTER) / 8;
    unsigned shift = (a->offset & 4) ? 32 : 0;
    if (n < 32 || n >= VGIC_NR_IRQS || (a->width != 8 && a->width != 4) ||
        (a->offset & (a->width - 1)) != 0) {
        return;
    }
    uint64_t mask = a->width == 8 ? ~0ull : 0xffffffffull << shift;
    if (!a->write) {
        a->value = (g->router[n] & mask) >> shift;
        return;
    }
    uint64_t v = (g->router[n] & ~mask) | ((a->value << shift) & mask);
    g->router[n] = v & 0xff80ffffffull; /* Aff3, IRM, Aff2, Aff1, Aff0 */
    vgic_update_spis(g);
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

/* The bit arrays: one 32-bit word per 32 interrupts. */
static void bits_access(struct vgic *g, unsigned base, unsigned word, struct mmio_access *a)
{
    uint32_t v = (uint32_t)a->value;
    if (word == 0 || word >= VGIC_WORDS) {
        return; /* reserved with affinity routing, or beyond the last SPI */
    }
    switch (base) {
    case GICD_IGROUPR:
        plain(&g->group[word], ~0u, a);
        break;
    case GICD_ISENABLER:
    case GICD_ICENABLER:
        if (!a->write) {
            a->value = g->enabled[word];
        } else if (base == GICD_ISENABLER) {
            g->enabled[word] |= v;
        } else {
            g->enabled[word] &= ~v;
        }
        break;
    case GICD_ISPENDR:
    case GICD_ICPENDR:
        if (!a->write) {
            a->value = g->pending[word];
        } else if (base == GICD_ISPENDR) {
            g->pending[word] |= v;
        } else {
            vgic_clear_spis(g, word, v);
        }
        break;
    default: /* ISACTIVER, ICACTIVER: the virtual CPU interface's */
        break;
    }
    if (a->write) {
        vgic_update_spis(g);
    }
}

static void word_access(struct vgic *g, struct mmio_access *a)
{
    uint64_t off = a->offset;
    uint32_t v = (uint32_t)a->value;
    if (off == GICD_CTLR) {
        if (a->write) {
            g->ctlr = v & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
            vgic_update_spis(g);
            for (unsigned c = 0; c < g->vcpu_count; c++) {
                vgic_update_local(g, c);
            }
        } else {
            a->value = g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
        }
    } else if (off == GICD_TYPER && !a->write) {
        a->value = typer(g);
    } else if (off == GICD_IIDR && !a->write) {
        a->value = GIC_IIDR_ARM;
    } else if (off == GICD_PIDR2 && !a->write) {
        a->value = GIC_PIDR2_V3;
    } else if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
        bits_access(g, (unsigned)(off & ~0x7full), (unsigned)(off & 0x7f) / 4, a);
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_IRQS / 4) {
        uint64_t i = (off - GICD_ICFGR) / 4;
        if (i >= 2) {                          /* SGIs and PPIs: the redistributor's */
            plain(&g->cfg[i], 0xaaaaaaaau, a); /* the odd bits: edge (1) or level */
        }
    } else if (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + VGIC_WORDS * 4) {
        uint64_t w = (off - GICD_IGRPMODR) / 4;
        if (w != 0) {
            plain(&g->grpmod[w], ~0u, a);
        }
    }
    /* Everything else: reserved or not implemented, RAZ/WI. */
}

bool vgic_dist_access(void *gic, struct mmio_access *a)
{
    struct vgic *g = gic;
    if (!a->write) {
        a->value = 0;
    }
    if (a->offset >= GICD_IPRIORITYR && a->offset < GICD_IPRIORITYR + 1020) {
        priority_access(g, a);
    } else if (a->offset >= GICD_IROUTER && a->offset < GICD_IROUTER + 8 * 1020) {
        router_access(g, a);
    } else if (a->width == 4 && (a->offset & 3) == 0) {
        word_access(g, a);
    }
    return true; /* other widths: RAZ/WI, as the architecture allows */
}
