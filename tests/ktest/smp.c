/*
 * ktest: several CPUs (docs/kernel-api.md, "Scheduling" and "Threads"):
 * affinity, IPC and signals across CPUs in both directions, suspend,
 * register access and migration of a thread running on another CPU,
 * preemption by inter-processor interrupt, and TLB invalidation reaching
 * other CPUs. Every case needs at least two CPUs.
 *
 * Where a check is about what happens on another CPU, root keeps CPU 0:
 * it spins at its own priority (spin_until, advances_within) instead of
 * waiting at a low one, so nothing it observes can have run on CPU 0.
 */
#include "ktest.h"

struct shared {
    volatile uint64_t flag[8];
    volatile uint64_t count;
    volatile uint64_t seen;
    uint64_t status;
    bt_cptr_t ep[8], reply[8], ntfn;
    unsigned hops;
};

/* Spins up to ms on CPU 0 (without leaving it) until *word == want. */
static bool spin_until(volatile uint64_t *word, uint64_t want, uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms);
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != want && kt_now() < end) {
        for (int i = 0; i < 8 && __atomic_load_n(word, __ATOMIC_ACQUIRE) != want; i++) {
            kt_pause();
        }
    }
    return __atomic_load_n(word, __ATOMIC_ACQUIRE) == want;
}

static void set_my_flag(uint64_t arg)
{
    struct shared *s = (struct shared *)(arg & ~0xfUL);
    s->flag[arg & 0xf] = 1;
}

static void threads_run_on_the_cpu_their_affinity_names(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    KT_TRY(s != NULL);
    for (unsigned cpu = 1; cpu < kt_env.cpus && cpu < 8; cpu++) {
        KT_TRY(kt_thread(kt, set_my_flag, (uint64_t)s | cpu, 100, cpu, 0) != 0);
    }
    /* Root keeps CPU 0 at a higher priority: only other CPUs can run them. */
    for (unsigned cpu = 1; cpu < kt_env.cpus && cpu < 8; cpu++) {
        KT_ASSERT(spin_until(&s->flag[cpu], 1, 1000), "the thread for CPU %u did not run", cpu);
    }
}

static void thread_for_cpu_0_does_not_run_on_another_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    KT_TRY(s != NULL && kt_thread(kt, set_my_flag, (uint64_t)s, 100, 0, 0) != 0);
    KT_ASSERT(!spin_until(&s->flag[0], 1, 50), "a CPU 0 thread ran while root held CPU 0");
    KT_ASSERT(kt_wait_word(&s->flag[0], 1, 1000), "it did not run when root waited");
}

/* Serves calls on s->ep[i] on its CPU: MR0 + 1, after passing the call on
 * to ep[i + 1] when there is one (a chain through the CPUs). */
static void chain_server(uint64_t arg)
{
    struct shared *s = (struct shared *)(arg & ~0xfUL);
    unsigned i = arg & 0xf;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(s->ep[i], s->reply[i], &m);
    while (st == BT_OK) {
        if (i + 1 < s->hops) {
            m.tag = BT_TAG(1, 1, 0);
            bt_call(s->ep[i + 1], &m);
        }
        m.mr[0] += 1;
        m.tag = BT_TAG(1, 1, 0);
        st = bt_reply_recv(s->ep[i], s->reply[i], &m);
    }
}

static bool start_chain(struct kt *kt, struct shared *s, unsigned hops, const unsigned *cpus)
{
    s->hops = hops;
    for (unsigned i = 0; i < hops; i++) {
        s->ep[i] = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
        s->reply[i] = kt_obj(kt, BT_OBJ_REPLY, 0);
        if (s->reply[i] == 0 ||
            kt_thread(kt, chain_server, (uint64_t)s | i, 150, cpus[i], 0) == 0) {
            return false;
        }
    }
    return true;
}

static void call_from_cpu_0_to_a_server_on_cpu_1(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    static const unsigned cpus[] = {1};
    KT_TRY(s != NULL && start_chain(kt, s, 1, cpus));
    for (uint64_t i = 0; i < 300; i++) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {i}};
        KT_OK(bt_call(s->ep[0], &m));
        KT_EQ(m.mr[0], i + 1);
    }
}

/* Calls s->ep[0] count times from its CPU; counts the correct answers. */
static void remote_client(uint64_t arg)
{
    struct shared *s = (struct shared *)arg;
    for (uint64_t i = 0; i < 300; i++) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {i * 2}};
        if (bt_call(s->ep[0], &m) != BT_OK || m.mr[0] != i * 2 + 1) {
            break;
        }
        s->count++;
    }
    s->flag[0] = 1;
}

static void call_from_cpu_1_to_a_server_on_cpu_0(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    static const unsigned cpus[] = {0};
    KT_TRY(s != NULL && start_chain(kt, s, 1, cpus));
    KT_TRY(kt_thread(kt, remote_client, (uint64_t)s, 100, 1, 0) != 0);
    KT_ASSERT(kt_wait_word(&s->flag[0], 1, 10000), "the client on CPU 1 did not finish (%lu calls)",
              s->count);
    KT_EQ(s->count, 300);
}

