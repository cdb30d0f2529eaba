/*
 * Host tests of the server's side of a block ring (services/blk/port.c,
 * check.c) driven by the client library (client.c) over a ring in memory:
 * the reset handshake and a server restart, requests checked against the
 * port's bounds, read-only flag and data area, the per-port limits, a
 * client that takes no responses or breaks its queue, and a reset while a
 * request is at the "device" (this file plays the device).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blk/client.h"
#include "blk/port.h"

#define RING (64u * 1024u)
#define FIRST 1000u /* the port's first sector on the disk */
#define COUNT 100u  /* its sectors */

static _Alignas(4096) uint8_t ring[2u << 20];
static struct blk_port port;
static struct blk_client cl;

static struct blk_bounds bounds(bool ro)
{
    return (struct blk_bounds){
        .first = FIRST, .count = COUNT, .read_only = ro, .max_transfer = 64 * 1024};
}

static void open_port(uint64_t size, bool ro, bool has_disk)
{
    struct blk_bounds b = bounds(ro);
    assert_true(port_open(&port, "test", ring, size, &b, has_disk, BLK_FLAG_FLUSH));
    assert_true(blk_client_attach(&cl, ring, size));
}

static void handshake(void)
{
    assert_true(blk_client_server_up(&cl));
    blk_client_reset(&cl);
    assert_false(blk_client_reset_done(&cl));
    assert_true(port_reset_if_asked(&port));
    assert_false(port_reset_if_asked(&port));
    assert_true(blk_client_reset_done(&cl));
}

static void fresh(bool ro)
{
    memset(ring, 0, sizeof(ring));
    open_port(RING, ro, true);
    handshake();
}

static uint64_t data_offset(uint64_t i)
{
    return blk_client_data_offset(i);
}

/* Sends one request and returns the status of its immediate answer, or
 * BLK_S_OK if the port handed it out for the device (in *pio). */
static uint32_t send(uint32_t tag, uint32_t type, uint64_t sector, uint64_t offset, uint32_t len,
                     struct blk_port_io *pio)
{
    assert_true(blk_client_submit(&cl, tag, type, sector, offset, len));
    struct blk_port_io local;
    if (port_take(&port, pio ? pio : &local)) {
        return BLK_S_OK;
    }
    struct blk_done d;
    assert_true(blk_client_take(&cl, &d));
    assert_int_equal(d.tag, tag & 0xffff);
    assert_int_equal(d.len, 0);
    return d.status;
}

/* Sends a raw descriptor (what a client outside the library could send). */
static uint32_t send_raw(struct bt_desc d)
{
    assert_true(bt_queue_push(&cl.req, &d));
    struct blk_port_io pio;
    assert_false(port_take(&port, &pio));
    struct blk_done done;
    assert_true(blk_client_take(&cl, &done));
    assert_int_equal(done.tag, d.cookie & 0xffff);
    return done.status;
}

/* ---- handshake ---- */

static void handshake_publishes_the_port(void **state)
{
    (void)state;
    fresh(false);
    assert_int_equal(cl.state, BLK_STATE_READY);
    assert_int_equal(cl.capacity, COUNT);
    assert_int_equal(cl.flags, BLK_FLAG_FLUSH);
    assert_int_equal(cl.max_transfer, 61440); /* the data area: 60 KiB */
    assert_int_equal(cl.data_bytes, RING - BLK_DATA_OFFSET);
    assert_int_equal(port.hdr->epoch, 1);
}

static void nothing_is_served_before_the_reset(void **state)
{
    (void)state;
    memset(ring, 0, sizeof(ring));
    open_port(RING, false, true);
    /* A client that skips the handshake pushes into indices the server
     * has not attached to: nothing is taken. */
    bt_queue_attach(&cl.req, blk_req_queue(ring), BLK_QUEUE_CAPACITY, true);
    assert_true(blk_client_submit(&cl, 0, BLK_REQ_READ, 0, data_offset(0), 512));
    struct blk_port_io pio;
    assert_false(port_take(&port, &pio));
    assert_int_equal(port.state, BLK_STATE_DOWN);
}

