/*
 * ktest: exhaustion is contained (issue 3, item 7). A task that makes
 * objects until its untyped memory runs out gets BT_E_NOMEM, one that fills
 * its CNode gets BT_E_EXISTS / BT_E_ARG, and everyone else keeps working:
 * IPC, retyping from other memory, other untyped regions. Many tasks with
 * the same addresses each see their own frames (ASIDs keep them apart).
 *
 * Child tasks run the suite's code; their CNode holds itself at slot 1, an
 * untyped at slot 2 and an endpoint to root at slot 3.
 */
#include "ktest.h"

#define CHILD_CNODE 1
#define CHILD_UT 2
#define CHILD_EP 3
#define CHILD_FIRST_FREE 4

/* Child: retypes objects of type `type` from its untyped into its CNode
 * one by one until that fails; reports how many it made and why it
 * stopped. */
static void child_retype_until_failure(uint64_t type)
{
    uint64_t made = 0;
    enum bt_status st;
    for (uint64_t i = CHILD_FIRST_FREE;; i++) {
        unsigned bits = type == BT_OBJ_FRAME ? BT_FRAME_SMALL_BITS : 0;
        st = bt_untyped_retype(CHILD_UT, (unsigned)type, bits, CHILD_CNODE, i, 1);
        if (st != BT_OK) {
            break;
        }
        made++;
    }
    struct bt_msg m = {.tag = BT_TAG(1, 2, 0), .mr = {made, st}};
    bt_call(CHILD_EP, &m);
}

/* Child: copies its endpoint into every slot until that fails; then tries
 * to retype into an occupied slot. */
static void child_fill_cnode(uint64_t unused)
{
    (void)unused;
    uint64_t made = 0;
    enum bt_status st;
    for (uint64_t i = CHILD_FIRST_FREE;; i++) {
        st = bt_cap_copy(CHILD_CNODE, i, CHILD_CNODE, CHILD_EP, BT_RIGHTS_ALL);
        if (st != BT_OK) {
            break;
        }
        made++;
    }
    enum bt_status again =
        bt_cap_copy(CHILD_CNODE, CHILD_FIRST_FREE, CHILD_CNODE, CHILD_EP, BT_RIGHTS_ALL);
    enum bt_status retype =
        bt_untyped_retype(CHILD_UT, BT_OBJ_ENDPOINT, 0, CHILD_CNODE, CHILD_FIRST_FREE, 1);
    struct bt_msg m = {.tag = BT_TAG(1, 4, 0), .mr = {made, st, again, retype}};
    bt_call(CHILD_EP, &m);
}

/* A child task with its CNode (2^cnode_bits slots), an untyped of
 * 2^ut_bits bytes and an endpoint to root. */
static bool make_hog(struct kt *kt, struct kt_task *ct, unsigned cnode_bits, unsigned ut_bits,
                     bt_cptr_t ep)
{
    bt_cptr_t ut = kt_obj(kt, BT_OBJ_UNTYPED, ut_bits);
    if (ut == 0 || !kt_task_make(kt, ct, cnode_bits, true) ||
        !kt_task_put(kt, ct, CHILD_CNODE, ct->cnode, BT_RIGHTS_ALL, 0) ||
        !kt_task_put(kt, ct, CHILD_EP, ep, BT_RIGHT_WRITE, 0)) {
        return false;
    }
    enum bt_status st = bt_cap_move(ct->cnode, CHILD_UT, kt_env.cnode, ut);
    if (st != BT_OK) {
        kt_fail(kt, "moving the untyped into the child: %s", kt_status_name(st));
        return false;
    }
    return true;
}

struct echo {
    bt_cptr_t ep, reply;
};

static void echo_server(uint64_t arg)
{
    const struct echo *e = (const struct echo *)arg;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(e->ep, e->reply, &m);
    while (st == BT_OK) {
        m.mr[0] ^= 0xffff;
        st = bt_reply_recv(e->ep, e->reply, &m);
    }
}

/* Root can still call a server of its own and make objects. */
static void check_others_still_work(struct kt *kt)
{
    struct echo *e = kt_mem(kt, sizeof(*e));
    KT_TRY(e != NULL);
    e->ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    e->reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    KT_TRY(e->reply != 0 && kt_thread(kt, echo_server, (uint64_t)e, 150, 0, 0) != 0);
    for (uint64_t i = 0; i < 10; i++) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {i}};
        KT_OK(bt_call(e->ep, &m));
        KT_EQ(m.mr[0], i ^ 0xffff);
    }
}

static void hog(struct kt *kt, uint64_t type, unsigned ut_bits, uint64_t expect)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct kt_task ct;
    KT_TRY(reply != 0 && make_hog(kt, &ct, 9, ut_bits, ep));
    KT_TRY(kt_task_thread(kt, &ct, child_retype_until_failure, type, 100, 0, ep) != 0);
    struct bt_msg m;
    KT_OK(kt_recv_within(ep, reply, &m, 5000));
    KT_ASSERT(BT_TAG_LABEL(m.tag) == 1, "the child faulted instead of reporting");
    KT_ST(m.mr[1], BT_E_NOMEM);
    KT_EQ(m.mr[0], expect);
    KT_OK(bt_reply(reply, &m));
    check_others_still_work(kt);
}

