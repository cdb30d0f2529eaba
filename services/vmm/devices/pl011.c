/*
 * The emulated PL011: see pl011.h.
 */
#include "pl011.h"

#define UART_DR 0x000
#define UART_RSR 0x004
#define UART_FR 0x018
#define UART_ILPR 0x020
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCR_H 0x02c
#define UART_CR 0x030
#define UART_IFLS 0x034
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define UART_ICR 0x044
#define UART_DMACR 0x048
#define UART_PERIPH_ID 0xfe0

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define INT_ALL 0x7ffu

/* PeriphID0-3 then PCellID0-3: an Arm PL011, revision r1p5 (as QEMU's). */
static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void vpl011_init(struct vpl011 *u, void (*out)(void *ctx, const uint8_t *buf, size_t len),
                 void (*irq)(void *ctx), void *ctx)
{
    u->out = out;
    u->irq = irq;
    u->ctx = ctx;
    vpl011_reset(u);
}

void vpl011_reset(struct vpl011 *u)
{
    u->tx_len = 0;
    u->rx_head = u->rx_count = 0;
    u->cr = 0x300; /* TXE, RXE */
    u->lcr_h = u->ibrd = u->fbrd = u->imsc = u->ilpr = u->dmacr = 0;
    u->ifls = 0x12;
    u->int_level = 0;
    u->line = false;
    u->driver_seen = false;
}

static uint32_t raw_status(const struct vpl011 *u)
{
    return u->int_level | (u->rx_count > 0 ? VPL011_INT_RX | VPL011_INT_RT : 0);
}

/* Recomputes the interrupt output; raises it on a rising edge, or while
 * it stays high when rearm says the level would be sampled again. */
static void update(struct vpl011 *u, bool rearm)
{
    bool line = (raw_status(u) & u->imsc) != 0;
    if (line && (!u->line || rearm) && u->irq != NULL) {
        u->irq(u->ctx);
    }
    u->line = line;
}

void vpl011_flush(struct vpl011 *u)
{
    if (u->tx_len > 0 && u->out != NULL) {
        u->out(u->ctx, u->tx, u->tx_len);
    }
    u->tx_len = 0;
}

static void transmit(struct vpl011 *u, uint8_t c)
{
    u->tx[u->tx_len++] = c;
    if (c == '\n' || u->tx_len == sizeof(u->tx)) {
        vpl011_flush(u);
    }
    u->int_level |= VPL011_INT_TX;
}

static uint32_t receive(struct vpl011 *u)
{
    if (u->rx_count == 0) {
        return 0;
    }
    uint8_t c = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % VPL011_RX_FIFO;
    u->rx_count--;
    return c;
}

unsigned vpl011_rx_room(const struct vpl011 *u)
{
    return VPL011_RX_FIFO - u->rx_count;
}

size_t vpl011_rx_push(struct vpl011 *u, const uint8_t *buf, size_t len)
{
    size_t n = 0;
    while (n < len && u->rx_count < VPL011_RX_FIFO) {
        u->rx[(u->rx_head + u->rx_count) % VPL011_RX_FIFO] = buf[n++];
        u->rx_count++;
    }
    if (n > 0) {
        update(u, true);
    }
    return n;
}

static uint32_t *plain_register(struct vpl011 *u, uint64_t off)
{
    switch (off) {
    case UART_ILPR:
        return &u->ilpr;
    case UART_IBRD:
        return &u->ibrd;
    case UART_FBRD:
        return &u->fbrd;
    case UART_LCR_H:
        return &u->lcr_h;
    case UART_CR:
        return &u->cr;
    case UART_IFLS:
        return &u->ifls;
    case UART_DMACR:
        return &u->dmacr;
    default:
        return NULL;
    }
}

static void write_register(struct vpl011 *u, uint64_t off, uint32_t v)
{
    uint32_t *reg = plain_register(u, off);
    if (reg != NULL) {
        *reg = v & 0xffff;
        return;
    }
    switch (off) {
    case UART_DR:
        transmit(u, (uint8_t)v);
        update(u, false);
        break;
    case UART_IMSC:
        /* A driver that masks or unmasks has finished a burst of output
         * (Linux: the end of a console write, or of a tty write). */
        vpl011_flush(u);
        u->imsc = v & INT_ALL;
        u->driver_seen = true;
        update(u, true);
        break;
    case UART_ICR:
        u->int_level &= ~v;
        update(u, true);
        break;
    default: /* RSR/ECR (errors are never set), FR, RIS, MIS, IDs: ignored */
        break;
    }
}

static uint32_t read_register(struct vpl011 *u, uint64_t off)
{
    uint32_t *reg = plain_register(u, off);
    if (reg != NULL) {
        return *reg;
    }
    switch (off) {
    case UART_DR: {
        uint32_t c = receive(u);
        update(u, false);
        return c;
    }
    case UART_FR:
        return FR_TXFE | (u->rx_count == 0 ? FR_RXFE : 0) |
               (u->rx_count == VPL011_RX_FIFO ? FR_RXFF : 0);
    case UART_RIS:
        return raw_status(u);
    case UART_MIS:
        return raw_status(u) & u->imsc;
    case UART_IMSC:
        return u->imsc;
    default:
        if (off >= UART_PERIPH_ID && off < UART_PERIPH_ID + 4 * sizeof(ids)) {
            return ids[(off - UART_PERIPH_ID) / 4];
        }
        return 0; /* RSR, ICR and reserved registers */
    }
}

bool vpl011_access(void *uart, struct mmio_access *a)
{
    struct vpl011 *u = uart;
    /* Registers are 32-bit words at 4-byte offsets; Linux uses 16- and
     * 32-bit accesses, earlycon may use bytes. Anything else: RAZ/WI. */
    bool ok = a->width <= 4 && (a->offset & 3) == 0;
    if (a->write) {
        if (ok) {
            write_register(u, a->offset, (uint32_t)a->value);
        }
    } else {
        a->value = ok ? read_register(u, a->offset) : 0;
    }
    return true;
}
