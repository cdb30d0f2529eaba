/*
 * Host tests of the MMIO dispatch table (services/vmm/mmio.c): windows are
 * found by address, accesses are decoded into offset, width, direction and
 * value, and everything outside a window, across its end or of an odd
 * width is refused before a handler runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/mmio.h"

struct probe {
    unsigned calls;
    struct mmio_access last;
    uint64_t answer;
    bool refuse;
};

static bool probe_handler(void *dev, struct mmio_access *a)
{
    struct probe *p = dev;
    p->calls++;
    p->last = *a;
    if (!a->write) {
        a->value = p->answer;
    }
    return !p->refuse;
}

static void a_read_reaches_its_window_with_offset_and_width(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {.answer = 0x1122334455667788ull};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x9000000, 0x1000, probe_handler, &p, "uart"));
    uint64_t v = 0;
    assert_int_equal(mmio_dispatch(&t, 0x9000018, 2, false, &v, 3), MMIO_DONE);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.last.offset, 0x18);
    assert_int_equal(p.last.width, 2);
    assert_false(p.last.write);
    assert_int_equal(p.last.vcpu, 3);
    assert_int_equal(v, 0x7788); /* masked to the width */
}

static void a_write_passes_the_value_masked_to_its_width(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x8000000, 0x10000, probe_handler, &p, "gicd"));
    uint64_t v = 0xffffffff12345678ull;
    assert_int_equal(mmio_dispatch(&t, 0x8000100, 4, true, &v, 0), MMIO_DONE);
    assert_true(p.last.write);
    assert_int_equal(p.last.value, 0x12345678);
    v = 0xabcdef;
    assert_int_equal(mmio_dispatch(&t, 0x8000101, 1, true, &v, 0), MMIO_DONE);
    assert_int_equal(p.last.value, 0xef);
    v = ~0ull;
    assert_int_equal(mmio_dispatch(&t, 0x8006100, 8, true, &v, 0), MMIO_DONE);
    assert_int_equal(p.last.value, ~0ull);
}

static void addresses_outside_every_window_are_unclaimed(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x9000000, 0x1000, probe_handler, &p, "uart"));
    uint64_t v = 0;
    assert_int_equal(mmio_dispatch(&t, 0x8fffffc, 4, false, &v, 0), MMIO_UNCLAIMED);
    assert_int_equal(mmio_dispatch(&t, 0x9001000, 4, false, &v, 0), MMIO_UNCLAIMED);
    assert_int_equal(mmio_dispatch(&t, 0, 8, true, &v, 0), MMIO_UNCLAIMED);
    assert_int_equal(mmio_dispatch(&t, ~0ull, 1, false, &v, 0), MMIO_UNCLAIMED);
    assert_int_equal(p.calls, 0);
}

static void an_access_across_the_end_of_a_window_is_unclaimed(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x9000000, 0x1000, probe_handler, &p, "uart"));
    uint64_t v = 0;
    assert_int_equal(mmio_dispatch(&t, 0x9000ffc, 8, false, &v, 0), MMIO_UNCLAIMED);
    assert_int_equal(mmio_dispatch(&t, 0x9000ffc, 4, false, &v, 0), MMIO_DONE);
    assert_int_equal(p.calls, 1);
}

static void widths_other_than_1_2_4_8_are_refused(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x9000000, 0x1000, probe_handler, &p, "uart"));
    uint64_t v = 0;
    unsigned bad[] = {0, 3, 5, 6, 7, 9, 15, 16};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(mmio_dispatch(&t, 0x9000000, bad[i], false, &v, 0), MMIO_BAD_WIDTH);
    }
    assert_int_equal(p.calls, 0);
}

static void a_handler_that_refuses_makes_the_access_refused(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {.refuse = true};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0xa000000, 0x200, probe_handler, &p, "virtio"));
    uint64_t v = 0;
    assert_int_equal(mmio_dispatch(&t, 0xa000000, 4, false, &v, 0), MMIO_REFUSED);
}

static void overlapping_empty_and_wrapping_windows_are_rejected(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    assert_true(mmio_register(&t, 0x8000000, 0x10000, probe_handler, &p, "gicd"));
    assert_false(mmio_register(&t, 0x800f000, 0x2000, probe_handler, &p, "overlap"));
    assert_false(mmio_register(&t, 0x7fff000, 0x2000, probe_handler, &p, "overlap"));
    assert_false(mmio_register(&t, 0x7000000, 0x2000000, probe_handler, &p, "around"));
    assert_false(mmio_register(&t, 0x9000000, 0, probe_handler, &p, "empty"));
    assert_false(mmio_register(&t, ~0ull - 0xfff, 0x2000, probe_handler, &p, "wraps"));
    assert_false(mmio_register(&t, 0x9000000, 0x1000, NULL, &p, "no handler"));
    assert_true(mmio_register(&t, 0x8010000, 0x1000, probe_handler, &p, "adjacent"));
    assert_int_equal(t.count, 2);
}

static void the_table_refuses_windows_when_full(void **state)
{
    (void)state;
    struct mmio_table t;
    struct probe p = {0};
    mmio_init(&t);
    for (unsigned i = 0; i < MMIO_MAX_REGIONS; i++) {
        assert_true(mmio_register(&t, 0x10000000 + i * 0x1000, 0x1000, probe_handler, &p, "x"));
    }
    assert_false(mmio_register(&t, 0x20000000, 0x1000, probe_handler, &p, "one too many"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_read_reaches_its_window_with_offset_and_width),
        cmocka_unit_test(a_write_passes_the_value_masked_to_its_width),
        cmocka_unit_test(addresses_outside_every_window_are_unclaimed),
        cmocka_unit_test(an_access_across_the_end_of_a_window_is_unclaimed),
        cmocka_unit_test(widths_other_than_1_2_4_8_are_refused),
        cmocka_unit_test(a_handler_that_refuses_makes_the_access_refused),
        cmocka_unit_test(overlapping_empty_and_wrapping_windows_are_rejected),
        cmocka_unit_test(the_table_refuses_windows_when_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
