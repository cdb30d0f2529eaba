/*
 * Host tests of the emulated PL011 (services/vmm/devices/pl011.c): output
 * is buffered to a newline or a full buffer, the flags and identification
 * Linux reads, the receive FIFO, and when the interrupt is raised (edges,
 * and again after IMSC or ICR writes while the level stays high).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/devices/pl011.h"

static char out[4096];
static size_t out_len;
static unsigned out_calls, irqs;
static struct vpl011 uart;

static void on_out(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    memcpy(out + out_len, buf, len);
    out_len += len;
    out_calls++;
}

static void on_irq(void *ctx)
{
    (void)ctx;
    irqs++;
}

static int setup(void **state)
{
    (void)state;
    out_len = 0;
    out_calls = irqs = 0;
    vpl011_init(&uart, on_out, on_irq, NULL);
    return 0;
}

static uint64_t rd(uint64_t off, unsigned width)
{
    struct mmio_access a = {.offset = off, .width = width};
    assert_true(vpl011_access(&uart, &a));
    return a.value;
}

static void wr(uint64_t off, unsigned width, uint64_t v)
{
    struct mmio_access a = {.offset = off, .width = width, .write = true, .value = v};
    assert_true(vpl011_access(&uart, &a));
}

#define DR 0x000
#define FR 0x018
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044

static void output_waits_for_a_newline(void **state)
{
    (void)state;
    for (const char *s = "linux$ "; *s != 0; s++) {
        wr(DR, 2, (uint8_t)*s);
    }
    assert_int_equal(out_calls, 0);
    wr(DR, 2, '\n');
    assert_int_equal(out_calls, 1);
    assert_int_equal(out_len, 8);
    assert_memory_equal(out, "linux$ \n", 8);
}

static void flush_hands_over_a_partial_line(void **state)
{
    (void)state;
    wr(DR, 4, '#');
    wr(DR, 4, ' ');
    vpl011_flush(&uart);
    assert_int_equal(out_calls, 1);
    assert_memory_equal(out, "# ", 2);
    vpl011_flush(&uart);
    assert_int_equal(out_calls, 1); /* nothing more to say */
}

static void an_imsc_write_ends_a_burst(void **state)
{
    (void)state;
    wr(DR, 2, '$');
    wr(DR, 2, ' ');
    assert_int_equal(out_calls, 0);
    assert_false(uart.driver_seen);
    wr(IMSC, 2, 0);
    assert_int_equal(out_calls, 1);
    assert_memory_equal(out, "$ ", 2);
    assert_true(uart.driver_seen);
}

static void a_full_buffer_is_handed_over(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VPL011_TX_BUFFER + 10; i++) {
        wr(DR, 1, 'a' + i % 26);
    }
    assert_int_equal(out_calls, 1);
    assert_int_equal(out_len, VPL011_TX_BUFFER);
}

static void the_uart_identifies_as_an_arm_pl011_primecell(void **state)
{
    (void)state;
    uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; i++) {
        periph |= (uint32_t)rd(0xfe0 + 4 * i, 4) << (8 * i);
        cell |= (uint32_t)rd(0xff0 + 4 * i, 4) << (8 * i);
    }
    assert_int_equal(periph & 0x000fffff, 0x00041011);
    assert_int_equal(cell, 0xb105f00d);
}

static void received_bytes_come_out_in_order_and_the_flags_follow(void **state)
{
    (void)state;
    assert_int_equal(rd(FR, 2) & 0x10, 0x10); /* RXFE */
    assert_int_equal(rd(FR, 2) & 0x80, 0x80); /* TXFE */
    assert_int_equal(vpl011_rx_push(&uart, (const uint8_t *)"ab", 2), 2);
    assert_int_equal(rd(FR, 2) & 0x10, 0);
    assert_int_equal(rd(DR, 2), 'a');
    assert_int_equal(rd(DR, 2), 'b');
    assert_int_equal(rd(FR, 2) & 0x10, 0x10);
    assert_int_equal(rd(DR, 2), 0); /* empty FIFO reads zero */
}

