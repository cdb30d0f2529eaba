/*
 * ktest: memory (docs/kernel-api.md, "Tasks and mappings"): mapping frames
 * with READ/WRITE/EXEC in another task, translation tables the manager
 * provides (BT_E_NOTABLE with the missing level), alignment and range
 * errors, shared frames, 2 MiB frames, code written into a frame and run,
 * write and execute protection seen as fault messages, unmapping, and a
 * pager that resolves page faults so the faulting thread continues.
 *
 * Child threads run functions of the suite in a task of their own (see
 * threads.c) and report to root through slot 1 of their CNode.
 */
#include "ktest.h"

#define CHILD_VA 0x0000008000000000UL /* level-0 entry 1: no table of the program */
#define ESR_EC(esr) ((esr) >> 26)
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define ESR_WNR (1UL << 6)

/* A64 encodings for code written at run time. */
#define A64_MOVZ(rd, imm) (0xd2800000u | ((uint32_t)(imm) << 5) | (rd))
#define A64_SVC0 0xd4000001u
#define A64_B_SELF 0x14000000u

/* Child: reads the word at va and reports it through slot 1 until the read
 * faults. */
static void child_reader(uint64_t va)
{
    for (;;) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0)};
        m.mr[0] = *(volatile uint64_t *)va;
        bt_call(1, &m);
    }
}

/* Child: writes the word at va, then reports. */
static void child_writer(uint64_t va)
{
    *(volatile uint64_t *)va = 0x77;
    struct bt_msg m = {.tag = BT_TAG(2, 0, 0)};
    bt_call(1, &m);
}

/* A child task with the suite's program, an endpoint (root's ep) at its
 * slot 1 and fault messages sent to ep too. */
struct probe {
    struct kt_task ct;
    bt_cptr_t ep, reply;
};

static bool probe_make(struct kt *kt, struct probe *p)
{
    p->ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    p->reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    return p->reply != 0 && kt_task_make(kt, &p->ct, 4, true) &&
           kt_task_put(kt, &p->ct, 1, p->ep, BT_RIGHT_WRITE, 0);
}

static bool probe_run(struct kt *kt, struct probe *p, kt_entry fn, uint64_t arg)
{
    return kt_task_thread(kt, &p->ct, fn, arg, 100, 0, p->ep) != 0;
}

