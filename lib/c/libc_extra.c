/*
 * The few C library functions Debian's libfdt.a needs beyond kernel/lib's
 * string functions: strrchr, strtoul, and the stack protector's guard and
 * failure handler (libfdt is built with -fstack-protector).
 */
#include <stddef.h>
#include <stdint.h>

#include "sys/sys.h"

char *strrchr(const char *s, int c);
unsigned long strtoul(const char *s, char **end, int base);
void __stack_chk_fail(void);

uintptr_t __stack_chk_guard = 0x2f8e1c3b5a7d9e01u;

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c) {
            last = s;
        }
        if (*s == 0) {
            return (char *)last;
        }
    }
}

static int digit_value(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'z') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'Z') {
        return ch - 'A' + 10;
    }
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    while (*s == ' ' || *s == '\t' || *s == '\n') {
        s++;
    }
    if (*s == '+') {
        s++;
    }
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    unsigned long v = 0;
    for (int d; (d = digit_value(*s)) < base; s++) {
        v = v * (unsigned long)base + (unsigned long)d;
    }
    if (end != NULL) {
        *end = (char *)s;
    }
    return v;
}

void __stack_chk_fail(void)
{
    bt_debug_puts("stack smashing detected; stopping this thread\n");
    bt_thread_exit();
}
