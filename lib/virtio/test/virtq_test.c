/*
 * Host tests of the driver side of split virtqueues (lib/virtio/virtq.c)
 * and of DMA segments (lib/virtio/dma.c). A small device model in this
 * file takes chains from the available ring and completes them in any
 * order; other tests play a device that breaks the rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "virtio/dma.h"
#include "virtio/virtq.h"

#define QSIZE 8

static _Alignas(4096) uint8_t ring_mem[3][4096];
static struct virtq q;

static struct virtq_mem mem_of(void)
{
    return (struct virtq_mem){
        .desc = ring_mem[0],
        .desc_pa = 0x10000,
        .avail = ring_mem[1],
        .avail_pa = 0x11000,
        .used = ring_mem[2],
        .used_pa = 0x12000,
    };
}

static void setup_queue(uint16_t size)
{
    memset(ring_mem, 0xee, sizeof(ring_mem));
    struct virtq_mem m = mem_of();
    assert_true(virtq_init(&q, size, &m));
}

/* ---- the device model ---- */

static uint16_t dev_avail_seen;
static volatile struct virtq_avail *avail(void)
{
    return (volatile struct virtq_avail *)ring_mem[1];
}

static volatile struct virtq_used *used(void)
{
    return (volatile struct virtq_used *)ring_mem[2];
}

static volatile struct virtq_desc *desc(void)
{
    return (volatile struct virtq_desc *)ring_mem[0];
}

/* The next chain the device finds in the available ring (its head), or -1. */
static int dev_next_head(void)
{
    if (avail()->idx == dev_avail_seen) {
        return -1;
    }
    return avail()->ring[dev_avail_seen++ % q.size];
}

static unsigned dev_chain_length(int head)
{
    unsigned n = 1;
    uint16_t d = (uint16_t)head;
    while (desc()[d].flags & VIRTQ_DESC_F_NEXT) {
        d = desc()[d].next;
        n++;
        assert_true(n <= q.size);
    }
    return n;
}

static void dev_complete(uint32_t id, uint32_t len)
{
    volatile struct virtq_used *u = used();
    u->ring[u->idx % q.size].id = id;
    u->ring[u->idx % q.size].len = len;
    u->idx++;
}

static int add_n(unsigned n, uint64_t pa)
{
    struct virtq_seg segs[QSIZE];
    for (unsigned i = 0; i < n; i++) {
        segs[i] = (struct virtq_seg){
            .pa = pa + i * 0x1000, .len = 512 * (i + 1), .device_writes = i + 1 == n};
    }
    return virtq_add(&q, segs, n);
}

static void reset_model(void)
{
    dev_avail_seen = 0;
}

/* ---- tests ---- */

static void init_refuses_bad_sizes_and_alignment(void **state)
{
    (void)state;
    struct virtq_mem m = mem_of();
    assert_false(virtq_init(&q, 0, &m));
    assert_false(virtq_init(&q, 6, &m));
    assert_false(virtq_init(&q, 512, &m));
    m.desc = ring_mem[0] + 8;
    assert_false(virtq_init(&q, 8, &m));
    m = mem_of();
    m.used_pa += 2;
    assert_false(virtq_init(&q, 8, &m));
    m = mem_of();
    m.avail = ring_mem[1] + 1;
    assert_false(virtq_init(&q, 8, &m));
    m = mem_of();
    assert_true(virtq_init(&q, 256, &m));
}

static void chain_is_laid_out_as_the_spec_says(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int head = add_n(3, 0x40000);
    assert_true(head >= 0);
    /* Not visible before publishing. */
    assert_int_equal(avail()->idx, 0);
    assert_true(virtq_publish(&q));
    assert_int_equal(avail()->idx, 1);
    assert_int_equal(dev_next_head(), head);
    uint16_t d = (uint16_t)head;
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(desc()[d].addr, 0x40000 + i * 0x1000);
        assert_int_equal(desc()[d].len, 512 * (i + 1));
        uint16_t flags = desc()[d].flags;
        assert_int_equal(flags & VIRTQ_DESC_F_WRITE, i == 2 ? VIRTQ_DESC_F_WRITE : 0);
        assert_int_equal(flags & VIRTQ_DESC_F_NEXT, i < 2 ? VIRTQ_DESC_F_NEXT : 0);
        d = desc()[d].next;
    }
    assert_int_equal(virtq_free(&q), QSIZE - 3);
    assert_int_equal(virtq_in_flight(&q), 1);
}

