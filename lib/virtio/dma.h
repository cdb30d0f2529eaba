/*
 * Memory a device reaches by physical address (DMA), for native drivers:
 * virtqueues and the buffers their descriptors name. A region is a run of
 * 4 KiB frames from the component's quota at root (ROOT_ALLOC), mapped at
 * consecutive virtual addresses, cacheable (virtio devices are coherent),
 * with each frame's physical address learnt from the kernel
 * (bt_cap_identify). The frames need not be physically contiguous:
 * virtio_dma_segments cuts a byte range into physically contiguous pieces,
 * one descriptor each.
 *
 * A device can reach every physical address (no IOMMU on QEMU virt), so
 * whatever a driver puts in a descriptor must come from its own regions:
 * never a client's memory.
 */
#ifndef LIB_VIRTIO_DMA_H
#define LIB_VIRTIO_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/virtq.h"

#define VIRTIO_DMA_PAGE 4096u

struct virtio_dma {
    uint8_t *va;  /* the first byte, page-aligned */
    size_t size;  /* bytes: pages * VIRTIO_DMA_PAGE */
    uint64_t *pa; /* the physical address of each page (the caller's array) */
};

struct bt_alloc;
/* Makes a region of pages fresh zeroed frames, mapped read-write at a new
 * address of the component (from a's address range), their physical
 * addresses in pa[0..pages-1]. False if the quota, the slots or the tables
 * run out (frames already made stay allocated). */
bool virtio_dma_alloc(struct virtio_dma *d, struct bt_alloc *a, unsigned pages, uint64_t *pa);

/* Makes a virtqueue of size entries (at most VIRTQ_MAX_SIZE) in two fresh
 * frames of a's quota: the descriptor table in one, the available and used
 * rings in the other; then virtq_init. */
bool virtio_dma_virtq(struct virtq *q, uint16_t size, struct bt_alloc *a);

/* The physical address of byte offset of the region (offset < size). */
uint64_t virtio_dma_pa(const struct virtio_dma *d, size_t offset);

/* Cuts bytes [offset, offset + len) of the region into physically
 * contiguous segments (adjacent frames that are also adjacent in physical
 * memory join), all with device_writes as given. Returns how many it wrote
 * to segs, or 0 if the range is empty, leaves the region, or needs more
 * than max segments. */
unsigned virtio_dma_segments(const struct virtio_dma *d, size_t offset, size_t len,
                             bool device_writes, struct virtq_seg *segs, unsigned max);

#endif