static void call_chain_passes_through_every_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    unsigned cpus[8], hops = 0;
    /* CPU 1, 2, ..., n-1, then back to 0 (a server below root's priority). */
    for (unsigned c = 1; c < kt_env.cpus && hops < 7; c++) {
        cpus[hops++] = c;
    }
    cpus[hops++] = 0;
    KT_TRY(s != NULL && start_chain(kt, s, hops, cpus));
    for (uint64_t i = 0; i < 50; i++) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {i * 100}};
        KT_OK(bt_call(s->ep[0], &m));
        KT_EQ(m.mr[0], i * 100 + hops);
    }
}

static void wait_then_flag(uint64_t arg)
{
    struct shared *s = (struct shared *)arg;
    uint64_t bits = 0;
    s->flag[1] = 1;
    bt_wait(s->ntfn, &bits);
    s->seen = s->count; /* what the spinner had done when this ran */
    s->flag[0] = bits;
}

static void signal_wakes_a_waiter_on_another_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    KT_TRY(s != NULL);
    s->ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(s->ntfn != 0 && kt_thread(kt, wait_then_flag, (uint64_t)s, 100, 1, 0) != 0);
    KT_ASSERT(spin_until(&s->flag[1], 1, 1000), "the waiter did not start");
    kt_spin_ms(2);
    KT_EQ(s->flag[0], 0);
    KT_OK(bt_signal(s->ntfn));
    KT_ASSERT(spin_until(&s->flag[0], 1, 1000), "the waiter on CPU 1 was not woken");
}

static void spin_forever(uint64_t arg)
{
    struct shared *s = (struct shared *)arg;
    for (;;) {
        __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
    }
}

static void higher_priority_wake_preempts_another_cpu_at_once(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    KT_TRY(s != NULL);
    s->ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(s->ntfn != 0 && kt_thread(kt, wait_then_flag, (uint64_t)s, 200, 1, 0) != 0);
    KT_ASSERT(spin_until(&s->flag[1], 1, 1000), "the waiter did not start");
    /* A spinner that never yields: only preemption gets the waiter in. */
    KT_TRY(kt_thread(kt, spin_forever, (uint64_t)s, 10, 1, 0) != 0);
    kt_spin_ms(20);
    KT_ASSERT(s->count > 0, "the spinner on CPU 1 never ran");
    KT_OK(bt_signal(s->ntfn));
    KT_ASSERT(spin_until(&s->flag[0], 1, 1000), "the woken thread did not preempt the spinner");
}

/* A thread spinning on CPU 1 until suspended (0 on failure). */
static bt_cptr_t remote_spinner(struct kt *kt, struct shared *s)
{
    return kt_thread(kt, spin_forever, (uint64_t)s, 100, 1, 0);
}

static void set_flag_2_and_exit(uint64_t arg)
{
    ((struct shared *)arg)->flag[2] = 1;
    bt_thread_exit();
}

static bool advances_within(volatile uint64_t *counter, uint64_t ms)
{
    uint64_t before = *counter, end = kt_now() + kt_ms(ms);
    while (kt_now() < end) {
        for (int i = 0; i < 8; i++) {
            if (*counter != before) {
                return true;
            }
            kt_pause();
        }
    }
    return *counter != before;
}

static void suspend_stops_a_thread_running_on_another_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    bt_cptr_t t = s != NULL ? remote_spinner(kt, s) : 0;
    KT_TRY(t != 0);
    KT_ASSERT(advances_within(&s->count, 1000), "the spinner on CPU 1 does not run");
    KT_OK(bt_thread_suspend(t));
    /* suspend returns only after CPU 1 let go: not one more increment. */
    KT_ASSERT(!advances_within(&s->count, 20), "the suspended thread kept running");
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(advances_within(&s->count, 1000), "the resumed thread did not run again");
}

static void write_regs_of_a_thread_running_on_another_cpu_is_busy(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    bt_cptr_t t = s != NULL ? remote_spinner(kt, s) : 0;
    KT_TRY(t != 0);
    KT_ASSERT(advances_within(&s->count, 1000), "the spinner on CPU 1 does not run");
    KT_ST(bt_thread_write_regs(t, (uint64_t)set_my_flag, 0, 0, 0), BT_E_BUSY);
    KT_OK(bt_thread_suspend(t));
    struct bt_thread_regs r;
    KT_OK(bt_thread_read_regs(t, &r));
    KT_ASSERT(r.pc >= (uint64_t)spin_forever && r.pc < (uint64_t)spin_forever + 64,
              "the suspended spinner's pc 0x%lx is not in its loop", r.pc);
    KT_OK(bt_thread_write_regs(t, (uint64_t)set_flag_2_and_exit, r.sp, (uint64_t)s, 0));
    KT_OK(bt_thread_resume(t));
    KT_ASSERT(spin_until(&s->flag[2], 1, 1000), "the thread did not run at its new pc");
}