static void completion_returns_head_and_length_and_frees_the_chain(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int head = add_n(2, 0x1000);
    virtq_publish(&q);
    uint16_t h;
    uint32_t len;
    assert_false(virtq_take(&q, &h, &len));
    dev_complete((uint32_t)dev_next_head(), 77);
    assert_true(virtq_take(&q, &h, &len));
    assert_int_equal(h, head);
    assert_int_equal(len, 77);
    assert_int_equal(virtq_free(&q), QSIZE);
    assert_int_equal(virtq_in_flight(&q), 0);
    assert_false(virtq_take(&q, &h, &len));
    assert_false(q.broken);
}

static void full_queue_refuses_then_recovers(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    assert_true(add_n(5, 0) >= 0);
    assert_int_equal(add_n(4, 0), -1); /* only 3 left */
    assert_int_equal(virtq_free(&q), 3);
    assert_true(add_n(3, 0) >= 0);
    assert_int_equal(add_n(1, 0), -1);
    virtq_publish(&q);
    int first = dev_next_head();
    dev_complete((uint32_t)first, 0);
    uint16_t h;
    uint32_t len;
    assert_true(virtq_take(&q, &h, &len));
    assert_int_equal(virtq_free(&q), 5);
    assert_true(add_n(5, 0) >= 0);
}

static void out_of_order_completions_keep_the_free_list_whole(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int heads[4];
    for (int i = 0; i < 4; i++) {
        heads[i] = add_n(2, 0);
        assert_true(heads[i] >= 0);
    }
    virtq_publish(&q);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(dev_next_head(), heads[i]);
    }
    int order[4] = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++) {
        dev_complete((uint32_t)heads[order[i]], (uint32_t)i);
        uint16_t h;
        uint32_t len;
        assert_true(virtq_take(&q, &h, &len));
        assert_int_equal(h, heads[order[i]]);
    }
    /* Every descriptor is usable again, in one chain of all of them. */
    assert_int_equal(virtq_free(&q), QSIZE);
    int head = add_n(QSIZE, 0);
    assert_true(head >= 0);
    virtq_publish(&q);
    assert_int_equal(dev_next_head(), head);
    assert_int_equal(dev_chain_length(head), QSIZE);
}

static void many_rounds_wrap_the_indices(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    for (unsigned round = 0; round < 70000; round++) {
        int head = add_n(1 + round % 3, round);
        assert_true(head >= 0);
        virtq_publish(&q);
        assert_int_equal(dev_next_head(), head);
        dev_complete((uint32_t)head, round);
        uint16_t h;
        uint32_t len;
        assert_true(virtq_take(&q, &h, &len));
        assert_int_equal(h, head);
        assert_int_equal(len, round);
    }
    assert_int_equal(virtq_free(&q), QSIZE);
    assert_false(q.broken);
}

static void empty_segment_is_refused_and_costs_nothing(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    struct virtq_seg segs[2] = {{.pa = 0x1000, .len = 16}, {.pa = 0x2000, .len = 0}};
    assert_int_equal(virtq_add(&q, segs, 2), -1);
    assert_int_equal(virtq_add(&q, segs, 0), -1);
    assert_int_equal(virtq_free(&q), QSIZE);
}

static void no_notify_flag_is_honoured(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    used()->flags = VIRTQ_USED_F_NO_NOTIFY;
    add_n(1, 0);
    assert_false(virtq_publish(&q));
    used()->flags = 0;
    add_n(1, 0);
    assert_true(virtq_publish(&q));
}

static void used_id_out_of_range_breaks_the_queue(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    add_n(1, 0);
    virtq_publish(&q);
    dev_complete(QSIZE + 3, 0);
    uint16_t h;
    uint32_t len;
    assert_false(virtq_take(&q, &h, &len));
    assert_true(q.broken);
    assert_int_equal(add_n(1, 0), -1);
}

static void used_id_not_a_head_in_flight_breaks_the_queue(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int head = add_n(3, 0);
    virtq_publish(&q);
    /* The chain's second descriptor: not a head. */
    dev_complete((uint32_t)((head + 1) % QSIZE), 0);
    uint16_t h;
    uint32_t len;
    assert_false(virtq_take(&q, &h, &len));
    assert_true(q.broken);
}

static void double_completion_breaks_the_queue(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int a = add_n(1, 0);
    add_n(1, 0);
    virtq_publish(&q);
    dev_complete((uint32_t)a, 0);
    dev_complete((uint32_t)a, 0);
    uint16_t h;
    uint32_t len;
    assert_true(virtq_take(&q, &h, &len));
    assert_false(virtq_take(&q, &h, &len));
    assert_true(q.broken);
}

