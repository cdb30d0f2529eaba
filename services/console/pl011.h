/*
 * The console multiplexer's PL011 driver (Arm PrimeCell UART, DDI 0183):
 * transmit by polling FR.TXFF, receive on the RX and RX-timeout interrupts.
 * The registers are the device mapping the scenario grants (`uart`). The
 * line settings (baud rate, format) are left as the firmware or QEMU set
 * them; the kernel writes its own lines to the same UART.
 */
#ifndef SERVICES_CONSOLE_PL011_H
#define SERVICES_CONSOLE_PL011_H

#include <stddef.h>
#include <stdint.h>

struct pl011 {
    volatile uint32_t *regs;
    uint64_t rx_errors; /* bytes received with a framing, parity, break or overrun error */
};

/* Takes over the UART mapped at base: FIFOs on, RX and RX-timeout
 * interrupts unmasked, the others masked and cleared. Bytes may already
 * wait in the receive FIFO: call pl011_receive once afterwards. */
void pl011_init(struct pl011 *u, uintptr_t base);

/* Writes all of buf, waiting while the transmit FIFO is full. */
void pl011_write(struct pl011 *u, const void *buf, size_t len);

/* After the UART's interrupt: clears the RX interrupts, then moves what the
 * receive FIFO holds to buf (at most max bytes; bytes received with a
 * framing, parity or break error are dropped and counted). Call until it
 * returns less than max, then acknowledge the interrupt. Clearing first
 * means a byte that arrives during the drain raises the interrupt again
 * instead of being stranded (QEMU raises RX only when the FIFO goes from
 * empty to one byte). */
size_t pl011_receive(struct pl011 *u, uint8_t *buf, size_t max);

#endif
