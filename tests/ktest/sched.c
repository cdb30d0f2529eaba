/*
 * ktest: threads and scheduling on one CPU (docs/kernel-api.md, "Threads"
 * and "Scheduling"): a runnable higher priority always runs first, queued
 * threads run in priority order, equal priorities share the CPU by time
 * slices and yield, MCP limits, configuration and register access, suspend
 * and resume. Cross-CPU behaviour is in smp.c.
 *
 * Root runs at KT_ROOT_PRIO on CPU 0; workers record what they saw in
 * memory shared with root.
 */
#include "ktest.h"

struct mark {
    volatile uint64_t flag;
    volatile uint64_t count;
    volatile uint64_t log[8];
    uint64_t end; /* spinners stop at this counter value */
    volatile uint64_t spin[2], saw_other[2], finished;
    uint64_t status[4];
    bt_cptr_t cap[2];
};

static void set_flag(uint64_t arg)
{
    ((struct mark *)arg)->flag = 1;
}

static void higher_priority_thread_runs_as_soon_as_it_is_resumed(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL && kt_thread(kt, set_flag, (uint64_t)mk, 250, 0, 0) != 0);
    KT_EQ(mk->flag, 1);
}

static void lower_priority_thread_waits_while_root_runs(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL && kt_thread(kt, set_flag, (uint64_t)mk, 100, 0, 0) != 0);
    kt_spin_ms(30); /* well past a time slice */
    KT_EQ(mk->flag, 0);
    KT_ASSERT(kt_wait_word(&mk->flag, 1, 1000), "the thread did not run once root waited");
}

static void raising_a_queued_threads_priority_lets_it_preempt(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    bt_cptr_t t = mk != NULL ? kt_thread(kt, set_flag, (uint64_t)mk, 100, 0, 0) : 0;
    KT_TRY(t != 0);
    KT_EQ(mk->flag, 0);
    KT_OK(bt_thread_set_sched(t, 250, 0, 0));
    KT_EQ(mk->flag, 1);
}

static void lowering_own_priority_lets_a_queued_thread_run(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL && kt_thread(kt, set_flag, (uint64_t)mk, 150, 0, 0) != 0);
    KT_EQ(mk->flag, 0);
    enum bt_status st = bt_thread_set_sched(kt_env.thread, 100, 0, BT_PRIORITY_MAX);
    uint64_t seen = mk->flag;
    bt_thread_set_sched(kt_env.thread, KT_ROOT_PRIO, 0, BT_PRIORITY_MAX);
    KT_OK(st);
    KT_EQ(seen, 1);
}

static void wait_for_signal(uint64_t arg)
{
    struct mark *mk = (struct mark *)arg;
    uint64_t bits = 0;
    bt_wait(mk->cap[0], &bits);
    mk->flag = bits;
}

static void signal_to_a_higher_priority_waiter_switches_to_it_at_once(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->cap[0] = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(mk->cap[0] != 0 && kt_thread(kt, wait_for_signal, (uint64_t)mk, 250, 0, 0) != 0);
    KT_EQ(mk->flag, 0);
    KT_OK(bt_signal(mk->cap[0]));
    KT_EQ(mk->flag, 1);
}

/* Appends its priority to the shared log. */
static void log_priority(uint64_t arg)
{
    struct mark *mk = (struct mark *)(arg & ~0xffUL);
    uint64_t i = __atomic_fetch_add(&mk->count, 1, __ATOMIC_RELAXED);
    mk->log[i & 7] = arg & 0xff;
}

static void queued_threads_run_in_priority_order(struct kt *kt)
{
    static const unsigned prios[] = {50, 150, 100, 120, 60};
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    for (unsigned i = 0; i < 5; i++) {
        KT_TRY(kt_thread(kt, log_priority, (uint64_t)mk | prios[i], prios[i], 0, 0) != 0);
    }
    KT_EQ(mk->count, 0);
    KT_ASSERT(kt_wait_word(&mk->count, 5, 1000), "only %lu of 5 threads ran", mk->count);
    static const unsigned order[] = {150, 120, 100, 60, 50};
    for (unsigned i = 0; i < 5; i++) {
        KT_ASSERT(mk->log[i] == order[i], "run %u was priority %lu, expected %u", i, mk->log[i],
                  order[i]);
    }
}

/* Spins until both spinners have seen the other make progress three times
 * in between (only time slicing lets that happen) or the end time. */