static void server_restart_is_seen_as_a_new_epoch(void **state)
{
    (void)state;
    fresh(false);
    assert_false(blk_client_epoch_changed(&cl));
    struct blk_bounds b = bounds(false);
    assert_true(port_open(&port, "test", ring, RING, &b, true, 0));
    assert_true(blk_client_epoch_changed(&cl));
    assert_int_equal(port.state, BLK_STATE_DOWN);
    assert_false(port_reset_if_asked(&port)); /* the old reset does not count */
    handshake();
    assert_false(blk_client_epoch_changed(&cl));
    struct blk_port_io pio;
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
}

static void ring_sizes_outside_the_protocol_are_refused(void **state)
{
    (void)state;
    struct blk_bounds b = bounds(false);
    assert_false(port_open(&port, "x", ring, 4096, &b, true, 0));
    assert_false(port_open(&port, "x", ring, 8192 + 512, &b, true, 0));
    assert_false(port_open(&port, "x", ring, (2u << 20) + 4096, &b, true, 0));
    assert_true(port_open(&port, "x", ring, 8192, &b, true, 0));
    assert_int_equal(port.bounds.max_transfer, 4096);
    assert_true(port_open(&port, "x", ring, 2u << 20, &b, true, 0));
    assert_int_equal(port.bounds.max_transfer, 64 * 1024);
}

/* ---- checks ---- */

static void requests_in_bounds_go_to_the_disk_at_the_ports_offset(void **state)
{
    (void)state;
    fresh(false);
    struct blk_port_io pio;
    assert_int_equal(send(3, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
    assert_int_equal(pio.io.disk_sector, FIRST);
    assert_int_equal(pio.io.len, 512);
    assert_int_equal(pio.io.tag, 3);
    assert_int_equal(send(4, BLK_REQ_WRITE, COUNT - 2, data_offset(1024), 1024, &pio), BLK_S_OK);
    assert_int_equal(pio.io.disk_sector, FIRST + COUNT - 2);
    assert_int_equal(pio.io.offset, data_offset(1024));
    assert_int_equal(send(5, BLK_REQ_FLUSH, 77, 0, 0, &pio), BLK_S_OK);
    assert_int_equal(pio.io.type, BLK_REQ_FLUSH);
    assert_int_equal(pio.io.len, 0);
    assert_int_equal(send(6, BLK_REQ_GET_ID, 0, data_offset(0), 64, &pio), BLK_S_OK);
    assert_int_equal(pio.io.len, BLK_ID_BYTES);
}

static void sectors_outside_the_port_are_refused(void **state)
{
    (void)state;
    fresh(false);
    assert_int_equal(send(0, BLK_REQ_READ, COUNT, data_offset(0), 512, NULL), BLK_S_RANGE);
    assert_int_equal(send(0, BLK_REQ_READ, COUNT - 1, data_offset(0), 1024, NULL), BLK_S_RANGE);
    assert_int_equal(send(0, BLK_REQ_WRITE, ~0ull, data_offset(0), 1024, NULL), BLK_S_RANGE);
    assert_int_equal(send(0, BLK_REQ_WRITE, ~0ull - 1, data_offset(0), 1024, NULL), BLK_S_RANGE);
    assert_int_equal(send(0, BLK_REQ_READ, 1ull << 63, data_offset(0), 512, NULL), BLK_S_RANGE);
}

static void writes_to_a_read_only_port_are_refused(void **state)
{
    (void)state;
    fresh(true);
    assert_int_equal(cl.flags & BLK_FLAG_READ_ONLY, BLK_FLAG_READ_ONLY);
    assert_int_equal(send(0, BLK_REQ_WRITE, 0, data_offset(0), 512, NULL), BLK_S_READ_ONLY);
    /* Even out of bounds: the port may not write at all. */
    assert_int_equal(send(0, BLK_REQ_WRITE, COUNT, data_offset(0), 512, NULL), BLK_S_READ_ONLY);
    struct blk_port_io pio;
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
}

static void buffers_outside_the_data_area_are_refused(void **state)
{
    (void)state;
    fresh(false);
    uint64_t end = RING;
    uint32_t bad[][2] = {
        {0, 512},                      /* the header */
        {BLK_REQ_TABLE_OFFSET, 512},   /* the table */
        {BLK_DATA_OFFSET - 512, 1024}, /* straddles into the data area */
        {(uint32_t)(end - 512), 1024}, /* past the end */
        {(uint32_t)end, 512},          /* at the end */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(send(0, BLK_REQ_READ, 0, bad[i][0], bad[i][1], NULL), BLK_S_INVALID);
    }
    assert_int_equal(send(0, BLK_REQ_READ, 0, ~0ull - 100, 512, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_READ, 0, 1ull << 63, 512, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_GET_ID, 0, end - 8, 20, NULL), BLK_S_INVALID);
    /* The last whole sector of the data area is fine. */
    struct blk_port_io pio;
    assert_int_equal(send(0, BLK_REQ_READ, 0, end - 512, 512, &pio), BLK_S_OK);
}

static void bad_lengths_tags_and_types_are_refused(void **state)
{
    (void)state;
    fresh(false);
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 0, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 100, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_WRITE, 0, data_offset(0), 513, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 61440 + 512, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, BLK_REQ_GET_ID, 0, data_offset(0), 19, NULL), BLK_S_INVALID);
    assert_int_equal(send(0, 2, 0, data_offset(0), 512, NULL), BLK_S_UNSUPP);
    assert_int_equal(send(0, 0xffffffffu, 0, data_offset(0), 512, NULL), BLK_S_UNSUPP);
    assert_int_equal(send_raw((struct bt_desc){
                         .offset = data_offset(0), .len = 512, .cookie = BLK_QUEUE_CAPACITY}),
                     BLK_S_INVALID);
    assert_int_equal(
        send_raw((struct bt_desc){.offset = data_offset(0), .len = 512, .cookie = 0xffffffffu}),
        BLK_S_INVALID);
}

