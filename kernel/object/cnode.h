/*
 * CNodes: arrays of 2^n capability slots, the capability space of a task.
 * Slot 0 is never used for a capability ("null"); its memory holds the
 * CNode's header.
 */
#ifndef KERNEL_OBJECT_CNODE_H
#define KERNEL_OBJECT_CNODE_H

#include "object/cap.h"

struct cnode {
    struct kobj obj;
    uint32_t size_bits; /* 2^size_bits slots */
};

_Static_assert(sizeof(struct cnode) <= sizeof(struct slot), "the header lives in slot 0");

static inline struct slot *cnode_slots(struct cnode *cn)
{
    return (struct slot *)cn;
}

static inline uint64_t cnode_slot_count(const struct cnode *cn)
{
    return 1UL << cn->size_bits;
}

/* Slot index of cn, or NULL for 0 and indexes past the end. */
static inline struct slot *cnode_slot(struct cnode *cn, uint64_t index)
{
    if (index == 0 || index >= cnode_slot_count(cn)) {
        return NULL;
    }
    return &cnode_slots(cn)[index];
}

void cnode_destroy(struct cnode *cn);

#endif
