/*
 * ktest: IPC messages through endpoints (docs/kernel-api.md, "IPC:
 * endpoints and replies"): call/reply_recv (the fast path's case among
 * them), send/recv and their non-blocking forms, long messages through the
 * IPC buffer, badges, labels only the kernel may use, queue order, and the
 * rights and types each call needs. Root plays client or server against
 * worker threads of its own task; ipc.h has the workers the IPC suites share.
 */
#include "ipc.h"
#include "lib/string.h"

struct rx *ipc_rx_new(struct kt *kt, bt_cptr_t ep, bt_cptr_t reply)
{
    struct rx *rx = kt_mem(kt, sizeof(*rx));
    if (rx != NULL) {
        rx->ep = ep;
        rx->reply = reply;
    }
    return rx;
}

/* Receives one message, keeps it, signals rx->ntfn if set. */
void ipc_receive_once(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    if (buf != NULL) {
        memcpy(buf->recv_slots, rx->recv_slots, sizeof(rx->recv_slots));
    }
    rx->started = 1;
    rx->m = (struct bt_msg){0};
    rx->status = bt_recv(rx->ep, rx->reply, &rx->m);
    if (buf != NULL) {
        memcpy(rx->words, buf->mr, sizeof(rx->words));
    }
    __atomic_store_n(&rx->done, 1, __ATOMIC_RELEASE);
    if (rx->ntfn != 0) {
        bt_signal(rx->ntfn);
    }
}

/* A worker that sends (or calls, if rx->reply == 1) rx->m on rx->ep and
 * keeps the status and the reply. */
void ipc_send_once(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = rx->m;
    rx->started = 1;
    rx->status = rx->reply == 1 ? bt_call(rx->ep, &m) : bt_send(rx->ep, &m);
    rx->m = m;
    __atomic_store_n(&rx->done, 1, __ATOMIC_RELEASE);
    if (rx->ntfn != 0) {
        bt_signal(rx->ntfn);
    }
}

void ipc_call_once(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = {.tag = BT_TAG(7, 1, 0), .mr = {rx->reply}};
    rx->started = 1;
    rx->status = bt_call(rx->ep, &m);
    rx->m = m;
    __atomic_store_n(&rx->done, 1, __ATOMIC_RELEASE);
}

/* Serves calls until its receive fails: replies MR0 + 1 with the label + 1,
 * and MR5..MRn (if any) + 1000. */
static void adder_server(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = {0};
    rx->started = 1;
    enum bt_status st = bt_recv(rx->ep, rx->reply, &m);
    while (st == BT_OK) {
        uint64_t words = BT_TAG_WORDS(m.tag);
        struct bt_ipc_buffer *buf = bt_ipc_buffer();
        for (uint64_t i = BT_MSG_REG_WORDS; i < words; i++) {
            buf->mr[i] += 1000;
        }
        m.mr[0] += 1;
        m.tag = BT_TAG(BT_TAG_LABEL(m.tag) + 1, words, 0);
        st = bt_reply_recv(rx->ep, rx->reply, &m);
    }
    rx->status = st;
    rx->done = 1;
}

/* Replies to each call with the label + 1, MR4..MR1 as MR0..MR3 and the
 * badge it saw as MR4. */
static void mirror_server(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(rx->ep, rx->reply, &m);
    while (st == BT_OK) {
        struct bt_msg r = {.tag = BT_TAG(BT_TAG_LABEL(m.tag) + 1, 5, 0),
                           .mr = {m.mr[4], m.mr[3], m.mr[2], m.mr[1], m.badge}};
        m = r;
        st = bt_reply_recv(rx->ep, rx->reply, &m);
    }
}

static void call_and_reply_recv_exchange_messages(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    KT_TRY(rx != NULL && kt_thread(kt, adder_server, (uint64_t)rx, 150, 0, 0) != 0);
    for (uint64_t i = 0; i < 200; i++) {
        struct bt_msg m = {.tag = BT_TAG(40 + i, 2, 0), .mr = {i * 3, 77}};
        KT_OK(bt_call(ep, &m));
        KT_EQ(m.mr[0], i * 3 + 1);
        KT_EQ(m.mr[1], 77);
        KT_EQ(BT_TAG_LABEL(m.tag), 41 + i);
        KT_EQ(BT_TAG_WORDS(m.tag), 2);
    }
}

