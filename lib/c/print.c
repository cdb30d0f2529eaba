/*
 * bt_printf and friends: see print.h. One debug write per call, so a line
 * from one component is never split by another's.
 */
#include "c/print.h"
#include "lib/format.h"
#include "sys/sys.h"

int bt_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    size_t n = format_vbuf(buf, sizeof(buf), fmt, ap);
    bt_debug_write(buf, n);
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
