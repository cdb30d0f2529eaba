/*
 * Object allocation for components that hold untyped memory (root, the
 * loader, test programs): free capability slots, kernel objects retyped from
 * untyped memory, frames mapped at fresh addresses (with the page tables
 * they need), and threads in the component's own task.
 *
 * Not thread-safe: one thread of a component allocates.
 */
#ifndef LIB_ALLOC_ALLOC_H
#define LIB_ALLOC_ALLOC_H

#include "abi/bootinfo.h"
#include "sys/sys.h"

#define BT_ALLOC_MAX_UNTYPED 64
#define BT_ALLOC_FREE_SLOTS 256
/* Where bt_alloc_pages places mappings in the component's own task. */
#define BT_ALLOC_VA_BASE 0x0000100000000000UL

struct bt_alloc {
    bool via_root;   /* objects come from root's memory service, not untyped */
    bt_cptr_t cnode; /* the component's own CNode */
    bt_cptr_t task;  /* the component's own task */
    uint64_t next_slot, slot_end;
    bt_cptr_t free_slots[BT_ALLOC_FREE_SLOTS];
    unsigned free_count;
    struct {
        bt_cptr_t cptr;
        uint8_t size_bits;
        bool full;
    } untyped[BT_ALLOC_MAX_UNTYPED];
    unsigned untyped_count;
    uint64_t next_vaddr;
};

/* Uses root's boot info: its CNode, task, free slots and RAM untyped. */
void bt_alloc_init_root(struct bt_alloc *a, const struct bt_bootinfo *bi);

struct bt_startinfo;
/* For a component: its start info's CNode, task and free slots; objects
 * come from its quota at root. */
void bt_alloc_init_component(struct bt_alloc *a, const struct bt_startinfo *si);

/* A free slot of the own CNode, or 0. */
bt_cptr_t bt_alloc_slot(struct bt_alloc *a);
/* Returns a slot (which must be empty) for reuse. */
void bt_alloc_free_slot(struct bt_alloc *a, bt_cptr_t slot);

/* A new object in a new slot, or 0 (out of slots or memory). */
bt_cptr_t bt_alloc_object(struct bt_alloc *a, unsigned type, unsigned size_bits);

/* Maps frame into task at vaddr, making page tables as needed. */
enum bt_status bt_alloc_map(struct bt_alloc *a, bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr,
                            unsigned rights, unsigned attr);

/* count fresh 4 KiB frames mapped read-write at a new address in the own
 * task; returns the address (NULL on failure) and the first frame's slot
 * (the others follow in order if first_frame is not NULL). */
void *bt_alloc_pages(struct bt_alloc *a, unsigned count, bt_cptr_t *first_frame);

/* A thread in the own task running entry(arg) on a fresh stack, with a
 * fresh IPC buffer, started at the given priority on cpu. Returns its slot or
 * 0. The thread ends (bt_thread_exit) when entry returns. fault_ep may be 0. */
bt_cptr_t bt_alloc_thread(struct bt_alloc *a, void (*entry)(uint64_t), uint64_t arg,
                          unsigned priority, unsigned cpu, bt_cptr_t fault_ep);

#endif
