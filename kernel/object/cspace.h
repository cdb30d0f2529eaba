/*
 * Finding capabilities for a system call: the decode half of every
 * invocation. Each lookup checks the slot, the object type and the rights
 * and answers with the ABI status a task sees.
 */
#ifndef KERNEL_OBJECT_CSPACE_H
#define KERNEL_OBJECT_CSPACE_H

#include "abi/errors.h"
#include "object/cap.h"

struct thread;

/* The capability at cptr in t's CNode, of type (BT_OBJ_NONE: any) with at
 * least rights. */
enum bt_status cspace_get(struct thread *t, uint64_t cptr, unsigned type, unsigned rights,
                          struct slot **out);

/* The slot (cnode cptr, index) for writing: the CNode capability needs
 * WRITE; want_empty says whether the slot must be empty or full. */
enum bt_status cspace_slot_at(struct thread *t, uint64_t cnode, uint64_t index, bool want_empty,
                              struct slot **out);

/* A capability derived from src with rights masked: for copying, minting
 * and transfer. Untyped memory and page tables cannot be copied (they have
 * exactly one capability); a derived frame capability starts unmapped. */
enum bt_status cap_derive(const struct cap *src, unsigned rights, struct cap *out);

#endif
