/*
 * DMA regions from the component's quota (see dma.h): frames from root,
 * mapped one after the other in the address range lib/alloc hands out, so
 * a region is virtually contiguous whatever its physical layout.
 */
#include "alloc/alloc.h"
#include "virtio/dma.h"

bool virtio_dma_alloc(struct virtio_dma *d, struct bt_alloc *a, unsigned pages, uint64_t *pa)
{
    /* lib/alloc places its mappings from next_vaddr up; taking the range
     * here (and a guard page after it) keeps the two from overlapping. */
    uint64_t base = a->next_vaddr;
    a->next_vaddr = base + ((uint64_t)pages + 1) * VIRTIO_DMA_PAGE;
    for (unsigned i = 0; i < pages; i++) {
        bt_cptr_t frame = bt_alloc_object(a, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
        struct bt_cap_info info;
        if (frame == 0 || bt_cap_identify(frame, &info) != BT_OK ||
            bt_alloc_map(a, a->task, frame, base + (uint64_t)i * VIRTIO_DMA_PAGE,
                         BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED) != BT_OK) {
            return false;
        }
        pa[i] = info.paddr;
    }
    d->va = (uint8_t *)base;
    d->size = (size_t)pages * VIRTIO_DMA_PAGE;
    d->pa = pa;
    return true;
}

/* Where the used ring starts in the rings' frame: after the largest
 * available ring (6 + 2 * 256 bytes), 4-aligned, and room for the largest
 * used ring (6 + 8 * 256 bytes) after it. */
#define USED_OFFSET 1024u
_Static_assert(6 + 2 * VIRTQ_MAX_SIZE <= USED_OFFSET, "available ring fits before the used ring");
_Static_assert(USED_OFFSET + 6 + 8 * VIRTQ_MAX_SIZE <= VIRTIO_DMA_PAGE, "used ring fits");
_Static_assert(16 * VIRTQ_MAX_SIZE <= VIRTIO_DMA_PAGE, "descriptor table fits a page");

bool virtio_dma_virtq(struct virtq *q, uint16_t size, struct bt_alloc *a)
{
    uint64_t pa[2];
    struct virtio_dma d;
    if (!virtio_dma_alloc(&d, a, 2, pa)) {
        return false;
    }
    struct virtq_mem mem = {
        .desc = d.va,
        .desc_pa = pa[0],
        .avail = d.va + VIRTIO_DMA_PAGE,
        .avail_pa = pa[1],
        .used = d.va + VIRTIO_DMA_PAGE + USED_OFFSET,
        .used_pa = pa[1] + USED_OFFSET,
    };
    return virtq_init(q, size, &mem);
}
