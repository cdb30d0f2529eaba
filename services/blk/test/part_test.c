/*
 * Host tests of the partition table reader (services/blk/part.c) on disk
 * images in memory: sound GPTs and MBRs (with logical partitions), and the
 * ways a table can be malformed (attack catalog: parsers of what anyone
 * could have written). The last test corrupts tables at random, seeded,
 * and checks that whatever is found lies on the disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blk/crc32.h"
#include "blk/part.h"

#define DISK 4096u /* sectors: 2 MiB */
#define S PART_SECTOR

static uint8_t disk[DISK * S];
static unsigned reads;
static uint64_t fail_lba = ~0ull;

static bool read_disk(void *ctx, uint64_t lba, uint8_t *buf)
{
    uint64_t sectors = *(uint64_t *)ctx;
    reads++;
    if (lba >= sectors || lba == fail_lba) {
        return false;
    }
    memcpy(buf, disk + lba * S, S);
    return true;
}

static enum part_status find(unsigned n, struct part_extent *e)
{
    static uint64_t sectors = DISK;
    const char *why = NULL;
    struct part_extent dummy;
    enum part_status st = part_find(read_disk, &sectors, DISK, n, e ? e : &dummy, &why);
    assert_non_null(why);
    return st;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- MBR images ---- */

static void mbr_entry(uint64_t lba, unsigned i, uint8_t type, uint32_t start, uint32_t count)
{
    uint8_t *e = disk + lba * S + 446 + i * 16;
    memset(e, 0, 16);
    e[4] = type;
    put32(e + 8, start);
    put32(e + 12, count);
    disk[lba * S + 510] = 0x55;
    disk[lba * S + 511] = 0xaa;
}

static void blank(void)
{
    memset(disk, 0, sizeof(disk));
    fail_lba = ~0ull;
}

/* Primary 1 at 64 (100 sectors), 2 at 200 (50); extended 3 at 1000
 * (2000 sectors) with logical 5 at EBR 1000 + 10 and 6 at EBR 1500 + 20. */
static void mbr_image(void)
{
    blank();
    mbr_entry(0, 0, 0x83, 64, 100);
    mbr_entry(0, 1, 0x83, 200, 50);
    mbr_entry(0, 2, 0x05, 1000, 2000);
    mbr_entry(1000, 0, 0x83, 10, 300);
    mbr_entry(1000, 1, 0x05, 500, 400);
    mbr_entry(1500, 0, 0x83, 20, 100);
}

static void no_signature_means_no_table(void **state)
{
    (void)state;
    blank();
    assert_int_equal(find(1, NULL), PART_NO_TABLE);
}

static void mbr_primaries_are_found(void **state)
{
    (void)state;
    mbr_image();
    struct part_extent e;
    assert_int_equal(find(1, &e), PART_FOUND);
    assert_int_equal(e.first, 64);
    assert_int_equal(e.count, 100);
    assert_int_equal(find(2, &e), PART_FOUND);
    assert_int_equal(e.first, 200);
    assert_int_equal(find(4, NULL), PART_NOT_FOUND);
    assert_int_equal(find(0, NULL), PART_NOT_FOUND);
    assert_int_equal(find(129, NULL), PART_NOT_FOUND);
}

static void mbr_logicals_are_numbered_from_5_in_chain_order(void **state)
{
    (void)state;
    mbr_image();
    struct part_extent e;
    assert_int_equal(find(5, &e), PART_FOUND);
    assert_int_equal(e.first, 1010);
    assert_int_equal(e.count, 300);
    assert_int_equal(find(6, &e), PART_FOUND);
    assert_int_equal(e.first, 1520);
    assert_int_equal(e.count, 100);
    assert_int_equal(find(7, NULL), PART_NOT_FOUND);
}

static void mbr_partition_past_the_disk_is_bad(void **state)
{
    (void)state;
    mbr_image();
    mbr_entry(0, 0, 0x83, DISK - 10, 11);
    assert_int_equal(find(1, NULL), PART_BAD);
    mbr_entry(0, 0, 0x83, 0xffffff00u, 0x1000);
    assert_int_equal(find(1, NULL), PART_BAD);
    mbr_entry(0, 0, 0x83, 0, 10); /* over the MBR itself */
    assert_int_equal(find(1, NULL), PART_BAD);
    mbr_entry(0, 0, 0x83, 10, 0);
    assert_int_equal(find(1, NULL), PART_BAD);
    mbr_entry(0, 0, 0x83, DISK - 10, 10); /* exactly to the end: fine */
    assert_int_equal(find(1, NULL), PART_FOUND);
}

static void ebr_chain_that_loops_is_bad(void **state)
{
    (void)state;
    mbr_image();
    mbr_entry(1500, 1, 0x05, 0 + 1, 10); /* 1500 -> 1001, a fresh EBR */
    mbr_entry(1001, 0, 0x83, 5, 5);
    mbr_entry(1001, 1, 0x05, 500, 10); /* -> 1500 again */
    assert_int_equal(find(7, NULL), PART_FOUND);
    reads = 0;
    assert_int_equal(find(8, NULL), PART_BAD);
    assert_true(reads < 10);
    /* And an EBR pointing at itself. */
    mbr_image();
    mbr_entry(1500, 1, 0x05, 500, 10);
    assert_int_equal(find(128, NULL), PART_BAD);
}

static void ebr_outside_the_extended_partition_is_bad(void **state)
{
    (void)state;
    mbr_image();
    mbr_entry(1000, 1, 0x05, 2000, 10); /* = 3000: just past its end */
    assert_int_equal(find(6, NULL), PART_BAD);
    mbr_image();
    mbr_entry(1000, 0, 0x83, 10, 2000); /* logical past the extended partition */
    assert_int_equal(find(5, NULL), PART_BAD);
    mbr_image();
    disk[1500 * S + 510] = 0; /* EBR without a signature */
    assert_int_equal(find(6, NULL), PART_BAD);
}

static void a_long_chain_stops_at_128(void **state)
{
    (void)state;
    blank();
    mbr_entry(0, 0, 0x05, 8, 2000);
    for (unsigned i = 0; i < 200; i++) {
        uint32_t ebr = 8 + i * 4;
        mbr_entry(ebr, 0, 0x83, 1, 2);
        mbr_entry(ebr, 1, 0x05, (i + 1) * 4, 4);
    }
    struct part_extent e;
    assert_int_equal(find(128, &e), PART_FOUND);
    assert_int_equal(e.first, 8 + 123 * 4 + 1);
    assert_int_equal(find(129, NULL), PART_NOT_FOUND);
}

static void read_errors_are_reported(void **state)
{
    (void)state;
    mbr_image();
    fail_lba = 1500;
    assert_int_equal(find(6, NULL), PART_IO);
    fail_lba = 0;
    assert_int_equal(find(1, NULL), PART_IO);
}

/* ---- GPT images ---- */

#define ENTRIES 128u
#define ENTRY 128u
#define ENTRY_SECTORS (ENTRIES * ENTRY / S)

static uint8_t *entry(uint64_t entries_lba, unsigned i)
{
    return disk + entries_lba * S + i * ENTRY;
}

static void gpt_entry(uint64_t entries_lba, unsigned i, uint64_t first, uint64_t last)
{
    uint8_t *e = entry(entries_lba, i);
    memset(e, 0, ENTRY);
    e[0] = 0xaf; /* a non-zero type GUID */
    e[16] = (uint8_t)i;
    put64(e + 32, first);
    put64(e + 40, last);
}

/* Writes a header at lba for entries at entries_lba, with both CRCs. */
static void gpt_header(uint64_t lba, uint64_t alt, uint64_t entries_lba, uint32_t count,
                       uint32_t size)
{
    uint8_t *h = disk + lba * S;
    memset(h, 0, S);
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x00010000);
    put32(h + 12, 92);
    put64(h + 24, lba);
    put64(h + 32, alt);
    put64(h + 40, 34);
    put64(h + 48, DISK - 34);
    put64(h + 72, entries_lba);
    put32(h + 80, count);
    put32(h + 84, size);
    put32(h + 88, crc32_update(0, disk + entries_lba * S, (size_t)count * size));
    put32(h + 16, crc32_update(0, h, 92));
}

