/*
 * Host tests of the ring protocol (protocol.h) with both ends: the
 * switch's (port.c) and the client's (client.c) over one buffer: the
 * layout, the reset handshake, frames both ways, restarts of either side,
 * and a hostile client's descriptors and indices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/client.h"
#include "net/port.h"

#define RING (64 * 1024)

static _Alignas(4096) uint8_t ring[2 << 20];
static struct port p;
static struct net_client c;
static const uint8_t MAC[6] = {0x52, 0x54, 0, 0, 0, 1};
static uint8_t frame[NET_BUF_SIZE];
static uint8_t got[NET_BUF_SIZE];

static size_t fill(uint8_t seed, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        frame[i] = (uint8_t)(seed + i);
    }
    return len;
}

/* Both ends up and the handshake done. */
static int setup(void **state)
{
    (void)state;
    memset(ring, 0, sizeof(ring));
    assert_true(net_client_init(&c, ring, RING));
    assert_false(net_client_poll(&c)); /* the switch is not there yet */
    assert_true(port_init(&p, ring, RING, MAC));
    assert_false(net_client_poll(&c)); /* asks for a reset */
    assert_true(net_client_take_notify(&c));
    assert_true(port_poll_reset(&p));
    assert_false(port_poll_reset(&p));
    assert_true(net_client_poll(&c));
    return 0;
}

static struct bt_queue *client_queue(uint64_t offset, bool producer)
{
    static struct bt_queue q;
    bt_queue_attach(&q, ring + offset, c.layout.capacity, producer);
    return &q;
}

static void layout_fits_the_ring_and_keeps_areas_apart(void **state)
{
    (void)state;
    struct net_layout l;
    assert_false(net_layout_of(0, &l));
    assert_false(net_layout_of(4096, &l));
    assert_false(net_layout_of(6000, &l));
    assert_false(net_layout_of((2 << 20) + 4096, &l));
    for (uint64_t size = 8192; size <= (2 << 20); size += 4096) {
        assert_true(net_layout_of(size, &l));
        assert_true((l.capacity & (l.capacity - 1)) == 0);
        assert_true(l.buf_count / 2 <= l.capacity);
        assert_true(l.buf_count >= 2);
        assert_true(l.rx_free >= NET_HEADER_BYTES);
        assert_true(l.rx_active >= l.rx_free + bt_queue_bytes(l.capacity));
        assert_true(l.tx_active >= l.rx_active + bt_queue_bytes(l.capacity));
        assert_true(l.tx_free >= l.tx_active + bt_queue_bytes(l.capacity));
        assert_true(l.data >= l.tx_free + bt_queue_bytes(l.capacity));
        assert_true(l.data + (uint64_t)l.buf_count * NET_BUF_SIZE <= size);
        assert_int_equal(l.rx_free % 64, 0);
        assert_int_equal(l.data % NET_BUF_SIZE, 0);
    }
    assert_true(net_layout_of(64 * 1024, &l));
    assert_int_equal(l.buf_count, 30);
    assert_true(net_layout_of(2 << 20, &l));
    assert_true(l.buf_count >= 1000);
}

static void buffer_offsets_are_checked(void **state)
{
    (void)state;
    struct net_layout l;
    uint32_t i;
    assert_true(net_layout_of(RING, &l));
    assert_true(net_layout_buffer(&l, l.data, &i));
    assert_int_equal(i, 0);
    assert_true(net_layout_buffer(&l, l.data + (l.buf_count - 1) * NET_BUF_SIZE, &i));
    assert_false(net_layout_buffer(&l, l.data + l.buf_count * NET_BUF_SIZE, &i));
    assert_false(net_layout_buffer(&l, l.data - NET_BUF_SIZE, &i));
    assert_false(net_layout_buffer(&l, l.data + 1, &i));
    assert_false(net_layout_buffer(&l, 0, &i));
    assert_false(net_layout_buffer(&l, UINT64_MAX - 100, &i));
}

static void header_says_who_the_port_is(void **state)
{
    (void)state;
    uint8_t mac[6];
    net_client_mac(&c, mac);
    assert_memory_equal(mac, MAC, 6);
    struct net_ring_header *h = (void *)ring;
    assert_int_equal(h->link, NET_LINK_UP);
    assert_int_equal(h->version, NET_RING_VERSION);
}

static void frames_travel_from_the_client_to_the_switch(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 100; n++) { /* more than the buffers: they come back */
        size_t len = fill((uint8_t)n, 60 + n);
        assert_true(net_client_send(&c, frame, len));
        size_t out = 0;
        assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
        assert_int_equal(out, len);
        assert_memory_equal(got, frame, len);
    }
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_NONE);
}