static void spinner(uint64_t arg)
{
    struct mark *mk = (struct mark *)(arg & ~1UL);
    unsigned me = arg & 1, other = me ^ 1;
    uint64_t last = mk->spin[other];
    while (kt_now() < mk->end && (mk->saw_other[0] < 3 || mk->saw_other[1] < 3)) {
        mk->spin[me]++;
        if (mk->spin[other] != last) {
            last = mk->spin[other];
            mk->saw_other[me]++;
        }
        kt_pause();
    }
    __atomic_fetch_add(&mk->finished, 1, __ATOMIC_RELEASE);
}

/* Two spinners at one priority on cpu: each must see the other advance
 * three times before two seconds are up. */
static void check_round_robin(struct kt *kt, unsigned cpu, unsigned prio)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->end = kt_now() + kt_ms(2000);
    KT_TRY(kt_thread(kt, spinner, (uint64_t)mk, prio, cpu, 0) != 0);
    KT_TRY(kt_thread(kt, spinner, (uint64_t)mk | 1, prio, cpu, 0) != 0);
    KT_ASSERT(kt_wait_word(&mk->finished, 2, 6000), "the spinners did not finish");
    KT_ASSERT(mk->spin[0] > 0 && mk->spin[1] > 0, "a spinner never ran (%lu, %lu)", mk->spin[0],
              mk->spin[1]);
    /* With 10 ms slices that takes a few slices; without, the first runs
     * alone until the end time and the second after it. */
    KT_ASSERT(mk->saw_other[0] >= 3 && mk->saw_other[1] >= 3,
              "the spinners did not take turns: each saw the other advance %lu and %lu times",
              mk->saw_other[0], mk->saw_other[1]);
}

static void equal_priority_threads_share_the_cpu_by_time_slices(struct kt *kt)
{
    /* On CPU 0 they run above root's waiting priority and end by time. */
    check_round_robin(kt, 0, 100);
}

static void equal_priority_threads_share_another_cpu_by_time_slices(struct kt *kt)
{
    check_round_robin(kt, kt_env.cpus - 1, 100);
}

static void yield_hands_the_cpu_to_an_equal_priority_thread(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL && kt_thread(kt, set_flag, (uint64_t)mk, KT_ROOT_PRIO, 0, 0) != 0);
    KT_EQ(mk->flag, 0);
    KT_OK(bt_yield());
    KT_EQ(mk->flag, 1);
}

static void yield_does_not_hand_the_cpu_to_a_lower_priority(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL && kt_thread(kt, set_flag, (uint64_t)mk, 100, 0, 0) != 0);
    for (int i = 0; i < 10; i++) {
        KT_OK(bt_yield());
    }
    KT_EQ(mk->flag, 0);
}

/* Runs with MCP 50 and tries to give priorities around it. */
static void try_priorities(uint64_t arg)
{
    struct mark *mk = (struct mark *)arg;
    mk->status[0] = bt_thread_set_sched(mk->cap[1], 51, 0, 0);
    mk->status[1] = bt_thread_set_sched(mk->cap[1], 50, 0, 0);
    mk->status[2] = bt_thread_set_sched(mk->cap[1], 10, 0, 51);
    mk->status[3] = bt_thread_set_sched(mk->cap[0], 100, 0, 50); /* itself: above its MCP */
    mk->flag = 1;
}

static void priority_above_the_callers_mcp_is_refused(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->cap[1] = kt_obj(kt, BT_OBJ_THREAD, 0);
    mk->cap[0] = kt_thread_make(kt, try_priorities, (uint64_t)mk, 100, 0, 0);
    KT_TRY(mk->cap[0] != 0 && mk->cap[1] != 0);
    KT_OK(bt_thread_set_sched(mk->cap[0], 100, 0, 50));
    KT_OK(bt_thread_resume(mk->cap[0]));
    KT_ASSERT(kt_wait_word(&mk->flag, 1, 1000), "the worker did not finish");
    KT_ST(mk->status[0], BT_E_RIGHTS);
    KT_ST(mk->status[1], BT_OK);
    KT_ST(mk->status[2], BT_E_RIGHTS);
    KT_ST(mk->status[3], BT_E_RIGHTS);
}

static void set_sched_to_a_cpu_that_is_not_online_fails_with_arg(struct kt *kt)
{
    bt_cptr_t t = kt_obj(kt, BT_OBJ_THREAD, 0);
    KT_TRY(t != 0);
    KT_ST(bt_thread_set_sched(t, 10, kt_env.cpus, 0), BT_E_ARG);
    KT_ST(bt_thread_set_sched(t, 10, 4096, 0), BT_E_ARG);
    KT_ST(bt_thread_set_sched(t, 256, 0, 0), BT_E_RIGHTS);
    KT_OK(bt_thread_set_sched(t, 10, kt_env.cpus - 1, 0));
}