static void running_thread_moves_when_its_cpu_changes(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    bt_cptr_t t = s != NULL ? remote_spinner(kt, s) : 0;
    KT_TRY(t != 0);
    KT_ASSERT(advances_within(&s->count, 1000), "the spinner on CPU 1 does not run");
    /* On CPU 0 it sits below root, which keeps spinning: it must stop. */
    KT_OK(bt_thread_set_sched(t, 100, 0, 0));
    /* CPU 1 learns of the move by interrupt: wait (up to a second) for the
     * counter to stay still for 30 ms. */
    bool moved = false;
    for (uint64_t end = kt_now() + kt_ms(1000); !moved && kt_now() < end;) {
        moved = !advances_within(&s->count, 30);
    }
    KT_OK(bt_thread_set_sched(t, 100, 1, 0)); /* back before root ever waits */
    KT_ASSERT(moved, "the thread kept running on CPU 1 after moving to CPU 0");
    KT_ASSERT(advances_within(&s->count, 1000), "the thread did not run again on CPU 1");
}

/* Reads the page at s->seen forever, counting reads. */
static void page_reader(uint64_t arg)
{
    struct shared *s = (struct shared *)arg;
    volatile uint64_t *p = (volatile uint64_t *)s->seen;
    for (;;) {
        s->flag[3] = *p;
        __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
    }
}

static void unmapping_reaches_a_thread_reading_on_another_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    volatile uint64_t *page =
        frame != 0 ? kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE) : NULL;
    KT_TRY(s != NULL && page != NULL && reply != 0);
    *page = 0x7eb;
    s->seen = (uint64_t)page;
    KT_TRY(kt_thread(kt, page_reader, (uint64_t)s, 100, 1, ep) != 0);
    KT_ASSERT(spin_until(&s->flag[3], 0x7eb, 1000), "the reader on CPU 1 did not read");
    KT_OK(bt_task_unmap(frame));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, ep, reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], (uint64_t)page);
}

static void unmapping_a_page_table_reaches_a_thread_reading_on_another_cpu(struct kt *kt)
{
    struct shared *s = kt_mem(kt, sizeof(*s));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t l2 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    bt_cptr_t l3 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    KT_TRY(s != NULL && reply != 0);
    /* A gigabyte of root's window of its own: tables only this page uses. */
    const uint64_t va = KT_ROOT_WINDOW + (1UL << 30) * 7;
    uint64_t level = 0;
    KT_OK(bt_task_map_table(kt_env.task, l2, va, &level));
    KT_EQ(level, 2);
    KT_OK(bt_task_map_table(kt_env.task, l3, va, &level));
    KT_OK(bt_task_map(kt_env.task, frame, va, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED, NULL));
    *(volatile uint64_t *)va = 0x7ab;
    s->seen = va;
    KT_TRY(kt_thread(kt, page_reader, (uint64_t)s, 100, 1, ep) != 0);
    KT_ASSERT(spin_until(&s->flag[3], 0x7ab, 1000), "the reader on CPU 1 did not read");
    KT_OK(bt_task_unmap_table(l2));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, ep, reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], va);
}

/* Child task: counts in its shared page forever. */
static void child_count(uint64_t va)
{
    for (;;) {
        __atomic_fetch_add((volatile uint64_t *)va, 1, __ATOMIC_RELAXED);
    }
}

static void revoking_a_task_stops_its_thread_on_another_cpu(struct kt *kt)
{
    struct kt_task ct;
    KT_TRY(kt_task_make(kt, &ct, 2, true));
    volatile uint64_t *count = kt_task_share(kt, &ct, 0x30000000, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(count != NULL && kt_task_thread(kt, &ct, child_count, 0x30000000, 100, 1, 0) != 0);
    KT_ASSERT(advances_within(count, 1000), "the child on CPU 1 does not run");
    /* The revoke takes the thread's own copy of the task capability. */
    KT_OK(bt_cap_revoke(kt_env.cnode, ct.task));
    KT_OK(bt_cap_delete(kt_env.cnode, ct.task));
    KT_ASSERT(!advances_within(count, 20), "the thread kept running without its task");
}

static const struct kt_case cases[] = {
    KT_CASE_SMP(threads_run_on_the_cpu_their_affinity_names),
    KT_CASE_SMP(thread_for_cpu_0_does_not_run_on_another_cpu),
    KT_CASE_SMP(call_from_cpu_0_to_a_server_on_cpu_1),
    KT_CASE_SMP(call_from_cpu_1_to_a_server_on_cpu_0),
    KT_CASE_SMP(call_chain_passes_through_every_cpu),
    KT_CASE_SMP(signal_wakes_a_waiter_on_another_cpu),
    KT_CASE_SMP(higher_priority_wake_preempts_another_cpu_at_once),
    KT_CASE_SMP(suspend_stops_a_thread_running_on_another_cpu),
    KT_CASE_SMP(write_regs_of_a_thread_running_on_another_cpu_is_busy),
    KT_CASE_SMP(running_thread_moves_when_its_cpu_changes),
    KT_CASE_SMP(unmapping_reaches_a_thread_reading_on_another_cpu),
    KT_CASE_SMP(unmapping_a_page_table_reaches_a_thread_reading_on_another_cpu),
    KT_CASE_SMP(revoking_a_task_stops_its_thread_on_another_cpu),
};

KT_SUITE(kt_suite_smp, cases);
