/*
 * The uplink's virtio-net driver: see uplink.h. Register access, queues
 * and DMA memory are lib/virtio's; this file knows what is particular to
 * a network device (virtio 1.x, section 5.1).
 */
#include "uplink.h"
#include "alloc/alloc.h"
#include "lib/string.h"

#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u
#define CONFIG_MAC 0
#define CONFIG_STATUS 6
#define QUEUE_RX 0
#define QUEUE_TX 1

bool uplink_find(struct uplink *u, uintptr_t base, size_t size, const char **why)
{
    memset(u, 0, sizeof(*u));
    *why = "no virtio device in the region";
    for (size_t off = 0; off + VIRTIO_MMIO_SIZE <= size; off += VIRTIO_MMIO_SIZE) {
        uint32_t id = 0;
        switch (virtio_mmio_probe(base + off, &id)) {
        case VIRTIO_PROBE_DEVICE:
            if (id == VIRTIO_ID_NET) {
                u->regs = base + off;
                return true;
            }
            *why = "the virtio devices in the region are not network devices";
            break;
        case VIRTIO_PROBE_LEGACY:
            *why = "a legacy virtio transport (QEMU needs -global virtio-mmio.force-legacy=false)";
            break;
        case VIRTIO_PROBE_NONE:
            break;
        }
    }
    return false;
}

/* Gives receive buffer i to the device. */
static bool uplink_post_rx(struct uplink *u, unsigned i)
{
    struct virtq_seg seg;
    if (virtio_dma_segments(&u->rx_mem, (size_t)i * UPLINK_BUF, UPLINK_BUF, true, &seg, 1) != 1) {
        return false;
    }
    int head = virtq_add(&u->rxq, &seg, 1);
    if (head < 0) {
        return false;
    }
    u->rx_buf_of[head] = (uint16_t)i;
    u->notify_rx = true;
    return true;
}

static bool uplink_queues(struct uplink *u, struct bt_alloc *a, const char **why)
{
    if (virtio_mmio_queue_max(&u->dev, QUEUE_RX) < UPLINK_QUEUE ||
        virtio_mmio_queue_max(&u->dev, QUEUE_TX) < UPLINK_QUEUE) {
        *why = "the device's queues are too small";
        return false;
    }
    if (!virtio_dma_virtq(&u->rxq, UPLINK_QUEUE, a) ||
        !virtio_dma_virtq(&u->txq, UPLINK_QUEUE, a) ||
        !virtio_dma_alloc(&u->rx_mem, a, UPLINK_PAGES, u->rx_pa) ||
        !virtio_dma_alloc(&u->tx_mem, a, UPLINK_PAGES, u->tx_pa)) {
        *why = "no memory for the queues and buffers (the quota is too small)";
        return false;
    }
    if (!virtio_mmio_queue_setup(&u->dev, QUEUE_RX, &u->rxq) ||
        !virtio_mmio_queue_setup(&u->dev, QUEUE_TX, &u->txq)) {
        *why = "the device refused a queue";
        return false;
    }
    return true;
}

bool uplink_start(struct uplink *u, struct bt_alloc *a, const char **why)
{
    if (!virtio_mmio_start(&u->dev, u->regs, 0, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS)) {
        *why = "the device refused the features (it must offer VERSION_1)";
        return false;
    }
    if (!uplink_queues(u, a, why)) {
        virtio_mmio_reset(&u->dev);
        return false;
    }
    if (u->dev.features & VIRTIO_NET_F_MAC) {
        for (unsigned i = 0; i < NET_ETH_ALEN; i++) {
            u->mac[i] = virtio_mmio_config8(&u->dev, CONFIG_MAC + i);
        }
    }
    if (u->dev.features & VIRTIO_NET_F_STATUS) {
        u->link_known = true;
        u->link_up = virtio_mmio_config16(&u->dev, CONFIG_STATUS) & VIRTIO_NET_S_LINK_UP;
    }
    for (unsigned i = 0; i < UPLINK_QUEUE; i++) {
        u->tx_free[i] = (uint16_t)(UPLINK_QUEUE - 1 - i);
        if (!uplink_post_rx(u, i)) {
            *why = "cannot give the device its receive buffers";
            virtio_mmio_reset(&u->dev);
            return false;
        }
    }
    u->tx_free_count = UPLINK_QUEUE;
    if (!virtio_mmio_ready(&u->dev)) {
        *why = "the device failed to start";
        virtio_mmio_reset(&u->dev);
        return false;
    }
    uplink_kick(u);
    return true;
}