static void thread_needs_a_task_and_a_cnode_before_it_can_resume(struct kt *kt)
{
    bt_cptr_t t = kt_obj(kt, BT_OBJ_THREAD, 0);
    KT_TRY(t != 0);
    KT_ST(bt_thread_resume(t), BT_E_ARG);
    KT_OK(bt_thread_configure(t, kt_env.cnode, 0, 0, 0, 0));
    KT_ST(bt_thread_resume(t), BT_E_ARG);
    KT_ST(bt_thread_configure(t, 0, kt_env.cnode, 0, 0, 0), BT_E_TYPE);
    KT_ST(bt_thread_configure(t, kt_env.task, 0, 0, 0, 0), BT_E_TYPE);
    KT_OK(bt_thread_configure(t, 0, kt_env.task, 0, 0, 0));
    /* Now it can start: let it exit at once on a stack of its own. */
    uint8_t *stack = kt_mem(kt, BT_PAGE_SIZE);
    KT_TRY(stack != NULL);
    KT_OK(bt_thread_write_regs(t, (uint64_t)bt_thread_exit, (uint64_t)stack + BT_PAGE_SIZE, 0, 0));
    KT_OK(bt_thread_resume(t));
}

static void configure_of_a_started_thread_fails_with_busy(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->cap[0] = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t t = kt_thread(kt, wait_for_signal, (uint64_t)mk, 100, 0, 0);
    KT_TRY(t != 0);
    kt_sleep_ms(2);
    KT_ST(bt_thread_configure(t, kt_env.cnode, 0, 0, 0, 0), BT_E_BUSY);
    KT_OK(bt_thread_suspend(t));
    KT_OK(bt_thread_configure(t, kt_env.cnode, 0, 0, 0, 0));
}

static void thread_calls_need_a_writable_thread_capability(struct kt *kt)
{
    bt_cptr_t t = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t ro = t != 0 ? kt_copy(kt, t, BT_RIGHT_READ) : 0;
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ro != 0 && ep != 0);
    struct bt_thread_regs r;
    KT_ST(bt_thread_set_sched(ro, 10, 0, 0), BT_E_RIGHTS);
    KT_ST(bt_thread_resume(ro), BT_E_RIGHTS);
    KT_ST(bt_thread_suspend(ro), BT_E_RIGHTS);
    KT_ST(bt_thread_write_regs(ro, 0, 0, 0, 0), BT_E_RIGHTS);
    KT_ST(bt_thread_configure(ro, kt_env.cnode, 0, 0, 0, 0), BT_E_RIGHTS);
    KT_ST(bt_thread_read_regs(ep, &r), BT_E_TYPE);
    KT_ST(bt_thread_resume(ep), BT_E_TYPE);
    KT_ST(bt_thread_suspend(0), BT_E_CAP);
    KT_ST(bt_thread_configure(t, 0, 0, 0, 0, ro), BT_E_TYPE); /* fault endpoint */
}

static void registers_written_to_an_inactive_thread_read_back(struct kt *kt)
{
    bt_cptr_t t = kt_obj(kt, BT_OBJ_THREAD, 0);
    KT_TRY(t != 0);
    struct bt_thread_regs r;
    KT_OK(bt_thread_read_regs(t, &r));
    KT_EQ(r.pc, 0);
    KT_OK(bt_thread_write_regs(t, 0x401000, 0x7000f0, 0x1111, 0x2222));
    KT_OK(bt_thread_read_regs(t, &r));
    KT_EQ(r.pc, 0x401000);
    KT_EQ(r.sp, 0x7000f0);
    KT_EQ(r.x0, 0x1111);
    KT_EQ(r.x1, 0x2222);
}

static void busy_counter(uint64_t arg)
{
    struct mark *mk = (struct mark *)arg;
    for (;;) {
        __atomic_fetch_add(&mk->count, 1, __ATOMIC_RELAXED);
        bt_yield();
    }
}

static void suspended_thread_stops_and_resumed_thread_continues(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    bt_cptr_t t = mk != NULL ? kt_thread(kt, busy_counter, (uint64_t)mk, KT_PRIO_SPIN, 0, 0) : 0;
    KT_TRY(t != 0);
    KT_ASSERT(kt_wait_advance(&mk->count, 1000), "the counter thread never ran");
    KT_OK(bt_thread_suspend(t));
    uint64_t stopped = mk->count;
    kt_sleep_ms(30);
    KT_EQ(mk->count, stopped);
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(kt_wait_advance(&mk->count, 1000), "the resumed thread did not continue");
}

