/*
 * ktest: notifications (docs/kernel-api.md, "Notifications"): signal ORs
 * the capability's badge into the word (badge 0 signals bit 0), wait blocks
 * until bits are set and clears them, poll never blocks; rights, types,
 * deletion under waiters, recv on a notification, and binding.
 */
#include "ktest.h"

struct waiter {
    bt_cptr_t ntfn;
    volatile uint64_t started, done;
    uint64_t status, bits;
};

static void wait_once(uint64_t arg)
{
    struct waiter *w = (struct waiter *)arg;
    w->started = 1;
    w->status = bt_wait(w->ntfn, &w->bits);
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}

static struct waiter *start_waiter(struct kt *kt, bt_cptr_t ntfn, unsigned prio)
{
    struct waiter *w = kt_mem(kt, sizeof(*w));
    if (w == NULL) {
        return NULL;
    }
    w->ntfn = ntfn;
    return kt_thread(kt, wait_once, (uint64_t)w, prio, 0, 0) != 0 ? w : NULL;
}

static void signal_with_badge_zero_sets_bit_zero(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0);
    KT_OK(bt_signal(ntfn));
    uint64_t bits = 0;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 1);
}

static void signals_or_their_badges_together_until_taken(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t a = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x1) : 0;
    bt_cptr_t b = a != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x4) : 0;
    bt_cptr_t c = b != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x110) : 0;
    KT_TRY(c != 0);
    KT_OK(bt_signal(b));
    KT_OK(bt_signal(c));
    KT_OK(bt_signal(b));
    KT_OK(bt_signal(a));
    uint64_t bits = 0;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0x115);
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0);
}

static void poll_without_bits_returns_zero_at_once(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0);
    uint64_t bits = 0x77;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0);
}

static void wait_blocks_until_a_signal_arrives(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t b = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x80) : 0;
    struct waiter *w = b != 0 ? start_waiter(kt, ntfn, 100) : NULL;
    KT_TRY(w != NULL);
    kt_sleep_ms(10);
    KT_ASSERT(w->started && !w->done, "wait returned without a signal");
    KT_OK(bt_signal(b));
    KT_ASSERT(kt_wait_word(&w->done, 1, 1000), "the signal did not wake the waiter");
    KT_OK(w->status);
    KT_EQ(w->bits, 0x80);
}

static void each_signal_wakes_one_waiter(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    struct waiter *w1 = ntfn != 0 ? start_waiter(kt, ntfn, 100) : NULL;
    struct waiter *w2 = w1 != NULL ? start_waiter(kt, ntfn, 100) : NULL;
    KT_TRY(w2 != NULL);
    kt_sleep_ms(5);
    KT_OK(bt_signal(ntfn));
    kt_sleep_ms(5);
    KT_ASSERT(w1->done + w2->done == 1, "one signal woke %lu waiters", w1->done + w2->done);
    KT_ASSERT(w1->done, "the first waiter in line was not the one woken");
    KT_OK(bt_signal(ntfn));
    KT_ASSERT(kt_wait_word(&w2->done, 1, 1000), "the second signal did not wake the other");
    KT_EQ(w2->bits, 1);
}

static void signal_needs_write_and_wait_needs_read(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t ro = ntfn != 0 ? kt_copy(kt, ntfn, BT_RIGHT_READ) : 0;
    bt_cptr_t wo = ntfn != 0 ? kt_copy(kt, ntfn, BT_RIGHT_WRITE) : 0;
    KT_TRY(ro != 0 && wo != 0);
    uint64_t bits;
    struct bt_regs8 r = {{wo, 0, 0, 0, 0, 0, 0, 0}};
    KT_ST(bt_signal(ro), BT_E_RIGHTS);
    KT_ST(kt_syscall_in_worker(kt, BT_SYS_WAIT, &r, 200), BT_E_RIGHTS);
    KT_ST(bt_poll(wo, &bits), BT_E_RIGHTS);
    KT_OK(bt_poll(ro, &bits));
    KT_EQ(bits, 0); /* the refused signal set nothing */
}

