/*
 * ktest threads and tasks: worker threads in root's own task, child tasks
 * with an address space and CNode of their own (optionally running the
 * suite's own code), system calls made in a worker so that one that wrongly
 * blocks cannot hang the suite, and receiving (fault) messages with a time
 * limit. See ktest.h.
 *
 * Child tasks get copies of root's program frames (text and read-only data
 * only), so a function run there must not touch global data: everything it
 * needs comes in its argument, its CNode and pages shared with root.
 */
#include "ktest.h"

#define THREAD_STACK_PAGES 4

/* Where every thread starts: x0 = entry, x1 = its argument. Lives in the
 * text, so it works in child tasks too. */
static void trampoline(uint64_t entry, uint64_t arg)
{
    ((kt_entry)entry)(arg);
    bt_thread_exit();
}

static bool remember(struct kt *kt, bt_cptr_t thread)
{
    if (kt->thread_count == KT_MAX_THREADS) {
        kt_fail(kt, "more than %d threads in one case", KT_MAX_THREADS);
        return false;
    }
    kt->threads[kt->thread_count++] = thread;
    return true;
}

/* Registers, scheduling and bookkeeping common to every thread made here. */
static bt_cptr_t finish_thread(struct kt *kt, bt_cptr_t thread, kt_entry entry, uint64_t arg,
                               uint64_t sp, unsigned prio, unsigned cpu)
{
    enum bt_status st =
        bt_thread_write_regs(thread, (uint64_t)trampoline, sp, (uint64_t)entry, arg);
    if (st == BT_OK) {
        st = bt_thread_set_sched(thread, prio, cpu, 0);
    }
    if (st != BT_OK) {
        kt_fail(kt, "setting up a thread: %s", kt_status_name(st));
        return 0;
    }
    return remember(kt, thread) ? thread : 0;
}

/* A thread of root's task, with an IPC buffer if with_buffer. */
static bt_cptr_t make_in_root(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio,
                              unsigned cpu, bt_cptr_t fault_ep, bool with_buffer)
{
    bt_cptr_t thread = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t ipcbuf = 0;
    void *buf = with_buffer ? kt_pages(kt, 1, &ipcbuf) : NULL;
    uint8_t *stack = kt_pages(kt, THREAD_STACK_PAGES, NULL);
    if (thread == 0 || (with_buffer && buf == NULL) || stack == NULL) {
        return 0;
    }
    enum bt_status st =
        bt_thread_configure(thread, kt_env.cnode, kt_env.task, ipcbuf, (uint64_t)buf, fault_ep);
    if (st != BT_OK) {
        kt_fail(kt, "thread_configure: %s", kt_status_name(st));
        return 0;
    }
    uint64_t sp = (uint64_t)stack + THREAD_STACK_PAGES * BT_PAGE_SIZE;
    return finish_thread(kt, thread, entry, arg, sp, prio, cpu);
}

bt_cptr_t kt_thread_make(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio, unsigned cpu,
                         bt_cptr_t fault_ep)
{
    return make_in_root(kt, entry, arg, prio, cpu, fault_ep, true);
}

static bt_cptr_t start(struct kt *kt, bt_cptr_t thread)
{
    if (thread == 0) {
        return 0;
    }
    enum bt_status st = bt_thread_resume(thread);
    if (st != BT_OK) {
        kt_fail(kt, "thread_resume: %s", kt_status_name(st));
        return 0;
    }
    return thread;
}

bt_cptr_t kt_thread(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio, unsigned cpu,
                    bt_cptr_t fault_ep)
{
    return start(kt, kt_thread_make(kt, entry, arg, prio, cpu, fault_ep));
}

bt_cptr_t kt_thread_without_buffer(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio,
                                   unsigned cpu)
{
    return start(kt, make_in_root(kt, entry, arg, prio, cpu, 0, false));
}

/* ---- child tasks ---- */