static void reseal(uint64_t lba)
{
    uint8_t *h = disk + lba * S;
    put32(h + 16, 0);
    put32(h + 16, crc32_update(0, h, 92));
}

/* Partition 1 at 100..199, 2 at 200..2999, 128 at 3000..3009; backup copy. */
static void gpt_image(void)
{
    blank();
    mbr_entry(0, 0, 0xee, 1, DISK - 1);
    gpt_entry(2, 0, 100, 199);
    gpt_entry(2, 1, 200, 2999);
    gpt_entry(2, 127, 3000, 3009);
    memcpy(disk + (DISK - 33) * S, disk + 2 * S, ENTRY_SECTORS * S);
    gpt_header(1, DISK - 1, 2, ENTRIES, ENTRY);
    gpt_header(DISK - 1, 1, DISK - 33, ENTRIES, ENTRY);
}

static void crc32_matches_the_standard_check_value(void **state)
{
    (void)state;
    assert_int_equal(crc32_update(0, "123456789", 9), 0xcbf43926u);
    uint32_t c = crc32_update(0, "1234", 4);
    assert_int_equal(crc32_update(c, "56789", 5), 0xcbf43926u);
}

static void gpt_partitions_are_found(void **state)
{
    (void)state;
    gpt_image();
    struct part_extent e;
    assert_int_equal(find(1, &e), PART_FOUND);
    assert_int_equal(e.first, 100);
    assert_int_equal(e.count, 100);
    assert_int_equal(find(2, &e), PART_FOUND);
    assert_int_equal(e.first, 200);
    assert_int_equal(e.count, 2800);
    assert_int_equal(find(128, &e), PART_FOUND);
    assert_int_equal(e.first, 3000);
    assert_int_equal(find(3, NULL), PART_NOT_FOUND);
}

