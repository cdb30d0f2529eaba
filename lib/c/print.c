/*
 * bt_printf and friends: see print.h. One debug write per call, so a line
 * from one component is never split by another's.
 */
#include "c/print.h"
#include "lib/format.h"
#include "sys/sys.h"

static void debug_sink(const char *s, size_t len)
{
    bt_debug_write(s, len);
}

static void (*sink)(const char *s, size_t len) = debug_sink;

void bt_print_set_sink(void (*new_sink)(const char *s, size_t len))
{
    sink = new_sink;
}

int bt_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    size_t n = format_vbuf(buf, sizeof(buf), fmt, ap);
    sink(buf, n);
    return (int)n;
}

int bt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = bt_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

size_t bt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_vbuf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
