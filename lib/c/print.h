/*
 * Formatted output for native components through the kernel's debug console
 * (until a component has a console of its own). The format language is the
 * kernel's (kernel/lib/format.h): %c %s %d %i %u %x %X %p with l, ll, z and a
 * width.
 */
#ifndef LIB_C_PRINT_H
#define LIB_C_PRINT_H

#include <stdarg.h>
#include <stddef.h>

int bt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int bt_vprintf(const char *fmt, va_list ap);
size_t bt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Where bt_printf's output goes; the default is the kernel's debug console. */
void bt_print_set_sink(void (*sink)(const char *s, size_t len));

#endif
