/*
 * Host tests of the shared descriptor queue: order, full and empty,
 * wrap-around of the free-running indices, and a peer that publishes an
 * impossible index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring/queue.h"

#define CAP 8

static _Alignas(64) uint8_t mem[4096];

static void pair(struct bt_queue *prod, struct bt_queue *cons)
{
    memset(mem, 0xaa, sizeof(mem));
    assert_true(bt_queue_attach(prod, mem, CAP, true));
    bt_queue_reset(prod);
    assert_true(bt_queue_attach(cons, mem, CAP, false));
}

static struct bt_desc desc(uint64_t i)
{
    return (struct bt_desc){.offset = i * 4096, .len = (uint32_t)i, .cookie = (uint32_t)(i + 100)};
}

static void entries_arrive_in_order(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    for (uint64_t i = 0; i < 5; i++) {
        struct bt_desc d = desc(i);
        assert_true(bt_queue_push(&p, &d));
    }
    assert_int_equal(bt_queue_count(&c), 5);
    for (uint64_t i = 0; i < 5; i++) {
        struct bt_desc d;
        assert_true(bt_queue_pop(&c, &d));
        assert_int_equal(d.offset, i * 4096);
        assert_int_equal(d.len, i);
        assert_int_equal(d.cookie, i + 100);
    }
    struct bt_desc d;
    assert_false(bt_queue_pop(&c, &d));
}

static void full_queue_refuses_and_recovers(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    struct bt_desc d = desc(1);
    for (int i = 0; i < CAP; i++) {
        assert_true(bt_queue_push(&p, &d));
    }
    assert_false(bt_queue_push(&p, &d));
    assert_false(p.broken);
    assert_true(bt_queue_pop(&c, &d));
    assert_true(bt_queue_push(&p, &d));
}

static void indices_wrap_around(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    /* Start both just below 2^32. */
    p.sh->prod = p.sh->cons = 0xfffffffcu;
    p.own = c.own = 0xfffffffcu;
    for (uint64_t i = 0; i < 20; i++) {
        struct bt_desc d = desc(i), out;
        assert_true(bt_queue_push(&p, &d));
        assert_true(bt_queue_pop(&c, &out));
        assert_int_equal(out.cookie, i + 100);
    }
    assert_false(p.broken || c.broken);
}

static void impossible_producer_index_breaks_the_queue(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    p.sh->prod = CAP + 1; /* the producer claims more than fits */
    struct bt_desc d;
    assert_int_equal(bt_queue_count(&c), 0);
    assert_false(bt_queue_pop(&c, &d));
    assert_true(c.broken);
    p.sh->prod = 1; /* and it stays broken */
    assert_false(bt_queue_pop(&c, &d));
}

static void impossible_consumer_index_breaks_the_queue(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    p.sh->cons = 5; /* consumed what was never produced */
    struct bt_desc d = desc(0);
    assert_false(bt_queue_push(&p, &d));
    assert_true(p.broken);
}

static void capacity_must_be_a_power_of_two(void **state)
{
    (void)state;
    struct bt_queue q;
    assert_false(bt_queue_attach(&q, mem, 6, true));
    assert_false(bt_queue_attach(&q, mem, 0, false));
    struct bt_desc d = desc(0);
    assert_false(bt_queue_push(&q, &d));
}

static void wrong_side_cannot_push_or_pop(void **state)
{
    (void)state;
    struct bt_queue p, c;
    pair(&p, &c);
    struct bt_desc d = desc(0);
    assert_false(bt_queue_push(&c, &d));
    assert_true(bt_queue_push(&p, &d));
    assert_false(bt_queue_pop(&p, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_arrive_in_order),
        cmocka_unit_test(full_queue_refuses_and_recovers),
        cmocka_unit_test(indices_wrap_around),
        cmocka_unit_test(impossible_producer_index_breaks_the_queue),
        cmocka_unit_test(impossible_consumer_index_breaks_the_queue),
        cmocka_unit_test(capacity_must_be_a_power_of_two),
        cmocka_unit_test(wrong_side_cannot_push_or_pop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
