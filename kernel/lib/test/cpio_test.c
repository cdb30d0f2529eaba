/*
 * Host tests of the boot archive reader (kernel/lib/cpio.c), on archives
 * written by the project's own writer (tools/bootpack/archive.c), plus
 * corrupt and truncated ones under AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootpack/bootpack.h"
#include "lib/cpio.h"

struct archive {
    uint8_t *data;
    size_t size;
};

/* Builds an archive of (name, contents) pairs; trailer unless omitted. */
static struct archive build(int with_trailer, int count, ...)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++) {
        const char *name = va_arg(ap, const char *);
        const char *contents = va_arg(ap, const char *);
        assert_true(bootpack_put(f, (unsigned)i + 1, name, contents, strlen(contents), 0100644));
    }
    va_end(ap);
    if (with_trailer) {
        assert_true(bootpack_finish(f));
    }
    fclose(f);
    /* An exact-size copy, so AddressSanitizer sees any overread. */
    struct archive a = {malloc(size), size};
    memcpy(a.data, buf, size);
    free(buf);
    return a;
}

static void find_returns_each_file(void **state)
{
    (void)state;
    struct archive a = build(1, 3, "root", "ELF-ish", "system.dtb", "dtb!", "x", "");
    struct cpio_entry e;
    assert_int_equal(cpio_find(a.data, a.size, "system.dtb", &e), CPIO_OK);
    assert_int_equal(e.size, 4);
    assert_memory_equal(e.data, "dtb!", 4);
    assert_int_equal(cpio_find(a.data, a.size, "root", &e), CPIO_OK);
    assert_int_equal(e.size, 7);
    assert_memory_equal(e.data, "ELF-ish", 7);
    assert_int_equal(cpio_find(a.data, a.size, "x", &e), CPIO_OK);
    assert_int_equal(e.size, 0);
    free(a.data);
}

static void missing_name_is_end_not_error(void **state)
{
    (void)state;
    struct archive a = build(1, 1, "system.dtb", "dtb");
    struct cpio_entry e;
    assert_int_equal(cpio_find(a.data, a.size, "root", &e), CPIO_END);
    free(a.data);
}

static void leading_dot_slash_is_ignored(void **state)
{
    (void)state;
    struct archive a = build(1, 1, "./root", "abc");
    struct cpio_entry e;
    assert_int_equal(cpio_find(a.data, a.size, "root", &e), CPIO_OK);
    assert_string_equal(e.name, "root");
    free(a.data);
}

static void archive_without_trailer_is_malformed(void **state)
{
    (void)state;
    struct archive a = build(0, 1, "system.dtb", "dtb");
    struct cpio_entry e;
    assert_int_equal(cpio_find(a.data, a.size, "root", &e), CPIO_MALFORMED);
    free(a.data);
}

static void every_truncation_is_safe(void **state)
{
    (void)state;
    struct archive a = build(1, 2, "system.dtb", "0123456789", "root", "abcdefghijklmnop");
    for (size_t cut = 0; cut < a.size; cut++) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, a.data, cut);
        struct cpio_entry e;
        enum cpio_status st = cpio_find(part, cut, "root", &e);
        if (st == CPIO_OK) {
            /* Found before the cut: the data must lie inside what is left. */
            assert_true(e.data + e.size <= part + cut);
        } else {
            assert_int_equal(st, CPIO_MALFORMED);
        }
        free(part);
    }
    free(a.data);
}

static void corrupt_headers_are_malformed(void **state)
{
    (void)state;
    struct {
        size_t off;
        const char *bytes;
    } cases[] = {
        {0, "x70701"},            /* magic */
        {6 + 8 * 6, "zz"},        /* filesize not hex */
        {6 + 8 * 6, "7fffffff"},  /* filesize past the end */
        {6 + 8 * 11, "00000000"}, /* namesize 0 */
        {6 + 8 * 11, "0000ffff"}, /* namesize past the end */
        {6 + 8 * 11, "00000003"}, /* name not NUL-terminated where it says */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct archive a = build(1, 1, "root", "abc");
        memcpy(a.data + cases[i].off, cases[i].bytes, strlen(cases[i].bytes));
        struct cpio_entry e;
        assert_int_equal(cpio_find(a.data, a.size, "root", &e), CPIO_MALFORMED);
        free(a.data);
    }
}

static void random_corruption_never_reads_outside(void **state)
{
    (void)state;
    struct archive good = build(1, 3, "a", "1", "system.dtb", "0123456789", "root", "xyz");
    uint64_t seed = 1;
    for (int round = 0; round < 20000; round++) {
        uint8_t *bad = malloc(good.size);
        memcpy(bad, good.data, good.size);
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        bad[(seed >> 33) % good.size] = (uint8_t)(seed >> 13);
        struct cpio_iter it;
        struct cpio_entry e;
        cpio_iter_init(&it, bad, good.size);
        while (cpio_next(&it, &e) == CPIO_OK) {
            assert_true(e.data + e.size <= bad + good.size);
        }
        free(bad);
    }
    free(good.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_returns_each_file),
        cmocka_unit_test(missing_name_is_end_not_error),
        cmocka_unit_test(leading_dot_slash_is_ignored),
        cmocka_unit_test(archive_without_trailer_is_malformed),
        cmocka_unit_test(every_truncation_is_safe),
        cmocka_unit_test(corrupt_headers_are_malformed),
        cmocka_unit_test(random_corruption_never_reads_outside),
    };
    return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
