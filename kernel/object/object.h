/*
 * Kernel objects in general: sizes, creation from untyped memory, and
 * destruction when the last capability goes.
 *
 * Destruction is deferred: cap_delete() only queues an object whose count
 * reached zero, and object_reap() destroys queued objects one by one, so
 * destroying an object that holds capabilities (a CNode, a thread) never
 * recurses. Every system call that may delete capabilities reaps before it
 * returns to a task.
 */
#ifndef KERNEL_OBJECT_OBJECT_H
#define KERNEL_OBJECT_OBJECT_H

#include "object/cap.h"

/* log2 of the memory an object of this type and size takes, or 0 if the
 * type/size pair is not creatable. */
unsigned object_size_bits(unsigned type, unsigned size_bits);

/* Initialises a new object in zeroed memory (device frames: not zeroed)
 * and fills *cap. */
void object_init(unsigned type, unsigned size_bits, uintptr_t kva, paddr_t pa, bool device,
                 struct cap *cap);

void object_schedule_destroy(struct kobj *o);
void object_reap(void);

/* Kinds of slots inside objects (slot.pad), so cap_delete can tell the
 * owner that its capability went away. */
enum internal_slot {
    SLOT_USER = 0,
    SLOT_THREAD_CSPACE,
    SLOT_THREAD_TASK,
    SLOT_THREAD_IPCBUF,
    SLOT_THREAD_FAULT,
    SLOT_THREAD_NOTIFICATION,
    SLOT_IRQ_NOTIFICATION,
};

/* Called by cap_delete after an internal slot was emptied. */
void object_internal_slot_deleted(struct slot *s, enum internal_slot kind);

#endif
