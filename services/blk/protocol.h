/*
 * The block server's ring protocol: how a client (a native program, or a
 * VM monitor's virtio-blk back end) and the block server (services/blk)
 * share one "ring" channel (docs/scenarios.md). Requests and responses
 * travel as descriptors in two lib/ring/queue.h queues; sector data is
 * copied through a data area in the same memory. Each side signals the
 * other through the ring's notification capability after a batch.
 *
 * What a port sees. The scenario gives each ring port properties, which
 * the server enforces (abi/startinfo.h, the ring's parameters): "ro"
 * (read-only), "partition=N" (partition N of the disk's GPT, or MBR: 1-4
 * primary, 5 and up logical) or "range=0xOFF+0xLEN" (those bytes of the
 * disk); neither: the whole disk. The client sees its part as a disk of
 * `capacity` sectors of 512 bytes, numbered from 0; nothing outside it can
 * be read or written through the port. A parameter the server does not know
 * or cannot satisfy (a partition that does not exist, a range beyond the
 * disk) leaves the port without a disk (BLK_STATE_NODEV), never with more
 * than it was given.
 *
 * Memory. The ring is SIZE bytes (a multiple of 4 KiB, BLK_RING_MIN to 2
 * MiB), zeroed when root made it. The layout is fixed; only the data area's
 * length depends on SIZE (blk_data_bytes). Offsets count from the start of
 * the ring:
 *
 *   0                      struct blk_ring_header (BLK_HEADER_BYTES)
 *   BLK_REQ_QUEUE_OFFSET   queue: client -> server, requests
 *   BLK_RESP_QUEUE_OFFSET  queue: server -> client, responses
 *   BLK_REQ_TABLE_OFFSET   struct blk_req[BLK_QUEUE_CAPACITY]: each request's
 *                          type and sector, indexed by its tag
 *   BLK_DATA_OFFSET        the data area, to the end of the ring
 *
 * Each queue is a lib/ring/queue.h queue (struct bt_queue_shared) of
 * BLK_QUEUE_CAPACITY entries.
 *
 * A request. The client picks a tag (0..BLK_QUEUE_CAPACITY-1) that has no
 * request in flight, writes the request's type and sector into
 * table[tag], for a write puts the data into a buffer of the data area,
 * and pushes a descriptor to the request queue:
 *
 *   offset = the buffer's offset (from the start of the ring)
 *   len    = the buffer's length in bytes
 *   cookie = the tag
 *
 *   type            buffer                                 response len
 *   BLK_REQ_READ    len bytes to fill from `sector` on       len
 *   BLK_REQ_WRITE   len bytes to write at `sector` on        0
 *   BLK_REQ_FLUSH   none (offset, len ignored)               0
 *   BLK_REQ_GET_ID  at least BLK_ID_BYTES bytes              BLK_ID_BYTES
 *
 * A read or write covers len / 512 sectors: len is a non-zero multiple of
 * 512, at most the header's max_transfer, and sector + len / 512 is at most
 * capacity. Buffers lie wholly in the data area (any alignment). The type
 * numbers are virtio-blk's, so a back end can pass them through.
 *
 * The response. The server pushes one descriptor per request, in any order:
 *
 *   offset = the request's offset, unchanged
 *   len    = bytes the server wrote into the buffer (0 on any error)
 *   cookie = BLK_RESP(tag, status): the tag, and a BLK_S_* status
 *
 * The server signals the client after pushing responses. A client that
 * takes responses from a full response queue signals the server after
 * that batch: the server holds responses back while there is no room,
 * and takes no further request of that port meanwhile.
 *
 * A READ's or GET_ID's buffer holds the data when the response arrives;
 * a WRITE's data has reached the device (and, after a FLUSH answered
 * BLK_S_OK, stable storage). Until its response arrives, a request's
 * buffer and table entry belong to the server: the client must not change
 * them (the server reads them at some time before the response, and a
 * read's data lands in the buffer). A request whose descriptor is bad comes back at
 * once with BLK_S_INVALID; a request outside the port's bounds with
 * BLK_S_RANGE; a write to a read-only port with BLK_S_READ_ONLY. A back
 * end maps BLK_S_OK to VIRTIO_BLK_S_OK, BLK_S_UNSUPP to VIRTIO_BLK_S_UNSUPP
 * and every other status to VIRTIO_BLK_S_IOERR.
 *
 * The server trusts nothing in this memory. It copies each descriptor and
 * each table entry once, then checks the copy (tag, type, offset and
 * length against the data area, sectors against the port's bounds and
 * read-only flag) before the request reaches the device. The device never
 * sees the ring: sector data is copied between the data area and the
 * server's own DMA buffers. The server keeps at most BLK_PORT_IN_FLIGHT
 * requests of one port at the device and takes requests from the ports in
 * turn, so a client that floods, or that never takes its responses (they
 * wait in the server, and its further requests stay in the queue), slows
 * no one else.
 *
 * Starting and resetting (the same handshake as the network switch's). The
 * queues' indices belong to the two sides, so neither can put a queue back
 * to zero alone; a port is (re)started with a handshake:
 *
 *   client                                  server
 *   waits for magic and version
 *   notes epoch; stops using the queues
 *   reset_request += 1, signal        -->   sees reset_request != reset_done:
 *                                           forgets the port's requests (one
 *                                           at the device finishes unanswered),
 *                                           sets the four indices to 0, fills
 *                                           capacity, flags, max_transfer and
 *                                           state,
 *                                      <--  reset_done = reset_request, signal
 *   sees reset_done == reset_request:
 *   reads state, capacity, flags,
 *   max_transfer; uses the queues
 *
 * The server, whenever it starts (or restarts after a crash), writes magic
 * and version, sets state = BLK_STATE_DOWN, increments epoch and signals:
 * it serves no port until that port's client resets it. A client that sees
 * epoch differ from what it noted resets the port again and sends the
 * requests that had no response once more (reads and writes of whole
 * sectors can be repeated). A client restarts the same way (e.g. a guest
 * resetting its virtio device). Until reset_done == reset_request, the
 * server may still copy the data of a read that was in flight into the data
 * area: the client reuses its buffers only after that. A queue whose
 * published index is impossible stops that port (BLK_STATE_BROKEN,
 * reported once on the console) until its client resets it. Until
 * reset_done == reset_request, neither side touches the queues.
 */