static bool map_program(struct kt *kt, struct kt_task *ct)
{
    for (unsigned i = 0; i < kt_env.program_count; i++) {
        /* A copy: each frame capability maps once. */
        bt_cptr_t copy = kt_copy(kt, kt_env.program[i].frame, BT_RIGHTS_ALL);
        if (copy == 0) {
            return false;
        }
        enum bt_status st =
            kt_map(kt, ct->task, copy, kt_env.program[i].vaddr, kt_env.program[i].rights);
        if (st != BT_OK) {
            kt_fail(kt, "mapping the program at 0x%lx: %s", kt_env.program[i].vaddr,
                    kt_status_name(st));
            return false;
        }
    }
    return true;
}

bool kt_task_make(struct kt *kt, struct kt_task *ct, unsigned cnode_bits, bool program)
{
    ct->thread_count = 0;
    ct->task = kt_obj(kt, BT_OBJ_TASK, 0);
    ct->cnode = kt_obj(kt, BT_OBJ_CNODE, cnode_bits);
    if (ct->task == 0 || ct->cnode == 0) {
        return false;
    }
    return !program || map_program(kt, ct);
}

bool kt_task_put(struct kt *kt, struct kt_task *ct, uint64_t index, bt_cptr_t src, unsigned rights,
                 uint64_t badge)
{
    enum bt_status st = badge != 0 ? bt_cap_mint(ct->cnode, index, kt_env.cnode, src, rights, badge)
                                   : bt_cap_copy(ct->cnode, index, kt_env.cnode, src, rights);
    if (st != BT_OK) {
        kt_fail(kt, "putting slot %lu into the child's slot %lu: %s", src, index,
                kt_status_name(st));
        return false;
    }
    return true;
}

void *kt_task_share(struct kt *kt, struct kt_task *ct, uint64_t vaddr, unsigned rights)
{
    bt_cptr_t frame = 0;
    void *mine = kt_pages(kt, 1, &frame);
    bt_cptr_t copy = mine != NULL ? kt_copy(kt, frame, BT_RIGHTS_ALL) : 0;
    if (copy == 0) {
        return NULL;
    }
    enum bt_status st = kt_map(kt, ct->task, copy, vaddr, rights);
    if (st != BT_OK) {
        kt_fail(kt, "mapping a shared page in the child at 0x%lx: %s", vaddr, kt_status_name(st));
        return NULL;
    }
    return mine;
}

/* A fresh frame mapped read-write at vaddr in the child. */
static bt_cptr_t child_page(struct kt *kt, struct kt_task *ct, uint64_t vaddr)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    if (frame == 0) {
        return 0;
    }
    enum bt_status st = kt_map(kt, ct->task, frame, vaddr, BT_RIGHT_READ | BT_RIGHT_WRITE);
    if (st != BT_OK) {
        kt_fail(kt, "mapping a page in the child at 0x%lx: %s", vaddr, kt_status_name(st));
        return 0;
    }
    return frame;
}

bt_cptr_t kt_task_thread_make(struct kt *kt, struct kt_task *ct, kt_entry entry, uint64_t arg,
                              unsigned prio, unsigned cpu, bt_cptr_t fault_ep)
{
    unsigned n = ct->thread_count++;
    uint64_t stack = KT_CHILD_STACKS + n * 0x10000UL;
    uint64_t ipcbuf_va = KT_CHILD_IPC_BUFFERS + n * 0x10000UL;
    bt_cptr_t thread = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t ipcbuf = child_page(kt, ct, ipcbuf_va);
    for (unsigned i = 0; i < KT_CHILD_STACK_PAGES; i++) {
        if (child_page(kt, ct, stack + i * BT_PAGE_SIZE) == 0) {
            return 0;
        }
    }
    if (thread == 0 || ipcbuf == 0) {
        return 0;
    }
    enum bt_status st =
        bt_thread_configure(thread, ct->cnode, ct->task, ipcbuf, ipcbuf_va, fault_ep);
    if (st != BT_OK) {
        kt_fail(kt, "thread_configure in a child task: %s", kt_status_name(st));
        return 0;
    }
    uint64_t sp = stack + KT_CHILD_STACK_PAGES * BT_PAGE_SIZE;
    return finish_thread(kt, thread, entry, arg, sp, prio, cpu);
}

