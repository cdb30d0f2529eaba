/*
 * printk: formats into a stack buffer, then writes it to the PL011 under a
 * spinlock, turning "\n" into "\r\n" for terminals.
 */
#include "core/printk.h"
#include "arch/aarch64/pl011.h"
#include "core/spinlock.h"
#include "lib/format.h"

#include <stdarg.h>
#include <stdbool.h>

static struct spinlock console_lock;
static bool locking;

void printk_enable_locking(void)
{
    locking = true;
}

static void emit(const char *s, size_t len)
{
    bool lock = locking;
    if (lock) {
        spin_lock(&console_lock);
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            pl011_putc('\r');
        }
        pl011_putc(s[i]);
    }
    if (lock) {
        spin_unlock(&console_lock);
    }
}

void printk(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_vbuf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    emit(buf, n);
}

void printk_write(const char *s, size_t len)
{
    emit(s, len);
}
