/*
 * The console multiplexer: owns the PL011 and gives every client channel a
 * named console (mux.c holds the logic; this file is the service around it).
 *
 * What it relies on (the loader's grants, abi/startinfo.h): "uart" as a
 * BT_START_MEMORY entry (the PL011's registers) and a BT_START_IRQ entry
 * (its interrupt, signalling bt_start->events, which is bound to this
 * thread); "endpoint" (BT_START_CAP), the service endpoint it receives on;
 * one BT_START_BADGE entry per client channel, named as the console.
 *
 * One thread serves everything: a receive on the endpoint returns a client's
 * call or, through the bound notification, the UART's interrupt. No client
 * can block it: writes never wait, and a read that finds no input is kept
 * waiting on a reply object of its own (from a pool of reply objects got
 * from root) while the loop goes on; typed input completes it later.
 */
#include "alloc/alloc.h"
#include "c/print.h"
#include "console/protocol.h"
#include "lib/string.h"
#include "mux.h"
#include "pl011.h"
#include "start/startinfo.h"
#include "svc/root.h"
#include "sys/sys.h"

/* Reply objects: one to receive with, one per waiting read. */
#define REPLY_POOL_START 4
#define REPLY_POOL_MAX (MUX_MAX_CONSOLES + 1)

static struct mux mux;
static struct pl011 uart;
static struct bt_alloc alloc; /* slots and objects from the quota at root */
static bt_cptr_t endpoint;
static bt_cptr_t uart_irq;
static uint64_t uart_irq_bits;

static struct {
    bt_cptr_t free[REPLY_POOL_MAX];
    unsigned free_count;
    unsigned made;
} replies;

/* A free reply object, made from the quota when none is left; 0 if the
 * pool is at its bound or root refuses. */
static bt_cptr_t reply_take(void)
{
    if (replies.free_count > 0) {
        return replies.free[--replies.free_count];
    }
    if (replies.made == REPLY_POOL_MAX) {
        return 0;
    }
    bt_cptr_t r = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
    if (r != 0) {
        replies.made++;
    }
    return r;
}

static void reply_give(bt_cptr_t r)
{
    replies.free[replies.free_count++] = r;
}

static uint64_t get_word(const struct bt_msg *m, unsigned i)
{
    return i < BT_MSG_REG_WORDS ? m->mr[i] : bt_ipc_buffer()->mr[i];
}

static void set_word(struct bt_msg *m, unsigned i, uint64_t v)
{
    if (i < BT_MSG_REG_WORDS) {
        m->mr[i] = v;
    } else {
        bt_ipc_buffer()->mr[i] = v;
    }
}

static void answer_status(struct bt_msg *m, enum bt_status st)
{
    m->tag = BT_TAG(0, 1, 0);
    m->mr[0] = st;
}

/* A read's reply: status, count, the bytes from MR2. */
static void answer_read(struct bt_msg *m, const uint8_t *buf, size_t n)
{
    m->tag = BT_TAG(0, 2 + (n + 7) / 8, 0);
    m->mr[0] = BT_OK;
    m->mr[1] = n;
    for (unsigned w = 0; w * 8 < n; w++) {
        uint64_t v = 0;
        memcpy(&v, buf + w * 8, n - w * 8 < 8 ? n - w * 8 : 8);
        set_word(m, 2 + w, v);
    }
}

static void console_write(struct bt_msg *m, unsigned c)
{
    uint64_t n = m->mr[0];
    uint64_t words = BT_TAG_WORDS(m->tag);
    if (words < 1 || n > CONSOLE_IO_MAX || words < 1 + (n + 7) / 8) {
        answer_status(m, BT_E_ARG);
        return;
    }
    uint8_t buf[CONSOLE_IO_MAX];
    for (unsigned w = 0; w * 8 < n; w++) {
        uint64_t v = get_word(m, 1 + w);
        memcpy(buf + w * 8, &v, n - w * 8 < 8 ? n - w * 8 : 8);
    }
    mux_output(&mux, c, buf, n);
    answer_status(m, BT_OK);
}

