/*
 * An emulated PL011 UART, enough for Linux's amba-pl011 driver and for
 * earlycon: the data register, flags, line and control registers (kept,
 * with no effect), the interrupt mask, status and clear registers, and the
 * PrimeCell identification. What the guest transmits is collected in a
 * buffer and handed to the out callback at a newline, when the buffer is
 * full, or when the VMM calls vpl011_flush (it does when no exit is
 * waiting); received bytes come from vpl011_rx_push into a 32-byte FIFO.
 *
 * The interrupt is level-triggered on hardware; the vGIC takes edges. The
 * model raises it (the irq callback) when the output goes high, and again
 * while it stays high after the guest writes IMSC or ICR or new bytes
 * arrive: the points after which a level-triggered line would be sampled
 * anew. Transmit behaves like QEMU's model: the FIFO drains at once, the TX
 * interrupt status is set by each write to DR and cleared through ICR.
 *
 * Pure code (no system calls), used by the exit-handling thread only.
 */
#ifndef VMM_DEVICES_PL011_H
#define VMM_DEVICES_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/mmio.h"

#define VPL011_TX_BUFFER 256
#define VPL011_RX_FIFO 32

/* Interrupt bits (IMSC, RIS, MIS, ICR). */
#define VPL011_INT_RX (1u << 4)
#define VPL011_INT_TX (1u << 5)
#define VPL011_INT_RT (1u << 6)

struct vpl011 {
    void (*out)(void *ctx, const uint8_t *buf, size_t len);
    void (*irq)(void *ctx);
    void *ctx;

    uint8_t tx[VPL011_TX_BUFFER];
    size_t tx_len;
    uint8_t rx[VPL011_RX_FIFO];
    unsigned rx_head, rx_count;

    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, ilpr, dmacr;
    uint32_t int_level; /* TX and error status; RX and RT follow the FIFO */
    bool line;          /* the interrupt output as last computed */
    bool driver_seen;   /* the guest has written IMSC since reset */
};

void vpl011_init(struct vpl011 *u, void (*out)(void *ctx, const uint8_t *buf, size_t len),
                 void (*irq)(void *ctx), void *ctx);

/* Registers back to their reset values; buffered output and input dropped. */
void vpl011_reset(struct vpl011 *u);

/* MMIO handler for the UART's 4 KiB window. */
bool vpl011_access(void *uart, struct mmio_access *a);

/* Hands the buffered output to out, if there is any. */
void vpl011_flush(struct vpl011 *u);

/* Room left in the receive FIFO. */
unsigned vpl011_rx_room(const struct vpl011 *u);

/* Appends up to len received bytes to the FIFO; returns how many fit. */
size_t vpl011_rx_push(struct vpl011 *u, const uint8_t *buf, size_t len);

#endif