static void task_making_endpoints_until_memory_runs_out_gets_nomem(struct kt *kt)
{
    hog(kt, BT_OBJ_ENDPOINT, 14, (1UL << 14) >> BT_ENDPOINT_BITS);
}

static void task_making_threads_until_memory_runs_out_gets_nomem(struct kt *kt)
{
    hog(kt, BT_OBJ_THREAD, 15, (1UL << 15) >> BT_THREAD_BITS);
}

static void task_making_frames_until_memory_runs_out_gets_nomem(struct kt *kt)
{
    hog(kt, BT_OBJ_FRAME, 17, (1UL << 17) >> 12);
}

static void task_filling_its_cnode_gets_arg_then_exists(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    struct kt_task ct;
    KT_TRY(reply != 0 && make_hog(kt, &ct, 4, 12, ep));
    KT_TRY(kt_task_thread(kt, &ct, child_fill_cnode, 0, 100, 0, ep) != 0);
    struct bt_msg m;
    KT_OK(kt_recv_within(ep, reply, &m, 2000));
    KT_ASSERT(BT_TAG_LABEL(m.tag) == 1, "the child faulted instead of reporting");
    KT_EQ(m.mr[0], 16 - CHILD_FIRST_FREE);
    KT_ST(m.mr[1], BT_E_ARG);
    KT_ST(m.mr[2], BT_E_EXISTS);
    KT_ST(m.mr[3], BT_E_EXISTS);
    KT_OK(bt_reply(reply, &m));
    check_others_still_work(kt);
}

static void exhausting_one_untyped_leaves_its_siblings_usable(struct kt *kt)
{
    bt_cptr_t a = kt_obj(kt, BT_OBJ_UNTYPED, 12);
    bt_cptr_t b = kt_obj(kt, BT_OBJ_UNTYPED, 12);
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 8);
    KT_TRY(a != 0 && b != 0 && cn != 0);
    KT_OK(bt_untyped_retype(a, BT_OBJ_NOTIFICATION, 0, cn, 1, 64));
    KT_ST(bt_untyped_retype(a, BT_OBJ_NOTIFICATION, 0, cn, 65, 1), BT_E_NOMEM);
    KT_OK(bt_untyped_retype(b, BT_OBJ_NOTIFICATION, 0, cn, 65, 1));
    KT_OK(bt_untyped_retype(kt->ut, BT_OBJ_NOTIFICATION, 0, cn, 66, 1));
    /* The objects made before memory ran out work. */
    bt_cptr_t n = kt_slot(kt);
    KT_TRY(n != 0);
    KT_OK(bt_cap_copy(kt_env.cnode, n, cn, 64, BT_RIGHTS_ALL));
    KT_OK(bt_signal(n));
    uint64_t bits = 0;
    KT_OK(bt_poll(n, &bits));
    KT_EQ(bits, 1);
}

/* Child: reads the word at va and reports it. */
static void child_report_word(uint64_t va)
{
    struct bt_msg m = {.tag = BT_TAG(2, 1, 0), .mr = {*(volatile uint64_t *)va}};
    bt_call(1, &m);
}

static void many_tasks_at_the_same_address_each_see_their_own_frame(struct kt *kt)
{
    enum { TASKS = 16 };
    const uint64_t va = 0x30000000;
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    KT_TRY(reply != 0);
    for (uint64_t i = 0; i < TASKS; i++) {
        struct kt_task ct;
        KT_TRY(kt_task_make(kt, &ct, 2, true) &&
               kt_task_put(kt, &ct, 1, ep, BT_RIGHT_WRITE, i + 1));
        volatile uint64_t *word = kt_task_share(kt, &ct, va, BT_RIGHT_READ);
        KT_TRY(word != NULL);
        *word = 0x1000 + i;
        KT_TRY(kt_task_thread(kt, &ct, child_report_word, va, 100, i % kt_env.cpus, ep) != 0);
    }
    for (uint64_t n = 0; n < TASKS; n++) {
        struct bt_msg m;
        KT_OK(kt_recv_within(ep, reply, &m, 2000));
        KT_ASSERT(BT_TAG_LABEL(m.tag) == 2 && m.badge >= 1 && m.badge <= TASKS,
                  "unexpected message label 0x%lx badge 0x%lx", BT_TAG_LABEL(m.tag), m.badge);
        KT_ASSERT(m.mr[0] == 0x1000 + m.badge - 1, "task %lu read 0x%lx at 0x%lx, not its own",
                  m.badge - 1, m.mr[0], va);
        KT_OK(bt_reply(reply, &m));
    }
}

static const struct kt_case cases[] = {
    KT_CASE(task_making_endpoints_until_memory_runs_out_gets_nomem),
    KT_CASE(task_making_threads_until_memory_runs_out_gets_nomem),
    KT_CASE(task_making_frames_until_memory_runs_out_gets_nomem),
    KT_CASE(task_filling_its_cnode_gets_arg_then_exists),
    KT_CASE(exhausting_one_untyped_leaves_its_siblings_usable),
    KT_CASE(many_tasks_at_the_same_address_each_see_their_own_frame),
};

KT_SUITE(kt_suite_exhaustion, cases);
