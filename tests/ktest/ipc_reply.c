/*
 * ktest: reply objects and IPC partners that go away (docs/kernel-api.md,
 * "IPC: endpoints and replies", "Threads"): several outstanding calls, a
 * reply object deleted, bound or missing, endpoints deleted under waiting
 * threads, suspension in the middle of IPC, and bound notifications ending
 * a receive.
 */
#include "ipc.h"

static void server_answers_two_callers_through_two_reply_objects(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t r1 = kt_obj(kt, BT_OBJ_REPLY, 0);
    bt_cptr_t r2 = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *a = ipc_rx_new(kt, ep, 'A'), *b = ipc_rx_new(kt, ep, 'B');
    KT_TRY(r2 != 0 && a != NULL && b != NULL);
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)a, 100, 0, 0) != 0);
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)b, 100, 0, 0) != 0);
    struct bt_msg m1 = {0}, m2 = {0};
    KT_OK(kt_recv_within(ep, r1, &m1, 1000));
    KT_OK(kt_recv_within(ep, r2, &m2, 1000));
    KT_ASSERT(m1.mr[0] != m2.mr[0], "both calls came from the same caller");
    /* Answer the second caller first. */
    m2.mr[0] += 0x100;
    m1.mr[0] += 0x200;
    KT_OK(bt_reply(r2, &m2));
    KT_OK(bt_reply(r1, &m1));
    KT_ST(bt_reply(r1, &m1), BT_E_BUSY); /* no caller any more */
    KT_ASSERT(kt_wait_word(&a->done, 1, 1000) && kt_wait_word(&b->done, 1, 1000),
              "a caller did not get its reply");
    KT_OK(a->status);
    KT_OK(b->status);
    struct rx *first = m1.mr[0] == 'A' + 0x200 ? a : b;
    KT_EQ(first->m.mr[0], first->reply + 0x200);
    struct rx *second = first == a ? b : a;
    KT_EQ(second->m.mr[0], second->reply + 0x100);
}

static void deleting_a_reply_object_fails_its_caller_with_gone(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *c = ipc_rx_new(kt, ep, 'C');
    KT_TRY(reply != 0 && c != NULL);
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)c, 100, 0, 0) != 0);
    struct bt_msg m = {0};
    KT_OK(kt_recv_within(ep, reply, &m, 1000));
    KT_OK(bt_cap_delete(kt_env.cnode, reply));
    KT_ASSERT(kt_wait_word(&c->done, 1, 1000), "the caller still waits");
    KT_ST(c->status, BT_E_GONE);
}

static void deleting_the_reply_object_of_a_waiting_receiver_fails_the_next_call(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *rx = ipc_rx_new(kt, ep, reply);
    struct rx *c = ipc_rx_new(kt, ep, 'C');
    KT_TRY(rx != NULL && c != NULL);
    KT_TRY(kt_thread(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0) != 0);
    kt_sleep_ms(2);
    KT_ASSERT(rx->started && !rx->done, "the receiver did not block");
    KT_OK(bt_cap_delete(kt_env.cnode, reply));
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)c, 100, 0, 0) != 0);
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receiver got no message");
    KT_OK(rx->status);
    KT_EQ(rx->m.mr[0], 'C');
    KT_ASSERT(kt_wait_word(&c->done, 1, 1000), "the caller still waits for a reply");
    KT_ST(c->status, BT_E_GONE);
}

static void call_to_a_receiver_without_reply_object_fails_with_gone(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *c = ipc_rx_new(kt, ep, 'C');
    KT_TRY(c != NULL);
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)c, 100, 0, 0) != 0);
    struct bt_msg m = {0};
    KT_OK(kt_recv_within(ep, 0, &m, 1000));
    KT_EQ(m.mr[0], 'C'); /* the message itself arrived */
    KT_ASSERT(kt_wait_word(&c->done, 1, 1000), "the caller still waits");
    KT_ST(c->status, BT_E_GONE);
}

