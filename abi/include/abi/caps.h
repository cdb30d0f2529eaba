/*
 * Capabilities: object types, rights, and how slots are named.
 *
 * A task's capability space is one CNode (an array of 2^n slots). A cptr is
 * an index into the calling thread's CNode; slot 0 is always empty, so 0
 * means "no capability". Operations that place or remove capabilities name a
 * slot as (cnode cptr, index), so a task holding a CNode capability can fill
 * another task's capability space.
 */
#ifndef ABI_CAPS_H
#define ABI_CAPS_H

#include <stdint.h>

typedef uint64_t bt_cptr_t;

#define BT_CPTR_NULL 0

enum bt_object_type {
    BT_OBJ_NONE = 0,
    BT_OBJ_UNTYPED = 1,
    BT_OBJ_CNODE = 2,
    BT_OBJ_TASK = 3,
    BT_OBJ_THREAD = 4,
    BT_OBJ_ENDPOINT = 5,
    BT_OBJ_NOTIFICATION = 6,
    BT_OBJ_REPLY = 7,
    BT_OBJ_FRAME = 8,
    BT_OBJ_PAGE_TABLE = 9,
    BT_OBJ_IRQ_CONTROL = 10,
    BT_OBJ_IRQ = 11,
    BT_OBJ_SYSTEM = 12, /* authority to power the machine off or reset it (root only) */
    BT_OBJ_VM = 13,     /* a guest-physical address space (abi/vm.h) */
    BT_OBJ_TYPE_COUNT
};

/* Rights. Endpoints: WRITE sends, READ receives, GRANT lets capabilities
 * travel with a message. Notifications: WRITE signals, READ waits. Frames:
 * READ, WRITE and EXEC bound what a mapping may allow. Other objects: WRITE
 * allows changing them. */
#define BT_RIGHT_READ 1u
#define BT_RIGHT_WRITE 2u
#define BT_RIGHT_EXEC 4u
#define BT_RIGHT_GRANT 8u
#define BT_RIGHTS_ALL 15u

/* Object sizes (log2 bytes) for untyped_retype. CNodes take the number of
 * slots (log2) as size bits; frames 12 (4 KiB) or 21 (2 MiB); untyped any
 * size from BT_UNTYPED_MIN_BITS. */
#define BT_THREAD_BITS 11
#define BT_ENDPOINT_BITS 6
#define BT_NOTIFICATION_BITS 6
#define BT_REPLY_BITS 6
#define BT_TASK_BITS 13
#define BT_PAGE_TABLE_BITS 12
#define BT_CNODE_SLOT_BITS 6 /* one slot is 64 bytes */
#define BT_CNODE_MIN_BITS 2
#define BT_CNODE_MAX_BITS 16
#define BT_FRAME_SMALL_BITS 12
#define BT_FRAME_LARGE_BITS 21
#define BT_VM_BITS 14
#define BT_UNTYPED_MIN_BITS 4
#define BT_UNTYPED_MAX_BITS 47

#define BT_PRIORITY_MAX 255

#endif
