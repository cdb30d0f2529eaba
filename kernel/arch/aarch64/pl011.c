/*
 * PL011 output: wait while the transmit FIFO is full (FR.TXFF), then write
 * the data register. No initialisation: the firmware or QEMU has set the
 * line up, and reprogramming the baud rate would need the clock rate.
 */
#include "arch/aarch64/pl011.h"
#include "lib/string.h"

enum {
    UART_DR = 0x00,
    UART_FR = 0x18,
    FR_TXFF = 1u << 5,
};

static volatile uint8_t *uart;

static int stdout_node(const struct dtb *dt)
{
    int chosen = dtb_path(dt, "/chosen");
    const char *path = chosen >= 0 ? dtb_prop_string(dt, chosen, "stdout-path") : NULL;
    if (path == NULL) {
        return -1;
    }
    char buf[128];
    size_t n = 0;
    while (path[n] != 0 && path[n] != ':' && n + 1 < sizeof(buf)) {
        buf[n] = path[n];
        n++;
    }
    buf[n] = 0;
    if (buf[0] != '/') { /* an alias */
        int aliases = dtb_path(dt, "/aliases");
        const char *full = aliases >= 0 ? dtb_prop_string(dt, aliases, buf) : NULL;
        return full != NULL ? dtb_path(dt, full) : -1;
    }
    return dtb_path(dt, buf);
}

paddr_t pl011_find(const struct dtb *dt, uint64_t *size)
{
    int node = stdout_node(dt);
    if (node < 0 || !dtb_compatible(dt, node, "arm,pl011")) {
        node = dtb_find_compatible(dt, -1, "arm,pl011");
    }
    uint64_t base;
    if (node < 0 || !dtb_reg(dt, node, 0, &base, size)) {
        return 0;
    }
    return base;
}

void pl011_set_base(uintptr_t base)
{
    uart = (volatile uint8_t *)base;
}

bool pl011_present(void)
{
    return uart != NULL;
}

void pl011_putc(char c)
{
    if (uart == NULL) {
        return;
    }
    while (*(volatile uint32_t *)(uart + UART_FR) & FR_TXFF) {
    }
    *(volatile uint32_t *)(uart + UART_DR) = (uint8_t)c;
}