static void map_reports_each_missing_table_level(struct kt *kt)
{
    bt_cptr_t task = kt_obj(kt, BT_OBJ_TASK, 0);
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(task != 0 && frame != 0);
    for (uint64_t want = 1; want <= 3; want++) {
        uint64_t level = 0;
        KT_ST(bt_task_map(task, frame, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, &level),
              BT_E_NOTABLE);
        KT_EQ(level, want);
        bt_cptr_t table = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
        KT_TRY(table != 0);
        KT_OK(bt_task_map_table(task, table, CHILD_VA, &level));
        KT_EQ(level, want);
    }
    KT_OK(bt_task_map(task, frame, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, NULL));
    bt_cptr_t extra = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(extra != 0);
    KT_ST(bt_task_map_table(task, extra, CHILD_VA, NULL), BT_E_EXISTS);
    /* A table capability maps once, like a frame's. */
    KT_OK(bt_task_map_table(task, extra, CHILD_VA + (1UL << 39), NULL));
    KT_ST(bt_task_map_table(task, extra, CHILD_VA + (2UL << 39), NULL), BT_E_BUSY);
    /* A 2 MiB block cannot go where a level-3 table is. */
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    KT_TRY(big != 0);
    KT_ST(bt_task_map(task, big, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_EXISTS);
}

static void large_frame_needs_tables_down_to_level_2_only(struct kt *kt)
{
    bt_cptr_t task = kt_obj(kt, BT_OBJ_TASK, 0);
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    KT_TRY(task != 0 && big != 0);
    uint64_t level = 0;
    KT_ST(bt_task_map(task, big, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, &level), BT_E_NOTABLE);
    KT_EQ(level, 1);
    bt_cptr_t l1 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(l1 != 0);
    KT_OK(bt_task_map_table(task, l1, CHILD_VA, &level));
    KT_ST(bt_task_map(task, big, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, &level), BT_E_NOTABLE);
    KT_EQ(level, 2);
    bt_cptr_t l2 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(l2 != 0);
    KT_OK(bt_task_map_table(task, l2, CHILD_VA, &level));
    KT_OK(bt_task_map(task, big, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, &level));
    /* The block covers the range a level-3 table would serve. */
    bt_cptr_t l3 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(l3 != 0);
    KT_ST(bt_task_map_table(task, l3, CHILD_VA + 0x1000, NULL), BT_E_EXISTS);
}

static void large_frame_is_usable_as_one_2mib_block(struct kt *kt)
{
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    KT_TRY(big != 0);
    volatile uint64_t *p = kt_map_root(kt, big, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(p != NULL);
    struct bt_cap_info info;
    KT_OK(bt_cap_identify(big, &info));
    KT_EQ(info.size_bits, 21);
    KT_EQ(info.extra, (uint64_t)p);
    KT_EQ(info.paddr & 0x1fffff, 0);
    const uint64_t words = (1UL << 21) / 8;
    for (uint64_t i = 0; i < words; i += 512) {
        p[i] = i;
    }
    p[words - 1] = 0xe0d;
    for (uint64_t i = 0; i < words; i += 512) {
        KT_EQ(p[i], i);
    }
    KT_EQ(p[words - 1], 0xe0d);
}

static void map_at_an_unaligned_address_fails_with_align(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    bt_cptr_t ipcbuf = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t thread = kt_obj(kt, BT_OBJ_THREAD, 0);
    KT_TRY(frame != 0 && big != 0 && ipcbuf != 0 && thread != 0);
    uint64_t va = kt_va(kt, 1UL << 22);
    KT_ST(bt_task_map(kt_env.task, frame, va + 0x800, BT_RIGHT_READ, BT_MAP_CACHED, NULL),
          BT_E_ALIGN);
    KT_ST(bt_task_map(kt_env.task, frame, va + 1, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_ALIGN);
    KT_ST(bt_task_map(kt_env.task, big, va + 0x1000, BT_RIGHT_READ, BT_MAP_CACHED, NULL),
          BT_E_ALIGN);
    KT_ST(bt_thread_configure(thread, 0, 0, ipcbuf, va + 8, 0), BT_E_ALIGN);
}

static void map_outside_the_task_range_fails_with_addr(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    bt_cptr_t table = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(frame != 0 && big != 0 && table != 0);
    static const uint64_t bad[] = {BT_USER_VA_END, BT_USER_VA_END + 0x200000, 0xffff800000000000UL,
                                   0xfffffffffffff000UL};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum bt_status st =
            bt_task_map(kt_env.task, frame, bad[i], BT_RIGHT_READ, BT_MAP_CACHED, NULL);
        KT_ASSERT(st == BT_E_ADDR, "map at 0x%lx: expected BT_E_ADDR, got %s", bad[i],
                  kt_status_name(st));
    }
    KT_ST(bt_task_map(kt_env.task, big, BT_USER_VA_END, BT_RIGHT_READ, BT_MAP_CACHED, NULL),
          BT_E_ADDR);
    KT_ST(bt_task_map_table(kt_env.task, table, BT_USER_VA_END, NULL), BT_E_ADDR);
}

static void map_rights_must_lie_within_the_frame_capability(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t ro = frame != 0 ? kt_copy(kt, frame, BT_RIGHT_READ) : 0;
    KT_TRY(ro != 0);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_OK(kt_map(kt, kt_env.task, frame, va, BT_RIGHT_READ)); /* makes the tables */
    KT_OK(bt_task_unmap(frame));
    KT_ST(bt_task_map(kt_env.task, ro, va, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED, NULL),
          BT_E_RIGHTS);
    KT_ST(bt_task_map(kt_env.task, ro, va, BT_RIGHT_READ | BT_RIGHT_EXEC, BT_MAP_CACHED, NULL),
          BT_E_RIGHTS);
    KT_ST(bt_task_map(kt_env.task, frame, va, BT_RIGHT_WRITE, BT_MAP_CACHED, NULL), BT_E_RIGHTS);
    KT_ST(bt_task_map(kt_env.task, frame, va, 0, BT_MAP_CACHED, NULL), BT_E_RIGHTS);
    KT_OK(bt_task_map(kt_env.task, ro, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL));
}

static void map_needs_a_writable_task_and_a_frame(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro_task = kt_copy(kt, kt_env.task, BT_RIGHT_READ);
    KT_TRY(frame != 0 && ep != 0 && ro_task != 0);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_ST(bt_task_map(ro_task, frame, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_RIGHTS);
    KT_ST(bt_task_map(ep, frame, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_TYPE);
    KT_ST(bt_task_map(kt_env.task, ep, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_TYPE);
    KT_ST(bt_task_map_table(kt_env.task, frame, va, NULL), BT_E_TYPE);
    KT_ST(bt_task_unmap(ep), BT_E_TYPE);
    KT_ST(bt_task_unmap_table(frame), BT_E_TYPE);
    KT_ST(bt_task_map(kt_env.task, 0, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_CAP);
}

static void map_with_an_unknown_attribute_fails_with_arg(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(frame != 0);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_OK(kt_map(kt, kt_env.task, frame, va, BT_RIGHT_READ));
    KT_OK(bt_task_unmap(frame));
    KT_ST(bt_task_map(kt_env.task, frame, va, BT_RIGHT_READ, 7, NULL), BT_E_ARG);
}

static void uncached_mapping_reads_back_what_was_written(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t copy = frame != 0 ? kt_copy(kt, frame, BT_RIGHTS_ALL) : 0;
    KT_TRY(copy != 0);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_OK(kt_map(kt, kt_env.task, frame, va, BT_RIGHT_READ));
    KT_OK(bt_task_unmap(frame));
    KT_OK(
        bt_task_map(kt_env.task, frame, va, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_UNCACHED, NULL));
    volatile uint64_t *p = (volatile uint64_t *)va;
    p[3] = 0xc0ffee;
    KT_EQ(p[3], 0xc0ffee);
}

static void frame_capability_maps_once_and_a_copy_shares_the_frame(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t copy = frame != 0 ? kt_copy(kt, frame, BT_RIGHTS_ALL) : 0;
    KT_TRY(copy != 0);
    volatile uint64_t *a = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(a != NULL);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_ST(bt_task_map(kt_env.task, frame, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_BUSY);
    volatile uint64_t *b = kt_map_root(kt, copy, BT_RIGHT_READ);
    KT_TRY(b != NULL);
    a[17] = 0xabc;
    KT_EQ(b[17], 0xabc);
}

static void map_over_an_existing_mapping_fails_with_exists(struct kt *kt)
{
    bt_cptr_t f1 = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t f2 = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(f1 != 0 && f2 != 0);
    uint64_t va = kt_va(kt, BT_PAGE_SIZE);
    KT_OK(kt_map(kt, kt_env.task, f1, va, BT_RIGHT_READ));
    KT_ST(bt_task_map(kt_env.task, f2, va, BT_RIGHT_READ, BT_MAP_CACHED, NULL), BT_E_EXISTS);
    struct bt_cap_info info;
    KT_OK(bt_cap_identify(f2, &info));
    KT_EQ(info.extra, 0);
}

static void write_to_a_read_only_mapping_faults_with_address_and_pc(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(frame != 0);
    KT_OK(kt_map(kt, p.ct.task, frame, CHILD_VA, BT_RIGHT_READ));
    KT_TRY(probe_run(kt, &p, child_writer, CHILD_VA + 0x18));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], CHILD_VA + 0x18);
    KT_ASSERT(m.mr[1] >= (uint64_t)child_writer && m.mr[1] < (uint64_t)child_writer + 64,
              "fault pc 0x%lx is not in child_writer (0x%lx)", m.mr[1], (uint64_t)child_writer);
    KT_EQ(ESR_EC(m.mr[2]), EC_DABT_LOW);
    KT_ASSERT(m.mr[2] & ESR_WNR, "the syndrome 0x%lx does not say write", m.mr[2]);
    KT_EQ(m.mr[3] >> 28, KT_CHILD_STACKS >> 28); /* sp lies in the child's stack */
}

static void unmapped_frame_is_no_longer_accessible(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    volatile uint64_t *mine =
        frame != 0 ? kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE) : NULL;
    bt_cptr_t copy = mine != NULL ? kt_copy(kt, frame, BT_RIGHTS_ALL) : 0;
    KT_TRY(copy != 0);
    mine[0] = 0x1111;
    KT_OK(kt_map(kt, p.ct.task, copy, CHILD_VA, BT_RIGHT_READ));
    KT_TRY(probe_run(kt, &p, child_reader, CHILD_VA));
    struct bt_msg m;
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_EQ(m.mr[0], 0x1111);
    KT_OK(bt_task_unmap(copy));
    struct bt_cap_info info;
    KT_OK(bt_cap_identify(copy, &info));
    KT_EQ(info.extra, 0);
    KT_OK(bt_reply(p.reply, &m));
    KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], CHILD_VA);
    KT_OK(bt_task_unmap(copy)); /* unmapping twice is harmless */
}

static void deleting_a_mapped_frame_capability_removes_its_mapping(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(frame != 0);
    KT_OK(kt_map(kt, p.ct.task, frame, CHILD_VA, BT_RIGHT_READ));
    KT_TRY(probe_run(kt, &p, child_reader, CHILD_VA + 8));
    struct bt_msg m;
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_EQ(m.mr[0], 0);
    KT_OK(bt_cap_delete(kt_env.cnode, frame));
    KT_OK(bt_reply(p.reply, &m));
    KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], CHILD_VA + 8);
}

