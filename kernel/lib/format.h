/*
 * printf-style formatting into a bounded buffer, shared by printk and by
 * anything that builds a message. Supports %c %s %d %i %u %x %X %p %%, the
 * length modifiers l, ll, z, and a field width with optional 0 or - flag.
 */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Writes at most size-1 characters and a NUL; returns the length written. */
size_t format_vbuf(char *buf, size_t size, const char *fmt, va_list ap);
size_t format_buf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