static void damaged_primary_header_falls_back_to_the_backup(void **state)
{
    (void)state;
    gpt_image();
    disk[1 * S + 50] ^= 1; /* the CRC no longer matches */
    struct part_extent e;
    assert_int_equal(find(2, &e), PART_FOUND);
    assert_int_equal(e.first, 200);
    /* The primary's entry array damaged instead. */
    gpt_image();
    entry(2, 1)[40] ^= 0x10;
    assert_int_equal(find(2, &e), PART_FOUND);
    assert_int_equal(e.count, 2800);
}

static void a_header_whose_crc_does_not_match_is_not_believed(void **state)
{
    (void)state;
    gpt_image();
    /* Plausible but not sealed: the primary says it has two entries (with
     * their CRC right), so partition 128 would not exist. Only the header's
     * CRC tells; the backup is read instead. */
    put32(disk + 1 * S + 80, 2);
    put32(disk + 1 * S + 88, crc32_update(0, disk + 2 * S, 2 * ENTRY));
    struct part_extent e;
    assert_int_equal(find(128, &e), PART_FOUND);
    assert_int_equal(e.first, 3000);
    /* Resealed, the same header is believed. */
    reseal(1);
    assert_int_equal(find(128, NULL), PART_NOT_FOUND);
}

static void a_backup_whose_entries_overlap_the_mbr_is_bad(void **state)
{
    (void)state;
    gpt_image();
    memset(disk + 1 * S, 0, S); /* no primary */
    uint8_t *h = disk + (DISK - 1) * S;
    put64(h + 72, 0);
    put32(h + 88, crc32_update(0, disk, ENTRY_SECTORS * S)); /* consistent, all the same */
    reseal(DISK - 1);
    assert_int_equal(find(1, NULL), PART_BAD);
}

