/*
 * PL011 driver for the console multiplexer: see pl011.h. Register offsets
 * and bits from the PL011 TRM (DDI 0183), programmer's model.
 */
#include "pl011.h"

enum {
    UART_DR = 0x00 / 4,
    UART_RSRECR = 0x04 / 4,
    UART_FR = 0x18 / 4,
    UART_LCR_H = 0x2c / 4,
    UART_IMSC = 0x38 / 4,
    UART_ICR = 0x44 / 4,

    DR_BAD = 0x700,     /* framing, parity, break error: the byte is garbage */
    DR_OVERRUN = 0x800, /* bytes were lost before this one (which is good) */
    FR_BUSY = 1u << 3,
    FR_RXFE = 1u << 4,
    FR_TXFF = 1u << 5,
    LCR_H_FEN = 1u << 4,
    INT_RX = 1u << 4,
    INT_RT = 1u << 6,
    INT_ALL = 0x7ff,
};

void pl011_init(struct pl011 *u, uintptr_t base)
{
    u->regs = (volatile uint32_t *)base;
    u->rx_errors = 0;
    u->regs[UART_IMSC] = 0;
    if ((u->regs[UART_LCR_H] & LCR_H_FEN) == 0) {
        /* Without FIFOs the UART holds one received byte. The TRM wants
         * LCR_H written while idle: wait for the transmitter. */
        while (u->regs[UART_FR] & FR_BUSY) {
        }
        u->regs[UART_LCR_H] = u->regs[UART_LCR_H] | LCR_H_FEN;
    }
    /* Clear everything but the RX interrupts: a byte already waiting may
     * have raised them, and pl011_receive will find it. */
    u->regs[UART_RSRECR] = 0;
    u->regs[UART_ICR] = INT_ALL & ~(INT_RX | INT_RT);
    u->regs[UART_IMSC] = INT_RX | INT_RT;
}

void pl011_write(struct pl011 *u, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        while (u->regs[UART_FR] & FR_TXFF) {
        }
        u->regs[UART_DR] = p[i];
    }
}

size_t pl011_receive(struct pl011 *u, uint8_t *buf, size_t max)
{
    u->regs[UART_ICR] = INT_RX | INT_RT;
    size_t n = 0;
    while (n < max && (u->regs[UART_FR] & FR_RXFE) == 0) {
        uint32_t v = u->regs[UART_DR];
        if (v & (DR_BAD | DR_OVERRUN)) {
            u->rx_errors++;
            u->regs[UART_RSRECR] = 0;
        }
        if ((v & DR_BAD) == 0) {
            buf[n++] = (uint8_t)v;
        }
    }
    return n;
}
