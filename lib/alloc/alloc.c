/*
 * Object allocation: see alloc.h. Untyped regions are used in order; one
 * that reports BT_E_NOMEM is skipped from then on (the kernel keeps the
 * authoritative watermark).
 */
#include "alloc/alloc.h"
#include "abi/layout.h"
#include "abi/startinfo.h"
#include "svc/root.h"

#define THREAD_STACK_PAGES 4

void bt_alloc_init_root(struct bt_alloc *a, const struct bt_bootinfo *bi)
{
    a->cnode = bi->self_cnode;
    a->task = bi->self_task;
    a->next_slot = bi->first_free_slot;
    a->slot_end = 1UL << bi->cnode_size_bits;
    a->free_count = 0;
    a->untyped_count = 0;
    a->next_vaddr = BT_ALLOC_VA_BASE;
    for (uint64_t i = 0; i < bi->untyped_count && a->untyped_count < BT_ALLOC_MAX_UNTYPED; i++) {
        const struct bt_untyped_desc *d = &bi->untyped[i];
        if (d->device || d->size_bits < 16) {
            continue;
        }
        a->untyped[a->untyped_count].cptr = d->cptr;
        a->untyped[a->untyped_count].size_bits = d->size_bits;
        a->untyped[a->untyped_count].full = false;
        a->untyped_count++;
    }
}

void bt_alloc_init_component(struct bt_alloc *a, const struct bt_startinfo *si)
{
    a->via_root = true;
    a->cnode = si->self_cnode;
    a->task = si->self_task;
    a->next_slot = si->first_free_slot;
    a->slot_end = 1UL << si->cnode_size_bits;
    a->free_count = 0;
    a->untyped_count = 0;
    a->next_vaddr = BT_ALLOC_VA_BASE;
}

bt_cptr_t bt_alloc_slot(struct bt_alloc *a)
{
    if (a->free_count > 0) {
        return a->free_slots[--a->free_count];
    }
    if (a->next_slot >= a->slot_end) {
        return 0;
    }
    return a->next_slot++;
}

void bt_alloc_free_slot(struct bt_alloc *a, bt_cptr_t slot)
{
    if (slot != 0 && a->free_count < BT_ALLOC_FREE_SLOTS) {
        a->free_slots[a->free_count++] = slot;
    }
}

bt_cptr_t bt_alloc_object(struct bt_alloc *a, unsigned type, unsigned size_bits)
{
    bt_cptr_t slot = bt_alloc_slot(a);
    if (slot == 0) {
        return 0;
    }
    if (a->via_root) {
        if (bt_root_alloc(type, size_bits, slot) == BT_OK) {
            return slot;
        }
        bt_alloc_free_slot(a, slot);
        return 0;
    }
    for (unsigned i = 0; i < a->untyped_count; i++) {
        if (a->untyped[i].full) {
            continue;
        }
        enum bt_status st =
            bt_untyped_retype(a->untyped[i].cptr, type, size_bits, a->cnode, slot, 1);
        if (st == BT_OK) {
            return slot;
        }
        if (st != BT_E_NOMEM) {
            break;
        }
        /* Too full for this object; small objects may still fit, so only a
         * failed page-sized request marks the region full. */
        if (size_bits <= 12 || type != BT_OBJ_FRAME) {
            a->untyped[i].full = type != BT_OBJ_CNODE;
        }
    }
    bt_alloc_free_slot(a, slot);
    return 0;
}

enum bt_status bt_alloc_map(struct bt_alloc *a, bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr,
                            unsigned rights, unsigned attr)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t level = 0;
        enum bt_status st = bt_task_map(task, frame, vaddr, rights, attr, &level);
        if (st != BT_E_NOTABLE) {
            return st;
        }
        bt_cptr_t table = bt_alloc_object(a, BT_OBJ_PAGE_TABLE, 0);
        if (table == 0) {
            return BT_E_NOMEM;
        }
        st = bt_task_map_table(task, table, vaddr, &level);
        if (st != BT_OK) {
            return st;
        }
    }
    return BT_E_NOTABLE;
}

void *bt_alloc_pages(struct bt_alloc *a, unsigned count, bt_cptr_t *first_frame)
{
    uint64_t base = a->next_vaddr;
    for (unsigned i = 0; i < count; i++) {
        bt_cptr_t f = bt_alloc_object(a, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
        if (f == 0 || bt_alloc_map(a, a->task, f, base + i * BT_PAGE_SIZE,
                                   BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) != BT_OK) {
            return NULL;
        }
        if (i == 0 && first_frame != NULL) {
            *first_frame = f;
        }
    }
    /* A guard page between allocations catches overruns. */
    a->next_vaddr = base + (count + 1) * BT_PAGE_SIZE;
    return (void *)base;
}

/* New threads start here: x0 = entry, x1 = its argument. */
static void thread_trampoline(uint64_t entry, uint64_t arg)
{
    ((void (*)(uint64_t))entry)(arg);
    bt_thread_exit();
}

bt_cptr_t bt_alloc_thread(struct bt_alloc *a, void (*entry)(uint64_t), uint64_t arg,
                          unsigned priority, unsigned cpu, bt_cptr_t fault_ep)
{
    bt_cptr_t thread = bt_alloc_object(a, BT_OBJ_THREAD, 0);
    bt_cptr_t ipcbuf = 0;
    void *buf = bt_alloc_pages(a, 1, &ipcbuf);
    uint8_t *stack = bt_alloc_pages(a, THREAD_STACK_PAGES, NULL);
    if (thread == 0 || buf == NULL || stack == NULL) {
        return 0;
    }
    uint64_t sp = (uint64_t)stack + THREAD_STACK_PAGES * BT_PAGE_SIZE;
    if (bt_thread_configure(thread, a->cnode, a->task, ipcbuf, (uint64_t)buf, fault_ep) != BT_OK ||
        bt_thread_write_regs(thread, (uint64_t)thread_trampoline, sp, (uint64_t)entry, arg) !=
            BT_OK ||
        bt_thread_set_sched(thread, priority, cpu, 0) != BT_OK ||
        bt_thread_resume(thread) != BT_OK) {
        return 0;
    }
    return thread;
}