static void used_index_running_ahead_breaks_the_queue(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    add_n(1, 0);
    virtq_publish(&q);
    used()->idx = 5; /* five finished, one was given */
    uint16_t h;
    uint32_t len;
    assert_false(virtq_take(&q, &h, &len));
    assert_true(q.broken);
}

static void device_scribbling_the_table_does_not_corrupt_the_free_list(void **state)
{
    (void)state;
    setup_queue(QSIZE);
    reset_model();
    int head = add_n(4, 0);
    virtq_publish(&q);
    dev_next_head();
    for (int i = 0; i < QSIZE; i++) {
        desc()[i].next = 0xffff;
        desc()[i].flags = 0xffff;
    }
    dev_complete((uint32_t)head, 0);
    uint16_t h;
    uint32_t len;
    assert_true(virtq_take(&q, &h, &len));
    assert_int_equal(virtq_free(&q), QSIZE);
    /* All eight come out again, each once. */
    int seen[QSIZE] = {0};
    for (int i = 0; i < QSIZE; i++) {
        int d = add_n(1, 0);
        assert_true(d >= 0 && d < QSIZE);
        assert_int_equal(seen[d]++, 0);
    }
}

/* ---- DMA segments ---- */

static void segments_join_contiguous_frames_and_split_the_others(void **state)
{
    (void)state;
    uint64_t pa[4] = {0x80000, 0x81000, 0x50000, 0x51000};
    struct virtio_dma d = {.va = NULL, .size = 4 * 4096, .pa = pa};
    struct virtq_seg s[4];
    /* 0x800 into page 0 up to 0x800 into page 3. */
    unsigned n = virtio_dma_segments(&d, 0x800, 3 * 4096, true, s, 4);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].pa, 0x80800);
    assert_int_equal(s[0].len, 0x1800);
    assert_true(s[0].device_writes);
    assert_int_equal(s[1].pa, 0x50000);
    assert_int_equal(s[1].len, 0x1800);
    assert_int_equal(virtio_dma_pa(&d, 0x2010), 0x50010);
}

static void segments_refuse_ranges_outside_and_too_many_pieces(void **state)
{
    (void)state;
    uint64_t pa[3] = {0x10000, 0x30000, 0x50000};
    struct virtio_dma d = {.va = NULL, .size = 3 * 4096, .pa = pa};
    struct virtq_seg s[3];
    assert_int_equal(virtio_dma_segments(&d, 0, 0, false, s, 3), 0);
    assert_int_equal(virtio_dma_segments(&d, 0, 3 * 4096 + 1, false, s, 3), 0);
    assert_int_equal(virtio_dma_segments(&d, 3 * 4096, 1, false, s, 3), 0);
    assert_int_equal(virtio_dma_segments(&d, 1, SIZE_MAX, false, s, 3), 0);
    assert_int_equal(virtio_dma_segments(&d, 0, 3 * 4096, false, s, 2), 0);
    assert_int_equal(virtio_dma_segments(&d, 0, 3 * 4096, false, s, 3), 3);
    assert_int_equal(virtio_dma_segments(&d, 4095, 2, false, s, 3), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_refuses_bad_sizes_and_alignment),
        cmocka_unit_test(chain_is_laid_out_as_the_spec_says),
        cmocka_unit_test(completion_returns_head_and_length_and_frees_the_chain),
        cmocka_unit_test(full_queue_refuses_then_recovers),
        cmocka_unit_test(out_of_order_completions_keep_the_free_list_whole),
        cmocka_unit_test(many_rounds_wrap_the_indices),
        cmocka_unit_test(empty_segment_is_refused_and_costs_nothing),
        cmocka_unit_test(no_notify_flag_is_honoured),
        cmocka_unit_test(used_id_out_of_range_breaks_the_queue),
        cmocka_unit_test(used_id_not_a_head_in_flight_breaks_the_queue),
        cmocka_unit_test(double_completion_breaks_the_queue),
        cmocka_unit_test(used_index_running_ahead_breaks_the_queue),
        cmocka_unit_test(device_scribbling_the_table_does_not_corrupt_the_free_list),
        cmocka_unit_test(segments_join_contiguous_frames_and_split_the_others),
        cmocka_unit_test(segments_refuse_ranges_outside_and_too_many_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
