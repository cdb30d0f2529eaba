/*
 * Host tests of the switch at work (engine.c): clients' rings with the
 * client library at the other end, an uplink that records what it gets,
 * counters published to the clients, and fairness against a flooding or
 * broken client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/client.h"
#include "net/engine.h"

#define RING (512 * 1024)
#define CLIENTS 4

static _Alignas(4096) uint8_t rings[CLIENTS][RING];
static struct net_client cl[CLIENTS];
static struct engine e;
static int index_of[CLIENTS];

static unsigned uplink_frames;
static bool uplink_full;
static uint8_t uplink_last[NET_BUF_SIZE];
static unsigned signals[SW_PORTS];
static char said[64][160];
static unsigned said_count;

static bool uplink_send(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    if (uplink_full) {
        return false;
    }
    memcpy(uplink_last, frame, len);
    uplink_frames++;
    return true;
}

static void on_signal(void *ctx, unsigned port)
{
    (void)ctx;
    signals[port]++;
}

static void say(void *ctx, const char *line)
{
    (void)ctx;
    if (said_count < 64) {
        snprintf(said[said_count++], sizeof(said[0]), "%s", line);
    }
}

static bool said_something_like(const char *part)
{
    for (unsigned i = 0; i < said_count; i++) {
        if (strstr(said[i], part) != NULL) {
            return true;
        }
    }
    return false;
}

static const char *NAMES[CLIENTS] = {"alice", "bob", "carol", "mallory"};
static const char *PARAMS[CLIENTS] = {"mac=52:54:00:00:00:01", "mac=52:54:00:00:00:02",
                                      "mac=52:54:00:00:00:03 peers=uplink",
                                      "mac=52:54:00:00:00:04"};

static uint8_t mac(unsigned client, unsigned byte)
{
    static const uint8_t base[6] = {0x52, 0x54, 0, 0, 0, 0};
    return byte == 5 ? (uint8_t)(client + 1) : base[byte];
}

static uint8_t frame[NET_BUF_SIZE];
static uint8_t got[NET_BUF_SIZE];

static size_t make(int to, unsigned from, uint8_t tag)
{
    memset(frame, tag, 60);
    for (unsigned i = 0; i < 6; i++) {
        frame[i] = to < 0 ? 0xff : mac((unsigned)to, i);
        frame[6 + i] = mac(from, i);
    }
    return 60;
}

static void run(void)
{
    for (unsigned k = 0; k < 8; k++) {
        for (unsigned i = 0; i < CLIENTS; i++) {
            net_client_poll(&cl[i]);
        }
        engine_round(&e, 1000);
        engine_flush(&e);
    }
}

static int setup(void **state)
{
    (void)state;
    memset(rings, 0, sizeof(rings));
    memset(signals, 0, sizeof(signals));
    uplink_frames = 0;
    uplink_full = false;
    said_count = 0;
    struct engine_ops ops = {.uplink_send = uplink_send, .signal = on_signal, .say = say};
    engine_init(&e, &ops, true);
    for (unsigned i = 0; i < CLIENTS; i++) {
        struct net_params p;
        const char *why;
        assert_true(net_params_parse(PARAMS[i], &p, &why));
        index_of[i] = engine_add_port(&e, NAMES[i], &p, rings[i], RING, &why);
        assert_true(index_of[i] > 0);
        assert_true(net_client_init(&cl[i], rings[i], RING));
    }
    engine_start(&e);
    engine_flush(&e);
    run();
    for (unsigned i = 0; i < CLIENTS; i++) {
        assert_true(net_client_poll(&cl[i]));
    }
    return 0;
}

static void clients_come_up_and_are_told_so(void **state)
{
    (void)state;
    for (unsigned i = 0; i < CLIENTS; i++) {
        assert_true(signals[index_of[i]] >= 2); /* the epoch, the reset */
    }
    assert_true(said_something_like("port alice: up"));
}

