/*
 * GICv3 driver: see gicv3.h. The redistributors are found by walking the
 * frames of each redistributor region until GICR_TYPER.Last, matching
 * GICR_TYPER's affinity against the CPU's MPIDR.
 */
#include "arch/aarch64/gicv3.h"
#include "core/cpu.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/sysreg.h"
#include "core/printk.h"

enum {
    GICD_CTLR = 0x0000,
    GICD_TYPER = 0x0004,
    GICD_IGROUPR = 0x0080,
    GICD_ISENABLER = 0x0100,
    GICD_ICENABLER = 0x0180,
    GICD_ICPENDR = 0x0280,
    GICD_ICACTIVER = 0x0380,
    GICD_IPRIORITYR = 0x0400,
    GICD_ICFGR = 0x0c00,
    GICD_IROUTER = 0x6000,
    GICD_CTLR_RWP = 1u << 31,
    GICD_CTLR_ARE = 1u << 4,
    GICD_CTLR_GRP1 = 1u << 1,

    GICR_CTLR = 0x0000,
    GICR_TYPER = 0x0008,
    GICR_WAKER = 0x0014,
    GICR_SGI_BASE = 0x10000,
    GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080,
    GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100,
    GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180,
    GICR_ICACTIVER0 = GICR_SGI_BASE + 0x0380,
    GICR_IPRIORITYR = GICR_SGI_BASE + 0x0400,
    GICR_WAKER_SLEEP = 1u << 1,
    GICR_WAKER_ASLEEP = 1u << 2,
    GICR_TYPER_VLPIS = 1u << 1,
    GICR_TYPER_LAST = 1u << 4,
    GICR_CTLR_RWP = 1u << 3,

    IRQ_PRIORITY = 0xa0,
    MAX_REDIST_REGIONS = 8,
};

static volatile uint8_t *gicd;
/* Everything the GIC's node (and its children, such as the ITS) names: kept
 * from root's device memory. */
#define MAX_GIC_REGIONS 16
static struct {
    uint64_t base, size;
} gic_regions[MAX_GIC_REGIONS];
static unsigned gic_region_count;
static struct {
    volatile uint8_t *base;
    uint64_t size;
} redist_regions[MAX_REDIST_REGIONS];
static unsigned redist_region_count;
static uint64_t redist_stride; /* 0: from GICR_TYPER.VLPIS */
static uint32_t spi_limit;     /* one past the last SPI INTID */

static uint32_t rd32(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint32_t *)(base + off);
}

static void wr32(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

static uint64_t rd64(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint64_t *)(base + off);
}

static void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
    *(volatile uint64_t *)(base + off) = v;
}

static void dist_wait_rwp(void)
{
    while (rd32(gicd, GICD_CTLR) & GICD_CTLR_RWP) {
    }
}

static void record_regions(const struct dtb *dt, int node)
{
    uint64_t b, s;
    for (uint32_t i = 0; dtb_reg(dt, node, i, &b, &s) && gic_region_count < MAX_GIC_REGIONS; i++) {
        gic_regions[gic_region_count].base = b;
        gic_regions[gic_region_count].size = s;
        gic_region_count++;
    }
    for (int c = dtb_first_child(dt, node); c >= 0; c = dtb_next_sibling(dt, c)) {
        record_regions(dt, c);
    }
}

bool gic_region(unsigned index, uint64_t *base, uint64_t *size)
{
    if (index >= gic_region_count) {
        return false;
    }
    *base = gic_regions[index].base;
    *size = gic_regions[index].size;
    return true;
}

