/*
 * fuzz: the root task of the fuzz scenario. It reads its seed and call count
 * from fuzz.conf in the boot archive, lets fuzzing threads make that many
 * random system calls from sandboxes (sandbox.c, fuzzer.c), then checks that
 * the system still works (check.c) and powers off. README.md has the design.
 *
 * Root is the fuzzing threads' fault handler and their watch: it runs at
 * priority 255 and waits for a fault message or a tick. Every
 * FUZZ_HEARTBEAT_CALLS calls a fuzzing thread executes a brk, a fault root
 * answers by resuming it after the brk (a heartbeat). The ticks come from
 * watcher threads, one per CPU at the fuzzing threads' priority, which
 * spin with yield: they get their CPU when its fuzzing threads are blocked,
 * and a time slice in turn when one loops. A fuzzing thread whose progress
 * counter stands still (see watch()) is restarted; a sandbox whose threads
 * keep getting stuck, or that has made its share of calls, is destroyed (by
 * revoking its memory) and built anew.
 */
#include "abi/ipc.h"
#include "abi/layout.h"
#include "abi/syscall.h"
#include "c/print.h"
#include "lib/cpio.h"
#include "root.h"

#define TICK_US 250
#define STUCK_US 1000
#define HOPELESS_MS 200
#define MAX_STRIKES 4
#define REPORT_EVERY 100000
#define BUDGET_MIN 3000
#define BUDGET_MAX 25000
#define MAX_EMPTY_SANDBOXES 8
#define MAX_WATCHERS 8 /* one per CPU, up to this many */
#define ESR_EC_BRK64 0x3c
#define DEFAULT_SEED 1
#define DEFAULT_ITERS 200000

static struct fuzz_root root;
static uint64_t tick_counts; /* counter ticks between watcher ticks */
static bt_cptr_t watchers[MAX_WATCHERS];

/* Turns each watcher had: it yields every time round, so between two turns
 * every other runnable thread of its CPU and priority had one. */
static volatile uint64_t watcher_turns[MAX_WATCHERS];

static void watcher(uint64_t cpu)
{
    uint64_t last = fuzz_now();
    for (;;) {
        uint64_t now = fuzz_now();
        watcher_turns[cpu] = watcher_turns[cpu] + 1;
        if (now - last >= tick_counts) {
            last = now;
            bt_signal(root.events);
        }
        bt_yield();
    }
}

static uint64_t turns_of(unsigned cpu)
{
    return cpu < MAX_WATCHERS ? watcher_turns[cpu] : 0;
}

static bool read_config(struct fuzz_root *r)
{
    r->config = (struct fuzz_config){.seed = DEFAULT_SEED, .iters = DEFAULT_ITERS};
    struct cpio_entry e;
    if (cpio_find((const void *)r->bi->archive_vaddr, r->bi->archive_size, "fuzz.conf", &e) !=
        CPIO_OK) {
        return true; /* the defaults */
    }
    char why[96];
    if (!config_parse((const char *)e.data, e.size, &r->config, why, sizeof(why))) {
        bt_printf("fuzz: fuzz.conf: %s\n", why);
        return false;
    }
    return true;
}

/* Root's long-lived objects: the arena, the shared pages, the endpoint for
 * faults, the notification for ticks, the watchers. */