/* Returns false when the read was kept waiting on *reply, which then holds
 * the reply object to receive with next. */
static bool console_read(struct bt_msg *m, unsigned c, bt_cptr_t *reply)
{
    uint64_t max = m->mr[0];
    uint64_t flags = m->mr[1];
    if (BT_TAG_WORDS(m->tag) < 2 || max == 0 || max > CONSOLE_IO_MAX ||
        (flags & ~(uint64_t)CONSOLE_NONBLOCK) != 0) {
        answer_status(m, BT_E_ARG);
        return true;
    }
    uint8_t buf[CONSOLE_IO_MAX];
    size_t n = mux_read(&mux, c, buf, max);
    if (n > 0 || (flags & CONSOLE_NONBLOCK)) {
        answer_read(m, buf, n);
        return true;
    }
    uint64_t old = mux_park_read(&mux, c, *reply, max);
    bt_cptr_t next = old;
    if (old != 0) {
        struct bt_msg busy;
        answer_status(&busy, BT_E_BUSY);
        bt_reply(old, &busy); /* fails harmlessly if that caller is gone */
    } else {
        next = reply_take();
    }
    if (next == 0) {
        mux_park_read(&mux, c, 0, 0);
        answer_status(m, BT_E_FULL);
        return true;
    }
    *reply = next;
    return false;
}

/* A client's call: true when m holds the answer to send now. */
static bool serve_call(struct bt_msg *m, bt_cptr_t *reply)
{
    int c = mux_find_key(&mux, m->badge);
    if (c < 0) {
        answer_status(m, BT_E_RIGHTS);
        return true;
    }
    switch (BT_TAG_LABEL(m->tag)) {
    case CONSOLE_WRITE:
        console_write(m, (unsigned)c);
        return true;
    case CONSOLE_READ:
        return console_read(m, (unsigned)c, reply);
    default:
        answer_status(m, BT_E_ARG);
        return true;
    }
}

/* Answers every waiting read whose console has input now. */
static void complete_reads(void)
{
    struct mux_read_done done;
    uint8_t buf[CONSOLE_IO_MAX];
    while (mux_take_ready_read(&mux, &done, buf, sizeof(buf))) {
        struct bt_msg m;
        answer_read(&m, buf, done.count);
        bt_reply(done.token, &m); /* if that caller is gone, so are the bytes */
        reply_give(done.token);
    }
}

/* Everything the UART received, to the multiplexer. */
static void uart_drain(void)
{
    uint8_t buf[64];
    size_t n;
    do {
        n = pl011_receive(&uart, buf, sizeof(buf));
        mux_serial_input(&mux, buf, n);
    } while (n == sizeof(buf));
    complete_reads();
}

/* A client can send a call with the notification label. A real notification
 * leaves the reply object without a caller: try to answer; if that works,
 * it was such a call, and its caller has its answer. */
static bool spoofed(bt_cptr_t reply)
{
    struct bt_msg m;
    answer_status(&m, BT_E_ARG);
    return bt_reply(reply, &m) == BT_OK;
}

static void serial_write(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    pl011_write(&uart, buf, len);
}

/* "Ctrl-] start NAME Enter": root starts it if the scenario lets this
 * console start it (its "starts"). Root builds it before it answers, which
 * takes a moment; the consoles wait that long. */