static void frames_travel_from_the_switch_to_the_client(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 100; n++) {
        size_t len = fill((uint8_t)(n * 3), NET_FRAME_MAX - n);
        unsigned bad = 0;
        assert_int_equal(port_put(&p, frame, len, &bad), PORT_PUT_OK);
        assert_int_equal(bad, 0);
        assert_int_equal(net_client_recv(&c, got, sizeof(got)), len);
        assert_memory_equal(got, frame, len);
    }
    assert_int_equal(net_client_recv(&c, got, sizeof(got)), 0);
}

static void a_client_that_does_not_read_loses_frames_not_the_switch(void **state)
{
    (void)state;
    unsigned ok = 0;
    size_t len = fill(1, 100);
    for (unsigned n = 0; n < 100; n++) {
        unsigned bad = 0;
        ok += port_put(&p, frame, len, &bad) == PORT_PUT_OK;
    }
    assert_int_equal(ok, c.rx_bufs);
    assert_int_equal(net_client_recv(&c, got, sizeof(got)), len);
    unsigned bad = 0;
    assert_int_equal(port_put(&p, frame, len, &bad), PORT_PUT_OK);
}

static void send_buffers_run_out_and_come_back(void **state)
{
    (void)state;
    size_t len = fill(1, 64);
    unsigned sent = 0;
    while (net_client_send(&c, frame, len)) {
        sent++;
    }
    assert_int_equal(sent, c.layout.buf_count - c.rx_bufs);
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
    assert_true(net_client_send(&c, frame, len));
    assert_false(net_client_send(&c, frame, 13));
    assert_false(net_client_send(&c, frame, NET_FRAME_MAX + 1));
}

static void frames_are_written_in_place_and_committed(void **state)
{
    (void)state;
    uint8_t *buf = net_client_buffer(&c);
    assert_non_null(buf);
    size_t len = fill(11, 200);
    memcpy(buf, frame, len);
    assert_false(net_client_commit(&c, NET_FRAME_MIN - 1));
    assert_false(net_client_commit(&c, NET_FRAME_MAX + 1));
    assert_true(net_client_commit(&c, len));
    size_t out = 0;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
    assert_int_equal(out, len);
    assert_memory_equal(got, frame, len);
    net_client_reset(&c);
    assert_null(net_client_buffer(&c)); /* not while the port is down */
    assert_false(net_client_commit(&c, len));
}

static void bad_send_descriptors_are_returned_unsent(void **state)
{
    (void)state;
    struct bt_queue *tx = client_queue(c.layout.tx_active, true);
    const struct net_layout *l = &c.layout;
    struct bt_desc bad[] = {
        {.offset = 0, .len = 60},                                     /* the header */
        {.offset = l->rx_free, .len = 60},                            /* a queue */
        {.offset = l->data + 1, .len = 60},                           /* not a buffer's start */
        {.offset = l->data + l->buf_count * NET_BUF_SIZE, .len = 60}, /* past the end */
        {.offset = UINT64_MAX - NET_BUF_SIZE + 1, .len = 60},         /* wraps */
        {.offset = l->data, .len = 0},
        {.offset = l->data, .len = NET_FRAME_MIN - 1},
        {.offset = l->data, .len = NET_FRAME_MAX + 1},
        {.offset = l->data, .len = UINT32_MAX},
    };
    size_t count = sizeof(bad) / sizeof(bad[0]);
    for (size_t i = 0; i < count; i++) {
        assert_true(bt_queue_push(tx, &bad[i]));
        size_t out = 0;
        assert_int_equal(port_take(&p, got, &out), PORT_TAKE_BAD);
    }
    struct bt_queue *back = client_queue(c.layout.tx_free, false);
    struct bt_desc d;
    for (size_t i = 0; i < count; i++) {
        assert_true(bt_queue_pop(back, &d));
        assert_int_equal(d.offset, bad[i].offset);
    }
}

static void bad_receive_descriptors_are_discarded(void **state)
{
    (void)state;
    /* Take the client's good buffers out of the way, then offer garbage. */
    struct net_layout l = c.layout;
    struct bt_desc d;
    while (bt_queue_pop(&p.rx_free, &d)) {
    }
    struct bt_queue *prod = client_queue(l.rx_free, true);
    struct bt_desc garbage[] = {
        {.offset = 0},
        {.offset = l.data + 7},
        {.offset = l.data + l.buf_count * NET_BUF_SIZE},
        {.offset = UINT64_MAX},
        {.offset = l.data}, /* finally a good one */
    };
    for (size_t i = 0; i < 5; i++) {
        assert_true(bt_queue_push(prod, &garbage[i]));
    }
    size_t len = fill(9, 70);
    unsigned bad = 0;
    assert_int_equal(port_put(&p, frame, len, &bad), PORT_PUT_OK);
    assert_int_equal(bad, 4);
    struct net_ring_header *h = (void *)ring;
    assert_int_equal(h->magic, NET_RING_MAGIC); /* the header was not written */
    assert_memory_equal(ring + l.data, frame, len);
}

