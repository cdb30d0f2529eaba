/*
 * The sandbox: a task of its own with a CNode holding a random assortment of
 * real capabilities, and the fuzzing threads running in it on root's text.
 *
 * Everything a sandbox is made of comes from one untyped region, the arena,
 * retyped into root's admin slots (root's capabilities to the sandbox) or
 * straight into the sandbox CNode; revoking the arena destroys the sandbox
 * and whatever the fuzzing threads made of memory they were given. Root's
 * text, the control and counters pages and the fault endpoint are shared as
 * copies of root's capabilities, which live in admin slots too.
 */
#include "abi/layout.h"
#include "abi/vm.h"
#include "c/print.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "root.h"

#define SANDBOX_MAX_ENTRIES 96

/* ---- root's text, shared read-only ---- */

static bool in_shared_segment(const struct elf_image *img, uint64_t va, unsigned *rights)
{
    for (uint32_t i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t start = s->vaddr & ~(BT_PAGE_SIZE - 1);
        if ((s->flags & ELF_SEG_W) == 0 && va >= start && va < s->vaddr + s->memsz) {
            *rights = BT_RIGHT_READ | (s->flags & ELF_SEG_X ? BT_RIGHT_EXEC : 0);
            return true;
        }
    }
    return false;
}

bool sandbox_find_text(struct fuzz_root *r)
{
    const struct bt_bootinfo *bi = r->bi;
    struct cpio_entry e;
    struct elf_image img;
    char why[128];
    if (cpio_find((const void *)bi->archive_vaddr, bi->archive_size, "root", &e) != CPIO_OK ||
        !elf_check(e.data, e.size, BT_USER_VA_MIN, BT_USER_IMAGE_END, &img, why, sizeof(why))) {
        bt_printf("fuzz: cannot read my own program from the boot archive\n");
        return false;
    }
    r->text_count = 0;
    for (bt_cptr_t s = 8; s < bi->first_free_slot && r->text_count < MAX_TEXT_PAGES; s++) {
        struct bt_cap_info info;
        unsigned rights;
        if (bt_cap_identify(s, &info) == BT_OK && info.type == BT_OBJ_FRAME &&
            in_shared_segment(&img, info.extra, &rights)) {
            r->text[r->text_count++] = (struct text_page){info.extra, s, rights};
        }
    }
    return r->text_count > 0;
}

/* ---- objects and mappings ---- */

static bt_cptr_t admin_slot(struct fuzz_root *r)
{
    return r->admin_next < ADMIN_SLOTS ? r->admin + r->admin_next++ : 0;
}

/* A new object of the arena in an admin slot, or 0. */
static bt_cptr_t admin_object(struct fuzz_root *r, unsigned type, unsigned bits)
{
    bt_cptr_t slot = admin_slot(r);
    if (slot == 0 || bt_untyped_retype(r->arena, type, bits, r->bi->self_cnode, slot, 1) != BT_OK) {
        return 0;
    }
    return slot;
}

/* A copy of root's capability src in an admin slot (badged if badge != 0). */
static bt_cptr_t admin_copy(struct fuzz_root *r, bt_cptr_t src, unsigned rights, uint64_t badge)
{
    bt_cptr_t slot = admin_slot(r);
    bt_cptr_t cn = r->bi->self_cnode;
    enum bt_status st = badge != 0 ? bt_cap_mint(cn, slot, cn, src, rights, badge)
                                   : bt_cap_copy(cn, slot, cn, src, rights);
    return slot != 0 && st == BT_OK ? slot : 0;
}

/* Maps frame into a task or VM (space), making page tables of the arena. */
static bool space_map(struct fuzz_root *r, bt_cptr_t space, bt_cptr_t frame, uint64_t va,
                      unsigned rights)
{
    for (int tries = 0; tries < 5; tries++) {
        uint64_t level = 0;
        enum bt_status st = bt_task_map(space, frame, va, rights, BT_MAP_CACHED, &level);
        if (st != BT_E_NOTABLE) {
            return st == BT_OK;
        }
        bt_cptr_t table = admin_object(r, BT_OBJ_PAGE_TABLE, 0);
        if (table == 0 || bt_task_map_table(space, table, va, &level) != BT_OK) {
            return false;
        }
    }
    return false;
}