static void unicast_reaches_only_its_destination(void **state)
{
    (void)state;
    assert_true(net_client_send(&cl[0], frame, make(1, 0, 7)));
    run();
    assert_int_equal(net_client_recv(&cl[1], got, sizeof(got)), 60);
    assert_memory_equal(got, frame, 60);
    assert_int_equal(net_client_recv(&cl[2], got, sizeof(got)), 0);
    assert_int_equal(net_client_recv(&cl[3], got, sizeof(got)), 0);
    assert_int_equal(uplink_frames, 0);
    struct net_counters c;
    net_client_counters(&cl[0], &c);
    assert_int_equal(c.tx_frames, 1);
    net_client_counters(&cl[1], &c);
    assert_int_equal(c.rx_frames, 1);
}

static void broadcast_reaches_everyone_allowed_and_the_uplink(void **state)
{
    (void)state;
    assert_true(net_client_send(&cl[0], frame, make(-1, 0, 1)));
    run();
    assert_int_equal(net_client_recv(&cl[1], got, sizeof(got)), 60);
    assert_int_equal(net_client_recv(&cl[3], got, sizeof(got)), 60);
    assert_int_equal(net_client_recv(&cl[2], got, sizeof(got)), 0); /* carol: uplink only */
    assert_int_equal(net_client_recv(&cl[0], got, sizeof(got)), 0); /* not back */
    assert_int_equal(uplink_frames, 1);
}

static void spoofed_frames_are_dropped_counted_and_told(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 12; n++) {
        make(1, 0, 2); /* alice's address, sent by mallory */
        assert_true(net_client_send(&cl[3], frame, 60));
        run();
    }
    assert_int_equal(net_client_recv(&cl[1], got, sizeof(got)), 0);
    struct net_counters c;
    net_client_counters(&cl[3], &c);
    assert_int_equal(c.drop_spoofed, 12);
    assert_int_equal(c.tx_frames, 0);
    assert_true(said_something_like("port mallory: dropped a frame from 52:54:00:00:00:01, "
                                    "not its own address (1 so far)"));
    assert_true(said_something_like("(10 so far)"));
    assert_false(said_something_like("(12 so far)"));
}

static void peers_keep_a_port_from_the_others(void **state)
{
    (void)state;
    assert_true(net_client_send(&cl[2], frame, make(0, 2, 3)));
    run();
    assert_int_equal(net_client_recv(&cl[0], got, sizeof(got)), 0);
    struct net_counters c;
    net_client_counters(&cl[2], &c);
    assert_int_equal(c.drop_denied, 1);
    assert_true(said_something_like("port carol: dropped a frame to 52:54:00:00:00:01"));
    /* The uplink it may reach. */
    uint8_t outside[6] = {0x52, 0x55, 10, 0, 2, 2};
    make(0, 2, 3);
    memcpy(frame, outside, 6);
    assert_true(net_client_send(&cl[2], frame, 60));
    run();
    assert_int_equal(uplink_frames, 1);
}

static void frames_from_the_uplink_reach_their_port(void **state)
{
    (void)state;
    uint8_t outside[6] = {0x52, 0x55, 10, 0, 2, 2};
    make(2, 0, 4);
    memcpy(frame + 6, outside, 6);
    engine_from_uplink(&e, frame, 60, 1000);
    engine_flush(&e);
    assert_int_equal(net_client_recv(&cl[2], got, sizeof(got)), 60);
    assert_memory_equal(got, frame, 60);
    /* Learned: alice's answer goes to the uplink alone. */
    make(0, 0, 5);
    memcpy(frame, outside, 6);
    assert_true(net_client_send(&cl[0], frame, 60));
    run();
    assert_int_equal(uplink_frames, 1);
    assert_memory_equal(uplink_last, frame, 60);
}

static void a_full_uplink_counts_its_drops(void **state)
{
    (void)state;
    uplink_full = true;
    assert_true(net_client_send(&cl[0], frame, make(-1, 0, 1)));
    run();
    assert_int_equal(e.sw.port[SW_UPLINK].counters.drop_rx_full, 1);
    assert_true(said_something_like("port uplink: no room"));
}