static void the_table_entry_is_read_once_when_taken(void **state)
{
    (void)state;
    fresh(false);
    struct blk_port_io pio;
    assert_int_equal(send(7, BLK_REQ_READ, 5, data_offset(0), 512, &pio), BLK_S_OK);
    /* The client changes its mind after the request was taken. */
    blk_req_table(ring)[7].sector = 1u << 30;
    blk_req_table(ring)[7].type = BLK_REQ_WRITE;
    assert_int_equal(pio.io.disk_sector, FIRST + 5);
    assert_int_equal(pio.io.type, BLK_REQ_READ);
}

/* ---- limits and misbehaviour ---- */

static void at_most_BLK_PORT_IN_FLIGHT_requests_at_the_device(void **state)
{
    (void)state;
    fresh(false);
    struct blk_port_io pio[BLK_PORT_IN_FLIGHT + 2];
    for (unsigned i = 0; i < BLK_PORT_IN_FLIGHT + 2; i++) {
        assert_true(blk_client_submit(&cl, i, BLK_REQ_READ, i, data_offset(i * 512), 512));
    }
    unsigned taken = 0;
    while (port_take(&port, &pio[taken])) {
        taken++;
    }
    assert_int_equal(taken, BLK_PORT_IN_FLIGHT);
    port_finish(&port, &pio[0], BLK_S_OK, 512);
    assert_true(port_take(&port, &pio[taken]));
    assert_false(port_take(&port, &pio[taken + 1]));
    struct blk_done d;
    assert_true(blk_client_take(&cl, &d));
    assert_int_equal(d.tag, 0);
    assert_int_equal(d.status, BLK_S_OK);
    assert_int_equal(d.len, 512);
}

static void a_client_that_takes_no_responses_is_held_back_not_served_forever(void **state)
{
    (void)state;
    fresh(false);
    /* Fill the response queue with refusals, then more. */
    unsigned sent = 0;
    for (unsigned round = 0; round < 4; round++) {
        while (blk_client_submit(&cl, sent % BLK_QUEUE_CAPACITY, BLK_REQ_READ, COUNT,
                                 data_offset(0), 512)) {
            sent++;
        }
        struct blk_port_io pio;
        assert_false(port_take(&port, &pio));
    }
    /* 64 answered, one waits in the backlog, 64 wait in the queue. */
    assert_int_equal(bt_queue_count(&cl.resp), BLK_QUEUE_CAPACITY);
    assert_int_equal(port.backlog_count, 1);
    assert_int_equal(sent, 2 * BLK_QUEUE_CAPACITY + 1);
    /* The client takes its responses; each round of the server moves on. */
    unsigned got = 0;
    struct blk_done d;
    for (unsigned round = 0; round < 10 && got < sent; round++) {
        while (blk_client_take(&cl, &d)) {
            assert_int_equal(d.status, BLK_S_RANGE);
            got++;
        }
        assert_true(cl.signal_needed || round > 0);
        cl.signal_needed = false;
        struct blk_port_io pio;
        assert_false(port_take(&port, &pio));
        port_flush(&port);
    }
    assert_int_equal(got, sent);
    assert_false(port.req.broken || port.resp.broken);
}

