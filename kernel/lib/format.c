/*
 * A small printf engine (see format.h). No floating point and no function
 * pointers, so it also runs before the MMU is on.
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

struct sink {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size) {
        s->buf[s->len++] = c;
    }
}

static void put_padding(struct sink *s, int count, char c)
{
    while (count-- > 0) {
        put(s, c);
    }
}

static void put_number(struct sink *s, uint64_t v, unsigned base, bool upper, bool negative,
                       int width, bool zero, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    int total = n + (negative ? 1 : 0);
    if (!left && !zero) {
        put_padding(s, width - total, ' ');
    }
    if (negative) {
        put(s, '-');
    }
    if (!left && zero) {
        put_padding(s, width - total, '0');
    }
    while (n > 0) {
        put(s, tmp[--n]);
    }
    if (left) {
        put_padding(s, width - total, ' ');
    }
}

static void put_string(struct sink *s, const char *str, int width, bool left)
{
    if (str == NULL) {
        str = "(null)";
    }
    int n = 0;
    while (str[n] != 0) {
        n++;
    }
    if (!left) {
        put_padding(s, width - n, ' ');
    }
    for (int i = 0; i < n; i++) {
        put(s, str[i]);
    }
    if (left) {
        put_padding(s, width - n, ' ');
    }
}

size_t format_vbuf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    for (const char *p = fmt; *p != 0; p++) {
        if (*p != '%') {
            put(&s, *p);
            continue;
        }
        p++;
        bool zero = false, left = false;
        for (; *p == '0' || *p == '-'; p++) {
            zero |= *p == '0';
            left |= *p == '-';
        }
        int width = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            width = width * 10 + (*p - '0');
        }
        int longs = 0;
        for (; *p == 'l' || *p == 'z'; p++) {
            longs = *p == 'z' ? 2 : longs + 1;
        }
        switch (*p) {
        case 'c':
            put(&s, (char)va_arg(ap, int));
            break;
        case 's':
            put_string(&s, va_arg(ap, const char *), width, left);
            break;
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_number(&s, mag, 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            put_number(&s, v, *p == 'u' ? 10 : 16, *p == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            put(&s, '0');
            put(&s, 'x');
            put_number(&s, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero, left);
            break;
        case '%':
            put(&s, '%');
            break;
        case 0:
            p--; /* a lone '%' at the end */
            break;
        default:
            put(&s, '%');
            put(&s, *p);
            break;
        }
    }
    if (size > 0) {
        buf[s.len] = 0;
    }
    return s.len;
}

size_t format_buf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_vbuf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
