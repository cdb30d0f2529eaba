/*
 * Checking one request of a port before it may reach the device: the
 * descriptor and the table entry are the client's, so they are copied once
 * and every field of the copy is checked against the port's data area, its
 * bounds on the disk and its read-only flag. Pure code (host tests).
 */
#ifndef SERVICES_BLK_CHECK_H
#define SERVICES_BLK_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

/* What a port may do. */
struct blk_bounds {
    uint64_t first; /* its first sector on the disk */
    uint64_t count; /* its sectors (what the client sees as capacity) */
    bool read_only;
    uint32_t max_transfer; /* bytes per read or write, a multiple of 512 */
    uint64_t data_bytes;   /* its data area: ring offsets BLK_DATA_OFFSET.. */
};

/* A checked request, ready for the device. */
struct blk_io {
    uint32_t type;        /* BLK_REQ_* */
    uint32_t tag;         /* the client's, echoed in the response */
    uint64_t offset;      /* its buffer, from the start of the ring */
    uint32_t len;         /* bytes to move between the buffer and the disk */
    uint64_t disk_sector; /* READ, WRITE: where on the disk (port's first + sector) */
};

/* Checks the request that descriptor d (already copied out of the queue)
 * names, reading its entry of table once. Returns BLK_S_OK with *io
 * filled, or the status to answer with (io->tag and io->offset are set
 * for the answer either way). */
uint32_t blk_check(const struct blk_bounds *b, const struct bt_desc *d,
                   const volatile struct blk_req *table, struct blk_io *io);

#endif
