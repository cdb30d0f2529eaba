/*
 * Status codes: the one enum every system call returns (in x0). Shared by
 * the kernel and user code; values are part of the ABI and never reused.
 */
#ifndef ABI_ERRORS_H
#define ABI_ERRORS_H

enum bt_status {
    BT_OK = 0,
    BT_E_SYSCALL = 1,     /* no such system call */
    BT_E_CAP = 2,         /* capability slot empty or outside the capability space */
    BT_E_TYPE = 3,        /* capability names an object of another type */
    BT_E_RIGHTS = 4,      /* capability lacks a right the operation needs */
    BT_E_ARG = 5,         /* an argument is out of range */
    BT_E_ALIGN = 6,       /* an address or size is not aligned */
    BT_E_ADDR = 7,        /* an address is outside the allowed range or not mapped */
    BT_E_NOMEM = 8,       /* the memory paying for the operation is exhausted */
    BT_E_EXISTS = 9,      /* the destination slot or mapping is occupied */
    BT_E_BUSY = 10,       /* the object is in a state that does not allow this */
    BT_E_WOULDBLOCK = 11, /* a non-blocking operation found no partner */
    BT_E_GONE = 12,       /* the object was deleted or revoked during the operation */
    BT_E_FULL = 13,       /* a table or queue has no free entry */
    BT_E_NOTABLE = 14,    /* a translation table is missing (x1 = its level) */
    BT_STATUS_COUNT
};

#endif
