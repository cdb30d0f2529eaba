/*
 * Host tests of the console multiplexer's byte rings (services/console/
 * ring.c): order across the wrap, refusing versus overwriting when full,
 * and the dropped counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../ring.h"

static void bytes_come_out_in_order_across_the_wrap(void **state)
{
    (void)state;
    uint8_t buf[8];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    char out[16];
    assert_int_equal(ring_put(&r, "abcde", 5), 5);
    assert_int_equal(ring_get(&r, out, 3), 3);
    assert_memory_equal(out, "abc", 3);
    assert_int_equal(ring_put(&r, "fghijk", 6), 6); /* wraps */
    assert_int_equal(ring_count(&r), 8);
    assert_int_equal(ring_get(&r, out, sizeof(out)), 8);
    assert_memory_equal(out, "defghijk", 8);
    assert_int_equal(r.dropped, 0);
}

static void put_into_full_ring_refuses_and_counts_the_rest(void **state)
{
    (void)state;
    uint8_t buf[4];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    assert_int_equal(ring_put(&r, "abc", 3), 3);
    assert_int_equal(ring_put(&r, "defg", 4), 1);
    assert_int_equal(r.dropped, 3);
    char out[4];
    assert_int_equal(ring_get(&r, out, sizeof(out)), 4);
    assert_memory_equal(out, "abcd", 4);
}

static void overwrite_keeps_the_newest_bytes(void **state)
{
    (void)state;
    uint8_t buf[5];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    ring_put_overwrite(&r, "abc", 3);
    ring_put_overwrite(&r, "defg", 4); /* a and b make room */
    assert_int_equal(r.dropped, 2);
    char out[8];
    assert_int_equal(ring_get(&r, out, sizeof(out)), 5);
    assert_memory_equal(out, "cdefg", 5);
}

static void overwrite_with_more_than_capacity_keeps_its_tail(void **state)
{
    (void)state;
    uint8_t buf[4];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    ring_put_overwrite(&r, "xy", 2);
    ring_put_overwrite(&r, "0123456789", 10);
    assert_int_equal(r.dropped, 2 + 6);
    char out[8];
    assert_int_equal(ring_get(&r, out, sizeof(out)), 4);
    assert_memory_equal(out, "6789", 4);
}

static void chunks_cover_the_ring_in_two_pieces_when_wrapped(void **state)
{
    (void)state;
    uint8_t buf[6];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    ring_put_overwrite(&r, "abcdefgh", 8); /* holds cdefgh */
    ring_put_overwrite(&r, "ij", 2);       /* holds efghij, wrapped */
    const uint8_t *p;
    char out[8];
    size_t got = 0;
    size_t n;
    while ((n = ring_chunk(&r, &p)) > 0) {
        assert_true(got + n <= sizeof(out));
        memcpy(out + got, p, n);
        got += n;
        ring_consume(&r, n);
    }
    assert_int_equal(got, 6);
    assert_memory_equal(out, "efghij", 6);
    assert_int_equal(ring_count(&r), 0);
}

static void reset_forgets_bytes_and_drops(void **state)
{
    (void)state;
    uint8_t buf[2];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    ring_put(&r, "abc", 3);
    ring_reset(&r);
    assert_int_equal(ring_count(&r), 0);
    assert_int_equal(r.dropped, 0);
    assert_int_equal(ring_space(&r), 2);
}

static void many_random_operations_match_a_model(void **state)
{
    (void)state;
    enum { CAP = 37 };
    uint8_t buf[CAP];
    struct ring r;
    ring_init(&r, buf, sizeof(buf));
    uint8_t model[CAP];
    size_t model_count = 0;
    uint64_t dropped = 0;
    uint32_t seed = 12345;
    uint8_t next = 0;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned op = (seed >> 16) % 3;
        size_t n = (seed >> 20) % 50;
        uint8_t tmp[64];
        for (size_t i = 0; i < n; i++) {
            tmp[i] = next++;
        }
        if (op == 0) {
            size_t fit = n < CAP - model_count ? n : CAP - model_count;
            memcpy(model + model_count, tmp, fit);
            model_count += fit;
            dropped += n - fit;
            assert_int_equal(ring_put(&r, tmp, n), fit);
        } else if (op == 1) {
            for (size_t i = 0; i < n; i++) {
                if (model_count == CAP) {
                    memmove(model, model + 1, CAP - 1);
                    model_count--;
                    dropped++;
                }
                model[model_count++] = tmp[i];
            }
            ring_put_overwrite(&r, tmp, n);
        } else {
            size_t k = n < model_count ? n : model_count;
            assert_int_equal(ring_get(&r, tmp, n), k);
            assert_memory_equal(tmp, model, k);
            memmove(model, model + k, model_count - k);
            model_count -= k;
        }
        assert_int_equal(ring_count(&r), model_count);
        assert_int_equal(r.dropped, dropped);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bytes_come_out_in_order_across_the_wrap),
        cmocka_unit_test(put_into_full_ring_refuses_and_counts_the_rest),
        cmocka_unit_test(overwrite_keeps_the_newest_bytes),
        cmocka_unit_test(overwrite_with_more_than_capacity_keeps_its_tail),
        cmocka_unit_test(chunks_cover_the_ring_in_two_pieces_when_wrapped),
        cmocka_unit_test(reset_forgets_bytes_and_drops),
        cmocka_unit_test(many_random_operations_match_a_model),
    };
    return cmocka_run_group_tests_name("console_ring", tests, NULL, NULL);
}
