/*
 * Host tests of the block port parameters (services/blk/params.c): what
 * the loader writes is accepted, and everything else is refused rather
 * than read generously.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blk/params.h"

static struct blk_params parse_ok(const char *s)
{
    struct blk_params p;
    const char *why = NULL;
    if (!blk_params_parse(s, &p, &why)) {
        fail_msg("\"%s\" refused: %s", s, why);
    }
    return p;
}

static void refused(const char *s)
{
    struct blk_params p;
    const char *why = NULL;
    if (blk_params_parse(s, &p, &why)) {
        fail_msg("\"%s\" accepted", s);
    }
    assert_non_null(why);
    assert_true(why[0] != 0);
}

static void no_parameters_is_the_whole_disk_read_write(void **state)
{
    (void)state;
    struct blk_params p = parse_ok("");
    assert_false(p.read_only);
    assert_int_equal(p.kind, BLK_WHOLE_DISK);
}

static void what_the_loader_writes_is_accepted(void **state)
{
    (void)state;
    struct blk_params p = parse_ok("ro");
    assert_true(p.read_only);
    assert_int_equal(p.kind, BLK_WHOLE_DISK);

    p = parse_ok("ro partition=2");
    assert_true(p.read_only);
    assert_int_equal(p.kind, BLK_PARTITION);
    assert_int_equal(p.partition, 2);

    p = parse_ok("partition=128");
    assert_false(p.read_only);
    assert_int_equal(p.partition, 128);

    p = parse_ok("range=0x500000+0x100000");
    assert_int_equal(p.kind, BLK_RANGE);
    assert_int_equal(p.offset, 0x500000);
    assert_int_equal(p.length, 0x100000);

    p = parse_ok("ro range=0x0+0x200");
    assert_true(p.read_only);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.length, 512);
}

static void decimal_and_upper_case_hex_are_numbers_too(void **state)
{
    (void)state;
    struct blk_params p = parse_ok("range=1024+512");
    assert_int_equal(p.offset, 1024);
    assert_int_equal(p.length, 512);
    p = parse_ok("range=0X1A00+0XA00");
    assert_int_equal(p.offset, 0x1a00);
    assert_int_equal(p.length, 0xa00);
}

static void partition_numbers_outside_1_to_128_are_refused(void **state)
{
    (void)state;
    refused("partition=0");
    refused("partition=129");
    refused("partition=");
    refused("partition=-1");
    refused("partition=+1");
    refused("partition=1x");
    refused("partition=99999999999999999999999");
    refused("partition=18446744073709551617");
}

static void ranges_must_be_whole_sectors_non_empty_and_not_wrap(void **state)
{
    (void)state;
    refused("range=0x100+0x200");
    refused("range=0x200+0x100");
    refused("range=0+0");
    refused("range=0x200");
    refused("range=+0x200");
    refused("range=0x200+");
    refused("range=0x+0x200");
    refused("range=0x200+0x200+0x200");
    refused("range=0xfffffffffffffe00+0x400");
    refused("range=0x10000000000000000+0x200");
}

static void each_word_once_and_partition_or_range_not_both(void **state)
{
    (void)state;
    refused("ro ro");
    refused("partition=1 partition=2");
    refused("partition=1 range=0+512");
    refused("range=0+512 partition=1");
    refused("range=0+512 range=512+512");
}

static void unknown_words_are_refused_not_ignored(void **state)
{
    (void)state;
    refused("rw");
    refused("mac=52:54:00:12:34:56");
    refused("peers=uplink");
    refused("ro mac=52:54:00:12:34:56");
    refused("RO");
    refused("ro\tpartition=1");
    refused("read-only");
}

static void spacing_is_exactly_one_space_between_words(void **state)
{
    (void)state;
    refused(" ro");
    refused("ro ");
    refused("ro  partition=1");
    refused(" ");
}

static void strings_longer_than_128_bytes_are_refused(void **state)
{
    (void)state;
    char s[256];
    /* "range=0x000...0200+0x200" of exactly 128 bytes is fine; 129 is not. */
    const char *tail = "200+0x200";
    size_t zeros = 128 - strlen("range=0x") - strlen(tail);
    strcpy(s, "range=0x");
    memset(s + strlen(s), '0', zeros);
    strcpy(s + strlen("range=0x") + zeros, tail);
    assert_int_equal(strlen(s), 128);
    struct blk_params p = parse_ok(s);
    assert_int_equal(p.offset, 0x200);
    memmove(s + 9, s + 8, strlen(s + 8) + 1);
    s[8] = '0';
    assert_int_equal(strlen(s), 129);
    refused(s);
    memset(s, 'r', 200);
    s[200] = 0;
    refused(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_parameters_is_the_whole_disk_read_write),
        cmocka_unit_test(what_the_loader_writes_is_accepted),
        cmocka_unit_test(decimal_and_upper_case_hex_are_numbers_too),
        cmocka_unit_test(partition_numbers_outside_1_to_128_are_refused),
        cmocka_unit_test(ranges_must_be_whole_sectors_non_empty_and_not_wrap),
        cmocka_unit_test(each_word_once_and_partition_or_range_not_both),
        cmocka_unit_test(unknown_words_are_refused_not_ignored),
        cmocka_unit_test(spacing_is_exactly_one_space_between_words),
        cmocka_unit_test(strings_longer_than_128_bytes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