static bool setup(struct fuzz_root *r)
{
    struct bt_alloc *a = &r->alloc;
    bt_alloc_init_root(a, r->bi);
    r->arena = bt_alloc_object(a, BT_OBJ_UNTYPED, ARENA_BITS);
    r->control_frame = bt_alloc_object(a, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    r->counters_frame = bt_alloc_object(a, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    r->fault_ep = bt_alloc_object(a, BT_OBJ_ENDPOINT, 0);
    r->events = bt_alloc_object(a, BT_OBJ_NOTIFICATION, 0);
    r->reply = bt_alloc_object(a, BT_OBJ_REPLY, 0);
    r->admin = bt_alloc_slot(a);
    for (unsigned i = 1; i < ADMIN_SLOTS; i++) {
        bt_alloc_slot(a); /* consecutive: the allocator hands out slots in order */
    }
    if (r->arena == 0 || r->control_frame == 0 || r->counters_frame == 0 || r->fault_ep == 0 ||
        r->events == 0 || r->reply == 0 || r->admin == 0 ||
        bt_alloc_map(a, a->task, r->control_frame, FUZZ_CONTROL_VA, BT_RIGHT_READ | BT_RIGHT_WRITE,
                     BT_MAP_CACHED) != BT_OK ||
        bt_alloc_map(a, a->task, r->counters_frame, FUZZ_COUNTERS_VA,
                     BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) != BT_OK ||
        bt_thread_bind_notification(r->bi->self_thread, r->events) != BT_OK ||
        !sandbox_find_text(r)) {
        bt_printf("fuzz: cannot set up\n");
        return false;
    }
    for (unsigned i = 0; i < FUZZ_MAX_THREADS * FUZZ_STATS_PAGES; i++) {
        bt_cptr_t *f = &r->stats_frame[i / FUZZ_STATS_PAGES][i % FUZZ_STATS_PAGES];
        *f = bt_alloc_object(a, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
        if (*f == 0 || bt_alloc_map(a, a->task, *f,
                                    FUZZ_STATS_VA(i / FUZZ_STATS_PAGES) +
                                        (i % FUZZ_STATS_PAGES) * BT_PAGE_SIZE,
                                    BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) != BT_OK) {
            bt_printf("fuzz: cannot set up\n");
            return false;
        }
    }
    r->control = (struct fuzz_control *)FUZZ_CONTROL_VA;
    r->counters = (struct fuzz_counters *)FUZZ_COUNTERS_VA;
    r->control->limit = r->config.iters;
    r->control->trace = r->config.trace;
    tick_counts = r->bi->timer_frequency * TICK_US / 1000000;
    for (unsigned c = 0; c < MAX_WATCHERS && c < r->bi->cpu_count; c++) {
        watchers[c] = bt_alloc_thread(a, watcher, c, FUZZ_PRIORITY, c, 0);
        if (watchers[c] == 0) {
            bt_printf("fuzz: cannot start the watchers\n");
            return false;
        }
    }
    return true;
}

/* The calls made so far. The counters page is writable by the sandbox, so
 * a thread running stray code could scribble on it: a count that went
 * backwards or past the limit is put back to the last good one. */
static uint64_t issued_now(struct fuzz_root *r, uint64_t *last_good)
{
    uint64_t cur = __atomic_load_n(&r->counters->issued, __ATOMIC_ACQUIRE);
    if (cur < *last_good || cur > r->config.iters) {
        __atomic_compare_exchange_n(&r->counters->issued, &cur, *last_good, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE);
        r->corruptions++;
        bt_printf("fuzz: the call counter was overwritten (%lu); reset to %lu\n", cur, *last_good);
        return *last_good;
    }
    *last_good = cur;
    return cur;
}

static void restart(struct fuzz_root *r, unsigned i, bool *rebuild)
{
    struct sandbox *sb = &r->sb;
    if (r->config.trace) {
        bt_printf("fuzz: restart %u\n", i);
    }
    sb->strikes[i]++;
    r->restarts++;
    if (sb->strikes[i] > MAX_STRIKES) {
        r->gave_up++;
        *rebuild = true;
        if (r->config.verbose) {
            struct bt_thread_regs regs = {0};
            enum bt_status st = bt_thread_read_regs(sb->thread[i], &regs);
            bt_printf("fuzz: thread %u stays stuck (%d): pc %lx sp %lx x0 %lx\n", i, st, regs.pc,
                      regs.sp, regs.x0);
        }
    } else if (!sandbox_restart(r, i)) {
        r->lost++;
        *rebuild = true;
    }
}

static void handle_fault(struct fuzz_root *r, const struct bt_msg *m, bool *rebuild)
{
    struct sandbox *sb = &r->sb;
    unsigned i = (unsigned)(m->badge & 0xff) - 1;
    r->faults++;
    if (m->badge >> 8 != sb->number || i >= sb->thread_count) {
        struct bt_msg none = {.tag = 0};
        bt_reply(r->reply, &none); /* not ours (cannot happen): let it go */
        return;
    }
    uint64_t esr = m->mr[2];
    if (BT_TAG_LABEL(m->tag) == BT_FAULT_OTHER && esr >> 26 == ESR_EC_BRK64 &&
        (esr & 0xffff) == FUZZ_HEARTBEAT) {
        /* Resume it after the brk. */
        struct bt_thread_regs regs;
        struct bt_msg none = {.tag = 0};
        r->faults--;
        r->heartbeats++;
        if (bt_thread_read_regs(sb->thread[i], &regs) == BT_OK &&
            bt_thread_write_regs(sb->thread[i], regs.pc + 4, regs.sp, regs.x0, regs.x1) == BT_OK &&
            bt_reply(r->reply, &none) == BT_OK) {
            return;
        }
    }
    if (r->config.verbose) {
        bt_printf("fuzz: thread %u faulted: label %lx addr %lx pc %lx\n", i,
                  (uint64_t)(BT_TAG_LABEL(m->tag) - BT_LABEL_KERNEL), m->mr[0], m->mr[1]);
    }
    restart(r, i, rebuild);
}

/* Restarts threads whose progress stood still; true if the sandbox should
 * be rebuilt. */
/*
 * Restarts threads whose progress stood still; true if the sandbox should
 * be rebuilt. Still for STUCK_US is not enough: the host may not run a
 * virtual CPU for that long. The thread's CPU must also have had time for
 * it: its watcher had two turns, so the thread had one if it could run.
 */
static bool watch(struct fuzz_root *r, uint64_t issued)
{
    struct sandbox *sb = &r->sb;
    uint64_t now = fuzz_now();
    uint64_t stuck = r->bi->timer_frequency * STUCK_US / 1000000;
    uint64_t hopeless = r->bi->timer_frequency * HOPELESS_MS / 1000;
    bool rebuild = issued - sb->start_issued >= sb->budget;
    for (unsigned i = 0; i < sb->thread_count; i++) {
        uint64_t p = __atomic_load_n(&r->counters->thread[i].progress, __ATOMIC_ACQUIRE);
        uint64_t turns = turns_of(sb->cpu[i]);
        if (p != sb->seen[i]) {
            sb->seen[i] = p;
            sb->since[i] = now;
            sb->turns[i] = turns;
            sb->strikes[i] = 0;
        } else if ((now - sb->since[i] > stuck && turns - sb->turns[i] >= 2) ||
                   now - sb->since[i] > hopeless) {
            sb->since[i] = now;
            sb->turns[i] = turns;
            restart(r, i, &rebuild);
        }
    }
    return rebuild;
}

static bool build(struct fuzz_root *r, uint64_t issued)
{
    if (!sandbox_build(r, (unsigned)r->sandboxes)) {
        return false;
    }
    r->sb.start_issued = issued;
    r->sb.budget = BUDGET_MIN + fuzz_below(&r->rng, BUDGET_MAX - BUDGET_MIN);
    uint64_t now = fuzz_now();
    for (unsigned i = 0; i < r->sb.thread_count; i++) {
        r->sb.since[i] = now;
        r->sb.turns[i] = turns_of(r->sb.cpu[i]);
    }
    if (r->config.verbose) {
        bt_printf("fuzz: sandbox %lu: %u threads, %lu slots%s\n", r->sandboxes, r->sb.thread_count,
                  1ul << r->control->cnode_bits, r->sb.fragile ? ", fragile" : "");
    }
    r->sandboxes++;
    return true;
}

/* Fuzzes until the calls are made; false if root itself failed. */
static bool fuzz(struct fuzz_root *r)
{
    uint64_t last_good = 0, next_report = REPORT_EVERY;
    unsigned empty = 0;
    if (!build(r, 0)) {
        return false;
    }
    for (;;) {
        struct bt_msg m = {.tag = 0};
        bool rebuild = false;
        enum bt_status st = bt_recv(r->fault_ep, r->reply, &m);
        if (st == BT_OK && BT_TAG_LABEL(m.tag) != BT_LABEL_NOTIFICATION) {
            handle_fault(r, &m, &rebuild);
        }
        uint64_t issued = issued_now(r, &last_good);
        if (issued >= r->config.iters) {
            break;
        }
        if (issued >= next_report) {
            bt_printf("fuzz: %lu calls, %lu ms, %lu sandboxes, %lu restarts, %lu faults\n", issued,
                      (fuzz_now() - r->start) * 1000 / r->bi->timer_frequency, r->sandboxes,
                      r->restarts, r->faults);
            next_report += REPORT_EVERY;
        }
        if (!watch(r, issued) && !rebuild) {
            continue;
        }
        empty = issued == r->sb.start_issued ? empty + 1 : 0;
        if (empty >= MAX_EMPTY_SANDBOXES) {
            bt_printf("fuzz: %u sandboxes in a row made no calls\n", empty);
            return false;
        }
        sandbox_destroy(r);
        if (!build(r, issued)) {
            return false;
        }
    }
    sandbox_destroy(r);
    return true;
}

static const char *const status_names[FUZZ_STAT_STATUSES] = {
    "ok",    "syscall", "cap",  "type",       "rights", "arg",  "align",   "addr",
    "nomem", "exists",  "busy", "wouldblock", "gone",   "full", "notable", "other"};

static const char *call_name(unsigned nr)
{
    static const char *const names[FUZZ_STAT_CALLS] = {
        [BT_SYS_DEBUG_WRITE] = "debug_write",
        [BT_SYS_THREAD_EXIT] = "thread_exit",
        [BT_SYS_NULL] = "null",
        [BT_SYS_YIELD] = "yield",
        [BT_SYS_DEBUG_NAME] = "debug_name",
        [BT_SYS_CALL] = "call",
        [BT_SYS_REPLY_RECV] = "reply_recv",
        [BT_SYS_SEND] = "send",
        [BT_SYS_NBSEND] = "nbsend",
        [BT_SYS_RECV] = "recv",
        [BT_SYS_NBRECV] = "nbrecv",
        [BT_SYS_REPLY] = "reply",
        [BT_SYS_SIGNAL] = "signal",
        [BT_SYS_WAIT] = "wait",
        [BT_SYS_POLL] = "poll",
        [BT_SYS_CAP_COPY] = "cap_copy",
        [BT_SYS_CAP_MINT] = "cap_mint",
        [BT_SYS_CAP_MOVE] = "cap_move",
        [BT_SYS_CAP_DELETE] = "cap_delete",
        [BT_SYS_CAP_REVOKE] = "cap_revoke",
        [BT_SYS_CAP_IDENTIFY] = "cap_identify",
        [BT_SYS_UNTYPED_RETYPE] = "untyped_retype",
        [BT_SYS_TASK_MAP] = "task_map",
        [BT_SYS_TASK_UNMAP] = "task_unmap",
        [BT_SYS_TASK_MAP_TABLE] = "task_map_table",
        [BT_SYS_TASK_UNMAP_TABLE] = "task_unmap_table",
        [BT_SYS_THREAD_CONFIGURE] = "thread_configure",
        [BT_SYS_THREAD_WRITE_REGS] = "thread_write_regs",
        [BT_SYS_THREAD_READ_REGS] = "thread_read_regs",
        [BT_SYS_THREAD_SET_SCHED] = "thread_set_sched",
        [BT_SYS_THREAD_RESUME] = "thread_resume",
        [BT_SYS_THREAD_SUSPEND] = "thread_suspend",
        [BT_SYS_THREAD_BIND_NOTIFICATION] = "thread_bind_notification",
        [BT_SYS_IRQ_CONTROL_GET] = "irq_control_get",
        [BT_SYS_IRQ_SET_NOTIFICATION] = "irq_set_notification",
        [BT_SYS_IRQ_ACK] = "irq_ack",
        [BT_SYS_SYSTEM_POWER] = "system_power",
        [BT_SYS_VCPU_CONFIGURE] = "vcpu_configure",
        [BT_SYS_VCPU_WRITE_REGS] = "vcpu_write_regs",
        [BT_SYS_VCPU_READ_REG] = "vcpu_read_reg",
        [BT_SYS_VCPU_KICK] = "vcpu_kick",
        [FUZZ_STAT_CALLS - 1] = "(others)",
    };
    return nr < FUZZ_STAT_CALLS && names[nr] != NULL ? names[nr] : "(no such call)";
}

/* One line per call number: how often it returned, how often BT_OK, and
 * its most frequent errors. */
static void print_stats(void)
{
    uint64_t sum[FUZZ_STAT_CALLS][FUZZ_STAT_STATUSES] = {{0}};
    for (unsigned t = 0; t < FUZZ_MAX_THREADS; t++) {
        const struct fuzz_stats *s = (const struct fuzz_stats *)FUZZ_STATS_VA(t);
        for (unsigned c = 0; c < FUZZ_STAT_CALLS; c++) {
            for (unsigned st = 0; st < FUZZ_STAT_STATUSES; st++) {
                sum[c][st] += s->count[c][st];
            }
        }
    }
    for (unsigned c = 0; c < FUZZ_STAT_CALLS; c++) {
        uint64_t total = 0;
        unsigned top[3] = {0, 0, 0};
        for (unsigned st = 0; st < FUZZ_STAT_STATUSES; st++) {
            total += sum[c][st];
            for (unsigned k = 0; k < 3 && st != 0; k++) {
                if (top[k] == 0 || sum[c][st] > sum[c][top[k]]) {
                    for (unsigned j = 2; j > k; j--) {
                        top[j] = top[j - 1];
                    }
                    top[k] = st;
                    break;
                }
            }
        }
        if (total == 0) {
            continue;
        }
        bt_printf("fuzz:   %2u %-24s %7lu returned, %6lu ok", c, call_name(c), total, sum[c][0]);
        for (unsigned k = 0; k < 3; k++) {
            if (top[k] != 0 && sum[c][top[k]] != 0) {
                bt_printf(", %s %lu", status_names[top[k]], sum[c][top[k]]);
            }
        }
        bt_printf("\n");
    }
}

int main(uint64_t arg)
{
    struct fuzz_root *r = &root;
    r->bi = (const struct bt_bootinfo *)arg;
    bool ok = read_config(r);
    if (ok) {
        bt_printf("fuzz: seed %lu\n", r->config.seed);
        r->rng = r->config.seed;
        ok = setup(r);
    }
    r->start = fuzz_now();
    if (ok) {
        bt_printf("fuzz: %lu calls from sandboxes on %lu CPUs\n", r->config.iters,
                  r->bi->cpu_count);
        ok = fuzz(r);
        for (unsigned c = 0; c < MAX_WATCHERS; c++) {
            if (watchers[c] != 0) {
                bt_thread_suspend(watchers[c]);
            }
        }
    }
    if (ok) {
        uint64_t ms = (fuzz_now() - r->start) * 1000 / r->bi->timer_frequency;
        uint64_t n = r->counters->issued;
        bt_printf("fuzz: made %lu calls in %lu ms (%lu per second), %lu sandboxes, "
                  "%lu restarts, %lu faults\n",
                  n, ms, ms != 0 ? n * 1000 / ms : 0, r->sandboxes, r->restarts, r->faults);
        bt_printf("fuzz: sandboxes rebuilt because a thread could not be restarted: %lu, "
                  "stayed stuck: %lu\n",
                  r->lost, r->gave_up);
        print_stats();
        ok = check_system(r);
    }
    if (ok) {
        bt_printf("fuzz: %lu calls, system healthy\n", r->counters->issued);
    } else {
        bt_printf("fuzz: FAILED\n");
    }
    bt_system_power(r->bi->system, BT_POWER_OFF);
    return 0;
}