static void unmapping_a_page_table_removes_the_mappings_below_it(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t l1 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    bt_cptr_t l2 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    bt_cptr_t l3 = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    KT_TRY(frame != 0 && l3 != 0);
    /* CHILD_VA lies in a level-0 entry of its own: these are its tables. */
    KT_OK(bt_task_map_table(p.ct.task, l1, CHILD_VA, NULL));
    KT_OK(bt_task_map_table(p.ct.task, l2, CHILD_VA, NULL));
    KT_OK(bt_task_map_table(p.ct.task, l3, CHILD_VA, NULL));
    KT_OK(bt_task_map(p.ct.task, frame, CHILD_VA, BT_RIGHT_READ, BT_MAP_CACHED, NULL));
    KT_TRY(probe_run(kt, &p, child_reader, CHILD_VA));
    struct bt_msg m;
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_OK(bt_task_unmap_table(l2));
    KT_OK(bt_reply(p.reply, &m));
    KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], CHILD_VA);
    uint64_t level = 0;
    KT_OK(bt_task_map_table(p.ct.task, l2, CHILD_VA, &level));
    KT_EQ(level, 2); /* the removed table's place is free again */
}

static void shared_frame_shows_each_tasks_writes_to_the_other(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    volatile uint64_t *mine = kt_task_share(kt, &p.ct, CHILD_VA, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(mine != NULL);
    mine[1] = 0x5a5a;
    KT_TRY(probe_run(kt, &p, child_writer, CHILD_VA));
    struct bt_msg m;
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_EQ(BT_TAG_LABEL(m.tag), 2);
    KT_EQ(mine[0], 0x77);
    KT_OK(bt_reply(p.reply, &m));
    /* And the other way: a reader there sees root's word. */
    KT_TRY(probe_run(kt, &p, child_reader, CHILD_VA + 8));
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_EQ(m.mr[0], 0x5a5a);
}

/* Child: touches four pages in different 2 MiB regions (each needs a page
 * and a table from the pager), then reports the sum of what it read back. */
static void child_touch_pages(uint64_t va)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < 4; i++) {
        volatile uint64_t *p = (volatile uint64_t *)(va + i * 0x200000 + i * 8);
        *p = 0x100 + i;
        sum += *p;
    }
    struct bt_msg m = {.tag = BT_TAG(3, 1, 0), .mr = {sum}};
    bt_call(1, &m);
}

