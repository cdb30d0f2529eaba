/*
 * Capabilities and capability slots.
 *
 * A slot holds one capability and its place in the derivation tree. The tree
 * is kept as a doubly linked list in depth-first order with each slot's
 * depth: the descendants of a slot are the entries that follow it with a
 * greater depth. Copying inserts the copy right after its source one level
 * deeper; revoking deletes the entries that follow until the depth drops
 * back. (seL4 keeps the same list but derives parenthood from the objects.)
 *
 * Every kernel object with state starts with struct kobj, which counts the
 * capabilities that name it; when the count drops to zero the object is
 * destroyed (object.c). Frames, page tables and untyped memory have no
 * header: their caps carry all their state.
 *
 * All of this runs under the kernel lock.
 */
#ifndef KERNEL_OBJECT_CAP_H
#define KERNEL_OBJECT_CAP_H

#include "abi/caps.h"
#include "lib/types.h"

struct kobj {
    uint32_t refs; /* capabilities naming this object */
    uint8_t type;  /* enum bt_object_type */
    uint8_t dying; /* on the reap list */
    uint16_t pad;
    struct kobj *reap_next;
};

struct cap {
    uint8_t type;      /* enum bt_object_type; BT_OBJ_NONE: empty slot */
    uint8_t rights;    /* BT_RIGHT_* */
    uint8_t size_bits; /* untyped, cnode (slots), frame */
    uint8_t device;    /* untyped and frames of device memory */
    uint32_t pad;
    uintptr_t obj;    /* kernel VA of the object (IRQ: its state entry) */
    uint64_t badge;   /* endpoint, notification; untyped: bytes used */
    uint64_t map;     /* frame, page table: where mapped (see vspace.c) */
    uint64_t map_gen; /* generation of the task it is mapped in */
};

struct slot {
    struct cap cap;
    struct slot *prev; /* derivation list */
    struct slot *next;
    uint32_t depth;
    uint32_t pad;
};

_Static_assert(sizeof(struct slot) == 1 << BT_CNODE_SLOT_BITS, "slot size is in the ABI");

static inline bool slot_empty(const struct slot *s)
{
    return s->cap.type == BT_OBJ_NONE;
}

static inline struct kobj *cap_kobj(const struct cap *c)
{
    return (struct kobj *)c->obj;
}

/* Does this object type carry a struct kobj (and so a reference count)? */
bool cap_type_has_kobj(unsigned type);

/*
 * Puts cap into the empty slot dst as a child of parent (NULL: a root of the
 * tree, for capabilities the kernel creates from nothing at boot) and counts
 * the reference.
 */
void cap_insert(struct slot *dst, const struct cap *cap, struct slot *parent);

/* Moves the capability in src (with its place in the tree) into the empty
 * slot dst. */
void cap_move(struct slot *dst, struct slot *src);

/*
 * Empties the slot: undoes what the capability itself holds (a frame's
 * mapping, a page table's place), unlinks it (its children move up one
 * level) and drops the reference, queueing the object for destruction when
 * it was the last. Call object_reap() before returning to a task.
 */
void cap_delete(struct slot *s);

/* Does s have descendants? */
bool cap_has_children(const struct slot *s);

/*
 * Deletes the descendants of s. Returns false if it stopped early because an
 * interrupt is pending (the caller restarts the operation later); true when
 * none are left. Reaps destroyed objects as it goes.
 */
bool cap_revoke(struct slot *s);

#endif