static void reply_object_without_caller_or_already_bound_is_busy(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ep2 = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *c = ipc_rx_new(kt, ep, 'C');
    KT_TRY(reply != 0 && ep2 != 0 && c != NULL);
    struct bt_msg m = {0};
    KT_ST(bt_reply(reply, &m), BT_E_BUSY);
    KT_TRY(kt_thread(kt, ipc_call_once, (uint64_t)c, 100, 0, 0) != 0);
    KT_OK(kt_recv_within(ep, reply, &m, 1000));
    KT_ST(bt_nbrecv(ep2, reply, &m), BT_E_BUSY);
    struct bt_regs8 r = {{ep2, 0, reply, 0, 0, 0, 0, 0}};
    KT_ST(kt_syscall_in_worker(kt, BT_SYS_RECV, &r, 200), BT_E_BUSY);
    KT_OK(bt_reply(reply, &m));
    KT_ASSERT(kt_wait_word(&c->done, 1, 1000), "the caller did not get its reply");
    KT_OK(c->status);
}

static void deleting_an_endpoint_fails_its_waiting_receivers_with_gone(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *a = ipc_rx_new(kt, ep, reply), *b = ipc_rx_new(kt, ep, 0);
    KT_TRY(a != NULL && b != NULL);
    KT_TRY(kt_thread(kt, ipc_receive_once, (uint64_t)a, 100, 0, 0) != 0);
    KT_TRY(kt_thread(kt, ipc_receive_once, (uint64_t)b, 100, 0, 0) != 0);
    kt_sleep_ms(5);
    KT_ASSERT(a->started && b->started && !a->done && !b->done, "the receivers did not block");
    KT_OK(bt_cap_delete(kt_env.cnode, ep));
    KT_ASSERT(kt_wait_word(&a->done, 1, 1000) && kt_wait_word(&b->done, 1, 1000),
              "a receiver still waits on the deleted endpoint");
    KT_ST(a->status, BT_E_GONE);
    KT_ST(b->status, BT_E_GONE);
    /* The reply object the receiver held is free again. */
    struct bt_msg m;
    KT_ST(bt_reply(reply, &m), BT_E_BUSY);
    bt_cptr_t ep2 = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ep2 != 0);
    KT_ST(bt_nbrecv(ep2, reply, &m), BT_E_WOULDBLOCK);
}

static void deleting_an_endpoint_fails_its_blocked_senders_with_gone(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *s = ipc_rx_new(kt, ep, 0), *c = ipc_rx_new(kt, ep, 1);
    KT_TRY(s != NULL && c != NULL);
    KT_TRY(kt_thread(kt, ipc_send_once, (uint64_t)s, 100, 0, 0) != 0);
    KT_TRY(kt_thread(kt, ipc_send_once, (uint64_t)c, 100, 0, 0) != 0);
    kt_sleep_ms(5);
    KT_ASSERT(s->started && c->started && !s->done && !c->done, "the senders did not block");
    KT_OK(bt_cap_delete(kt_env.cnode, ep));
    KT_ASSERT(kt_wait_word(&s->done, 1, 1000) && kt_wait_word(&c->done, 1, 1000),
              "a sender still waits on the deleted endpoint");
    KT_ST(s->status, BT_E_GONE);
    KT_ST(c->status, BT_E_GONE);
}

static void bound_notification_ends_a_receive_with_its_label(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t badged = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x5) : 0;
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(badged != 0 && rx != NULL);
    bt_cptr_t t = kt_thread_make(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0);
    KT_TRY(t != 0);
    KT_OK(bt_thread_bind_notification(t, ntfn));
    KT_OK(bt_thread_resume(t));
    kt_sleep_ms(5);
    KT_ASSERT(rx->started && !rx->done, "the receiver did not block");
    KT_OK(bt_signal(badged));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the signal did not end the receive");
    KT_OK(rx->status);
    KT_EQ(BT_TAG_LABEL(rx->m.tag), BT_LABEL_NOTIFICATION);
    KT_EQ(rx->m.badge, 0x5);
    uint64_t bits = 1;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0); /* delivered through the receive, so consumed */
}