/* Takes back the transmit buffers the device is done with. */
static void uplink_reclaim(struct uplink *u)
{
    uint16_t head;
    uint32_t len;
    while (virtq_take(&u->txq, &head, &len)) {
        if (u->tx_free_count < UPLINK_QUEUE) {
            u->tx_free[u->tx_free_count++] = u->tx_buf_of[head];
        }
    }
}

bool uplink_send(struct uplink *u, const uint8_t *frame, size_t len)
{
    if (len > NET_FRAME_MAX) {
        return false;
    }
    if (u->tx_free_count == 0) {
        uplink_reclaim(u);
    }
    if (u->tx_free_count == 0) {
        return false;
    }
    unsigned i = u->tx_free[u->tx_free_count - 1];
    uint8_t *buf = u->tx_mem.va + (size_t)i * UPLINK_BUF;
    memset(buf, 0, UPLINK_HDR); /* no checksum, no segmentation */
    memcpy(buf + UPLINK_HDR, frame, len);
    struct virtq_seg seg;
    if (virtio_dma_segments(&u->tx_mem, (size_t)i * UPLINK_BUF, UPLINK_HDR + len, false, &seg, 1) !=
        1) {
        return false;
    }
    int head = virtq_add(&u->txq, &seg, 1);
    if (head < 0) {
        return false;
    }
    u->tx_free_count--;
    u->tx_buf_of[head] = (uint16_t)i;
    u->notify_tx = true;
    return true;
}

unsigned uplink_receive(struct uplink *u, unsigned max, uplink_frame_fn fn, void *ctx)
{
    unsigned n = 0;
    uint16_t head;
    uint32_t len;
    while (n < max && virtq_take(&u->rxq, &head, &len)) {
        unsigned i = u->rx_buf_of[head];
        const uint8_t *buf = u->rx_mem.va + (size_t)i * UPLINK_BUF;
        if (len >= UPLINK_HDR + NET_FRAME_MIN && len <= UPLINK_HDR + NET_FRAME_MAX) {
            fn(ctx, buf + UPLINK_HDR, len - UPLINK_HDR);
        } else {
            u->bad_frames++;
        }
        uplink_post_rx(u, i);
        n++;
    }
    uplink_reclaim(u);
    return n;
}

void uplink_kick(struct uplink *u)
{
    if (u->notify_rx) {
        u->notify_rx = false;
        if (virtq_publish(&u->rxq)) {
            virtio_mmio_notify(&u->dev, QUEUE_RX);
        }
    }
    if (u->notify_tx) {
        u->notify_tx = false;
        if (virtq_publish(&u->txq)) {
            virtio_mmio_notify(&u->dev, QUEUE_TX);
        }
    }
}

uint32_t uplink_interrupt(struct uplink *u)
{
    uint32_t causes = virtio_mmio_interrupt_ack(&u->dev);
    if ((causes & VIRTIO_INT_CONFIG) && u->link_known) {
        u->link_up = virtio_mmio_config16(&u->dev, CONFIG_STATUS) & VIRTIO_NET_S_LINK_UP;
    }
    return causes;
}

bool uplink_broken(const struct uplink *u)
{
    return u->rxq.broken || u->txq.broken || virtio_mmio_broken(&u->dev);
}
