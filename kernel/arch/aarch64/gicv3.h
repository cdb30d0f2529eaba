/*
 * GICv3 interrupt controller: distributor (SPIs), one redistributor per CPU
 * (SGIs and PPIs), and the system-register CPU interface. Register map from
 * the GICv3/v4 Architecture Specification (IHI 0069).
 *
 * The CPU interface runs with EOImode = 1: writing EOIR only drops the
 * running priority, and the interrupt stays active until it is deactivated
 * (DIR). The kernel deactivates its own interrupts (timer, IPIs) at once;
 * a device interrupt stays active until its driver acknowledges it, so it
 * cannot fire again meanwhile, without any distributor access.
 */
#ifndef KERNEL_ARCH_GICV3_H
#define KERNEL_ARCH_GICV3_H

#include "lib/dtb.h"
#include "lib/types.h"

#define GIC_SPURIOUS 1023u
#define GIC_SGI_RESCHEDULE 0u
#define GIC_PPI_MAINTENANCE 25u /* the virtual interface's maintenance interrupt */
#define GIC_PPI_VTIMER 27u      /* the EL1 virtual timer: guests' */
#define GIC_MAX_INTID 1019u
#define GIC_FIRST_SPI 32u

/* Maps and initialises the distributor; false with *why if the DT has no
 * usable GICv3. Called once on the boot CPU. */
bool gic_init(const struct dtb *dt, const char **why);
/* Wakes this CPU's redistributor and enables its CPU interface. */
bool gic_init_cpu(uint64_t mpidr);

uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);        /* priority drop */
void gic_deactivate(uint32_t intid); /* end of the active state */

void gic_enable_ppi(uint32_t intid);
void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge);
void gic_disable(uint32_t intid);
/* Ends an SPI's active state from any CPU (through the distributor). */
void gic_clear_active(uint32_t intid);
uint32_t gic_spi_count(void);

void gic_send_sgi(uint64_t target_mpidr, uint32_t sgi);

/* The MMIO regions the GIC occupies (index from 0); false past the end. */
bool gic_region(unsigned index, uint64_t *base, uint64_t *size);

#endif