static void pending_bound_notification_ends_the_next_receive_at_once(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    struct rx *rx = ipc_rx_new(kt, ep, 0);
    KT_TRY(ntfn != 0 && rx != NULL);
    bt_cptr_t t = kt_thread_make(kt, ipc_receive_once, (uint64_t)rx, 100, 0, 0);
    KT_TRY(t != 0);
    KT_OK(bt_thread_bind_notification(t, ntfn));
    KT_OK(bt_signal(ntfn));
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(kt_wait_word(&rx->done, 1, 1000), "the receive waited despite pending bits");
    KT_OK(rx->status);
    KT_EQ(BT_TAG_LABEL(rx->m.tag), BT_LABEL_NOTIFICATION);
    KT_EQ(rx->m.badge, 1);
}

static void suspending_a_caller_awaiting_its_reply_fails_the_call_with_gone(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct rx *c = ipc_rx_new(kt, ep, 'C');
    KT_TRY(reply != 0 && c != NULL);
    bt_cptr_t t = kt_thread(kt, ipc_call_once, (uint64_t)c, 100, 0, 0);
    KT_TRY(t != 0);
    struct bt_msg m = {0};
    KT_OK(kt_recv_within(ep, reply, &m, 1000));
    KT_OK(bt_thread_suspend(t));
    KT_ST(bt_reply(reply, &m), BT_E_BUSY); /* the caller left */
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(kt_wait_word(&c->done, 1, 1000), "the resumed caller did not return");
    KT_ST(c->status, BT_E_GONE);
}

static void suspended_sender_sends_again_when_resumed(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    struct rx *s = ipc_rx_new(kt, ep, 0);
    KT_TRY(s != NULL);
    s->m = (struct bt_msg){.tag = BT_TAG(1, 1, 0), .mr = {0x51}};
    bt_cptr_t t = kt_thread(kt, ipc_send_once, (uint64_t)s, 100, 0, 0);
    KT_TRY(t != 0);
    kt_sleep_ms(5);
    KT_OK(bt_thread_suspend(t));
    struct bt_msg m = {0};
    KT_ST(bt_nbrecv(ep, 0, &m), BT_E_WOULDBLOCK);
    KT_OK(bt_thread_resume(t));
    kt_sleep_ms(5);
    KT_OK(bt_nbrecv(ep, 0, &m));
    KT_EQ(m.mr[0], 0x51);
    KT_ASSERT(kt_wait_word(&s->done, 1, 1000), "the sender did not return");
    KT_OK(s->status);
}

static const struct kt_case cases[] = {
    KT_CASE(server_answers_two_callers_through_two_reply_objects),
    KT_CASE(deleting_a_reply_object_fails_its_caller_with_gone),
    KT_CASE(deleting_the_reply_object_of_a_waiting_receiver_fails_the_next_call),
    KT_CASE(call_to_a_receiver_without_reply_object_fails_with_gone),
    KT_CASE(reply_object_without_caller_or_already_bound_is_busy),
    KT_CASE(deleting_an_endpoint_fails_its_waiting_receivers_with_gone),
    KT_CASE(deleting_an_endpoint_fails_its_blocked_senders_with_gone),
    KT_CASE(bound_notification_ends_a_receive_with_its_label),
    KT_CASE(pending_bound_notification_ends_the_next_receive_at_once),
    KT_CASE(suspending_a_caller_awaiting_its_reply_fails_the_call_with_gone),
    KT_CASE(suspended_sender_sends_again_when_resumed),
};

KT_SUITE(kt_suite_ipc_reply, cases);
