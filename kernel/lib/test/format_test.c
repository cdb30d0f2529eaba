/*
 * Host tests of the kernel's printf engine (kernel/lib/format.c), against
 * what the C library prints for the same format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

#include "lib/format.h"

#define SAME(fmt, ...)                                                                             \
    do {                                                                                           \
        char ours[128], libc[128];                                                                 \
        format_buf(ours, sizeof(ours), fmt, __VA_ARGS__);                                          \
        snprintf(libc, sizeof(libc), fmt, __VA_ARGS__);                                            \
        assert_string_equal(ours, libc);                                                           \
    } while (0)

static void integers_print_like_libc(void **state)
{
    (void)state;
    SAME("%d %d %d", 0, -1, 2147483647);
    SAME("%i|%5d|%-5d|%05d", -42, 42, 42, -42);
    SAME("%u %x %X", 4000000000u, 0xdeadbeefu, 0xabcu);
    SAME("%lx %016lx %lu", 0xffffffffffffffffUL, 0x1234UL, 18446744073709551615UL);
    SAME("%ld %ld", (long)INT64_MIN, (long)-5);
    SAME("%zu %zx", (size_t)12345, (size_t)0x10);
}

static void strings_and_chars_print_like_libc(void **state)
{
    (void)state;
    SAME("[%s] [%8s] [%-8s] [%c] %%", "abc", "ab", "ab", 'z');
}

static void pointers_are_hex(void **state)
{
    (void)state;
    char buf[64];
    format_buf(buf, sizeof(buf), "%p", (void *)0x400123);
    assert_string_equal(buf, "0x400123");
}

static void output_is_truncated_and_terminated(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    size_t n = format_buf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
    assert_int_equal(n, 7);
    assert_string_equal(buf, "abcdef-");
    assert_int_equal(format_buf(buf, 1, "%d", 5), 0);
    assert_string_equal(buf, "");
}

static void null_string_and_lone_percent_are_safe(void **state)
{
    (void)state;
    char buf[32];
    /* Through variables, so the compiler's format checks do not object. */
    const char *volatile fmt_s = "%s";
    const char *volatile fmt_pct = "100%";
    const char *volatile null_string = NULL;
    format_buf(buf, sizeof(buf), fmt_s, null_string);
    assert_string_equal(buf, "(null)");
    format_buf(buf, sizeof(buf), fmt_pct);
    assert_string_equal(buf, "100");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_print_like_libc),
        cmocka_unit_test(strings_and_chars_print_like_libc),
        cmocka_unit_test(pointers_are_hex),
        cmocka_unit_test(output_is_truncated_and_terminated),
        cmocka_unit_test(null_string_and_lone_percent_are_safe),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