bool gic_init(const struct dtb *dt, const char **why)
{
    int node = dtb_find_compatible(dt, -1, "arm,gic-v3");
    uint64_t base, size;
    if (node < 0 || !dtb_reg(dt, node, 0, &base, &size)) {
        *why = "no GICv3 (compatible \"arm,gic-v3\") in the device tree";
        return false;
    }
    gicd = mmu_map_device(base, size);
    record_regions(dt, node);
    uint32_t regions = 1;
    dtb_prop_u32(dt, node, "#redistributor-regions", &regions);
    uint32_t stride32 = 0;
    if (dtb_prop_u32(dt, node, "redistributor-stride", &stride32)) {
        redist_stride = stride32;
    }
    for (uint32_t i = 0; i < regions && i < MAX_REDIST_REGIONS; i++) {
        if (!dtb_reg(dt, node, 1 + i, &base, &size)) {
            break;
        }
        redist_regions[redist_region_count].base = mmu_map_device(base, size);
        redist_regions[redist_region_count].size = size;
        if (redist_regions[redist_region_count].base != NULL) {
            redist_region_count++;
        }
    }
    if (gicd == NULL || redist_region_count == 0) {
        *why = "cannot map the GICv3 distributor or redistributors";
        return false;
    }

    wr32(gicd, GICD_CTLR, 0);
    dist_wait_rwp();
    uint32_t lines = rd32(gicd, GICD_TYPER) & 0x1f;
    spi_limit = 32 * (lines + 1);
    if (spi_limit > GIC_MAX_INTID + 1) {
        spi_limit = GIC_MAX_INTID + 1;
    }
    /* Every SPI: group 1, disabled, inactive, one priority, to CPU 0. */
    for (uint32_t i = GIC_FIRST_SPI; i < spi_limit; i += 32) {
        wr32(gicd, GICD_IGROUPR + i / 8, ~0u);
        wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
        wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
        wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
    }
    for (uint32_t i = GIC_FIRST_SPI; i < spi_limit; i += 4) {
        wr32(gicd, GICD_IPRIORITYR + i, IRQ_PRIORITY * 0x01010101u);
    }
    dist_wait_rwp();
    wr32(gicd, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    dist_wait_rwp();
    return true;
}

static uint64_t mpidr_affinity(uint64_t mpidr)
{
    /* Aff3.Aff2.Aff1.Aff0 packed as in GICR_TYPER[63:32]. */
    return ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
}

static volatile uint8_t *find_redist(uint64_t mpidr)
{
    uint64_t want = mpidr_affinity(mpidr);
    for (unsigned r = 0; r < redist_region_count; r++) {
        volatile uint8_t *frame = redist_regions[r].base;
        volatile uint8_t *end = frame + redist_regions[r].size;
        while (frame + 0x20000 <= end) {
            uint64_t typer = rd64(frame, GICR_TYPER);
            if ((typer >> 32) == want) {
                return frame;
            }
            if (typer & GICR_TYPER_LAST) {
                break;
            }
            uint64_t stride = redist_stride;
            if (stride == 0) {
                stride = (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
            }
            frame += stride;
        }
    }
    return NULL;
}

bool gic_init_cpu(uint64_t mpidr)
{
    volatile uint8_t *rd = find_redist(mpidr);
    if (rd == NULL) {
        return false;
    }
    this_cpu()->gicr = rd;
    wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
    while (rd32(rd, GICR_WAKER) & GICR_WAKER_ASLEEP) {
    }
    /* SGIs and PPIs: group 1, disabled except what the kernel enables. */
    wr32(rd, GICR_IGROUPR0, ~0u);
    wr32(rd, GICR_ICENABLER0, ~0u);
    wr32(rd, GICR_ICACTIVER0, ~0u);
    for (uint32_t i = 0; i < 32; i += 4) {
        wr32(rd, GICR_IPRIORITYR + i, IRQ_PRIORITY * 0x01010101u);
    }
    while (rd32(rd, GICR_CTLR) & GICR_CTLR_RWP) {
    }
    wr32(rd, GICR_ISENABLER0,
         1u << GIC_SGI_RESCHEDULE | 1u << GIC_PPI_MAINTENANCE | 1u << GIC_PPI_VTIMER);

    /* System-register interface: SRE on (Enable lets guests use theirs). */
    sysreg_write(S3_4_C12_C9_5, sysreg_read(S3_4_C12_C9_5) | 0x9); /* ICC_SRE_EL2 */
    isb();
    sysreg_write(S3_0_C4_C6_0, 0xff);      /* ICC_PMR_EL1: unmask all priorities */
    sysreg_write(S3_0_C12_C12_3, 0);       /* ICC_BPR1_EL1 */
    sysreg_write(S3_0_C12_C12_4, 1u << 1); /* ICC_CTLR_EL1.EOImode = 1 */
    sysreg_write(S3_0_C12_C12_7, 1);       /* ICC_IGRPEN1_EL1 */
    isb();
    return true;
}

uint32_t gic_ack(void)
{
    uint32_t intid = (uint32_t)sysreg_read(S3_0_C12_C12_0) & 0xffffff; /* ICC_IAR1_EL1 */
    dsb(sy);
    return intid;
}

void gic_eoi(uint32_t intid)
{
    sysreg_write(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1 */
    isb();
}

void gic_deactivate(uint32_t intid)
{
    sysreg_write(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
    isb();
}

void gic_enable_ppi(uint32_t intid)
{
    wr32(this_cpu()->gicr, GICR_ISENABLER0, 1u << intid);
}

void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge)
{
    if (intid < GIC_FIRST_SPI || intid >= spi_limit) {
        return;
    }
    uint32_t cfg_off = GICD_ICFGR + (intid / 16) * 4;
    uint32_t shift = (intid % 16) * 2 + 1;
    uint32_t cfg = rd32(gicd, cfg_off);
    cfg = edge ? (cfg | 1u << shift) : (cfg & ~(1u << shift));
    wr32(gicd, cfg_off, cfg);
    wr64(gicd, GICD_IROUTER + intid * 8, mpidr_affinity(target_mpidr) & 0xffffff);
    wr32(gicd, GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void gic_disable(uint32_t intid)
{
    if (intid < GIC_FIRST_SPI) {
        wr32(this_cpu()->gicr, GICR_ICENABLER0, 1u << intid);
    } else if (intid < spi_limit) {
        wr32(gicd, GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
        dist_wait_rwp();
    }
}

void gic_clear_active(uint32_t intid)
{
    if (intid >= GIC_FIRST_SPI && intid < spi_limit) {
        wr32(gicd, GICD_ICACTIVER + (intid / 32) * 4, 1u << (intid % 32));
    }
}

uint32_t gic_spi_count(void)
{
    return spi_limit - GIC_FIRST_SPI;
}

void gic_send_sgi(uint64_t target_mpidr, uint32_t sgi)
{
    uint64_t aff0 = target_mpidr & 0xff;
    uint64_t v = ((target_mpidr >> 32) & 0xff) << 48 | ((target_mpidr >> 16) & 0xff) << 32 |
                 ((target_mpidr >> 8) & 0xff) << 16 | (aff0 / 16) << 44 |
                 (uint64_t)(sgi & 0xf) << 24 | 1u << (aff0 % 16);
    dsb(ishst);                      /* what the target reads after the SGI is visible first */
    sysreg_write(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
    isb();
}