bt_cptr_t kt_task_thread(struct kt *kt, struct kt_task *ct, kt_entry entry, uint64_t arg,
                         unsigned prio, unsigned cpu, bt_cptr_t fault_ep)
{
    return start(kt, kt_task_thread_make(kt, ct, entry, arg, prio, cpu, fault_ep));
}

/* ---- calls that might block ---- */

struct raw_call {
    uint64_t nr;
    struct bt_regs8 r;
    volatile uint64_t done;
};

static void raw_call_worker(uint64_t arg)
{
    struct raw_call *c = (struct raw_call *)arg;
    bt_syscall_raw(c->nr, &c->r);
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
}

uint64_t kt_syscall_in_worker(struct kt *kt, uint64_t nr, const struct bt_regs8 *r, uint64_t ms)
{
    struct raw_call *c = kt_mem(kt, sizeof(*c));
    if (c == NULL) {
        return KT_BLOCKED;
    }
    c->nr = nr;
    c->r = *r;
    bt_cptr_t t = kt_thread(kt, raw_call_worker, (uint64_t)c, 100, 0, 0);
    if (t == 0 || !kt_wait_word(&c->done, 1, ms)) {
        return KT_BLOCKED;
    }
    return c->r.x[0];
}

/* ---- receiving with a time limit ---- */

enum bt_status kt_recv_within(bt_cptr_t ep, bt_cptr_t reply, struct bt_msg *m, uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms);
    /* Lowest priority while polling, so the threads being waited for run. */
    bt_thread_set_sched(kt_env.thread, KT_PRIO_SPIN, 0, BT_PRIORITY_MAX);
    enum bt_status st;
    while ((st = bt_nbrecv(ep, reply, m)) == BT_E_WOULDBLOCK && kt_now() < end) {
        for (int i = 0; i < 4; i++) {
            kt_pause();
        }
    }
    bt_thread_set_sched(kt_env.thread, KT_ROOT_PRIO, 0, BT_PRIORITY_MAX);
    return st;
}

static const char *fault_label_name(uint64_t label)
{
    switch (label) {
    case BT_FAULT_MEMORY:
        return "BT_FAULT_MEMORY";
    case BT_FAULT_UNDEFINED:
        return "BT_FAULT_UNDEFINED";
    case BT_FAULT_OTHER:
        return "BT_FAULT_OTHER";
    case BT_LABEL_NOTIFICATION:
        return "BT_LABEL_NOTIFICATION";
    default:
        return "a label of no fault";
    }
}

bool kt_expect_fault(struct kt *kt, bt_cptr_t ep, bt_cptr_t reply, uint64_t label, struct bt_msg *m)
{
    *m = (struct bt_msg){0};
    enum bt_status st = kt_recv_within(ep, reply, m, 1000);
    if (st != BT_OK) {
        kt_fail(kt, "waiting for a %s fault message: expected BT_OK, got %s",
                fault_label_name(label), kt_status_name(st));
        return false;
    }
    uint64_t got = BT_TAG_LABEL(m->tag);
    if (got != label) {
        kt_fail(kt, "fault message label: expected %s, got %s (0x%lx)", fault_label_name(label),
                fault_label_name(got), got);
        return false;
    }
    if (BT_TAG_WORDS(m->tag) < 4) {
        kt_fail(kt, "fault message: expected at least 4 words (MR0-MR3), got %lu",
                BT_TAG_WORDS(m->tag));
        return false;
    }
    return true;
}
