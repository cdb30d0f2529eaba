/*
 * The VM's console: the emulated PL011's output goes to the VM's channel
 * "console" at the console multiplexer (or, without one, to the kernel's
 * debug console), and what is typed for the VM comes back as the UART's
 * input.
 *
 * Reading blocks (the multiplexer answers when something is typed), so a
 * second thread, the reader, does it: it puts the bytes into a ring shared
 * with the main thread and signals the main thread's bound notification;
 * the main thread moves them into the UART's FIFO as room allows (after a
 * notification, and after every exit while bytes wait). The ring has one
 * producer and one consumer, each index written by one side only. When
 * the ring is full the reader waits on a notification of its own, which
 * the main thread signals when it has made room.
 */
#include "c/print.h"
#include "console/protocol.h"
#include "lib/string.h"
#include "start/startinfo.h"
#include "svc/console.h"
#include "vm.h"

/* The bit the reader's signals set on the main thread's notification. */
#define CONIO_WAKE_BIT (1ull << 62)
#define READ_CHUNK 256

void conio_out(void *vmp, const uint8_t *buf, size_t len)
{
    struct vm *vm = vmp;
    if (vm->con.console != 0 && bt_console_write(vm->con.console, buf, len) == BT_OK) {
        return;
    }
    while (len > 0) {
        size_t n = len < BT_DEBUG_WRITE_MAX ? len : BT_DEBUG_WRITE_MAX;
        bt_debug_write((const char *)buf, n);
        buf += n;
        len -= n;
    }
}

void conio_uart_irq(void *vmp)
{
    struct vm *vm = vmp;
    vgic_raise(&vm->gic, 0, VM_UART_INTID);
}

bool conio_pending(const struct vm *vm)
{
    return __atomic_load_n(&vm->con.tail, __ATOMIC_ACQUIRE) != vm->con.head;
}

void conio_drain(struct vm *vm)
{
    struct conio *c = &vm->con;
    uint32_t tail = __atomic_load_n(&c->tail, __ATOMIC_ACQUIRE);
    uint32_t head = c->head;
    while (head != tail && vpl011_rx_room(&vm->uart) > 0) {
        uint32_t at = head % CONIO_RING;
        uint32_t n = tail - head;
        if (n > CONIO_RING - at) {
            n = CONIO_RING - at; /* up to the end of the ring, then again */
        }
        if (n > vpl011_rx_room(&vm->uart)) {
            n = vpl011_rx_room(&vm->uart);
        }
        head += (uint32_t)vpl011_rx_push(&vm->uart, &c->ring[at], n);
    }
    __atomic_store_n(&c->head, head, __ATOMIC_RELEASE);
    if (__atomic_exchange_n(&c->reader_waits, false, __ATOMIC_ACQ_REL)) {
        bt_signal(c->space);
    }
}

/* The reader thread: reads typed input for the VM, forever. */
static void reader(uint64_t arg)
{
    struct vm *vm = (struct vm *)arg;
    struct conio *c = &vm->con;
    uint8_t buf[READ_CHUNK];
    for (;;) {
        uint32_t tail = c->tail;
        uint32_t room = CONIO_RING - (tail - __atomic_load_n(&c->head, __ATOMIC_ACQUIRE));
        if (room == 0) {
            __atomic_store_n(&c->reader_waits, true, __ATOMIC_RELEASE);
            if (CONIO_RING - (tail - __atomic_load_n(&c->head, __ATOMIC_ACQUIRE)) == 0) {
                uint64_t bits;
                bt_wait(c->space, &bits);
            }
            continue;
        }
        size_t got = 0;
        enum bt_status st =
            bt_console_read(c->console, buf, room < sizeof(buf) ? room : sizeof(buf), false, &got);
        if (st == BT_E_BUSY || st == BT_E_FULL) {
            bt_yield(); /* the server could not keep the read; ask again */
            continue;
        }
        if (st != BT_OK) {
            bt_printf("vmm[%s]: console input stopped (error %d)\n", vm->name, st);
            return;
        }
        for (size_t i = 0; i < got; i++) {
            c->ring[(tail + i) % CONIO_RING] = buf[i];
        }
        __atomic_store_n(&c->tail, tail + (uint32_t)got, __ATOMIC_RELEASE);
        if (got > 0) {
            bt_signal(c->wake);
        }
    }
}

bool conio_start(struct vm *vm)
{
    struct conio *c = &vm->con;
    struct bt_alloc *a = &vm->alloc;
    c->console = bt_start_cap("console");
    c->head = c->tail = 0;
    c->reader_waits = false;
    /* A badged copy of the main thread's events notification, so the
     * reader's (and the other handlers') signals have a bit of their own;
     * an events capability that is badged already is used as it is. */
    c->wake = bt_alloc_slot(a);
    if (c->wake == 0 || bt_cap_mint(a->cnode, c->wake, a->cnode, bt_start->events, BT_RIGHT_WRITE,
                                    CONIO_WAKE_BIT) != BT_OK) {
        c->wake = bt_start->events;
    }
    if (c->console == 0) {
        return true; /* output to the kernel's console, no input */
    }
    c->space = bt_alloc_object(a, BT_OBJ_NOTIFICATION, BT_NOTIFICATION_BITS);
    if (c->space == 0 || c->wake == 0) {
        bt_printf("vmm[%s]: no memory for console input\n", vm->name);
        return false;
    }
    c->reader = bt_alloc_thread(a, reader, (uint64_t)vm, vm->cfg.priority, vm->cfg.cpus[0], 0);
    if (c->reader == 0) {
        bt_printf("vmm[%s]: cannot start the console reader\n", vm->name);
        return false;
    }
    char name[24];
    bt_snprintf(name, sizeof(name), "%s.input", vm->name);
    bt_debug_name(c->reader, name);
    return true;
}