#ifndef SERVICES_BLK_PROTOCOL_H
#define SERVICES_BLK_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/queue.h"

#define BLK_RING_MAGIC 0x676e69526b6c4221ull /* "!BlkRing" */
#define BLK_RING_VERSION 1u

#define BLK_SECTOR_SIZE 512u
#define BLK_ID_BYTES 20u /* GET_ID: the disk's serial, NUL-padded (virtio-blk's) */

/* Request types (table[tag].type): virtio-blk's numbers. */
#define BLK_REQ_READ 0u
#define BLK_REQ_WRITE 1u
#define BLK_REQ_FLUSH 4u
#define BLK_REQ_GET_ID 8u

/* Response statuses (BLK_RESP_STATUS of the response's cookie). */
#define BLK_S_OK 0u
#define BLK_S_IOERR 1u     /* the device failed the request */
#define BLK_S_UNSUPP 2u    /* an unknown request type */
#define BLK_S_RANGE 3u     /* sectors outside the port's capacity */
#define BLK_S_READ_ONLY 4u /* a write on a read-only port */
#define BLK_S_INVALID 5u   /* a bad tag, a buffer outside the data area, a bad length */
#define BLK_S_NODEV 6u     /* the port has no disk (state BLK_STATE_NODEV) */

/* A response's cookie: the request's tag and the status. */
#define BLK_RESP(tag, status) ((uint32_t)(tag) | (uint32_t)(status) << 16)
#define BLK_RESP_TAG(cookie) ((cookie)&0xffffu)
#define BLK_RESP_STATUS(cookie) ((cookie) >> 16)

/* The header's state. */
#define BLK_STATE_DOWN 0u   /* not serving: the client resets the port */
#define BLK_STATE_READY 1u  /* serving */
#define BLK_STATE_BROKEN 2u /* the client broke a queue: a reset revives the port */
#define BLK_STATE_NODEV 3u  /* no disk for this port: every request gets BLK_S_NODEV */

/* The header's flags. */
#define BLK_FLAG_READ_ONLY 1u /* writes are refused */
#define BLK_FLAG_FLUSH                                                                             \
    2u /* the disk has a write cache that FLUSH empties; without                                   \
          it FLUSH succeeds at once (writes are stable when done) */