static void start_request(void *ctx, const char *name)
{
    (void)ctx;
    uint64_t quota = 0;
    enum bt_status st = bt_root_start(name, &quota);
    switch (st) {
    case BT_OK:
        mux_say(&mux, "started %s", name);
        break;
    case BT_E_RIGHTS:
        mux_say(&mux, "cannot start %s: the scenario does not let the console start it", name);
        break;
    case BT_E_BUSY:
        mux_say(&mux, "cannot start %s: it is running", name);
        break;
    case BT_E_NOMEM:
        mux_say(&mux, "cannot start %s: not enough free memory for its %lu KiB", name,
                quota / 1024);
        break;
    case BT_E_GONE:
        mux_say(&mux, "cannot start %s: root could not build it (see root's message)", name);
        break;
    case BT_E_ARG:
        mux_say(&mux, "cannot start %s: no such component or VM", name);
        break;
    default:
        mux_say(&mux, "cannot start %s: error %d", name, (int)st);
        break;
    }
}

static void add_consoles(void)
{
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if (e->kind != BT_START_BADGE) {
            continue;
        }
        char name[MUX_NAME_MAX] = {0};
        memcpy(name, e->name, strnlen(e->name, BT_START_NAME_MAX));
        if (mux_add(&mux, name, e->value) < 0) {
            mux_say(&mux, "cannot add console \"%s\" (badge %lu)", name, (unsigned long)e->value);
        }
    }
    /* VM consoles (issue 5) will arrive as BT_START_RING entries: add them
     * here with a key outside the badges and serve their rings in main's
     * loop (their bit in the notification badge). */
}

static bool find_grants(void)
{
    const struct bt_start_entry *regs = bt_start_find("uart", BT_START_MEMORY);
    const struct bt_start_entry *irq = bt_start_find("uart", BT_START_IRQ);
    endpoint = bt_start_cap("endpoint");
    if (regs == NULL || regs->size < 0x1000 || irq == NULL || endpoint == 0) {
        bt_printf("console: cannot start: the scenario must grant a device \"uart\" "
                  "(PL011 registers and its IRQ) and the endpoint\n");
        return false;
    }
    pl011_init(&uart, (uintptr_t)regs->vaddr);
    uart_irq = irq->cptr;
    uart_irq_bits = irq->value;
    return true;
}

/* Everything before the loop; returns the first reply object to receive
 * with, or 0 when the console cannot run. */
static bt_cptr_t start_up(void)
{
    if (bt_start == NULL || !find_grants()) {
        return 0;
    }
    struct mux_ops ops = {.serial_write = serial_write, .start = start_request, .ctx = NULL};
    mux_init(&mux, &ops);
    add_consoles();
    mux_apply_args(&mux, bt_start->args);
    bt_alloc_init_component(&alloc, bt_start);
    while (replies.made < REPLY_POOL_START) {
        bt_cptr_t r = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
        if (r == 0) {
            break;
        }
        replies.made++;
        reply_give(r);
    }
    bt_cptr_t reply = reply_take();
    if (reply == 0) {
        bt_printf("console: cannot start: no reply object from root\n");
        return 0;
    }
    mux_banner(&mux);
    uart_drain(); /* what was typed before the interrupt was on */
    return reply;
}

int main(uint64_t arg)
{
    (void)arg;
    bt_cptr_t reply = start_up();
    if (reply == 0) {
        return 1;
    }
    struct bt_msg m;
    enum bt_status st = bt_recv(endpoint, reply, &m);
    unsigned failures = 0;
    for (;;) {
        bool answer = false;
        if (st != BT_OK) {
            /* Not a client's doing (their errors are theirs): our
             * capabilities are wrong. Try again a few times, then stop. */
            mux_say(&mux, "receive failed (status %d)", st);
            if (++failures == 16) {
                return 1;
            }
        } else if (BT_TAG_LABEL(m.tag) == BT_LABEL_NOTIFICATION) {
            failures = 0;
            if (!spoofed(reply) && (m.badge & uart_irq_bits)) {
                uart_drain();
                bt_irq_ack(uart_irq);
            }
        } else {
            failures = 0;
            answer = serve_call(&m, &reply);
        }
        st = answer ? bt_reply_recv(endpoint, reply, &m) : bt_recv(endpoint, reply, &m);
    }
}
