/*
 * Host tests of the switch's decisions: flooding, learning, MAC
 * enforcement, peers, and never sending a frame back where it came from.
 *
 * Ports: 0 uplink, 1 alice, 2 bob, 3 carol (peers=uplink), 4 free (no
 * mac), 5 dave (peers=alice).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/switch.h"

static struct sw s;

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MCAST[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
static const uint8_t ALICE[6] = {0x52, 0x54, 0, 0, 0, 1};
static const uint8_t BOB[6] = {0x52, 0x54, 0, 0, 0, 2};
static const uint8_t CAROL[6] = {0x52, 0x54, 0, 0, 0, 3};
static const uint8_t DAVE[6] = {0x52, 0x54, 0, 0, 0, 5};
static const uint8_t OUTSIDE[6] = {0x52, 0x55, 10, 0, 2, 2};
static const uint8_t OTHER[6] = {0x02, 0, 0, 0, 0, 9};

#define U (1u << 0)
#define A (1u << 1)
#define B (1u << 2)
#define C (1u << 3)
#define F (1u << 4)
#define D (1u << 5)

static void add(unsigned i, const char *name, const char *params)
{
    struct net_params p;
    const char *why;
    assert_true(net_params_parse(params, &p, &why));
    assert_true(sw_add_port(&s, i, name, &p));
}

static int setup(void **state)
{
    (void)state;
    sw_init(&s);
    add(0, "uplink", "");
    add(1, "alice", "mac=52:54:00:00:00:01");
    add(2, "bob", "mac=52:54:00:00:00:02");
    add(3, "carol", "mac=52:54:00:00:00:03 peers=uplink");
    add(4, "free", "");
    add(5, "dave", "mac=52:54:00:00:00:05 peers=alice,nobody");
    sw_connect(&s);
    return 0;
}

static uint8_t frame[1600];

static size_t make(const uint8_t *dst, const uint8_t *src)
{
    memset(frame, 0, sizeof(frame));
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    frame[12] = 0x08;
    frame[13] = 0x06;
    return 60;
}

static uint32_t route(unsigned from, const uint8_t *dst, const uint8_t *src, enum sw_verdict *v)
{
    size_t len = make(dst, src);
    return sw_route(&s, from, frame, len, 100, v);
}

static void broadcast_floods_to_every_reachable_port_but_the_source(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(1, BCAST, ALICE, &v), U | B | F | D);
    assert_int_equal(v, SW_FORWARD);
    assert_int_equal(route(0, BCAST, OUTSIDE, &v), A | B | C | F);
    assert_int_equal(route(3, MCAST, CAROL, &v), U);
    assert_int_equal(route(5, BCAST, DAVE, &v), A);
    assert_int_equal(s.port[1].counters.tx_frames, 1);
}

static void unicast_to_a_port_address_goes_to_that_port_only(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(1, BOB, ALICE, &v), B);
    assert_int_equal(route(0, ALICE, OUTSIDE, &v), A);
    assert_int_equal(v, SW_FORWARD);
}

static void unknown_unicast_goes_only_to_ports_without_an_address(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(1, OUTSIDE, ALICE, &v), U | F);
    assert_int_equal(v, SW_FORWARD);
}

static void source_is_learned_and_then_reached_directly(void **state)
{
    (void)state;
    enum sw_verdict v;
    route(0, BCAST, OUTSIDE, &v);
    assert_int_equal(route(1, OUTSIDE, ALICE, &v), U);
    route(4, BCAST, OTHER, &v);
    assert_int_equal(route(2, OTHER, BOB, &v), F);
}

static void frame_is_never_sent_back_to_its_port(void **state)
{
    (void)state;
    enum sw_verdict v;
    route(0, BCAST, OUTSIDE, &v);
    uint8_t other_outside[6] = {0x52, 0x55, 10, 0, 2, 3};
    assert_int_equal(route(0, OUTSIDE, other_outside, &v), 0);
    assert_int_equal(v, SW_DROP_LOCAL);
    assert_int_equal(route(1, ALICE, ALICE, &v), 0);
}

static void foreign_source_address_is_dropped_and_counted(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(2, BCAST, ALICE, &v), 0);
    assert_int_equal(v, SW_DROP_SPOOFED);
    assert_int_equal(route(2, BCAST, OTHER, &v), 0);
    assert_int_equal(s.port[2].counters.drop_spoofed, 2);
    assert_int_equal(s.port[2].counters.tx_frames, 0);
    /* The victim's address still leads to the victim. */
    assert_int_equal(route(0, ALICE, OUTSIDE, &v), A);
}

