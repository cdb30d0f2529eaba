/*
 * The client's side of a block ring (protocol.h), for native clients and
 * as the reference for other implementations (a VM monitor's virtio-blk
 * back end). Non-blocking steps over the shared memory; waiting for the
 * server's signal and signalling it are the caller's, so the same code
 * runs in the host tests:
 *
 *     blk_client_attach(&c, ring, size);
 *     wait until blk_client_server_up(&c)
 *     blk_client_reset(&c); signal the server
 *     wait until blk_client_reset_done(&c)        (then c.state, c.capacity, ...)
 *     blk_client_submit(&c, tag, type, sector, offset, len); signal the server
 *     wait until blk_client_take(&c, &done); if c.signal_needed: clear it and
 *       signal the server
 *     if blk_client_epoch_changed(&c): the server restarted; reset again and
 *       submit again whatever had no response
 *
 * Tags, the data area and which buffer belongs to which request are the
 * caller's to manage.
 */
#ifndef SERVICES_BLK_CLIENT_H
#define SERVICES_BLK_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "ring/queue.h"

struct blk_client {
    uint8_t *base;
    uint64_t size;
    struct blk_ring_header *hdr;
    struct bt_queue req, resp;
    uint64_t data_bytes; /* the data area: ring offsets BLK_DATA_OFFSET.. */
    uint32_t epoch;      /* the server's epoch when we reset */
    uint32_t asked;      /* our last reset_request */
    /* From the header, after a reset: */
    uint32_t state;
    uint32_t flags;
    uint32_t max_transfer;
    uint64_t capacity;
    /* A response was taken from a full response queue: the server may be
     * holding more back for lack of room. Signal it, then clear this. */
    bool signal_needed;
};

/* A response. */
struct blk_done {
    uint32_t tag;
    uint32_t status; /* BLK_S_* */
    uint64_t offset; /* the request's buffer */
    uint32_t len;    /* bytes the server put into it */
};

/* False if size is not a valid ring size. */
bool blk_client_attach(struct blk_client *c, void *ring, uint64_t size);

/* True once a server of this protocol's version has set the ring up. */
bool blk_client_server_up(const struct blk_client *c);

/* Asks for a reset (notes the epoch); signal the server afterwards. The
 * queues are not to be used until blk_client_reset_done. */
void blk_client_reset(struct blk_client *c);

/* True once the server has completed our reset: the queues are empty and
 * ours, and state, flags, max_transfer and capacity are read. */
bool blk_client_reset_done(struct blk_client *c);

/* The server started again since our reset: our requests without a
 * response are lost, and nothing is served until we reset. */
bool blk_client_epoch_changed(const struct blk_client *c);

/* The ring offset of byte i of the data area. */
static inline uint64_t blk_client_data_offset(uint64_t i)
{
    return BLK_DATA_OFFSET + i;
}

/* Sends a request (table entry, then descriptor). False if the request
 * queue is full or broken, or tag is out of range. */
bool blk_client_submit(struct blk_client *c, uint32_t tag, uint32_t type, uint64_t sector,
                       uint64_t offset, uint32_t len);

/* Takes one response; false if none is there. Sets c->signal_needed if
 * the response queue was full. */
bool blk_client_take(struct blk_client *c, struct blk_done *done);

#endif