static void a_flooding_client_does_not_hold_up_the_others(void **state)
{
    (void)state;
    /* mallory fills its send queue; alice sends one frame. */
    make(1, 3, 9);
    unsigned flood = 0;
    while (net_client_send(&cl[3], frame, 60)) {
        flood++;
    }
    assert_true(flood > 2 * ENGINE_BUDGET);
    assert_true(net_client_send(&cl[0], frame, make(1, 0, 8)));
    engine_round(&e, 1000);
    engine_flush(&e);
    /* One round: alice's frame is there, among at most ENGINE_BUDGET of mallory's. */
    bool alices = false;
    unsigned n = 0;
    size_t len;
    while ((len = net_client_recv(&cl[1], got, sizeof(got))) > 0) {
        alices |= got[12] == 8;
        n++;
    }
    assert_true(alices);
    assert_true(n <= ENGINE_BUDGET + 1);
}

static void a_broken_client_does_not_hold_up_the_others(void **state)
{
    (void)state;
    /* mallory publishes garbage indices and descriptors. */
    struct bt_queue_shared *tx = (void *)(rings[3] + cl[3].layout.tx_active);
    for (unsigned i = 0; i < cl[3].layout.capacity; i++) {
        tx->desc[i].offset = 0xdeadbeef00 + i;
        tx->desc[i].len = 0xffffffff;
    }
    tx->prod = cl[3].layout.capacity; /* full of garbage */
    assert_true(net_client_send(&cl[0], frame, make(1, 0, 6)));
    run();
    assert_int_equal(net_client_recv(&cl[1], got, sizeof(got)), 60);
    struct net_counters c;
    net_client_counters(&cl[3], &c);
    assert_int_equal(c.drop_malformed, cl[3].layout.capacity);
    tx->prod = 0x80000000u; /* impossible */
    run();
    assert_true(said_something_like("port mallory: its client broke a queue"));
    assert_true(net_client_send(&cl[0], frame, make(1, 0, 6)));
    run();
    assert_int_equal(net_client_recv(&cl[1], got, sizeof(got)), 60);
}

static void a_client_that_never_reads_loses_only_its_own_frames(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 200; n++) {
        assert_true(net_client_send(&cl[0], frame, make(-1, 0, 1)));
        run();
        while (net_client_recv(&cl[3], got, sizeof(got)) > 0) {
        }
    }
    /* bob never read: his buffers, then drops; mallory read them all. */
    struct net_counters c;
    net_client_counters(&cl[1], &c);
    assert_int_equal(c.rx_frames, cl[1].rx_bufs);
    assert_int_equal(c.drop_rx_full, 200 - cl[1].rx_bufs);
    net_client_counters(&cl[3], &c);
    assert_int_equal(c.rx_frames, 200);
}

static void ports_are_refused_when_they_cannot_work(void **state)
{
    (void)state;
    struct net_params p;
    const char *why;
    static _Alignas(4096) uint8_t small[4096];
    assert_true(net_params_parse("", &p, &why));
    assert_int_equal(engine_add_port(&e, "tiny", &p, small, sizeof(small), &why), -1);
    assert_int_equal(engine_add_port(&e, "alice", &p, rings[0], RING, &why), -1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(clients_come_up_and_are_told_so),
        T(unicast_reaches_only_its_destination),
        T(broadcast_reaches_everyone_allowed_and_the_uplink),
        T(spoofed_frames_are_dropped_counted_and_told),
        T(peers_keep_a_port_from_the_others),
        T(frames_from_the_uplink_reach_their_port),
        T(a_full_uplink_counts_its_drops),
        T(a_flooding_client_does_not_hold_up_the_others),
        T(a_broken_client_does_not_hold_up_the_others),
        T(a_client_that_never_reads_loses_only_its_own_frames),
        T(ports_are_refused_when_they_cannot_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
