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

static int stdout_node(const struct fdt *fdt)
{
    int chosen = fdt_path(fdt, "/chosen");
    const char *path = chosen >= 0 ? fdt_prop_string(fdt, chosen, "stdout-path") : NULL;
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
        int aliases = fdt_path(fdt, "/aliases");
        const char *full = aliases >= 0 ? fdt_prop_string(fdt, aliases, buf) : NULL;
        return full != NULL ? fdt_path(fdt, full) : -1;
    }
    return fdt_path(fdt, buf);
}

paddr_t pl011_find(const struct fdt *fdt, uint64_t *size)
{
    int node = stdout_node(fdt);
    if (node < 0 || !fdt_compatible(fdt, node, "arm,pl011")) {
        node = fdt_find_compatible(fdt, -1, "arm,pl011");
    }
    uint64_t base;
    if (node < 0 || !fdt_reg(fdt, node, 0, &base, size)) {
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
