/*
 * ktest: capabilities travelling with messages (docs/kernel-api.md, "Calling
 * convention"): only through an endpoint capability with GRANT, each into
 * an empty slot the receiver named, stopping at the first that cannot be
 * delivered; a received capability derives from the sent one.
 */
#include "ipc.h"

/* Root calls an ipc_receive_once worker with one capability in send_caps[0]. */
static void call_with_cap(struct kt *kt, struct rx *rx, bt_cptr_t ep, bt_cptr_t cap)
{
    KT_TRY(kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    buf->send_caps[0] = cap;
    struct bt_msg m = {.tag = BT_TAG(6, 1, 1), .mr = {0x66}};
    KT_OK(bt_send(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_OK(rx->status);
    KT_EQ(rx->m.mr[0], 0x66);
}

static void capability_transfer_with_grant_delivers_a_child_capability(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t badged = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x30) : 0;
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    bt_cptr_t landing = kt_slot(kt);
    KT_TRY(badged != 0 && rx != NULL && landing != 0);
    rx->recv_slots[0] = landing;
    call_with_cap(kt, rx, ep, badged);
    KT_TRY(!kt->failed);
    KT_EQ(BT_TAG_CAPS(rx->m.tag), 1);
    KT_EQ(kt_type_of(landing), BT_OBJ_NOTIFICATION);
    KT_OK(bt_signal(landing));
    uint64_t bits = 0;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0x30);
    /* The received capability derives from the sent one. */
    KT_OK(bt_cap_revoke(kt_env.cnode, badged));
    KT_EQ(kt_type_of(landing), BT_OBJ_NONE);
}

static void capability_transfer_without_grant_delivers_only_the_words(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t nogrant = ep != 0 ? kt_copy(kt, ep, BT_RIGHT_READ | BT_RIGHT_WRITE) : 0;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    bt_cptr_t landing = kt_slot(kt);
    KT_TRY(nogrant != 0 && ntfn != 0 && rx != NULL && landing != 0);
    rx->recv_slots[0] = landing;
    call_with_cap(kt, rx, nogrant, ntfn);
    KT_TRY(!kt->failed);
    KT_EQ(BT_TAG_CAPS(rx->m.tag), 0);
    KT_EQ(kt_type_of(landing), BT_OBJ_NONE);
}

static void capability_refused_by_receive_slot_zero_is_not_transferred(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(ntfn != 0 && rx != NULL);
    rx->recv_slots[0] = 0;
    call_with_cap(kt, rx, ep, ntfn);
    KT_TRY(!kt->failed);
    KT_EQ(BT_TAG_CAPS(rx->m.tag), 0);
}

static void capability_transfer_stops_at_an_occupied_receive_slot(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t n1 = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t n2 = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t n3 = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t free1 = kt_slot(kt), free3 = kt_slot(kt);
    bt_cptr_t occupied = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(n3 != 0 && free3 != 0 && occupied != 0 && rx != NULL);
    rx->recv_slots[0] = free1;
    rx->recv_slots[1] = occupied;
    rx->recv_slots[2] = free3;
    KT_TRY(kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    buf->send_caps[0] = n1;
    buf->send_caps[1] = n2;
    buf->send_caps[2] = n3;
    struct bt_msg m = {.tag = BT_TAG(6, 0, 3)};
    KT_OK(bt_send(ep, &m));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver did not finish");
    KT_EQ(BT_TAG_CAPS(rx->m.tag), 1);
    KT_EQ(kt_type_of(free1), BT_OBJ_NOTIFICATION);
    KT_EQ(kt_type_of(occupied), BT_OBJ_REPLY);
    KT_EQ(kt_type_of(free3), BT_OBJ_NONE);
}

/* Child: receives a frame capability into slot 4 on its endpoint (slot 1),
 * maps it at va in its own task (slot 2), writes to it and reports the
 * mapping's status and the capabilities that arrived on slot 3. */
static void child_receive_and_map(uint64_t va)
{
    bt_ipc_buffer()->recv_slots[0] = 4;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(1, 0, &m);
    uint64_t caps = BT_TAG_CAPS(m.tag);
    if (st == BT_OK) {
        st = bt_task_map(2, 4, va, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED, NULL);
    }
    if (st == BT_OK) {
        *(volatile uint64_t *)va = 0x6a6a;
    }
    struct bt_msg r = {.tag = BT_TAG(1, 2, 0), .mr = {st, caps}};
    bt_call(3, &r);
}

static void frame_sent_in_a_message_can_be_mapped_by_the_receiver(struct kt *kt)
{
    const uint64_t va = 0x40000000;
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t back = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t probe = kt_obj(kt, BT_OBJ_FRAME, 12);
    struct kt_task ct;
    KT_TRY(probe != 0 && kt_task_make(kt, &ct, 3, true));
    KT_TRY(kt_task_put(kt, &ct, 1, ep, BT_RIGHT_READ, 0) &&
           kt_task_put(kt, &ct, 2, ct.task, BT_RIGHTS_ALL, 0) &&
           kt_task_put(kt, &ct, 3, back, BT_RIGHT_WRITE, 0));
    /* The tables the child's mapping needs, made by mapping a probe once. */
    KT_OK(kt_map(kt, ct.task, probe, va, BT_RIGHT_READ));
    KT_OK(bt_task_unmap(probe));
    volatile uint64_t *mine = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(mine != NULL && kt_task_thread(kt, &ct, child_receive_and_map, va, 100, 0, 0) != 0);
    kt_sleep_ms(5); /* it waits in its receive */
    bt_ipc_buffer()->send_caps[0] = frame;
    struct bt_msg m = {.tag = BT_TAG(1, 0, 1)};
    KT_OK(bt_nbsend(ep, &m));
    KT_OK(kt_recv_within(back, reply, &m, 1000));
    KT_EQ(m.mr[1], 1);
    KT_ST(m.mr[0], BT_OK);
    KT_EQ(*mine, 0x6a6a);
}

static const struct kt_case cases[] = {
    KT_CASE(capability_transfer_with_grant_delivers_a_child_capability),
    KT_CASE(capability_transfer_without_grant_delivers_only_the_words),
    KT_CASE(capability_refused_by_receive_slot_zero_is_not_transferred),
    KT_CASE(capability_transfer_stops_at_an_occupied_receive_slot),
    KT_CASE(frame_sent_in_a_message_can_be_mapped_by_the_receiver),
};

KT_SUITE(kt_suite_ipc_caps, cases);