static void a_broken_queue_stops_the_port_until_a_reset(void **state)
{
    (void)state;
    fresh(false);
    __atomic_store_n(&cl.req.sh->prod, cl.req.own + 1000, __ATOMIC_RELEASE);
    struct blk_port_io pio;
    assert_false(port_take(&port, &pio));
    assert_int_equal(port.state, BLK_STATE_BROKEN);
    assert_int_equal(blk_load(&port.hdr->state), BLK_STATE_BROKEN);
    assert_true(port.broken_news);
    port.broken_news = false;
    assert_false(port_take(&port, &pio));
    assert_false(port.broken_news); /* reported once */
    handshake();
    assert_int_equal(cl.state, BLK_STATE_READY);
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
}

static void a_broken_response_queue_stops_the_port_too(void **state)
{
    (void)state;
    fresh(false);
    struct blk_port_io pio;
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
    __atomic_store_n(&cl.resp.sh->cons, 12345, __ATOMIC_RELEASE);
    port_finish(&port, &pio, BLK_S_OK, 512);
    assert_int_equal(port.state, BLK_STATE_BROKEN);
    assert_true(port.broken_news);
}

static void a_reset_while_at_the_device_drops_the_old_answer(void **state)
{
    (void)state;
    fresh(false);
    struct blk_port_io old;
    assert_int_equal(send(9, BLK_REQ_READ, 0, data_offset(0), 512, &old), BLK_S_OK);
    assert_true(port_current(&port, &old));
    handshake(); /* the client restarted */
    assert_false(port_current(&port, &old));
    port_finish(&port, &old, BLK_S_OK, 512);
    struct blk_done d;
    assert_false(blk_client_take(&cl, &d));
    assert_int_equal(port.in_flight, 0);
    struct blk_port_io pio;
    assert_int_equal(send(1, BLK_REQ_READ, 0, data_offset(0), 512, &pio), BLK_S_OK);
    port_finish(&port, &pio, BLK_S_IOERR, 512);
    assert_true(blk_client_take(&cl, &d));
    assert_int_equal(d.tag, 1);
    assert_int_equal(d.status, BLK_S_IOERR);
    assert_int_equal(d.len, 0);
}

static void a_port_without_a_disk_answers_nodev_to_everything(void **state)
{
    (void)state;
    memset(ring, 0, sizeof(ring));
    open_port(RING, false, false);
    handshake();
    assert_int_equal(cl.state, BLK_STATE_NODEV);
    assert_int_equal(cl.capacity, 0);
    assert_int_equal(send(0, BLK_REQ_READ, 0, data_offset(0), 512, NULL), BLK_S_NODEV);
    assert_int_equal(send(1, BLK_REQ_WRITE, 99999, 0, 3, NULL), BLK_S_NODEV);
    assert_int_equal(send(2, BLK_REQ_FLUSH, 0, 0, 0, NULL), BLK_S_NODEV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake_publishes_the_port),
        cmocka_unit_test(nothing_is_served_before_the_reset),
        cmocka_unit_test(server_restart_is_seen_as_a_new_epoch),
        cmocka_unit_test(ring_sizes_outside_the_protocol_are_refused),
        cmocka_unit_test(requests_in_bounds_go_to_the_disk_at_the_ports_offset),
        cmocka_unit_test(sectors_outside_the_port_are_refused),
        cmocka_unit_test(writes_to_a_read_only_port_are_refused),
        cmocka_unit_test(buffers_outside_the_data_area_are_refused),
        cmocka_unit_test(bad_lengths_tags_and_types_are_refused),
        cmocka_unit_test(the_table_entry_is_read_once_when_taken),
        cmocka_unit_test(at_most_BLK_PORT_IN_FLIGHT_requests_at_the_device),
        cmocka_unit_test(a_client_that_takes_no_responses_is_held_back_not_served_forever),
        cmocka_unit_test(a_broken_queue_stops_the_port_until_a_reset),
        cmocka_unit_test(a_broken_response_queue_stops_the_port_too),
        cmocka_unit_test(a_reset_while_at_the_device_drops_the_old_answer),
        cmocka_unit_test(a_port_without_a_disk_answers_nodev_to_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
