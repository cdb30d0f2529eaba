/*
 * The virtio-blk driver: see disk.h. A request is a chain of the 16-byte
 * header (device-readable), the data segments of the slot's buffer
 * (device-writable for reads and GET_ID, readable for writes) and the
 * status byte (device-writable), as section 5.2.6 lays it out.
 */
#include "disk.h"
#include "alloc/alloc.h"
#include "protocol.h"

/* Device feature bits (virtio 1.x, 5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

/* Configuration space offsets (5.2.4). */
#define CONFIG_CAPACITY 0
#define CONFIG_SEG_MAX 12

/* The status byte's values (5.2.6). */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define CMD_STRIDE 32u
#define CMD_STATUS 16u
/* A status byte the device has not written. */
#define STATUS_NONE 0xffu

struct virtio_blk_req_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_req_header) == 16, "virtio-blk request header");

static bool refuse(const char **why, const char *reason)
{
    *why = reason;
    return false;
}

/* Picks the transfer size and slot count the device's limits allow. */
static bool size_slots(struct disk *d, const char **why)
{
    unsigned segs = DISK_MAX_SEGMENTS;
    if (d->dev.features & VIRTIO_BLK_F_SEG_MAX) {
        uint32_t seg_max = virtio_mmio_config32(&d->dev, CONFIG_SEG_MAX);
        if (seg_max == 0) {
            return refuse(why, "the device allows no data segments");
        }
        if (seg_max < segs) {
            segs = seg_max; /* every page may be a segment of its own */
        }
    }
    d->max_segments = segs;
    d->max_transfer = segs * VIRTIO_DMA_PAGE;
    d->slot_count = d->vq.size / (segs + 2);
    if (d->slot_count > DISK_SLOTS) {
        d->slot_count = DISK_SLOTS;
    }
    if (d->slot_count == 0) {
        return refuse(why, "the device's queue is too small for one request");
    }
    return true;
}

bool disk_init(struct disk *d, uintptr_t regs, struct bt_alloc *a, const char **why)
{
    d->failed = true;
    if (!virtio_mmio_start(&d->dev, regs, 0,
                           VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH)) {
        return refuse(why, "the device refused the features (it needs VIRTIO_F_VERSION_1)");
    }
    uint32_t max = virtio_mmio_queue_max(&d->dev, 0);
    uint16_t size = DISK_QUEUE_SIZE;
    while (size > max && size > 1) {
        size /= 2;
    }
    if (max == 0 || !virtio_dma_virtq(&d->vq, size, a) ||
        !virtio_mmio_queue_setup(&d->dev, 0, &d->vq)) {
        return refuse(why, "its request queue cannot be set up");
    }
    if (!size_slots(d, why)) {
        return false;
    }
    unsigned pages = d->slot_count * d->max_transfer / VIRTIO_DMA_PAGE;
    if (!virtio_dma_alloc(&d->bufs, a, pages, d->bufs_pa) ||
        !virtio_dma_alloc(&d->cmd, a, 1, d->cmd_pa)) {
        return refuse(why, "no memory for its buffers");
    }
    d->capacity = virtio_mmio_config64(&d->dev, CONFIG_CAPACITY);
    d->read_only = (d->dev.features & VIRTIO_BLK_F_RO) != 0;
    d->flush = (d->dev.features & VIRTIO_BLK_F_FLUSH) != 0;
    for (unsigned i = 0; i < DISK_SLOTS; i++) {
        d->busy[i] = false;
    }
    for (unsigned i = 0; i < VIRTQ_MAX_SIZE; i++) {
        d->slot_of_head[i] = -1;
    }
    if (!virtio_mmio_ready(&d->dev)) {
        return refuse(why, "the device failed when started");
    }
    d->failed = false;
    return true;
}

int disk_slot_get(struct disk *d)
{
    for (unsigned i = 0; i < d->slot_count && !d->failed; i++) {
        if (!d->busy[i]) {
            d->busy[i] = true;
            return (int)i;
        }
    }
    return -1;
}

void disk_slot_put(struct disk *d, unsigned slot)
{
    d->busy[slot] = false;
}

static volatile uint8_t *status_byte(struct disk *d, unsigned slot)
{
    return d->cmd.va + slot * CMD_STRIDE + CMD_STATUS;
}

bool disk_submit(struct disk *d, unsigned slot, uint32_t type, uint64_t sector, uint32_t len)
{
    struct virtq_seg segs[DISK_MAX_SEGMENTS + 2];
    volatile struct virtio_blk_req_header *h =
        (volatile struct virtio_blk_req_header *)(d->cmd.va + slot * CMD_STRIDE);
    h->type = type;
    h->reserved = 0;
    h->sector = type == BLK_REQ_READ || type == BLK_REQ_WRITE ? sector : 0;
    *status_byte(d, slot) = STATUS_NONE;
    unsigned n = 0;
    segs[n++] = (struct virtq_seg){.pa = virtio_dma_pa(&d->cmd, slot * CMD_STRIDE), .len = 16};
    if (len > 0) {
        unsigned k = virtio_dma_segments(&d->bufs, (size_t)slot * d->max_transfer, len,
                                         type != BLK_REQ_WRITE, segs + n, d->max_segments);
        if (k == 0) {
            d->busy[slot] = false;
            return false; /* cannot happen: len <= max_transfer, checked by the caller */
        }
        n += k;
    }
    segs[n++] = (struct virtq_seg){.pa = virtio_dma_pa(&d->cmd, slot * CMD_STRIDE + CMD_STATUS),
                                   .len = 1,
                                   .device_writes = true};
    int head = d->failed ? -1 : virtq_add(&d->vq, segs, n);
    if (head < 0) {
        d->busy[slot] = false;
        return false;
    }
    d->slot_of_head[head] = (int16_t)slot;
    d->len[slot] = type == BLK_REQ_WRITE ? 0 : len;
    return true;
}

void disk_kick(struct disk *d)
{
    if (!d->failed && virtq_publish(&d->vq)) {
        virtio_mmio_notify(&d->dev, 0);
    }
}

void disk_interrupt(struct disk *d)
{
    virtio_mmio_interrupt_ack(&d->dev);
    if (virtio_mmio_broken(&d->dev)) {
        d->failed = true;
    }
}

bool disk_complete(struct disk *d, unsigned *slot, uint32_t *status, uint32_t *len)
{
    uint16_t head;
    uint32_t used_len;
    if (d->failed || !virtq_take(&d->vq, &head, &used_len)) {
        d->failed = d->failed || d->vq.broken;
        return false;
    }
    int s = d->slot_of_head[head];
    d->slot_of_head[head] = -1;
    if (s < 0 || !d->busy[s]) {
        d->failed = true; /* virtq checked the head: this is our own bookkeeping broken */
        return false;
    }
    d->busy[s] = false;
    *slot = (unsigned)s;
    uint8_t st = *status_byte(d, (unsigned)s);
    *status = st == VIRTIO_BLK_S_OK       ? BLK_S_OK
              : st == VIRTIO_BLK_S_UNSUPP ? BLK_S_UNSUPP
                                          : BLK_S_IOERR;
    /* What we asked for, not what the device claims (used_len): the
     * caller copies this many bytes to a client. */
    *len = d->len[s];
    return true;
}

void disk_abandon(struct disk *d, void (*lost)(void *ctx, unsigned slot), void *ctx)
{
    d->failed = true;
    virtio_mmio_reset(&d->dev); /* it no longer touches the slots' memory */
    for (unsigned i = 0; i < d->slot_count; i++) {
        if (d->busy[i]) {
            d->busy[i] = false;
            lost(ctx, i);
        }
    }
}
