/*
 * DMA regions: physical addresses and segments (see dma.h). Pure code, so
 * the host tests can use it; dma_alloc.c makes the regions.
 */
#include "virtio/dma.h"

uint64_t virtio_dma_pa(const struct virtio_dma *d, size_t offset)
{
    return d->pa[offset / VIRTIO_DMA_PAGE] + offset % VIRTIO_DMA_PAGE;
}

unsigned virtio_dma_segments(const struct virtio_dma *d, size_t offset, size_t len,
                             bool device_writes, struct virtq_seg *segs, unsigned max)
{
    if (len == 0 || offset > d->size || len > d->size - offset) {
        return 0;
    }
    unsigned n = 0;
    while (len > 0) {
        size_t in_page = VIRTIO_DMA_PAGE - offset % VIRTIO_DMA_PAGE;
        size_t piece = len < in_page ? len : in_page;
        uint64_t pa = virtio_dma_pa(d, offset);
        if (n > 0 && segs[n - 1].pa + segs[n - 1].len == pa &&
            (uint64_t)segs[n - 1].len + piece <= UINT32_MAX) {
            segs[n - 1].len += (uint32_t)piece;
        } else {
            if (n == max) {
                return 0;
            }
            segs[n++] = (struct virtq_seg){
                .pa = pa, .len = (uint32_t)piece, .device_writes = device_writes};
        }
        offset += piece;
        len -= piece;
    }
    return n;
}