static bool sb_map(struct fuzz_root *r, bt_cptr_t frame, uint64_t va, unsigned rights)
{
    return space_map(r, r->sb.task, frame, va, rights);
}

/* A fresh frame of the arena mapped read-write in the sandbox. */
static bt_cptr_t sb_page(struct fuzz_root *r, uint64_t va)
{
    bt_cptr_t f = admin_object(r, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    return f != 0 && sb_map(r, f, va, BT_RIGHT_READ | BT_RIGHT_WRITE) ? f : 0;
}

static bool sb_share(struct fuzz_root *r, bt_cptr_t root_frame, uint64_t va, unsigned rights)
{
    bt_cptr_t copy = admin_copy(r, root_frame, rights, 0);
    return copy != 0 && sb_map(r, copy, va, rights);
}

/* ---- what goes into the sandbox CNode ---- */

enum how { HOW_COPY, HOW_MINT, HOW_MOVE };

struct entry {
    bt_cptr_t src; /* admin slot */
    uint8_t how;
    uint8_t type;
    uint8_t rights;
    uint64_t badge;
};

struct plan {
    struct entry e[SANDBOX_MAX_ENTRIES];
    unsigned count;
};

static void plan_add(struct plan *p, bt_cptr_t src, unsigned how, unsigned type, unsigned rights,
                     uint64_t badge)
{
    if (src != 0 && p->count < SANDBOX_MAX_ENTRIES) {
        p->e[p->count++] = (struct entry){src, (uint8_t)how, (uint8_t)type, (uint8_t)rights, badge};
    }
}

static unsigned some_rights(struct fuzz_root *r)
{
    return fuzz_chance(&r->rng, 3, 4) ? BT_RIGHTS_ALL : (unsigned)fuzz_below(&r->rng, 16);
}

/* Objects of the arena the sandbox gets (and root forgets). */
static void plan_objects(struct fuzz_root *r, struct plan *p, unsigned type, unsigned bits,
                         unsigned min, unsigned max)
{
    unsigned n = min + (unsigned)fuzz_below(&r->rng, max - min + 1);
    for (unsigned i = 0; i < n; i++) {
        bt_cptr_t s = admin_object(r, type, bits);
        if (s == 0) {
            continue;
        }
        /* A badged copy first: the original moves. */
        if ((type == BT_OBJ_ENDPOINT || type == BT_OBJ_NOTIFICATION) &&
            fuzz_chance(&r->rng, 1, 2)) {
            plan_add(p, s, HOW_MINT, type, some_rights(r), 1 + fuzz_below(&r->rng, 255));
        }
        plan_add(p, s, HOW_MOVE, type, 0, 0);
    }
}

/*
 * A vCPU of root's making, already running: a VM with the page of random
 * instructions at guest-physical 0 and a data page after it, the vCPU
 * started there at EL1, its exits going to an endpoint the sandbox gets
 * (so the fuzzing threads receive and answer them), its state page mapped
 * in the sandbox (so they inject interrupts). The sandbox gets the vCPU's
 * thread and the VM too.
 */
static bool make_vcpu(struct fuzz_root *r, struct plan *p)
{
    bt_cptr_t vm = admin_object(r, BT_OBJ_VM, 0);
    bt_cptr_t t = admin_object(r, BT_OBJ_THREAD, 0);
    bt_cptr_t ep = admin_object(r, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t state = admin_object(r, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    bt_cptr_t data = admin_object(r, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    bt_cptr_t code = admin_copy(r, r->sb.code_frame, BT_RIGHTS_ALL, 0);
    unsigned cpu = (unsigned)fuzz_below(&r->rng, r->bi->cpu_count);
    if (vm == 0 || t == 0 || ep == 0 || state == 0 || data == 0 || code == 0 ||
        !space_map(r, vm, code, 0, BT_RIGHT_READ | BT_RIGHT_EXEC) ||
        !space_map(r, vm, data, BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE) ||
        !sb_map(r, state, SB_VCPU_STATE_VA, BT_RIGHT_READ | BT_RIGHT_WRITE) ||
        bt_vcpu_configure(t, vm, state, 0, ep) != BT_OK ||
        bt_vcpu_write_regs(t, 0, 0, 0, 0, 0, BT_VCPU_PSTATE_EL1H) != BT_OK ||
        bt_thread_set_sched(t, FUZZ_MCP, cpu, 0) != BT_OK || bt_thread_resume(t) != BT_OK) {
        return false;
    }
    bt_debug_name(t, "vcpu");
    r->control->vcpu_state = 1;
    plan_add(p, t, HOW_COPY, BT_OBJ_THREAD, BT_RIGHTS_ALL, 0);
    plan_add(p, vm, HOW_COPY, BT_OBJ_VM, some_rights(r), 0);
    plan_add(p, ep, HOW_COPY, BT_OBJ_ENDPOINT, BT_RIGHTS_ALL, 0);
    return true;
}

static void plan_sandbox(struct fuzz_root *r, struct plan *p)
{
    struct sandbox *sb = &r->sb;
    unsigned share = sb->fragile ? HOW_MOVE : HOW_COPY;
    plan_add(p, sb->cnode, share, BT_OBJ_CNODE, BT_RIGHTS_ALL, 0);
    for (unsigned i = (unsigned)fuzz_below(&r->rng, 3); i > 0 && !sb->fragile; i--) {
        plan_add(p, sb->cnode, HOW_COPY, BT_OBJ_CNODE, some_rights(r), 0);
    }
    plan_add(p, sb->task, share, BT_OBJ_TASK, some_rights(r), 0);
    for (unsigned i = 0; i < sb->thread_count; i++) {
        plan_add(p, sb->thread[i], HOW_COPY, BT_OBJ_THREAD, some_rights(r), 0);
        if (fuzz_chance(&r->rng, 1, 2)) {
            plan_add(p, sb->ipcbuf[i], HOW_COPY, BT_OBJ_FRAME, some_rights(r), 0);
        }
    }
    if (fuzz_chance(&r->rng, 1, 3)) {
        plan_add(p, r->bi->irq_control, HOW_COPY, BT_OBJ_IRQ_CONTROL, BT_RIGHTS_ALL, 0);
    }
    if (fuzz_chance(&r->rng, 1, 4)) {
        const struct text_page *t = &r->text[fuzz_below(&r->rng, r->text_count)];
        plan_add(p, t->frame, HOW_COPY, BT_OBJ_FRAME, t->rights, 0);
    }
    unsigned fu_bits = 14 + (unsigned)fuzz_below(&r->rng, 8);
    plan_objects(r, p, BT_OBJ_UNTYPED, fu_bits, 1, 1);
    plan_objects(r, p, BT_OBJ_UNTYPED, 4 + (unsigned)fuzz_below(&r->rng, 9), 0, 1);
    plan_objects(r, p, BT_OBJ_ENDPOINT, 0, 1, 3);
    plan_objects(r, p, BT_OBJ_NOTIFICATION, 0, 1, 2);
    plan_objects(r, p, BT_OBJ_REPLY, 0, 1, 3);
    plan_objects(r, p, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, 1, 4);
    plan_objects(r, p, BT_OBJ_FRAME, BT_FRAME_LARGE_BITS, 0, 1);
    plan_objects(r, p, BT_OBJ_PAGE_TABLE, 0, 0, 3);
    plan_objects(r, p, BT_OBJ_CNODE, 2 + (unsigned)fuzz_below(&r->rng, 3), 0, 1);
    plan_objects(r, p, BT_OBJ_THREAD, 0, 1, 3);
    plan_objects(r, p, BT_OBJ_TASK, 0, 0, 1);
    plan_objects(r, p, BT_OBJ_VM, 0, 0, 1);
    r->control->vcpu_state = 0;
    if (fuzz_chance(&r->rng, 1, 2) && !make_vcpu(r, p)) {
        bt_printf("fuzz: cannot make a vCPU\n");
    }
}

/* Places the plan's entries at random slots; fills the hints. */
static bool place(struct fuzz_root *r, struct plan *p)
{
    struct fuzz_control *c = r->control;
    bt_cptr_t cn = r->bi->self_cnode;
    uint64_t slots = 1ull << c->cnode_bits;
    bool used[1u << FUZZ_MAX_CNODE_BITS] = {false};
    /* A capability of root's own to fill it through: the original may move
     * into the sandbox (fragile). */
    bt_cptr_t sb_cnode = admin_copy(r, r->sb.cnode, BT_RIGHTS_ALL, 0);
    if (sb_cnode == 0) {
        return false;
    }
    c->hint_count = 0;
    c->self_cnode = 0;
    unsigned placed = 0;
    for (unsigned i = 0; i < p->count && placed < slots * 3 / 4; i++) {
        const struct entry *e = &p->e[i];
        uint64_t slot;
        do {
            slot = 1 + fuzz_below(&r->rng, slots - 1);
        } while (used[slot]);
        enum bt_status st;
        switch (e->how) {
        case HOW_MINT:
            st = bt_cap_mint(sb_cnode, slot, cn, e->src, e->rights, e->badge);
            break;
        case HOW_MOVE:
            st = bt_cap_move(sb_cnode, slot, cn, e->src);
            break;
        default:
            st = bt_cap_copy(sb_cnode, slot, cn, e->src, e->rights);
            break;
        }
        if (st != BT_OK) {
            bt_printf("fuzz: cannot give the sandbox a capability (type %u): %d\n", e->type, st);
            return false;
        }
        used[slot] = true;
        placed++;
        if (e->src == r->sb.cnode && c->self_cnode == 0) {
            c->self_cnode = slot;
        }
        if (c->hint_count < FUZZ_MAX_HINTS) {
            c->hints[c->hint_count++] = (struct fuzz_hint){(uint16_t)slot, e->type, 0};
        }
    }
    bt_cap_delete(cn, sb_cnode);
    return true;
}

static void add_addr(struct fuzz_control *c, uint64_t va)
{
    if (c->addr_count < FUZZ_MAX_ADDRS) {
        c->addrs[c->addr_count++] = va;
    }
}

/* Interesting addresses of the sandbox task (never the control or counters
 * pages: a thread running stray code with its stack there would scribble on
 * them). */
static void describe_addresses(struct fuzz_root *r)
{
    struct fuzz_control *c = r->control;
    c->addr_count = 0;
    add_addr(c, 0);
    add_addr(c, BT_PAGE_SIZE);
    add_addr(c, BT_USER_VA_MIN);
    add_addr(c, r->text[0].vaddr);
    add_addr(c, r->text[r->text_count - 1].vaddr);
    for (unsigned i = 0; i < r->sb.thread_count; i++) {
        add_addr(c, SB_STACK_VA(i));
        add_addr(c, SB_STACK_VA(i) + SB_STACK_PAGES * BT_PAGE_SIZE);
        add_addr(c, SB_IPCBUF_VA(i));
    }
    for (unsigned i = 0; i < SB_SCRATCH_PAGES; i++) {
        add_addr(c, SB_SCRATCH_VA + i * BT_PAGE_SIZE);
    }
    add_addr(c, SB_SCRATCH_VA + (2ul << 20));
    add_addr(c, SB_CODE_VA);
    add_addr(c, 0x7ffff0000000ul);
    add_addr(c, BT_USER_IMAGE_END);
    add_addr(c, BT_USER_VA_END - BT_PAGE_SIZE);
    add_addr(c, BT_USER_VA_END - (2ul << 20));
    add_addr(c, BT_USER_VA_END);
}

/* ---- building, restarting, destroying ---- */

static bool make_threads(struct fuzz_root *r)
{
    struct sandbox *sb = &r->sb;
    for (unsigned i = 0; i < sb->thread_count; i++) {
        sb->thread[i] = admin_object(r, BT_OBJ_THREAD, 0);
        sb->ipcbuf[i] = sb_page(r, SB_IPCBUF_VA(i));
        sb->fault_ep[i] =
            admin_copy(r, r->fault_ep, BT_RIGHT_WRITE, (uint64_t)sb->number << 8 | (i + 1));
        for (unsigned p = 0; p < SB_STACK_PAGES; p++) {
            if (sb_page(r, SB_STACK_VA(i) + p * BT_PAGE_SIZE) == 0) {
                return false;
            }
        }
        if (sb->thread[i] == 0 || sb->ipcbuf[i] == 0 || sb->fault_ep[i] == 0) {
            return false;
        }
        sb->cpu[i] = i < r->bi->cpu_count ? i : (unsigned)fuzz_below(&r->rng, r->bi->cpu_count);
        sb->role[i] = i == 0 && fuzz_chance(&r->rng, 1, 2) ? FUZZ_ROLE_SERVER : FUZZ_ROLE_ANY;
        r->counters->thread[i].rng = r->rng ^ fuzz_rand(&r->rng);
        bt_debug_name(sb->thread[i], "fuzzer");
    }
    return true;
}

/* One instruction word: anything, or from the corners where the traps are
 * (exception generation, system registers and instructions, hints). */
static uint32_t random_instruction(struct fuzz_root *r)
{
    uint32_t w = (uint32_t)fuzz_rand(&r->rng);
    switch (fuzz_below(&r->rng, 10)) {
    case 0:
        return 0xd4000000u | (w & 0x00ffffffu); /* svc, hvc, smc, brk, hlt, ... */
    case 1:
    case 2:
        return 0xd5000000u | (w & 0x003fffffu); /* msr, mrs, sys, sysl, hints */
    default:
        /* Anything but scalar FP and Advanced SIMD (op0 = x111): QEMU 7.2
         * aborts on some unallocated FP16 encodings there
         * (disas_simd_two_reg_misc_fp16: code should not be reached). */
        return ((w >> 25) & 7) == 7 ? w & ~(1u << 27) : w;
    }
}

/* A page of random instructions, executable in the sandbox: write_regs may
 * send a thread there (ARG_PC). Root fills it through a mapping of its own. */
static bool map_random_code(struct fuzz_root *r)
{
    bt_cptr_t frame = admin_object(r, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    bt_cptr_t fill = frame != 0 ? admin_copy(r, frame, BT_RIGHTS_ALL, 0) : 0;
    if (fill == 0 || bt_alloc_map(&r->alloc, r->alloc.task, fill, FUZZ_CODE_FILL_VA,
                                  BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) != BT_OK) {
        return false;
    }
    uint32_t *words = (uint32_t *)FUZZ_CODE_FILL_VA;
    for (unsigned i = 0; i < BT_PAGE_SIZE / 4; i++) {
        words[i] = random_instruction(r);
    }
    bt_task_unmap(fill);
    r->sb.code_frame = frame;
    return sb_map(r, frame, SB_CODE_VA, BT_RIGHT_READ | BT_RIGHT_EXEC);
}

static bool map_shared(struct fuzz_root *r)
{
    for (unsigned i = 0; i < r->text_count; i++) {
        if (!sb_share(r, r->text[i].frame, r->text[i].vaddr, r->text[i].rights)) {
            return false;
        }
    }
    if (!sb_share(r, r->control_frame, FUZZ_CONTROL_VA, BT_RIGHT_READ) ||
        !sb_share(r, r->counters_frame, FUZZ_COUNTERS_VA, BT_RIGHT_READ | BT_RIGHT_WRITE)) {
        return false;
    }
    for (unsigned i = 0; i < FUZZ_MAX_THREADS * FUZZ_STATS_PAGES; i++) {
        if (!sb_share(r, r->stats_frame[i / FUZZ_STATS_PAGES][i % FUZZ_STATS_PAGES],
                      FUZZ_STATS_VA(i / FUZZ_STATS_PAGES) + (i % FUZZ_STATS_PAGES) * BT_PAGE_SIZE,
                      BT_RIGHT_READ | BT_RIGHT_WRITE)) {
            return false;
        }
    }
    if (sb_page(r, SB_BELIEF_VA) == 0 || !map_random_code(r)) {
        return false;
    }
    for (unsigned i = 0; i < SB_SCRATCH_PAGES; i += 2) {
        if (sb_page(r, SB_SCRATCH_VA + i * BT_PAGE_SIZE) == 0) {
            return false;
        }
    }
    return true;
}

static bool build_failed(unsigned n, const char *step)
{
    bt_printf("fuzz: cannot build sandbox %u: %s\n", n, step);
    return false;
}

bool sandbox_build(struct fuzz_root *r, unsigned n)
{
    struct sandbox *sb = &r->sb;
    struct fuzz_control *c = r->control;
    *sb = (struct sandbox){.number = n};
    r->admin_next = 0;
    sb->thread_count = 2 + (unsigned)fuzz_below(&r->rng, FUZZ_MAX_THREADS - 1);
    sb->fragile = fuzz_chance(&r->rng, 1, 4);
    c->cnode_bits = 5 + fuzz_below(&r->rng, FUZZ_MAX_CNODE_BITS - 4);
    sb->cnode = admin_object(r, BT_OBJ_CNODE, (unsigned)c->cnode_bits);
    sb->task = admin_object(r, BT_OBJ_TASK, 0);
    if (sb->cnode == 0 || sb->task == 0) {
        return build_failed(n, "CNode and task");
    }
    if (!map_shared(r)) {
        return build_failed(n, "shared pages");
    }
    if (!make_threads(r)) {
        return build_failed(n, "threads");
    }
    bt_debug_name(sb->task, "sandbox");
    for (unsigned i = 0; i < sb->thread_count; i++) {
        if (bt_thread_configure(sb->thread[i], sb->cnode, sb->task, sb->ipcbuf[i], SB_IPCBUF_VA(i),
                                sb->fault_ep[i]) != BT_OK) {
            return build_failed(n, "configuring threads");
        }
    }
    struct plan p = {.count = 0};
    plan_sandbox(r, &p);
    describe_addresses(r);
    if (!place(r, &p)) {
        return build_failed(n, "filling its CNode");
    }
    if (sb->fragile) {
        sb->cnode = 0; /* moved into the sandbox: its only capability */
        sb->task = 0;
    }
    /* A thread started first may already have wrecked the others (in a
     * fragile sandbox, revoking the CNode stops them all): the watch sees
     * to that. */
    for (unsigned i = 0; i < sb->thread_count; i++) {
        r->counters->thread[i].progress = 0;
        sandbox_restart(r, i);
    }
    return true;
}

bool sandbox_restart(struct fuzz_root *r, unsigned i)
{
    struct sandbox *sb = &r->sb;
    bt_cptr_t t = sb->thread[i];
    uint64_t sp = SB_STACK_VA(i) + SB_STACK_PAGES * BT_PAGE_SIZE;
    bt_thread_suspend(t);
    /* Undo what siblings may have done to it (0: leave as it is). */
    if (bt_thread_configure(t, sb->cnode, sb->task, sb->ipcbuf[i], SB_IPCBUF_VA(i),
                            sb->fault_ep[i]) != BT_OK ||
        bt_thread_bind_notification(t, 0) != BT_OK ||
        bt_thread_write_regs(t, (uint64_t)fuzzer_main, sp, i, sb->role[i]) != BT_OK ||
        bt_thread_set_sched(t, FUZZ_PRIORITY, sb->cpu[i], FUZZ_MCP) != BT_OK) {
        return false;
    }
    return bt_thread_resume(t) == BT_OK;
}

void sandbox_destroy(struct fuzz_root *r)
{
    enum bt_status st = bt_cap_revoke(r->bi->self_cnode, r->arena);
    if (st != BT_OK) {
        bt_printf("fuzz: revoking the arena failed: %d\n", st);
    }
    /* What is left are copies of root's own capabilities. */
    for (uint64_t i = 0; i < r->admin_next; i++) {
        bt_cap_delete(r->bi->self_cnode, r->admin + i);
    }
    r->admin_next = 0;
}