static void suspend_self(uint64_t arg)
{
    struct mark *mk = (struct mark *)arg;
    mk->status[0] = 0xdead;
    mk->flag = 1;
    mk->status[0] = bt_thread_suspend(mk->cap[0]);
    mk->flag = 2;
}

static void thread_that_suspends_itself_sees_ok_when_resumed(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->cap[0] = kt_thread_make(kt, suspend_self, (uint64_t)mk, 100, 0, 0);
    KT_TRY(mk->cap[0] != 0);
    KT_OK(bt_thread_resume(mk->cap[0]));
    kt_sleep_ms(5);
    KT_EQ(mk->flag, 1);
    KT_OK(bt_thread_resume(mk->cap[0]));
    KT_ASSERT(kt_wait_word(&mk->flag, 2, 1000), "the resumed thread did not continue");
    KT_ST(mk->status[0], BT_OK);
}

static void revoking_a_threads_cnode_stops_it(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 4);
    bt_cptr_t t = mk != NULL && cn != 0
                      ? kt_thread_make(kt, busy_counter, (uint64_t)mk, KT_PRIO_SPIN, 0, 0)
                      : 0;
    KT_TRY(t != 0);
    KT_OK(bt_thread_configure(t, cn, 0, 0, 0, 0));
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(kt_wait_advance(&mk->count, 1000), "the thread never ran");
    KT_OK(bt_cap_revoke(kt_env.cnode, cn)); /* takes the thread's own copy */
    uint64_t stopped = mk->count;
    kt_sleep_ms(30);
    KT_EQ(mk->count, stopped);
    KT_ST(bt_thread_resume(t), BT_E_ARG); /* no CNode any more */
}

/* Deletes the capability to itself (the only one), then would set flag. */
static void delete_self(uint64_t arg)
{
    struct mark *mk = (struct mark *)arg;
    mk->status[0] = bt_cap_delete(kt_env.cnode, mk->cap[0]);
    mk->flag = 1;
}

static void thread_deleting_its_last_capability_stops_at_once(struct kt *kt)
{
    struct mark *mk = kt_mem(kt, sizeof(*mk));
    KT_TRY(mk != NULL);
    mk->cap[0] = kt_thread_make(kt, delete_self, (uint64_t)mk, 100, 0, 0);
    KT_TRY(mk->cap[0] != 0);
    KT_OK(bt_thread_resume(mk->cap[0]));
    kt_sleep_ms(20);
    KT_EQ(kt_type_of(mk->cap[0]), BT_OBJ_NONE);
    KT_ASSERT(mk->flag == 0, "the thread ran on after destroying itself (status %s)",
              kt_status_name(mk->status[0]));
    KT_OK(bt_null()); /* and the kernel is fine */
}

static const struct kt_case cases[] = {
    KT_CASE(higher_priority_thread_runs_as_soon_as_it_is_resumed),
    KT_CASE(lower_priority_thread_waits_while_root_runs),
    KT_CASE(raising_a_queued_threads_priority_lets_it_preempt),
    KT_CASE(lowering_own_priority_lets_a_queued_thread_run),
    KT_CASE(signal_to_a_higher_priority_waiter_switches_to_it_at_once),
    KT_CASE(queued_threads_run_in_priority_order),
    KT_CASE(equal_priority_threads_share_the_cpu_by_time_slices),
    KT_CASE_SMP(equal_priority_threads_share_another_cpu_by_time_slices),
    KT_CASE(yield_hands_the_cpu_to_an_equal_priority_thread),
    KT_CASE(yield_does_not_hand_the_cpu_to_a_lower_priority),
    KT_CASE(priority_above_the_callers_mcp_is_refused),
    KT_CASE(set_sched_to_a_cpu_that_is_not_online_fails_with_arg),
    KT_CASE(thread_needs_a_task_and_a_cnode_before_it_can_resume),
    KT_CASE(configure_of_a_started_thread_fails_with_busy),
    KT_CASE(thread_calls_need_a_writable_thread_capability),
    KT_CASE(registers_written_to_an_inactive_thread_read_back),
    KT_CASE(suspended_thread_stops_and_resumed_thread_continues),
    KT_CASE(thread_that_suspends_itself_sees_ok_when_resumed),
    KT_CASE(revoking_a_threads_cnode_stops_it),
    KT_CASE(thread_deleting_its_last_capability_stops_at_once),
};

KT_SUITE(kt_suite_sched, cases);
