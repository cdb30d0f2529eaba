/*
 * Host tests of the forwarding database: learning, moving, ageing, static
 * entries that nothing displaces, and the per-port bound against MAC
 * flooding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/fdb.h"

static struct fdb f;

static void mac_of(uint32_t n, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = (uint8_t)(n >> 24);
    mac[3] = (uint8_t)(n >> 16);
    mac[4] = (uint8_t)(n >> 8);
    mac[5] = (uint8_t)n;
}

static void learned_address_is_found_on_its_port(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6];
    mac_of(1, a);
    assert_int_equal(fdb_lookup(&f, a, 0), -1);
    fdb_learn(&f, a, 3, 10);
    assert_int_equal(fdb_lookup(&f, a, 20), 3);
}

static void address_moves_to_the_port_it_was_last_seen_on(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6];
    mac_of(1, a);
    fdb_learn(&f, a, 3, 10);
    fdb_learn(&f, a, 5, 11);
    assert_int_equal(fdb_lookup(&f, a, 12), 5);
    assert_int_equal(f.learned[3], 0);
    assert_int_equal(f.learned[5], 1);
}

static void learned_address_ages_out(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6];
    mac_of(1, a);
    fdb_learn(&f, a, 3, 10);
    assert_int_equal(fdb_lookup(&f, a, 1010), 3);
    fdb_learn(&f, a, 3, 1010); /* seen again: refreshed */
    assert_int_equal(fdb_lookup(&f, a, 2000), 3);
    assert_int_equal(fdb_lookup(&f, a, 2011), -1);
    assert_int_equal(f.learned[3], 0);
}

static void static_address_never_moves_or_ages(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6];
    mac_of(1, a);
    assert_true(fdb_add_static(&f, a, 2));
    fdb_learn(&f, a, 4, 10);
    assert_int_equal(fdb_lookup(&f, a, 1000000), 2);
    unsigned port = 99;
    assert_true(fdb_is_static(&f, a, &port));
    assert_int_equal(port, 2);
    assert_false(fdb_add_static(&f, a, 3)); /* one owner */
}

static void flooding_cannot_evict_static_addresses(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t mine[6];
    mac_of(0xabcdef, mine);
    assert_true(fdb_add_static(&f, mine, 1));
    /* Every other port floods: far more addresses than the table holds. */
    for (uint32_t n = 0; n < 100000; n++) {
        uint8_t a[6];
        mac_of(n, a);
        fdb_learn(&f, a, 2 + n % (FDB_PORTS - 2), n);
    }
    assert_int_equal(fdb_lookup(&f, mine, 100000), 1);
    for (unsigned port = 0; port < FDB_PORTS; port++) {
        assert_true(f.learned[port] <= FDB_LEARNED_PER_PORT);
    }
}

static void flooding_one_port_leaves_room_for_the_others(void **state)
{
    (void)state;
    fdb_init(&f, 1000000);
    for (uint32_t n = 0; n < 10000; n++) {
        uint8_t a[6];
        mac_of(n, a);
        fdb_learn(&f, a, 7, 1);
    }
    assert_int_equal(f.learned[7], FDB_LEARNED_PER_PORT);
    unsigned found = 0;
    for (uint32_t n = 0; n < 32; n++) {
        uint8_t a[6];
        mac_of(0x800000 + n, a);
        fdb_learn(&f, a, 2, 2);
        found += fdb_lookup(&f, a, 3) == 2;
    }
    assert_int_equal(found, 32);
}

static void port_at_its_bound_learns_again_once_entries_age_out(void **state)
{
    (void)state;
    fdb_init(&f, 100);
    for (uint32_t n = 0; n < FDB_LEARNED_PER_PORT; n++) {
        uint8_t a[6];
        mac_of(n, a);
        fdb_learn(&f, a, 7, 1);
    }
    uint8_t late[6];
    mac_of(0x10000, late);
    fdb_learn(&f, late, 7, 2);
    assert_int_equal(fdb_lookup(&f, late, 2), -1);
    fdb_learn(&f, late, 7, 200);
    assert_int_equal(fdb_lookup(&f, late, 201), 7);
}

static void full_set_gives_up_its_oldest_learned_entry(void **state)
{
    (void)state;
    fdb_init(&f, 1000000);
    /* FDB_WAYS + 1 addresses of one set. */
    uint8_t same[FDB_WAYS + 1][6];
    unsigned count = 0;
    mac_of(0, same[count++]);
    for (uint32_t n = 1; count <= FDB_WAYS && n < 100000; n++) {
        mac_of(n, same[count]);
        count += fdb_set_of(same[count]) == fdb_set_of(same[0]);
    }
    fdb_learn(&f, same[0], 1, 0);
    assert_int_equal(count, FDB_WAYS + 1);
    for (unsigned i = 1; i <= FDB_WAYS; i++) {
        fdb_learn(&f, same[i], 1 + i, i);
    }
    assert_int_equal(fdb_lookup(&f, same[0], 10), -1); /* the oldest went */
    for (unsigned i = 1; i <= FDB_WAYS; i++) {
        assert_int_equal(fdb_lookup(&f, same[i], 10), (int)(1 + i));
    }
}

static void forgetting_a_port_keeps_the_others(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6], b[6];
    mac_of(1, a);
    mac_of(2, b);
    fdb_learn(&f, a, 3, 1);
    fdb_learn(&f, b, 4, 1);
    fdb_forget_port(&f, 3);
    assert_int_equal(fdb_lookup(&f, a, 2), -1);
    assert_int_equal(fdb_lookup(&f, b, 2), 4);
    assert_int_equal(f.learned[3], 0);
}

static void ports_out_of_range_are_ignored(void **state)
{
    (void)state;
    fdb_init(&f, 1000);
    uint8_t a[6];
    mac_of(1, a);
    fdb_learn(&f, a, FDB_PORTS, 1);
    assert_int_equal(fdb_lookup(&f, a, 2), -1);
    assert_false(fdb_add_static(&f, a, FDB_PORTS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(learned_address_is_found_on_its_port),
        cmocka_unit_test(address_moves_to_the_port_it_was_last_seen_on),
        cmocka_unit_test(learned_address_ages_out),
        cmocka_unit_test(static_address_never_moves_or_ages),
        cmocka_unit_test(flooding_cannot_evict_static_addresses),
        cmocka_unit_test(flooding_one_port_leaves_room_for_the_others),
        cmocka_unit_test(port_at_its_bound_learns_again_once_entries_age_out),
        cmocka_unit_test(full_set_gives_up_its_oldest_learned_entry),
        cmocka_unit_test(forgetting_a_port_keeps_the_others),
        cmocka_unit_test(ports_out_of_range_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
