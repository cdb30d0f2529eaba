/*
 * The guest's device tree, built with libfdt's sequential-write functions:
 * what a stock Linux needs to find the machine of layout.h. /memory, /cpus
 * (one cpu@N per vCPU, reg = its MPIDR, enable-method "psci"), /psci (1.0
 * and 0.2, method "hvc"), the GICv3 (distributor and one redistributor
 * region), the armv8 timer (PPIs 13, 14, 11, 10), a PL011 with its fixed
 * apb_pclk clock, /chosen (bootargs, stdout-path, the initrd's range),
 * and the virtio-mmio slots the VMM serves.
 *
 * Pure code: the host test builds trees and reads them back with libfdt.
 */
#ifndef VMM_GUEST_DT_H
#define VMM_GUEST_DT_H

#include <stddef.h>
#include <stdint.h>

struct guest_dt_params {
    uint64_t ram_base, ram_size;
    unsigned vcpu_count;
    const char *bootargs;              /* "" for none */
    uint64_t initrd_start, initrd_end; /* both 0: no initrd */
    unsigned virtio_count;             /* slots 0..count-1 (layout.h) */
};

/* Phandles the tree uses. */
#define GUEST_DT_PHANDLE_GIC 1
#define GUEST_DT_PHANDLE_CLOCK 2

/* The PL011's node, for stdout-path and the serial0 alias. */
#define GUEST_DT_UART_PATH "/pl011@9000000"

/* Builds the tree into buf (size bytes). Returns 0 or a negative libfdt
 * error (-FDT_ERR_NOSPACE when buf is too small). */
int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p);

#endif