static void pager_maps_the_faulting_page_and_the_thread_continues(struct kt *kt)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t frames[4];
    KT_TRY(probe_run(kt, &p, child_touch_pages, CHILD_VA));
    struct bt_msg m;
    for (uint64_t i = 0; i < 4; i++) {
        KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
        KT_EQ(m.mr[0], CHILD_VA + i * 0x200000 + i * 8);
        frames[i] = kt_obj(kt, BT_OBJ_FRAME, 12);
        KT_TRY(frames[i] != 0);
        KT_OK(kt_map(kt, p.ct.task, frames[i], m.mr[0] & ~(BT_PAGE_SIZE - 1),
                     BT_RIGHT_READ | BT_RIGHT_WRITE));
        m.tag = 0; /* a fault reply: no label of the kernel's */
        KT_OK(bt_reply(p.reply, &m));
    }
    KT_OK(kt_recv_within(p.ep, p.reply, &m, 1000));
    KT_EQ(BT_TAG_LABEL(m.tag), 3);
    KT_EQ(m.mr[0], 0x100 + 0x101 + 0x102 + 0x103);
    for (uint64_t i = 0; i < 4; i++) {
        bt_cptr_t copy = kt_copy(kt, frames[i], BT_RIGHT_READ);
        volatile uint64_t *page = copy != 0 ? kt_map_root(kt, copy, BT_RIGHT_READ) : NULL;
        KT_TRY(page != NULL);
        KT_EQ(page[i], 0x100 + i);
    }
}