/* The fixed layout. */
#define BLK_HEADER_BYTES 256u
#define BLK_QUEUE_CAPACITY 64u /* entries per queue, and tags */
#define BLK_REQ_QUEUE_OFFSET BLK_HEADER_BYTES
#define BLK_RESP_QUEUE_OFFSET (BLK_REQ_QUEUE_OFFSET + 128u + 16u * BLK_QUEUE_CAPACITY)
#define BLK_REQ_TABLE_OFFSET (BLK_RESP_QUEUE_OFFSET + 128u + 16u * BLK_QUEUE_CAPACITY)
#define BLK_DATA_OFFSET 4096u
#define BLK_RING_MIN (BLK_DATA_OFFSET + 4096u) /* a ring has at least 4 KiB of data */
#define BLK_RING_MAX (2u << 20)

/* The most a server puts in one read or write (the header's max_transfer
 * may be smaller: it is also at most the data area). */
#define BLK_MAX_TRANSFER (64u * 1024u)
/* Requests of one port at the device at a time. */
#define BLK_PORT_IN_FLIGHT 4u

/* The header at the start of the ring. Each side writes only its own
 * fields, which lie in separate cache lines. */
struct blk_ring_header {
    /* Written by the server. */
    uint64_t magic;        /* BLK_RING_MAGIC once the server has set the ring up */
    uint32_t version;      /* BLK_RING_VERSION */
    uint32_t epoch;        /* incremented each time the server starts */
    uint32_t reset_done;   /* the last reset_request the server completed */
    uint32_t state;        /* BLK_STATE_* */
    uint32_t flags;        /* BLK_FLAG_* */
    uint32_t max_transfer; /* bytes per read or write, at most: a multiple of 512 */
    uint64_t capacity;     /* sectors of 512 bytes the port sees */
    uint8_t pad0[24];
    uint8_t reserved0[64];
    /* Written by the client. */
    uint32_t reset_request; /* incremented to ask for a reset */
    uint8_t pad1[60];
    uint8_t reserved1[64];
};

/* A request's type and sector: table[tag], written by the client. */
struct blk_req {
    uint32_t type;     /* BLK_REQ_* */
    uint32_t reserved; /* 0 */
    uint64_t sector;   /* the first sector, counted from the start of the port */
};

_Static_assert(sizeof(struct blk_ring_header) == BLK_HEADER_BYTES, "header size");
_Static_assert(__builtin_offsetof(struct blk_ring_header, reset_request) == 128,
               "the client's line");
_Static_assert(sizeof(struct blk_req) == 16, "request table entry");
_Static_assert(sizeof(struct bt_queue_shared) == 128 && sizeof(struct bt_desc) == 16,
               "queue size as lib/ring computes it (bt_queue_bytes)");
_Static_assert(BLK_REQ_TABLE_OFFSET + 16u * BLK_QUEUE_CAPACITY <= BLK_DATA_OFFSET,
               "the control part fits below the data area");

/* Bytes of data area in a ring of size bytes, or 0 if size is not a valid
 * ring size (a multiple of 4 KiB, BLK_RING_MIN..BLK_RING_MAX). */
static inline uint64_t blk_data_bytes(uint64_t size)
{
    if (size < BLK_RING_MIN || size > BLK_RING_MAX || size % 4096 != 0) {
        return 0;
    }
    return size - BLK_DATA_OFFSET;
}

/* The parts of a ring at base. */
static inline struct blk_ring_header *blk_header(void *base)
{
    return (struct blk_ring_header *)base;
}

static inline void *blk_req_queue(void *base)
{
    return (uint8_t *)base + BLK_REQ_QUEUE_OFFSET;
}

static inline void *blk_resp_queue(void *base)
{
    return (uint8_t *)base + BLK_RESP_QUEUE_OFFSET;
}

static inline struct blk_req *blk_req_table(void *base)
{
    return (struct blk_req *)((uint8_t *)base + BLK_REQ_TABLE_OFFSET);
}

/* The header's fields that the other side writes, read and written with
 * ordering: a side publishes its queues' state before the field that says
 * they may be used. */
static inline uint32_t blk_load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void blk_store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

#endif