static void call_and_reply_carry_five_words_label_and_badge(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    bt_cptr_t badged = ep != 0 ? kt_mint(kt, ep, BT_RIGHT_WRITE, 0xb0b) : 0;
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    KT_TRY(badged != 0 && rx != NULL);
    /* Same CPU and a higher priority: the case the fast path takes. */
    KT_TRY(kt_thread(kt, mirror_server, (uint64_t)rx, 250, 0, 0) != 0);
    for (uint64_t i = 0; i < 50; i++) {
        struct bt_msg m = {.tag = BT_TAG(0x1000 + i, 5, 0), .mr = {i, i + 1, i + 2, i + 3, ~i}};
        KT_OK(bt_call(badged, &m));
        KT_EQ(BT_TAG_LABEL(m.tag), 0x1001 + i);
        KT_EQ(BT_TAG_WORDS(m.tag), 5);
        KT_EQ(BT_TAG_CAPS(m.tag), 0);
        KT_EQ(m.mr[0], ~i);
        KT_EQ(m.mr[1], i + 3);
        KT_EQ(m.mr[3], i + 1);
        KT_EQ(m.mr[4], 0xb0b);
    }
}

/* Who ran in which order (see the next case). */
struct order {
    struct rx rx;
    volatile uint64_t count;
    uint64_t who[4];
};

static void order_log(struct order *o, uint64_t who)
{
    o->who[__atomic_fetch_add(&o->count, 1, __ATOMIC_RELAXED) & 3] = who;
}

static void logging_server(uint64_t arg)
{
    struct order *o = (struct order *)arg;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(o->rx.ep, o->rx.reply, &m);
    while (st == BT_OK) {
        order_log(o, 'S');
        st = bt_reply_recv(o->rx.ep, o->rx.reply, &m);
    }
}

static void middle_thread(uint64_t arg)
{
    order_log((struct order *)arg, 'M');
}

static void call_does_not_let_the_server_run_before_a_higher_priority_thread(struct kt *kt)
{
    struct order *o = kt_mem(kt, sizeof(*o));
    KT_TRY(o != NULL);
    o->rx.ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    o->rx.reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    KT_TRY(o->rx.reply != 0 && kt_thread(kt, logging_server, (uint64_t)o, 100, 0, 0) != 0);
    kt_sleep_ms(2); /* the server waits in its receive */
    /* Queued between root and the server: it must run before the server. */
    KT_TRY(kt_thread(kt, middle_thread, (uint64_t)o, 150, 0, 0) != 0);
    struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {1}};
    KT_OK(bt_call(o->rx.ep, &m));
    KT_ASSERT(o->who[0] == 'M', "the server (priority 100) ran before the thread of 150");
    KT_EQ(o->count, 2);
    KT_EQ(o->who[1], 'S');
}

static void send_and_recv_deliver_label_and_five_words(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL && kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    const uint64_t label = 0xfffeffffffffUL; /* the largest label below the kernel's */
    struct bt_msg m = {.tag = BT_TAG(label, 5, 0), .mr = {1, 2, 3, 4, 0xffffffffffffffffUL}};
    KT_OK(bt_send(ep, &m)); /* blocks until the worker receives */
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_OK(rx->status);
    KT_EQ(BT_TAG_LABEL(rx->m.tag), label);
    KT_EQ(BT_TAG_WORDS(rx->m.tag), 5);
    KT_EQ(BT_TAG_CAPS(rx->m.tag), 0);
    KT_EQ(rx->m.badge, 0);
    for (int i = 0; i < 5; i++) {
        KT_EQ(rx->m.mr[i], m.mr[i]);
    }
}

static void nonblocking_send_and_recv_without_partner_fail_with_wouldblock(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ep != 0);
    struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {5}};
    KT_ST(bt_nbsend(ep, &m), BT_E_WOULDBLOCK);
    /* Nothing was queued by the failed send. */
    KT_ST(bt_nbrecv(ep, 0, &m), BT_E_WOULDBLOCK);
}

