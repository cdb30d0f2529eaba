/*
 * The block server's virtio-blk driver (virtio 1.x, section 5.2) on one
 * virtio-mmio transport, through lib/virtio. Requests go through a fixed
 * set of slots; each slot owns a DMA bounce buffer of max_transfer bytes
 * and its request header and status byte, so the device only ever sees the
 * server's own memory (a client's data is copied in and out by the
 * caller). The slots' count is fixed at start, so requests at the device
 * are bounded, and the virtqueue always has room for every slot's chain.
 *
 * Interrupts: the caller waits for the transport's IRQ, calls
 * disk_interrupt (which acknowledges the device), acknowledges the IRQ
 * capability, then takes finished requests with disk_complete.
 */
#ifndef SERVICES_BLK_DISK_H
#define SERVICES_BLK_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "virtio/dma.h"
#include "virtio/mmio.h"
#include "virtio/virtq.h"

#define DISK_SLOTS 8u
#define DISK_QUEUE_SIZE 256u /* asked for; the device may allow fewer */
#define DISK_MAX_SEGMENTS (BLK_MAX_TRANSFER / VIRTIO_DMA_PAGE) /* data pieces per request */

struct bt_alloc;

struct disk {
    struct virtio_mmio dev;
    struct virtq vq;
    uint64_t capacity;      /* sectors of 512 bytes */
    bool read_only;         /* the device refuses writes (VIRTIO_BLK_F_RO) */
    bool flush;             /* the device has a write cache to flush (VIRTIO_BLK_F_FLUSH) */
    bool failed;            /* the device broke: nothing more goes to it */
    uint32_t max_transfer;  /* bytes per request: the slots' buffer size */
    unsigned slot_count;    /* usable slots (<= DISK_SLOTS, by the queue's size) */
    unsigned max_segments;  /* data descriptors per request */
    struct virtio_dma bufs; /* slot i's buffer: bytes [i * max_transfer, +max_transfer) */
    uint64_t bufs_pa[DISK_SLOTS * DISK_MAX_SEGMENTS];
    struct virtio_dma cmd; /* slot i's header at i * 32, status byte at i * 32 + 16 */
    uint64_t cmd_pa[1];
    bool busy[DISK_SLOTS];
    uint32_t len[DISK_SLOTS]; /* bytes the request moves into the buffer */
    int16_t slot_of_head[VIRTQ_MAX_SIZE];
};

/* Starts the virtio-blk device whose registers are at regs: features,
 * the request queue, the slots' memory from a's quota. False with a
 * reason in *why. */
bool disk_init(struct disk *d, uintptr_t regs, struct bt_alloc *a, const char **why);

/* A free slot, or -1. */
int disk_slot_get(struct disk *d);

/* Gives back a slot that was not submitted. */
void disk_slot_put(struct disk *d, unsigned slot);

/* Slot's bounce buffer (max_transfer bytes). */
static inline uint8_t *disk_slot_buffer(struct disk *d, unsigned slot)
{
    return d->bufs.va + (uint64_t)slot * d->max_transfer;
}

/* Gives the device a request in slot (taken with disk_slot_get): type is
 * BLK_REQ_* (virtio-blk's numbers), len the bytes of the slot's buffer it
 * moves (0 for FLUSH). For WRITE the buffer holds the data already. Not
 * visible to the device before disk_kick. False (slot freed) if the
 * device has failed. */
bool disk_submit(struct disk *d, unsigned slot, uint32_t type, uint64_t sector, uint32_t len);

/* Makes the submitted requests visible to the device and notifies it. */
void disk_kick(struct disk *d);

/* Acknowledges the device's interrupt; marks the disk failed if the device
 * reports an error state. */
void disk_interrupt(struct disk *d);

/* Takes a finished request: its slot (free again), its status (BLK_S_OK,
 * BLK_S_IOERR or BLK_S_UNSUPP) and the bytes it placed in the buffer.
 * False if none is finished. */
bool disk_complete(struct disk *d, unsigned *slot, uint32_t *status, uint32_t *len);

/* After the device failed: resets it and frees every slot; each slot
 * that was busy is reported through lost(ctx, slot). */
void disk_abandon(struct disk *d, void (*lost)(void *ctx, unsigned slot), void *ctx);

#endif
