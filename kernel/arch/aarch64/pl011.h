/*
 * Arm PL011 UART as the kernel's console (output only; once the console
 * server exists it owns the UART's input). Register offsets from the PL011
 * Technical Reference Manual (DDI 0183).
 */
#ifndef KERNEL_ARCH_PL011_H
#define KERNEL_ARCH_PL011_H

#include "lib/dtb.h"
#include "lib/types.h"

/* Finds the UART named by /chosen/stdout-path (or the first PL011) and
 * returns its physical base, or 0. */
paddr_t pl011_find(const struct dtb *dt, uint64_t *size);

/* Sets the address used for output: physical while the MMU is off, then
 * the device-window VA. */
void pl011_set_base(uintptr_t base);
bool pl011_present(void);
void pl011_putc(char c);

#endif