/* Writes code into a fresh frame: signal the capability at child slot
 * `slot`, then exit. Returns root's view of the frame. */
static volatile uint32_t *write_signal_code(struct kt *kt, bt_cptr_t *frame, unsigned slot)
{
    *frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    volatile uint32_t *code =
        *frame != 0 ? kt_map_root(kt, *frame, BT_RIGHT_READ | BT_RIGHT_WRITE) : NULL;
    if (code != NULL) {
        code[0] = A64_MOVZ(0, slot);
        code[1] = A64_MOVZ(8, BT_SYS_SIGNAL);
        code[2] = A64_SVC0;
        code[3] = A64_MOVZ(8, BT_SYS_THREAD_EXIT);
        code[4] = A64_SVC0;
        code[5] = A64_B_SELF;
    }
    return code;
}

/* A thread of ct that starts right at CHILD_VA (no program needed). */
static bt_cptr_t code_thread(struct kt *kt, struct kt_task *ct, bt_cptr_t fault_ep)
{
    bt_cptr_t t = kt_task_thread_make(kt, ct, NULL, 0, 100, 0, fault_ep);
    if (t == 0 || bt_thread_write_regs(t, CHILD_VA, KT_CHILD_STACKS + 0x1000, 0, 0) != BT_OK ||
        bt_thread_resume(t) != BT_OK) {
        kt_fail(kt, "starting a thread at 0x%lx failed", CHILD_VA);
        return 0;
    }
    return t;
}

static void code_written_into_a_frame_runs_in_a_child_task(struct kt *kt)
{
    struct kt_task ct;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0 && kt_task_make(kt, &ct, 3, false));
    KT_TRY(kt_task_put(kt, &ct, 1, ntfn, BT_RIGHT_WRITE, 0x2a));
    KT_TRY(kt_task_put(kt, &ct, 2, ntfn, BT_RIGHT_WRITE, 0x55));
    bt_cptr_t frame;
    volatile uint32_t *code = write_signal_code(kt, &frame, 1);
    bt_cptr_t copy = code != NULL ? kt_copy(kt, frame, BT_RIGHT_READ | BT_RIGHT_EXEC) : 0;
    KT_TRY(copy != 0);
    KT_OK(kt_map(kt, ct.task, copy, CHILD_VA, BT_RIGHT_READ | BT_RIGHT_EXEC));
    bt_cptr_t t = code_thread(kt, &ct, 0);
    KT_TRY(t != 0);
    KT_EQ(kt_wait_bits(ntfn, 1000), 0x2a);
    struct bt_thread_regs regs;
    KT_OK(bt_thread_read_regs(t, &regs));
    KT_EQ(regs.pc, CHILD_VA + 5 * 4); /* stopped by thread_exit */
    /* New code in the same frame runs after it is mapped again. */
    KT_OK(bt_task_unmap(copy));
    code[0] = A64_MOVZ(0, 2);
    KT_OK(bt_task_map(ct.task, copy, CHILD_VA, BT_RIGHT_READ | BT_RIGHT_EXEC, BT_MAP_CACHED, NULL));
    KT_OK(bt_thread_write_regs(t, CHILD_VA, KT_CHILD_STACKS + 0x1000, 0, 0));
    KT_OK(bt_thread_resume(t));
    KT_EQ(kt_wait_bits(ntfn, 1000), 0x55);
}

/* Maps signal code with the given rights and expects an instruction
 * abort at CHILD_VA instead of the signal. */