static void impossible_index_stops_the_port_until_the_client_resets_it(void **state)
{
    (void)state;
    struct bt_queue_shared *tx = (void *)(ring + c.layout.tx_active);
    tx->prod = 1000000;
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_NONE);
    assert_true(port_broken(&p));
    net_client_reset(&c);
    assert_true(net_client_take_notify(&c));
    assert_true(port_poll_reset(&p));
    assert_false(port_broken(&p));
    assert_true(net_client_poll(&c));
    size_t len = fill(3, 80);
    assert_true(net_client_send(&c, frame, len));
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
    assert_memory_equal(got, frame, len);
}

static void restarted_switch_serves_again_after_the_clients_reset(void **state)
{
    (void)state;
    size_t len = fill(5, 90);
    assert_true(net_client_send(&c, frame, len)); /* lost in the crash */
    assert_true(port_init(&p, ring, RING, MAC));
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_NONE); /* not running yet */
    assert_false(net_client_poll(&c));                          /* sees the new epoch, asks */
    assert_true(port_poll_reset(&p));
    assert_true(net_client_poll(&c));
    assert_int_equal(c.resets, 2);
    for (unsigned n = 0; n < 40; n++) { /* every buffer is usable again */
        assert_true(net_client_send(&c, frame, len));
        assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
        unsigned bad = 0;
        assert_int_equal(port_put(&p, frame, len, &bad), PORT_PUT_OK);
        assert_int_equal(net_client_recv(&c, got, sizeof(got)), len);
    }
}

static void switch_restarting_during_the_handshake_still_completes_it(void **state)
{
    (void)state;
    net_client_reset(&c);                        /* asks */
    assert_true(port_init(&p, ring, RING, MAC)); /* a new switch finds the request */
    assert_true(port_poll_reset(&p));
    /* The client may see the new epoch and ask once more; it gets there. */
    for (int i = 0; i < 3 && !net_client_poll(&c); i++) {
        port_poll_reset(&p);
    }
    assert_true(net_client_poll(&c));
    size_t len = fill(6, 60);
    assert_true(net_client_send(&c, frame, len));
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
}

static void restarted_client_starts_clean(void **state)
{
    (void)state;
    size_t len = fill(7, 100);
    assert_true(net_client_send(&c, frame, len));
    assert_true(net_client_init(&c, ring, RING)); /* a new client, same ring */
    assert_false(net_client_poll(&c));
    assert_true(port_poll_reset(&p));
    assert_true(net_client_poll(&c));
    size_t out;
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_NONE); /* the old frame is gone */
    assert_true(net_client_send(&c, frame, len));
    assert_int_equal(port_take(&p, got, &out), PORT_TAKE_FRAME);
}

static void client_ignores_buffers_the_switch_did_not_hold(void **state)
{
    (void)state;
    struct bt_queue_shared *rxa = (void *)(ring + c.layout.rx_active);
    struct bt_queue q;
    bt_queue_attach(&q, rxa, c.layout.capacity, true);
    struct bt_desc d = {.offset = c.layout.data + c.rx_bufs * NET_BUF_SIZE, .len = 60}; /* TX */
    assert_true(bt_queue_push(&q, &d));
    d.offset = 12;
    assert_true(bt_queue_push(&q, &d));
    assert_int_equal(net_client_recv(&c, got, sizeof(got)), 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_fits_the_ring_and_keeps_areas_apart),
        cmocka_unit_test(buffer_offsets_are_checked),
        T(header_says_who_the_port_is),
        T(frames_travel_from_the_client_to_the_switch),
        T(frames_travel_from_the_switch_to_the_client),
        T(a_client_that_does_not_read_loses_frames_not_the_switch),
        T(send_buffers_run_out_and_come_back),
        T(frames_are_written_in_place_and_committed),
        T(bad_send_descriptors_are_returned_unsent),
        T(bad_receive_descriptors_are_discarded),
        T(impossible_index_stops_the_port_until_the_client_resets_it),
        T(restarted_switch_serves_again_after_the_clients_reset),
        T(switch_restarting_during_the_handshake_still_completes_it),
        T(restarted_client_starts_clean),
        T(client_ignores_buffers_the_switch_did_not_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