static void nbsend_reaches_a_waiting_receiver(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL && kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    KT_ASSERT(kt_wait_word(&rx->started, 1, 1000), "the receiver did not start");
    struct bt_msg m = {.tag = BT_TAG(9, 1, 0), .mr = {0x99}};
    KT_OK(bt_nbsend(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not get the message");
    KT_OK(rx->status);
    KT_EQ(rx->m.mr[0], 0x99);
}

static void nbrecv_takes_a_blocked_sender_which_then_continues(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL);
    rx->m = (struct bt_msg){.tag = BT_TAG(3, 2, 0), .mr = {0xa, 0xb}};
    KT_TRY(kt_thread(kt, ipc_send_once, (uint64_t)rx, 100, 0, 0) != 0);
    KT_ASSERT(kt_wait_word(&rx->started, 1, 1000), "the sender did not start");
    KT_EQ(rx->done, 0);
    struct bt_msg m = {0};
    KT_OK(bt_nbrecv(ep, 0, &m));
    KT_EQ(m.mr[1], 0xb);
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the sender did not continue");
    KT_OK(rx->status);
}

static void long_message_carries_64_words_both_ways(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    KT_TRY(rx != NULL && kt_thread(kt, adder_server, (uint64_t)rx, 150, 0, 0) != 0);
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    for (int i = BT_MSG_REG_WORDS; i < BT_MSG_MAX_WORDS; i++) {
        buf->mr[i] = 0x100 + (uint64_t)i;
    }
    struct bt_msg m = {.tag = BT_TAG(1, BT_MSG_MAX_WORDS, 0), .mr = {10, 11, 12, 13, 14}};
    KT_OK(bt_call(ep, &m));
    KT_EQ(BT_TAG_WORDS(m.tag), BT_MSG_MAX_WORDS);
    KT_EQ(m.mr[0], 11);
    KT_EQ(m.mr[4], 14);
    for (int i = BT_MSG_REG_WORDS; i < BT_MSG_MAX_WORDS; i++) {
        KT_ASSERT(buf->mr[i] == 0x100 + (uint64_t)i + 1000,
                  "reply word %d: expected 0x%lx, got 0x%lx", i, 0x100 + (uint64_t)i + 1000,
                  buf->mr[i]);
    }
}

static void message_longer_than_64_words_arrives_as_64(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL && kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    for (int i = BT_MSG_REG_WORDS; i < BT_MSG_MAX_WORDS; i++) {
        buf->mr[i] = (uint64_t)i * 7;
    }
    struct bt_msg m = {.tag = BT_TAG(2, 127, 0)};
    KT_OK(bt_send(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_EQ(BT_TAG_WORDS(rx->m.tag), BT_MSG_MAX_WORDS);
    KT_EQ(rx->words[BT_MSG_MAX_WORDS - 1], (BT_MSG_MAX_WORDS - 1) * 7);
}

static void words_beyond_five_arrive_only_with_both_ipc_buffers(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL && kt_thread_without_buffer(kt, ipc_receive_once, (uint64_t)rx, 100, 0) != 0);
    struct bt_msg m = {.tag = BT_TAG(2, 12, 0), .mr = {1, 2, 3, 4, 5}};
    KT_OK(bt_send(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_OK(rx->status);
    KT_EQ(BT_TAG_WORDS(rx->m.tag), BT_MSG_REG_WORDS);
    KT_EQ(rx->m.mr[4], 5);
}

static void revoking_a_receivers_ipc_buffer_leaves_it_the_register_words(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(rx != NULL);
    uint64_t first = kt->slot_next;
    bt_cptr_t t = kt_thread_make(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0);
    KT_TRY(t != 0);
    /* The thread's IPC buffer is the first frame made after the thread. */
    bt_cptr_t ipcbuf = 0;
    for (bt_cptr_t s = first + 1; s < kt->slot_next && ipcbuf == 0; s++) {
        ipcbuf = kt_type_of(s) == BT_OBJ_FRAME ? s : 0;
    }
    KT_TRY(ipcbuf != 0);
    KT_OK(bt_cap_revoke(kt_env.cnode, ipcbuf)); /* takes the thread's own copy */
    KT_OK(bt_thread_resume(t));
    struct bt_msg m = {.tag = BT_TAG(2, 20, 0), .mr = {1, 2, 3, 4, 5}};
    KT_OK(bt_send(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_OK(rx->status);
    KT_EQ(BT_TAG_WORDS(rx->m.tag), BT_MSG_REG_WORDS);
}

static void sender(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = {.tag = BT_TAG(5, 1, 0), .mr = {rx->reply}};
    rx->status = bt_send(rx->ep, &m);
    rx->done = 1;
}

static void receiver_sees_the_badge_of_the_senders_capability(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t a = ep != 0 ? kt_mint(kt, ep, BT_RIGHT_WRITE, 0x11) : 0;
    bt_cptr_t b = a != 0 ? kt_mint(kt, ep, BT_RIGHT_WRITE, 0x22) : 0;
    struct rx *ra = ipc_rx_new(kt, a, 'a'), *rb = ipc_rx_new(kt, b, 'b'),
              *rp = ipc_rx_new(kt, ep, 'p');
    KT_TRY(b != 0 && ra != NULL && rb != NULL && rp != NULL);
    KT_TRY(kt_thread(kt, sender, (uint64_t)ra, 100, 0, 0) != 0);
    KT_TRY(kt_thread(kt, sender, (uint64_t)rb, 100, 0, 0) != 0);
    KT_TRY(kt_thread(kt, sender, (uint64_t)rp, 100, 0, 0) != 0);
    for (int i = 0; i < 3; i++) {
        struct bt_msg m = {0};
        KT_OK(kt_recv_within(ep, 0, &m, 1000));
        uint64_t want = m.mr[0] == 'a' ? 0x11 : m.mr[0] == 'b' ? 0x22 : 0;
        KT_ASSERT(m.badge == want, "message from sender %c: expected badge 0x%lx, got 0x%lx",
                  (int)m.mr[0], want, m.badge);
    }
}

/* The status of IPC call nr on cap; calls that wrongly block are reported
 * as such instead of hanging the suite. */
static uint64_t ipc_status(struct kt *kt, uint64_t nr, bt_cptr_t cap)
{
    struct bt_regs8 r = {{cap, BT_TAG(1, 0, 0), 0, 0, 0, 0, 0, 0}};
    return kt_syscall_in_worker(kt, nr, &r, 200);
}

static void ipc_needs_write_to_send_and_read_to_receive(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro = ep != 0 ? kt_copy(kt, ep, BT_RIGHT_READ | BT_RIGHT_GRANT) : 0;
    bt_cptr_t wo = ep != 0 ? kt_copy(kt, ep, BT_RIGHT_WRITE | BT_RIGHT_GRANT) : 0;
    KT_TRY(ro != 0 && wo != 0);
    KT_ST(ipc_status(kt, BT_SYS_CALL, ro), BT_E_RIGHTS);
    KT_ST(ipc_status(kt, BT_SYS_SEND, ro), BT_E_RIGHTS);
    KT_ST(ipc_status(kt, BT_SYS_NBSEND, ro), BT_E_RIGHTS);
    KT_ST(ipc_status(kt, BT_SYS_RECV, wo), BT_E_RIGHTS);
    KT_ST(ipc_status(kt, BT_SYS_NBRECV, wo), BT_E_RIGHTS);
    KT_ST(ipc_status(kt, BT_SYS_REPLY_RECV, wo), BT_E_RIGHTS);
}

static void ipc_on_other_object_types_fails_with_type(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(ep != 0 && ntfn != 0 && frame != 0);
    struct bt_msg m = {.tag = BT_TAG(1, 0, 0)};
    KT_ST(ipc_status(kt, BT_SYS_CALL, ntfn), BT_E_TYPE);
    KT_ST(ipc_status(kt, BT_SYS_RECV, frame), BT_E_TYPE);
    KT_ST(bt_nbsend(frame, &m), BT_E_TYPE);
    KT_ST(bt_nbrecv(frame, 0, &m), BT_E_TYPE);
    KT_ST(bt_nbrecv(ep, ep, &m), BT_E_TYPE); /* the reply object is an endpoint */
    KT_ST(bt_reply(ntfn, &m), BT_E_TYPE);
    KT_ST(bt_call(0, &m), BT_E_CAP);
    KT_ST(bt_reply(0, &m), BT_E_CAP);
}

/* Serves one call: first tries to reply with a kernel label (keeping the
 * status in rx->status), then replies properly. */
static void forging_server(uint64_t arg)
{
    struct rx *rx = (struct rx *)arg;
    struct bt_msg m = {0};
    if (bt_recv(rx->ep, rx->reply, &m) != BT_OK) {
        return;
    }
    struct bt_msg forged = {.tag = BT_TAG(BT_FAULT_OTHER, 1, 0), .mr = {1}};
    rx->status = bt_reply(rx->reply, &forged);
    m.tag = BT_TAG(9, 1, 0);
    bt_reply(rx->reply, &m);
    rx->done = 1;
}

static void messages_with_a_kernel_label_are_refused_with_arg(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    KT_TRY(rx != NULL);
    /* A server waiting on this CPU at a higher priority: the fast path's case. */
    KT_TRY(kt_thread(kt, mirror_server, (uint64_t)rx, 250, 0, 0) != 0);
    static const uint64_t labels[] = {BT_LABEL_KERNEL, BT_FAULT_MEMORY, BT_LABEL_NOTIFICATION,
                                      0xffffffffffffUL};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        /* A call that got through would never be answered: make it in a
         * worker (which the fast path also serves). */
        struct bt_regs8 r = {{ep, BT_TAG(labels[i], 1, 0), 0, 7, 0, 0, 0, 0}};
        uint64_t st = kt_syscall_in_worker(kt, BT_SYS_CALL, &r, 200);
        KT_ASSERT(st == BT_E_ARG, "call with label 0x%lx: expected BT_E_ARG, got %s", labels[i],
                  kt_status_name(st));
        struct bt_msg m = {.tag = BT_TAG(labels[i], 1, 0), .mr = {7}};
        KT_ST(bt_nbsend(ep, &m), BT_E_ARG);
    }
    /* The largest label a task may use still goes through (the server
     * answers with label + 1, so one below it). */
    struct bt_msg m = {.tag = BT_TAG(BT_LABEL_KERNEL - 2, 1, 0), .mr = {7}};
    KT_OK(bt_call(ep, &m));
    KT_EQ(BT_TAG_LABEL(m.tag), BT_LABEL_KERNEL - 1);
}

static void reply_with_a_kernel_label_is_refused_with_arg(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    KT_TRY(rx != NULL && kt_thread(kt, forging_server, (uint64_t)rx, 250, 0, 0) != 0);
    struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {3}};
    KT_OK(bt_call(ep, &m));
    KT_EQ(BT_TAG_LABEL(m.tag), 9);
    KT_ASSERT(rx->done, "the server did not finish");
    KT_ST(rx->status, BT_E_ARG);
}

static void blocked_senders_are_received_in_arrival_order(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ep != 0);
    for (uint64_t i = 0; i < 4; i++) {
        struct rx *s = ipc_rx_new(kt, ep, 0);
        KT_TRY(s != NULL);
        s->m = (struct bt_msg){.tag = BT_TAG(1, 1, 0), .mr = {i}};
        KT_TRY(kt_thread(kt, ipc_send_once, (uint64_t)s, 100, 0, 0) != 0);
        kt_sleep_ms(2); /* it blocks before the next one starts */
    }
    for (uint64_t i = 0; i < 4; i++) {
        struct bt_msg m = {0};
        KT_OK(bt_nbrecv(ep, 0, &m));
        KT_EQ(m.mr[0], i);
    }
}

static const struct kt_case cases[] = {
    KT_CASE(call_and_reply_recv_exchange_messages),
    KT_CASE(call_and_reply_carry_five_words_label_and_badge),
    KT_CASE(call_does_not_let_the_server_run_before_a_higher_priority_thread),
    KT_CASE(send_and_recv_deliver_label_and_five_words),
    KT_CASE(nonblocking_send_and_recv_without_partner_fail_with_wouldblock),
    KT_CASE(nbsend_reaches_a_waiting_receiver),
    KT_CASE(nbrecv_takes_a_blocked_sender_which_then_continues),
    KT_CASE(long_message_carries_64_words_both_ways),
    KT_CASE(message_longer_than_64_words_arrives_as_64),
    KT_CASE(words_beyond_five_arrive_only_with_both_ipc_buffers),
    KT_CASE(revoking_a_receivers_ipc_buffer_leaves_it_the_register_words),
    KT_CASE(receiver_sees_the_badge_of_the_senders_capability),
    KT_CASE(ipc_needs_write_to_send_and_read_to_receive),
    KT_CASE(ipc_on_other_object_types_fails_with_type),
    KT_CASE(messages_with_a_kernel_label_are_refused_with_arg),
    KT_CASE(reply_with_a_kernel_label_is_refused_with_arg),
    KT_CASE(blocked_senders_are_received_in_arrival_order),
};

KT_SUITE(kt_suite_ipc, cases);