static void expect_fetch_fault(struct kt *kt, unsigned rights)
{
    struct probe p;
    KT_TRY(probe_make(kt, &p));
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0 && kt_task_put(kt, &p.ct, 2, ntfn, BT_RIGHT_WRITE, 0));
    bt_cptr_t frame;
    KT_TRY(write_signal_code(kt, &frame, 2) != NULL);
    bt_cptr_t copy = kt_copy(kt, frame, BT_RIGHTS_ALL);
    KT_TRY(copy != 0);
    enum bt_status st = kt_map(kt, p.ct.task, copy, CHILD_VA, rights);
    if (st == BT_E_RIGHTS && (rights & BT_RIGHT_WRITE)) {
        return; /* refusing a writable executable mapping is fine too */
    }
    KT_ST(st, BT_OK);
    KT_TRY(code_thread(kt, &p.ct, p.ep) != 0);
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, p.ep, p.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], CHILD_VA);
    KT_EQ(m.mr[1], CHILD_VA);
    KT_EQ(ESR_EC(m.mr[2]), EC_IABT_LOW);
    uint64_t bits = 0;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0);
}

static void page_mapped_without_exec_faults_on_instruction_fetch(struct kt *kt)
{
    expect_fetch_fault(kt, BT_RIGHT_READ);
}

static void writable_mapping_is_never_executable(struct kt *kt)
{
    expect_fetch_fault(kt, BT_RIGHTS_ALL & ~BT_RIGHT_GRANT);
}

static void ipc_buffer_must_be_a_writable_4k_ram_frame(struct kt *kt)
{
    bt_cptr_t thread = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t big = kt_obj(kt, BT_OBJ_FRAME, 21);
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t ro = frame != 0 ? kt_copy(kt, frame, BT_RIGHT_READ) : 0;
    KT_TRY(thread != 0 && big != 0 && ro != 0);
    uint64_t va = kt_va(kt, 1UL << 21);
    KT_ST(bt_thread_configure(thread, 0, 0, big, va, 0), BT_E_TYPE);
    KT_ST(bt_thread_configure(thread, 0, 0, ro, va, 0), BT_E_RIGHTS);
    KT_ST(bt_thread_configure(thread, 0, 0, thread, va, 0), BT_E_TYPE);
    /* A device frame: the first device untyped, reset afterwards. */
    bt_cptr_t dev = 0;
    for (uint64_t i = 0; i < kt_env.bi->untyped_count && dev == 0; i++) {
        if (kt_env.bi->untyped[i].device && kt_env.bi->untyped[i].size_bits >= 12) {
            dev = kt_env.bi->untyped[i].cptr;
        }
    }
    bt_cptr_t dframe = dev != 0 ? kt_obj_from(kt, dev, BT_OBJ_FRAME, 12) : 0;
    enum bt_status st = dframe != 0 ? bt_thread_configure(thread, 0, 0, dframe, va, 0) : BT_OK;
    if (dev != 0) {
        bt_cap_revoke(kt_env.cnode, dev);
    }
    KT_TRY(dframe != 0);
    KT_ST(st, BT_E_TYPE);
    KT_OK(bt_thread_configure(thread, 0, 0, frame, va, 0));
}

static const struct kt_case cases[] = {
    KT_CASE(map_reports_each_missing_table_level),
    KT_CASE(large_frame_needs_tables_down_to_level_2_only),
    KT_CASE(large_frame_is_usable_as_one_2mib_block),
    KT_CASE(map_at_an_unaligned_address_fails_with_align),
    KT_CASE(map_outside_the_task_range_fails_with_addr),
    KT_CASE(map_rights_must_lie_within_the_frame_capability),
    KT_CASE(map_needs_a_writable_task_and_a_frame),
    KT_CASE(map_with_an_unknown_attribute_fails_with_arg),
    KT_CASE(uncached_mapping_reads_back_what_was_written),
    KT_CASE(frame_capability_maps_once_and_a_copy_shares_the_frame),
    KT_CASE(map_over_an_existing_mapping_fails_with_exists),
    KT_CASE(write_to_a_read_only_mapping_faults_with_address_and_pc),
    KT_CASE(unmapped_frame_is_no_longer_accessible),
    KT_CASE(deleting_a_mapped_frame_capability_removes_its_mapping),
    KT_CASE(unmapping_a_page_table_removes_the_mappings_below_it),
    KT_CASE(shared_frame_shows_each_tasks_writes_to_the_other),
    KT_CASE(pager_maps_the_faulting_page_and_the_thread_continues),
    KT_CASE(code_written_into_a_frame_runs_in_a_child_task),
    KT_CASE(page_mapped_without_exec_faults_on_instruction_fetch),
    KT_CASE(writable_mapping_is_never_executable),
    KT_CASE(ipc_buffer_must_be_a_writable_4k_ram_frame),
};

KT_SUITE(kt_suite_memory, cases);