static void both_copies_damaged_is_bad_not_mbr(void **state)
{
    (void)state;
    gpt_image();
    disk[1 * S + 50] ^= 1;
    disk[(DISK - 1) * S + 50] ^= 1;
    assert_int_equal(find(1, NULL), PART_BAD);
    /* A protective MBR and nothing else: not read as an MBR either. */
    blank();
    mbr_entry(0, 0, 0xee, 1, DISK - 1);
    mbr_entry(0, 1, 0x83, 100, 100);
    assert_int_equal(find(2, NULL), PART_BAD);
}

/* Damages the primary header with f (resealing its CRC) and makes the
 * backup unusable, so the damage decides. */
static enum part_status with_primary(void (*f)(uint8_t *h))
{
    gpt_image();
    memset(disk + (DISK - 1) * S, 0, S);
    f(disk + 1 * S);
    reseal(1);
    return find(1, NULL);
}

static void hs_huge(uint8_t *h)
{
    put32(h + 12, 1000);
}
static void hs_small(uint8_t *h)
{
    put32(h + 12, 91);
}
static void wrong_my_lba(uint8_t *h)
{
    put64(h + 24, 2);
}
static void count_huge(uint8_t *h)
{
    put32(h + 80, 0x80000000u);
}
static void count_zero(uint8_t *h)
{
    put32(h + 80, 0);
}
static void entry_size_odd(uint8_t *h)
{
    put32(h + 84, 100);
}
static void entry_size_zero(uint8_t *h)
{
    put32(h + 84, 0);
}
static void entries_over_usable(uint8_t *h)
{
    put64(h + 72, 40);
}
static void entries_past_disk(uint8_t *h)
{
    put64(h + 72, DISK - 10);
}
static void entries_at_huge_lba(uint8_t *h)
{
    put64(h + 72, ~0ull - 2);
}
static void usable_past_disk(uint8_t *h)
{
    put64(h + 48, DISK);
}
static void usable_inverted(uint8_t *h)
{
    put64(h + 40, 500);
    put64(h + 48, 400);
}

static void malformed_headers_are_bad(void **state)
{
    (void)state;
    void (*cases[])(uint8_t *) = {hs_huge,           hs_small,
                                  wrong_my_lba,      count_huge,
                                  count_zero,        entry_size_odd,
                                  entry_size_zero,   entries_over_usable,
                                  entries_past_disk, entries_at_huge_lba,
                                  usable_past_disk,  usable_inverted};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum part_status st = with_primary(cases[i]);
        if (st != PART_BAD) {
            fail_msg("case %zu: status %d", i, st);
        }
    }
}

/* Changes entry 1 (partition 2) of both copies and reseals everything. */
static enum part_status with_partition_2(uint64_t first, uint64_t last)
{
    gpt_image();
    gpt_entry(2, 1, first, last);
    gpt_entry(DISK - 33, 1, first, last);
    gpt_header(1, DISK - 1, 2, ENTRIES, ENTRY);
    gpt_header(DISK - 1, 1, DISK - 33, ENTRIES, ENTRY);
    return find(2, NULL);
}

static void partitions_outside_the_usable_area_are_bad(void **state)
{
    (void)state;
    assert_int_equal(with_partition_2(300, 299), PART_BAD);
    assert_int_equal(with_partition_2(33, 100), PART_BAD);
    assert_int_equal(with_partition_2(100, DISK - 33), PART_BAD);
    assert_int_equal(with_partition_2(100, ~0ull), PART_BAD);
    assert_int_equal(with_partition_2(~0ull - 5, ~0ull), PART_BAD);
    assert_int_equal(with_partition_2(34, DISK - 34), PART_FOUND);
}