static void the_receive_fifo_takes_only_what_fits(void **state)
{
    (void)state;
    uint8_t buf[VPL011_RX_FIFO + 8];
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(vpl011_rx_push(&uart, buf, sizeof(buf)), VPL011_RX_FIFO);
    assert_int_equal(vpl011_rx_room(&uart), 0);
    assert_int_equal(rd(FR, 2) & 0x40, 0x40); /* RXFF */
    rd(DR, 2);
    assert_int_equal(vpl011_rx_room(&uart), 1);
}

static void receive_interrupt_rises_with_data_when_unmasked(void **state)
{
    (void)state;
    vpl011_rx_push(&uart, (const uint8_t *)"x", 1);
    assert_int_equal(irqs, 0); /* masked */
    wr(IMSC, 2, VPL011_INT_RX | VPL011_INT_RT);
    assert_int_equal(irqs, 1); /* unmasking with data present */
    assert_int_equal(rd(MIS, 2), VPL011_INT_RX | VPL011_INT_RT);
    rd(DR, 2);
    assert_int_equal(rd(MIS, 2), 0);
    vpl011_rx_push(&uart, (const uint8_t *)"y", 1);
    assert_int_equal(irqs, 2); /* a new edge */
    vpl011_rx_push(&uart, (const uint8_t *)"z", 1);
    assert_int_equal(irqs, 3); /* still high: new bytes sample it again */
}

static void transmit_interrupt_follows_qemus_model(void **state)
{
    (void)state;
    assert_int_equal(rd(RIS, 2) & VPL011_INT_TX, 0);
    wr(DR, 2, 'a');
    assert_int_equal(rd(RIS, 2) & VPL011_INT_TX, VPL011_INT_TX);
    assert_int_equal(irqs, 0);
    wr(IMSC, 2, VPL011_INT_TX); /* Linux's start_tx: unmask after writing */
    assert_int_equal(irqs, 1);
    wr(DR, 2, 'b');
    assert_int_equal(irqs, 1); /* level unchanged: no new edge */
    wr(ICR, 2, 0);             /* the handler's clear, while still high */
    assert_int_equal(irqs, 2);
    wr(ICR, 2, VPL011_INT_TX);
    assert_int_equal(rd(MIS, 2), 0);
    assert_int_equal(irqs, 2);
    wr(IMSC, 2, 0);
    assert_int_equal(irqs, 2);
}

static void odd_accesses_read_zero_and_are_ignored(void **state)
{
    (void)state;
    assert_int_equal(rd(0x001, 1), 0);
    wr(0x001, 1, 'q');
    assert_int_equal(rd(DR, 8), 0);
    wr(DR, 8, 'q');
    assert_int_equal(rd(0x800, 4), 0);
    wr(0x800, 4, ~0u);
    vpl011_flush(&uart);
    assert_int_equal(out_calls, 0);
}

static void reset_drops_buffers_and_masks(void **state)
{
    (void)state;
    wr(IMSC, 2, 0x7ff);
    wr(DR, 2, 'a');
    vpl011_rx_push(&uart, (const uint8_t *)"b", 1);
    vpl011_reset(&uart);
    assert_int_equal(rd(IMSC, 2), 0);
    assert_int_equal(rd(FR, 2) & 0x10, 0x10);
    vpl011_flush(&uart);
    assert_int_equal(out_calls, 0);
    assert_int_equal(rd(0x030, 2), 0x300); /* CR: TXE, RXE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(output_waits_for_a_newline, setup),
        cmocka_unit_test_setup(flush_hands_over_a_partial_line, setup),
        cmocka_unit_test_setup(an_imsc_write_ends_a_burst, setup),
        cmocka_unit_test_setup(a_full_buffer_is_handed_over, setup),
        cmocka_unit_test_setup(the_uart_identifies_as_an_arm_pl011_primecell, setup),
        cmocka_unit_test_setup(received_bytes_come_out_in_order_and_the_flags_follow, setup),
        cmocka_unit_test_setup(the_receive_fifo_takes_only_what_fits, setup),
        cmocka_unit_test_setup(receive_interrupt_rises_with_data_when_unmasked, setup),
        cmocka_unit_test_setup(transmit_interrupt_follows_qemus_model, setup),
        cmocka_unit_test_setup(odd_accesses_read_zero_and_are_ignored, setup),
        cmocka_unit_test_setup(reset_drops_buffers_and_masks, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
