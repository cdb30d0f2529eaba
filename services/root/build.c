/*
 * Building a component from its spec, and taking it apart again. Every
 * object is made of the component's budget (so it is charged to its quota
 * and destroyed with it); what the component should hold is moved into its
 * own CNode, so root keeps only a handful of slots per component: its
 * copies of the CNode, task and thread. (Its events notification, its
 * endpoint and its rings are root's own and outlive its restarts.)
 *
 * The component's address space:
 *   0x400000            its program
 *   0x580000000000 ...  rings, in the order granted (a guard page between)
 *   0x600000000000 ...  device regions, in the order granted
 *   0x7fff00000000      top of its stack (64 KiB, an unmapped guard page below)
 *   0x7fff10000000      its IPC buffer
 *   0x7fff20000000      its start info (read-only)
 *   0x7ff000000000      the boot archive (read-only; the loader and VM monitors)
 */
#include "abi/layout.h"
#include "c/print.h"
#include "elf/load.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "root.h"

#define CNODE_BITS 10
#define STACK_TOP 0x00007fff00000000UL
#define STACK_PAGES 16
#define IPC_BUFFER 0x00007fff10000000UL
#define STARTINFO 0x00007fff20000000UL
#define DEVICE_BASE 0x0000600000000000UL
#define ARCHIVE 0x00007ff000000000UL
#define RING_BASE 0x0000580000000000UL

/* The first slots of every component's CNode (abi/startinfo.h names them). */
enum { CSLOT_CNODE = 1, CSLOT_TASK, CSLOT_THREAD, CSLOT_ROOT, CSLOT_EVENTS, CSLOT_FIRST_FREE };

struct build {
    struct component *c;
    uint64_t next_slot;
    uint64_t next_device;
    uint64_t next_ring;
    size_t strings_used;    /* of si.strings; offset 0 stays "" */
    struct bt_startinfo si; /* written out at the end */
    char why[160];
};

static bool fail(struct build *b, const char *why)
{
    if (b->why[0] == 0) {
        strncpy_bounded(b->why, why, sizeof(b->why));
    }
    return false;
}

static uint64_t take_slot(struct build *b)
{
    return b->next_slot < (1UL << CNODE_BITS) ? b->next_slot++ : 0;
}

/* Moves a capability root holds into the component's CNode. */
static bool hand_over(struct build *b, bt_cptr_t root_slot, uint64_t *index)
{
    uint64_t idx = take_slot(b);
    if (idx == 0 || bt_cap_move(b->c->cnode, idx, root_alloc.cnode, root_slot) != BT_OK) {
        return fail(b, "its capability space is full");
    }
    bt_alloc_free_slot(&root_alloc, root_slot);
    if (index != NULL) {
        *index = idx;
    }
    return true;
}

static void add_entry(struct build *b, const char *name, uint32_t kind, uint32_t cptr,
                      uint64_t vaddr, uint64_t size, uint64_t value)
{
    if (b->si.entry_count == BT_START_MAX_ENTRIES) {
        fail(b, "too many grants for its start info");
        return;
    }
    struct bt_start_entry *e = &b->si.entries[b->si.entry_count++];
    strncpy_bounded(e->name, name, sizeof(e->name));
    e->kind = kind;
    e->cptr = cptr;
    e->vaddr = vaddr;
    e->size = size;
    e->value = value;
}

/* Gives the last entry added its parameter string. */
static void add_params(struct build *b, const char *params)
{
    size_t len = strlen(params);
    if (len == 0 || b->si.entry_count == 0) {
        return;
    }
    if (b->strings_used + len + 1 > BT_START_STRINGS) {
        fail(b, "too many parameters for its start info");
        return;
    }
    memcpy(b->si.strings + b->strings_used, params, len + 1);
    b->si.entries[b->si.entry_count - 1].params = (uint32_t)b->strings_used;
    b->strings_used += len + 1;
}

/* Maps a frame root holds into the component, making tables from its budget. */
static enum bt_status map_into(struct build *b, bt_cptr_t frame, uint64_t vaddr, unsigned rights,
                               unsigned attr)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t level;
        enum bt_status st = bt_task_map(b->c->task, frame, vaddr, rights, attr, &level);
        if (st != BT_E_NOTABLE) {
            return st;
        }
        bt_cptr_t table = budget_alloc(&b->c->budget, BT_OBJ_PAGE_TABLE, 0);
        if (table == 0) {
            return BT_E_NOMEM;
        }
        st = bt_task_map_table(b->c->task, table, vaddr, &level);
        if (st != BT_OK || !hand_over(b, table, NULL)) {
            return st != BT_OK ? st : BT_E_FULL;
        }
    }
    return BT_E_NOTABLE;
}