static void a_bigger_entry_size_is_read_right(void **state)
{
    (void)state;
    blank();
    mbr_entry(0, 0, 0xee, 1, DISK - 1);
    /* 16 entries of 512 bytes at sector 2. */
    for (unsigned i = 0; i < 16; i++) {
        memset(disk + (2 + i) * S, 0, S);
    }
    uint8_t *e = disk + (2 + 5) * S; /* entry 6 */
    e[0] = 1;
    put64(e + 32, 1000);
    put64(e + 40, 1099);
    gpt_header(1, DISK - 1, 2, 16, 512);
    struct part_extent x;
    assert_int_equal(find(6, &x), PART_FOUND);
    assert_int_equal(x.first, 1000);
    assert_int_equal(x.count, 100);
    assert_int_equal(find(17, NULL), PART_NOT_FOUND);
}

static void a_tiny_disk_with_a_protective_mbr_is_bad(void **state)
{
    (void)state;
    blank();
    mbr_entry(0, 0, 0xee, 1, 1);
    static uint64_t two = 2;
    const char *why;
    struct part_extent e;
    assert_int_equal(part_find(read_disk, &two, 2, 1, &e, &why), PART_BAD);
    assert_int_equal(part_find(read_disk, &two, 0, 1, &e, &why), PART_NO_TABLE);
}

/* xorshift64*, seeded: the seed is printed, so a failure can be replayed. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static void random_damage_never_yields_a_partition_off_the_disk(void **state)
{
    (void)state;
    uint64_t seed = 0x626c6b2d70617274ull;
    printf("random_damage seed 0x%llx\n", (unsigned long long)seed);
    rng_state = seed;
    for (unsigned round = 0; round < 3000; round++) {
        if (round % 2) {
            gpt_image();
        } else {
            mbr_image();
        }
        unsigned flips = 1 + rnd() % 8;
        for (unsigned i = 0; i < flips; i++) {
            /* Mostly the tables' sectors; sometimes anywhere. */
            uint64_t lba = rnd() % 4 == 0
                               ? rnd() % DISK
                               : (uint64_t[]){0, 1, 2, 3, 1000, 1500, DISK - 1}[rnd() % 7];
            disk[lba * S + rnd() % S] ^= (uint8_t)(1u << (rnd() % 8));
        }
        if (round % 3 == 0 && round % 2) {
            reseal(1); /* a damaged header with a valid CRC */
        }
        for (unsigned n = 1; n <= 8; n++) {
            struct part_extent e = {0, 0};
            if (find(n, &e) == PART_FOUND) {
                assert_true(e.count > 0);
                assert_true(e.first >= 1);
                assert_true(e.first < DISK && e.count <= DISK - e.first);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_signature_means_no_table),
        cmocka_unit_test(mbr_primaries_are_found),
        cmocka_unit_test(mbr_logicals_are_numbered_from_5_in_chain_order),
        cmocka_unit_test(mbr_partition_past_the_disk_is_bad),
        cmocka_unit_test(ebr_chain_that_loops_is_bad),
        cmocka_unit_test(ebr_outside_the_extended_partition_is_bad),
        cmocka_unit_test(a_long_chain_stops_at_128),
        cmocka_unit_test(read_errors_are_reported),
        cmocka_unit_test(crc32_matches_the_standard_check_value),
        cmocka_unit_test(gpt_partitions_are_found),
        cmocka_unit_test(damaged_primary_header_falls_back_to_the_backup),
        cmocka_unit_test(a_header_whose_crc_does_not_match_is_not_believed),
        cmocka_unit_test(a_backup_whose_entries_overlap_the_mbr_is_bad),
        cmocka_unit_test(both_copies_damaged_is_bad_not_mbr),
        cmocka_unit_test(malformed_headers_are_bad),
        cmocka_unit_test(partitions_outside_the_usable_area_are_bad),
        cmocka_unit_test(a_bigger_entry_size_is_read_right),
        cmocka_unit_test(a_tiny_disk_with_a_protective_mbr_is_bad),
        cmocka_unit_test(random_damage_never_yields_a_partition_off_the_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
