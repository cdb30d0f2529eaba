/*
 * A queue of buffer descriptors in memory that two components share (a
 * ring channel), in the sDDF style: one side only produces, the other only
 * consumes, and each writes only its own index. Data lives elsewhere in the
 * shared memory; a descriptor names it by offset and length, which the
 * receiver must check against its own view of the buffers before use.
 *
 * The other side is not trusted. Each side keeps its own index privately
 * and only publishes it; it reads the other side's index once per call and
 * treats an impossible value (more entries than the queue holds) as a
 * broken peer: the queue stops (q->broken) rather than read garbage.
 * Descriptors are copied out, so the peer cannot change one after it was
 * checked.
 *
 * Signalling is the user's: push a batch, then signal the ring's
 * notification once.
 */
#ifndef LIB_RING_QUEUE_H
#define LIB_RING_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bt_desc {
    uint64_t offset; /* of the buffer in the shared region */
    uint32_t len;
    uint32_t cookie; /* the producer's: request id, status, flags */
};

/* The shared part. The two indices live in separate cache lines, so the
 * sides do not share a line they both write. */
struct bt_queue_shared {
    uint32_t prod;
    uint8_t pad0[60];
    uint32_t cons;
    uint8_t pad1[60];
    struct bt_desc desc[];
};

struct bt_queue {
    struct bt_queue_shared *sh;
    uint32_t capacity; /* a power of two */
    uint32_t own;      /* our index (prod for the producer, cons for the consumer) */
    bool producer;
    bool broken;
};

/* Bytes of shared memory a queue of capacity entries takes. */
static inline size_t bt_queue_bytes(uint32_t capacity)
{
    return sizeof(struct bt_queue_shared) + (size_t)capacity * sizeof(struct bt_desc);
}

/* Attaches to a queue at mem. capacity must be a power of two (false
 * otherwise). The side that sets the ring up calls bt_queue_reset once,
 * before the other side attaches; an attaching side takes the published
 * indices as they are (checking them on first use). */
bool bt_queue_attach(struct bt_queue *q, void *mem, uint32_t capacity, bool producer);
void bt_queue_reset(struct bt_queue *q);

/* Producer: false if full (or broken). */
bool bt_queue_push(struct bt_queue *q, const struct bt_desc *d);
/* Consumer: false if empty (or broken). */
bool bt_queue_pop(struct bt_queue *q, struct bt_desc *d);
/* Entries the consumer may pop now; 0 when broken. */
uint32_t bt_queue_count(struct bt_queue *q);

#endif