/* A fresh frame of the budget mapped at vaddr and handed over; its root
 * slot is returned through *frame if the caller needs it before. */
static bool new_page(struct build *b, uint64_t vaddr, unsigned rights)
{
    bt_cptr_t f = budget_alloc(&b->c->budget, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    if (f == 0) {
        return fail(b, "its memory quota is too small");
    }
    if (map_into(b, f, vaddr, rights, BT_MAP_CACHED) != BT_OK) {
        return fail(b, "cannot map its memory");
    }
    return hand_over(b, f, NULL);
}

/* ---- the program ---- */

static bt_cptr_t load_new_frame(void *ctx)
{
    struct build *b = ctx;
    return budget_alloc(&b->c->budget, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
}

static enum bt_status load_map(void *ctx, bt_cptr_t frame, uint64_t vaddr, unsigned rights)
{
    return map_into(ctx, frame, vaddr, rights, BT_MAP_CACHED);
}

static void load_done(void *ctx, bt_cptr_t frame)
{
    hand_over(ctx, frame, NULL);
}

static bool load_program(struct build *b, uint64_t *entry)
{
    char file[NAME_MAX + 8];
    bt_snprintf(file, sizeof(file), "%s.elf", b->c->program);
    struct cpio_entry e;
    if (cpio_find((const void *)root_info->archive_vaddr, root_info->archive_size, file, &e) !=
        CPIO_OK) {
        bt_snprintf(b->why, sizeof(b->why), "its program %s is not in the boot archive", file);
        return false;
    }
    struct elf_load_ops ops = {
        .new_frame = load_new_frame,
        .map_target = load_map,
        .done_frame = load_done,
        .ctx = b,
        .window = root_window(),
        .self_task = root_alloc.task,
    };
    char why[120];
    if (!elf_load(e.data, e.size, &ops, entry, why, sizeof(why))) {
        bt_snprintf(b->why, sizeof(b->why), "%s: %s", file, why);
        return false;
    }
    return b->why[0] == 0;
}

/* ---- grants ---- */

static bool grant_devices(struct build *b)
{
    struct component *c = b->c;
    for (unsigned i = 0; i < c->device_count; i++) {
        struct device_grant *d = &c->devices[i];
        if (d->frames[0] == 0 && !device_frames(d->paddr, d->size, d->frames)) {
            return fail(b, "a device region is not device memory, or is taken");
        }
        uint64_t va = b->next_device;
        for (uint64_t p = 0; p < d->size / BT_PAGE_SIZE; p++) {
            bt_cptr_t copy = bt_alloc_slot(&root_alloc);
            if (copy == 0 ||
                bt_cap_copy(root_alloc.cnode, copy, root_alloc.cnode, d->frames[p],
                            BT_RIGHT_READ | BT_RIGHT_WRITE) != BT_OK ||
                map_into(b, copy, va + p * BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE,
                         BT_MAP_CACHED) != BT_OK ||
                !hand_over(b, copy, NULL)) {
                return fail(b, "cannot map a device region");
            }
        }
        add_entry(b, d->name, BT_START_MEMORY, 0, va, d->size, 0);
        b->next_device = va + d->size + BT_PAGE_SIZE;
    }
    return true;
}

static bool grant_irqs(struct build *b)
{
    struct component *c = b->c;
    for (unsigned i = 0; i < c->irq_count; i++) {
        struct irq_grant *q = &c->irqs[i];
        if (q->irq == 0 && (q->irq = device_irq(q->intid, c->cpu)) == 0) {
            return fail(b, "an interrupt cannot be claimed");
        }
        uint64_t bit = 1UL << i;
        bt_cptr_t badged = bt_alloc_slot(&root_alloc);
        uint64_t idx = take_slot(b);
        if (badged == 0 || idx == 0 ||
            bt_cap_mint(root_alloc.cnode, badged, root_alloc.cnode, c->events, BT_RIGHT_WRITE,
                        bit) != BT_OK ||
            bt_irq_set_notification(q->irq, badged) != BT_OK ||
            bt_cap_copy(c->cnode, idx, root_alloc.cnode, q->irq, BT_RIGHTS_ALL) != BT_OK) {
            return fail(b, "cannot connect an interrupt");
        }
        bt_cap_delete(root_alloc.cnode, badged);
        bt_alloc_free_slot(&root_alloc, badged);
        add_entry(b, q->name, BT_START_IRQ, (uint32_t)idx, 0, 0, bit);
    }
    return true;
}

static bool grant_channels(struct build *b)
{
    struct component *c = b->c;
    for (unsigned i = 0; i < c->channel_count; i++) {
        struct channel_grant *ch = &c->channels[i];
        uint64_t idx = take_slot(b);
        if (idx == 0 ||
            bt_cap_mint(c->cnode, idx, root_alloc.cnode, components[ch->server].endpoint,
                        BT_RIGHT_WRITE | BT_RIGHT_GRANT, ch->badge) != BT_OK) {
            return fail(b, "cannot connect a channel");
        }
        add_entry(b, ch->name, BT_START_CAP, (uint32_t)idx, 0, 0, 0);
    }
    if (c->served_count > 0) {
        uint64_t idx = take_slot(b);
        if (idx == 0 ||
            bt_cap_copy(c->cnode, idx, root_alloc.cnode, c->endpoint, BT_RIGHTS_ALL) != BT_OK) {
            return fail(b, "cannot give it its endpoint");
        }
        add_entry(b, "endpoint", BT_START_CAP, (uint32_t)idx, 0, 0, 0);
        for (unsigned i = 0; i < c->served_count; i++) {
            add_entry(b, c->served[i].name, BT_START_BADGE, 0, 0, 0, c->served[i].badge);
        }
    }
    return true;
}

/* Maps a ring's memory (made on first use, of root's memory) into the
 * component and gives it the capability to signal the other end. */
static bool grant_ring(struct build *b, struct ring *r, bool client)
{
    struct component *c = b->c;
    struct component *peer = &components[client ? r->server : r->client];
    uint64_t pages = r->size / BT_PAGE_SIZE;
    uint64_t va = b->next_ring;
    for (uint64_t p = 0; p < pages; p++) {
        if (r->frames[p] == 0 &&
            (r->frames[p] = bt_alloc_object(&root_alloc, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS)) == 0) {
            return fail(b, "root has no memory left for a ring");
        }
        bt_cptr_t copy = bt_alloc_slot(&root_alloc);
        if (copy == 0 ||
            bt_cap_copy(root_alloc.cnode, copy, root_alloc.cnode, r->frames[p],
                        BT_RIGHT_READ | BT_RIGHT_WRITE) != BT_OK ||
            map_into(b, copy, va + p * BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE,
                     BT_MAP_CACHED) != BT_OK ||
            !hand_over(b, copy, NULL)) {
            return fail(b, "cannot map a ring");
        }
    }
    uint64_t idx = take_slot(b);
    uint8_t peer_bit = client ? r->server_bit : r->client_bit;
    if (idx == 0 || bt_cap_mint(c->cnode, idx, root_alloc.cnode, peer->events, BT_RIGHT_WRITE,
                                1UL << peer_bit) != BT_OK) {
        return fail(b, "cannot connect a ring");
    }
    add_entry(b, client ? r->client_name : r->server_name, BT_START_RING, (uint32_t)idx, va,
              r->size, 1UL << (client ? r->client_bit : r->server_bit));
    add_params(b, r->params);
    b->next_ring = va + r->size + BT_PAGE_SIZE;
    return true;
}

static bool grant_rings(struct build *b)
{
    for (unsigned i = 0; i < ring_count; i++) {
        struct ring *r = &rings[i];
        if ((r->client == b->c->id && !grant_ring(b, r, true)) ||
            (r->server == b->c->id && !grant_ring(b, r, false))) {
            return false;
        }
    }
    return true;
}

/* The loader and VM monitors see the boot archive, read-only. */
static bool grant_archive(struct build *b)
{
    /* A 4 KiB capability per page of a large archive (a guest kernel is
     * tens of MiB) would not fit the component's CNode: the mapped copies
     * go into a CNode of their own, made of the component's memory. */
    uint64_t pages = root_info->archive_frame_count;
    unsigned bits = 4;
    while ((1UL << bits) < pages + 1) { /* slot 0 of a CNode is not a slot */
        bits++;
    }
    bt_cptr_t view = budget_alloc(&b->c->budget, BT_OBJ_CNODE, bits);
    if (view == 0) {
        bt_printf("root: %s needs %lu KiB more to see the boot archive\n", b->c->name,
                  (64UL << bits) / 1024);
        return fail(b, "its memory quota is too small to map the boot archive");
    }
    for (uint64_t i = 0; i < pages; i++) {
        bt_cptr_t copy = bt_alloc_slot(&root_alloc);
        enum bt_status st = copy == 0 ? BT_E_FULL
                                      : bt_cap_copy(root_alloc.cnode, copy, root_alloc.cnode,
                                                    root_info->archive_frames + i, BT_RIGHT_READ);
        if (st == BT_OK) {
            st = map_into(b, copy, ARCHIVE + i * BT_PAGE_SIZE, BT_RIGHT_READ, BT_MAP_CACHED);
        }
        if (st == BT_OK) {
            st = bt_cap_move(view, i + 1, root_alloc.cnode, copy);
        }
        if (copy != 0) {
            bt_alloc_free_slot(&root_alloc, copy);
        }
        if (st != BT_OK) {
            bt_printf("root: mapping archive page %lu: error %d\n", i, st);
            return fail(b, "cannot map the boot archive");
        }
    }
    if (!hand_over(b, view, NULL)) {
        return false;
    }
    add_entry(b, "archive", BT_START_MEMORY, 0,
              ARCHIVE + (root_info->archive_vaddr & (BT_PAGE_SIZE - 1)), root_info->archive_size,
              0);
    return true;
}

/* What a component must have in its quota beyond its own needs to see the
 * boot archive: the CNode that holds the mapped pages. */
uint64_t archive_view_bytes(void)
{
    uint64_t bits = 4;
    while ((1UL << bits) < root_info->archive_frame_count + 1) {
        bits++;
    }
    return 64UL << bits;
}

/* ---- the whole ---- */

static bool make_core(struct build *b)
{
    struct component *c = b->c;
    struct budget *bg = &c->budget;
    c->cnode = budget_alloc(bg, BT_OBJ_CNODE, CNODE_BITS);
    c->task = budget_alloc(bg, BT_OBJ_TASK, 0);
    c->thread = budget_alloc(bg, BT_OBJ_THREAD, 0);
    if (c->cnode == 0 || c->task == 0 || c->thread == 0 || c->events == 0) {
        return fail(b, "its memory quota is too small");
    }
    bt_cptr_t rc = root_alloc.cnode;
    if (bt_cap_copy(c->cnode, CSLOT_CNODE, rc, c->cnode, BT_RIGHTS_ALL) != BT_OK ||
        bt_cap_copy(c->cnode, CSLOT_TASK, rc, c->task, BT_RIGHTS_ALL) != BT_OK ||
        bt_cap_copy(c->cnode, CSLOT_THREAD, rc, c->thread, BT_RIGHTS_ALL) != BT_OK ||
        bt_cap_mint(c->cnode, CSLOT_ROOT, rc, root_endpoint, BT_RIGHT_WRITE | BT_RIGHT_GRANT,
                    c->is_loader ? BADGE_LOADER : (uint64_t)c->id + 1) != BT_OK ||
        bt_cap_copy(c->cnode, CSLOT_EVENTS, rc, c->events, BT_RIGHTS_ALL) != BT_OK) {
        return fail(b, "cannot fill its capability space");
    }
    bt_debug_name(c->thread, c->name);
    bt_debug_name(c->task, c->name);
    return true;
}

static bool make_memory(struct build *b, bt_cptr_t *ipcbuf)
{
    for (uint64_t p = 1; p <= STACK_PAGES; p++) {
        if (!new_page(b, STACK_TOP - p * BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE)) {
            return false;
        }
    }
    b->c->stack_bottom = STACK_TOP - STACK_PAGES * BT_PAGE_SIZE;
    *ipcbuf = budget_alloc(&b->c->budget, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    if (*ipcbuf == 0) {
        return fail(b, "its memory quota is too small");
    }
    return map_into(b, *ipcbuf, IPC_BUFFER, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) ==
               BT_OK ||
           fail(b, "cannot map its IPC buffer");
}

/* Maps an empty start info page; fill_startinfo writes it at the very end,
 * when the first free slot is known. */
static bool map_startinfo(struct build *b, uint64_t *index)
{
    bt_cptr_t f = budget_alloc(&b->c->budget, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    if (f == 0) {
        return fail(b, "its memory quota is too small");
    }
    return (map_into(b, f, STARTINFO, BT_RIGHT_READ, BT_MAP_CACHED) == BT_OK ||
            fail(b, "cannot map its start info")) &&
           hand_over(b, f, index);
}

static bool fill_startinfo(struct build *b, uint64_t index)
{
    struct component *c = b->c;
    struct bt_startinfo *si = &b->si;
    si->magic = BT_STARTINFO_MAGIC;
    strncpy_bounded(si->name, c->name, sizeof(si->name));
    strncpy_bounded(si->args, c->args, sizeof(si->args));
    si->self_cnode = CSLOT_CNODE;
    si->self_task = CSLOT_TASK;
    si->self_thread = CSLOT_THREAD;
    si->root = CSLOT_ROOT;
    si->events = CSLOT_EVENTS;
    si->cnode_size_bits = CNODE_BITS;
    si->first_free_slot = b->next_slot;
    si->ipc_buffer_vaddr = IPC_BUFFER;
    si->cpu_count = root_info->cpu_count;
    si->timer_frequency = root_info->timer_frequency;
    /* The page is mapped in the component; root writes it through a second
     * capability mapped in its own window. */
    bt_cptr_t copy = bt_alloc_slot(&root_alloc);
    uint64_t win = root_window();
    if (copy == 0 || bt_cap_copy(root_alloc.cnode, copy, c->cnode, index, BT_RIGHTS_ALL) != BT_OK ||
        bt_task_map(root_alloc.task, copy, win, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED,
                    NULL) != BT_OK) {
        return fail(b, "cannot fill its start info");
    }
    memcpy((void *)win, si, sizeof(*si));
    bt_cap_delete(root_alloc.cnode, copy); /* unmaps it from root */
    bt_alloc_free_slot(&root_alloc, copy);
    return true;
}

static bool start_thread(struct build *b, bt_cptr_t ipcbuf, uint64_t entry)
{
    struct component *c = b->c;
    bt_cptr_t fault = bt_alloc_slot(&root_alloc);
    if (fault == 0 ||
        bt_cap_mint(root_alloc.cnode, fault, root_alloc.cnode, root_endpoint, BT_RIGHT_WRITE,
                    BADGE_FAULT | (c->is_loader ? BADGE_LOADER : (uint64_t)c->id + 1)) != BT_OK) {
        return fail(b, "cannot make its fault channel");
    }
    bool ok =
        bt_thread_configure(c->thread, c->cnode, c->task, ipcbuf, IPC_BUFFER, fault) == BT_OK &&
        bt_thread_write_regs(c->thread, entry, STACK_TOP, STARTINFO, 0) == BT_OK &&
        bt_thread_set_sched(c->thread, c->priority, c->cpu, c->priority) == BT_OK &&
        bt_thread_bind_notification(c->thread, c->events) == BT_OK;
    bt_cap_delete(root_alloc.cnode, fault);
    bt_alloc_free_slot(&root_alloc, fault);
    if (!ok || !hand_over(b, ipcbuf, NULL)) {
        return fail(b, "cannot set its thread up");
    }
    return true;
}

bool component_build(struct component *c)
{
    static struct build b; /* large; root is single-threaded */
    memset(&b, 0, sizeof(b));
    b.c = c;
    b.next_slot = CSLOT_FIRST_FREE;
    b.next_device = DEVICE_BASE;
    b.next_ring = RING_BASE;
    b.strings_used = 1;
    c->no_memory = false;
    if (!budget_open(&c->budget, c->quota - c->ring_bytes)) {
        bt_printf("root: no memory for %s's quota of %lu KiB\n", c->name, c->quota / 1024);
        c->no_memory = true;
        c->state = COMPONENT_STOPPED;
        return false;
    }
    bt_cptr_t ipcbuf = 0;
    uint64_t entry = 0, startinfo = 0;
    bool ok = make_core(&b) && load_program(&b, &entry) && make_memory(&b, &ipcbuf) &&
              grant_devices(&b) && grant_irqs(&b) && grant_channels(&b) && grant_rings(&b) &&
              (!c->sees_archive || grant_archive(&b)) && b.why[0] == 0 &&
              map_startinfo(&b, &startinfo) && start_thread(&b, ipcbuf, entry) &&
              fill_startinfo(&b, startinfo);
    if (ok && bt_thread_resume(c->thread) != BT_OK) {
        ok = fail(&b, "cannot start its thread");
    }
    if (!ok) {
        bt_printf("root: cannot start %s: %s\n", c->name, b.why[0] ? b.why : "unknown error");
        component_unbuild(c);
        return false;
    }
    c->state = COMPONENT_RUNNING;
    return true;
}

void component_unbuild(struct component *c)
{
    names_forget(c);
    budget_close(&c->budget);
    bt_cptr_t *held[] = {&c->cnode, &c->task, &c->thread};
    for (unsigned i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
        if (*held[i] != 0) {
            bt_cap_delete(root_alloc.cnode, *held[i]); /* already gone with the budget */
            bt_alloc_free_slot(&root_alloc, *held[i]);
            *held[i] = 0;
        }
    }
    for (unsigned i = 0; i < c->irq_count; i++) {
        if (c->irqs[i].irq != 0) {
            bt_irq_ack(c->irqs[i].irq); /* an interrupt left active would never fire again */
        }
    }
    c->state = COMPONENT_STOPPED;
}
