/*
 * Split virtqueues, driver side (virtio 1.x, section 2.7): the descriptor
 * table, the available ring the driver fills and the used ring the device
 * fills, in memory the device reaches by physical address (lib/virtio/dma.h
 * gives such memory). Device-neutral: a block, network or any other driver
 * hands in chains of physical segments and gets back the heads the device
 * has finished with. No transport here: virtio-mmio (mmio.h) tells the
 * device where the queue lies and rings its doorbell.
 *
 * Use:
 *
 *     virtq_init(&q, 128, &mem);                  once, before the transport
 *     head = virtq_add(&q, segs, n);              per request (-1: no room)
 *     if (virtq_publish(&q)) notify the device;   after a batch of adds
 *     while (virtq_take(&q, &head, &len)) ...     after an interrupt
 *
 * The device is not trusted with the driver's bookkeeping: the free list
 * and the chain links are kept privately (the table the device sees is
 * written, never read back), and a used entry that names anything but the
 * head of a chain in flight, or a used index that runs ahead by more than
 * the queue holds, marks the queue broken (q->broken): virtq_take then
 * returns nothing and virtq_add refuses, and the driver should reset the
 * device. Neither event-index feature nor indirect descriptors are used.
 *
 * Not thread-safe: one thread drives a queue.
 */
#ifndef LIB_VIRTIO_VIRTQ_H
#define LIB_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE 256u /* the largest queue virtq supports */

/* The layouts the device reads and writes (little-endian, as is AArch64). */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u    /* the device writes this buffer */
#define VIRTQ_DESC_F_INDIRECT 4u /* not used by virtq */
#define VIRTQ_USED_F_NO_NOTIFY 1u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* size entries, then used_event (unused here) */
};

struct virtq_used_elem {
    uint32_t id;  /* head of the finished chain */
    uint32_t len; /* bytes the device wrote into the chain's buffers */
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtio descriptor layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio used element layout");

/* Bytes, and alignment, of each part for a queue of size entries. */
static inline size_t virtq_desc_bytes(uint32_t size)
{
    return 16 * (size_t)size; /* aligned to 16 */
}

static inline size_t virtq_avail_bytes(uint32_t size)
{
    return 6 + 2 * (size_t)size; /* aligned to 2 */
}

static inline size_t virtq_used_bytes(uint32_t size)
{
    return 6 + 8 * (size_t)size; /* aligned to 4 */
}

/* Where the three parts lie: each physically contiguous, at va for the
 * driver and pa for the device. */
struct virtq_mem {
    void *desc, *avail, *used;
    uint64_t desc_pa, avail_pa, used_pa;
};

/* One piece of a buffer chain: physical address and length (non-zero);
 * device_writes for buffers the device fills (reads from the device's
 * point of view: it writes them), false for buffers it reads. */
struct virtq_seg {
    uint64_t pa;
    uint32_t len;
    bool device_writes;
};

struct virtq {
    uint16_t size; /* entries, a power of two */
    bool broken;   /* the device broke the rules: stop using the queue */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint64_t desc_pa, avail_pa, used_pa;
    uint16_t free_head;  /* first free descriptor (private list via link) */
    uint16_t free_count; /* descriptors free */
    uint16_t avail_idx;  /* the driver's next available index (published by virtq_publish) */
    uint16_t used_idx;   /* the next used entry the driver will take */
    uint16_t in_flight;  /* chains added and not yet taken back */
    uint16_t link[VIRTQ_MAX_SIZE];  /* next descriptor in the free list or a chain */
    uint16_t chain[VIRTQ_MAX_SIZE]; /* at a head in flight: its length; else 0 */
};

/* Sets the queue up in mem (zeroing it) with size entries. False if size
 * is not a power of two in 1..VIRTQ_MAX_SIZE or a part is misaligned. */
bool virtq_init(struct virtq *q, uint16_t size, const struct virtq_mem *mem);

/* Puts a chain of count segments (in order: the spec wants the ones the
 * device reads before the ones it writes) into the available ring, not yet
 * visible to the device. Returns the chain's head, or -1 if there are not
 * count free descriptors, count is 0, a segment is empty, or the queue is
 * broken. */
int virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned count);

/* Makes the chains added so far visible to the device. Returns true if
 * the device asks to be notified (the transport's doorbell). */
bool virtq_publish(struct virtq *q);

/* Takes one chain the device has finished: its head and the bytes the
 * device says it wrote (len is the device's word: check it before use).
 * The chain's descriptors are free again. False if none is ready or the
 * queue is broken. */
bool virtq_take(struct virtq *q, uint16_t *head, uint32_t *len);

/* Descriptors free for virtq_add. */
static inline unsigned virtq_free(const struct virtq *q)
{
    return q->free_count;
}

/* Chains given to the device and not yet taken back. */
static inline unsigned virtq_in_flight(const struct virtq *q)
{
    return q->in_flight;
}

#endif