static void notification_calls_on_other_objects_fail_with_type(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ep != 0);
    uint64_t bits;
    struct bt_regs8 r = {{ep, 0, 0, 0, 0, 0, 0, 0}};
    KT_ST(bt_signal(ep), BT_E_TYPE);
    KT_ST(kt_syscall_in_worker(kt, BT_SYS_WAIT, &r, 200), BT_E_TYPE);
    KT_ST(bt_poll(kt_env.cnode, &bits), BT_E_TYPE);
    KT_ST(bt_signal(0), BT_E_CAP);
    KT_ST(bt_wait(kt_env.slot_end, &bits), BT_E_CAP);
}

static void deleting_a_notification_wakes_its_waiters_with_gone(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    struct waiter *w1 = ntfn != 0 ? start_waiter(kt, ntfn, 100) : NULL;
    struct waiter *w2 = w1 != NULL ? start_waiter(kt, ntfn, 100) : NULL;
    KT_TRY(w2 != NULL);
    kt_sleep_ms(5);
    KT_ASSERT(w1->started && w2->started && !w1->done && !w2->done, "waiters did not block");
    KT_OK(bt_cap_delete(kt_env.cnode, ntfn));
    KT_ASSERT(kt_wait_word(&w1->done, 1, 1000) && kt_wait_word(&w2->done, 1, 1000),
              "a waiter still waits on the deleted notification");
    KT_ST(w1->status, BT_E_GONE);
    KT_ST(w2->status, BT_E_GONE);
}

static void recv_on_a_notification_behaves_like_wait(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t b = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x6) : 0;
    KT_TRY(b != 0);
    struct bt_msg m = {0};
    KT_ST(bt_nbrecv(ntfn, 0, &m), BT_E_WOULDBLOCK);
    KT_OK(bt_signal(b));
    m = (struct bt_msg){.tag = 0x1234};
    KT_OK(bt_nbrecv(ntfn, 0, &m));
    KT_EQ(m.tag, 0);
    KT_EQ(m.badge, 0x6);
}

static void notification_binds_to_one_thread_at_a_time(struct kt *kt)
{
    bt_cptr_t n1 = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t n2 = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t t1 = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t t2 = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t wo = n1 != 0 ? kt_copy(kt, n1, BT_RIGHT_WRITE) : 0;
    KT_TRY(n2 != 0 && t2 != 0 && wo != 0);
    KT_ST(bt_thread_bind_notification(t1, wo), BT_E_RIGHTS);
    KT_OK(bt_thread_bind_notification(t1, n1));
    KT_ST(bt_thread_bind_notification(t2, n1), BT_E_BUSY);
    KT_ST(bt_thread_bind_notification(t1, n2), BT_E_BUSY);
    KT_OK(bt_thread_bind_notification(t1, 0));
    KT_OK(bt_thread_bind_notification(t2, n1));
    KT_ST(bt_thread_bind_notification(t2, t1), BT_E_TYPE);
}

static void suspended_waiter_waits_again_when_resumed(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t b = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x24) : 0;
    struct waiter *w = kt_mem(kt, sizeof(*w));
    KT_TRY(b != 0 && w != NULL);
    w->ntfn = ntfn;
    bt_cptr_t t = kt_thread(kt, wait_once, (uint64_t)w, 100, 0, 0);
    KT_TRY(t != 0);
    kt_sleep_ms(5);
    KT_OK(bt_thread_suspend(t));
    KT_OK(bt_signal(b)); /* nobody waits now: the bits stay */
    KT_EQ(w->done, 0);
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(kt_wait_word(&w->done, 1, 1000), "the resumed waiter did not take the bits");
    KT_OK(w->status);
    KT_EQ(w->bits, 0x24);
}

static const struct kt_case cases[] = {
    KT_CASE(signal_with_badge_zero_sets_bit_zero),
    KT_CASE(signals_or_their_badges_together_until_taken),
    KT_CASE(poll_without_bits_returns_zero_at_once),
    KT_CASE(wait_blocks_until_a_signal_arrives),
    KT_CASE(each_signal_wakes_one_waiter),
    KT_CASE(signal_needs_write_and_wait_needs_read),
    KT_CASE(notification_calls_on_other_objects_fail_with_type),
    KT_CASE(deleting_a_notification_wakes_its_waiters_with_gone),
    KT_CASE(suspended_waiter_waits_again_when_resumed),
    KT_CASE(recv_on_a_notification_behaves_like_wait),
    KT_CASE(notification_binds_to_one_thread_at_a_time),
};

KT_SUITE(kt_suite_notification, cases);