static void multicast_or_zero_source_is_dropped_everywhere(void **state)
{
    (void)state;
    enum sw_verdict v;
    static const uint8_t zero[6];
    assert_int_equal(route(4, BCAST, MCAST, &v), 0);
    assert_int_equal(v, SW_DROP_SPOOFED);
    assert_int_equal(route(4, BCAST, zero, &v), 0);
    assert_int_equal(route(0, BCAST, BCAST, &v), 0);
    assert_int_equal(v, SW_DROP_SPOOFED);
}

static void port_without_address_cannot_take_another_ports_address(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(4, BCAST, BOB, &v), 0);
    assert_int_equal(v, SW_DROP_SPOOFED);
    assert_int_equal(route(0, BCAST, BOB, &v), 0); /* nor can the outside */
    assert_int_equal(route(0, BOB, OUTSIDE, &v), B);
}

static void peers_restrict_both_directions(void **state)
{
    (void)state;
    enum sw_verdict v;
    assert_int_equal(route(3, ALICE, CAROL, &v), 0);
    assert_int_equal(v, SW_DROP_DENIED);
    assert_int_equal(s.port[3].counters.drop_denied, 1);
    assert_int_equal(route(1, CAROL, ALICE, &v), 0);
    assert_int_equal(v, SW_DROP_DENIED);
    assert_int_equal(route(0, CAROL, OUTSIDE, &v), C);
    assert_int_equal(route(2, DAVE, BOB, &v), 0);
    assert_int_equal(route(1, DAVE, ALICE, &v), D);
    assert_int_equal(route(5, OUTSIDE, DAVE, &v), 0); /* unknown: only to ports it reaches */
}

static void bad_lengths_are_dropped(void **state)
{
    (void)state;
    enum sw_verdict v;
    make(BCAST, ALICE);
    assert_int_equal(sw_route(&s, 1, frame, 13, 1, &v), 0);
    assert_int_equal(v, SW_DROP_MALFORMED);
    assert_int_equal(sw_route(&s, 1, frame, NET_FRAME_MAX + 1, 1, &v), 0);
    assert_int_equal(sw_route(&s, 1, frame, NET_FRAME_MAX, 1, &v), U | B | F | D);
    assert_int_equal(sw_route(&s, 1, frame, NET_FRAME_MIN, 1, &v), U | B | F | D);
    assert_int_equal(s.port[1].counters.drop_malformed, 2);
    assert_int_equal(sw_route(&s, 9, frame, 60, 1, &v), 0); /* no such port */
}

static void names_and_addresses_are_unique(void **state)
{
    (void)state;
    struct net_params p;
    const char *why;
    assert_true(net_params_parse("mac=52:54:00:00:00:01", &p, &why));
    assert_false(sw_add_port(&s, 6, "eve", &p)); /* alice's address */
    assert_true(net_params_parse("", &p, &why));
    assert_false(sw_add_port(&s, 6, "bob", &p));
    assert_false(sw_add_port(&s, 6, "uplink", &p));
    assert_false(sw_add_port(&s, 2, "eve", &p));
    assert_false(sw_add_port(&s, SW_PORTS, "eve", &p));
    assert_false(sw_add_port(&s, 6, "", &p));
    assert_true(sw_add_port(&s, 6, "eve", &p));
    assert_int_equal(sw_find(&s, "eve"), 6);
    assert_int_equal(sw_find(&s, "nobody"), -1);
}

static void learned_addresses_of_a_reset_port_are_forgotten(void **state)
{
    (void)state;
    enum sw_verdict v;
    route(4, BCAST, OTHER, &v);
    assert_int_equal(route(1, OTHER, ALICE, &v), F);
    sw_port_reset(&s, 4);
    assert_int_equal(route(1, OTHER, ALICE, &v), U | F);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(broadcast_floods_to_every_reachable_port_but_the_source),
        T(unicast_to_a_port_address_goes_to_that_port_only),
        T(unknown_unicast_goes_only_to_ports_without_an_address),
        T(source_is_learned_and_then_reached_directly),
        T(frame_is_never_sent_back_to_its_port),
        T(foreign_source_address_is_dropped_and_counted),
        T(multicast_or_zero_source_is_dropped_everywhere),
        T(port_without_address_cannot_take_another_ports_address),
        T(peers_restrict_both_directions),
        T(bad_lengths_are_dropped),
        T(names_and_addresses_are_unique),
        T(learned_addresses_of_a_reset_port_are_forgotten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
