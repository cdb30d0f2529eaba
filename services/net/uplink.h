/*
 * The uplink: QEMU's virtio-net device (modern virtio-mmio), driven with
 * lib/virtio. One receive and one transmit queue, no offloads, no
 * mergeable buffers: each frame is one buffer of the switch's own DMA
 * memory holding the 12-byte virtio-net header and the frame. Frames are
 * copied between these buffers and the ports' rings; a client's memory is
 * never given to the device.
 *
 * The device is trusted to be the device (it can reach all memory anyway),
 * but its lengths are still checked before a frame is used.
 */
#ifndef SERVICES_NET_UPLINK_H
#define SERVICES_NET_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "virtio/dma.h"
#include "virtio/mmio.h"
#include "virtio/virtq.h"

#define UPLINK_QUEUE 64u /* entries per virtqueue, and buffers each way */
#define UPLINK_HDR 12u   /* struct virtio_net_hdr with VERSION_1 */
#define UPLINK_BUF 2048u /* bytes per buffer: header + NET_FRAME_MAX fit */
#define UPLINK_PAGES (UPLINK_QUEUE * UPLINK_BUF / VIRTIO_DMA_PAGE)

struct bt_alloc;

struct uplink {
    struct virtio_mmio dev;
    uintptr_t regs;
    struct virtq rxq, txq;
    struct virtio_dma rx_mem, tx_mem;
    uint64_t rx_pa[UPLINK_PAGES], tx_pa[UPLINK_PAGES];
    uint16_t rx_buf_of[VIRTQ_MAX_SIZE]; /* a chain's head -> its buffer */
    uint16_t tx_buf_of[VIRTQ_MAX_SIZE];
    uint16_t tx_free[UPLINK_QUEUE]; /* transmit buffers not in flight */
    unsigned tx_free_count;
    uint8_t mac[NET_ETH_ALEN];
    bool link_known, link_up;
    bool notify_rx, notify_tx;
    uint64_t bad_frames; /* receive lengths the device got wrong */
};

/* Finds a virtio-net transport in the region [base, base + size) (whole
 * transports of VIRTIO_MMIO_SIZE). False with the reason in *why. */
bool uplink_find(struct uplink *u, uintptr_t base, size_t size, const char **why);

/* Starts the device: features, queues, buffers from a's quota, every
 * receive buffer given to the device. False with the reason in *why. */
bool uplink_start(struct uplink *u, struct bt_alloc *a, const char **why);

/* Copies a frame into a transmit buffer and queues it: false if none is
 * free (after taking back what the device has sent). */
bool uplink_send(struct uplink *u, const uint8_t *frame, size_t len);

typedef void (*uplink_frame_fn)(void *ctx, const uint8_t *frame, size_t len);

/* Hands up to max received frames to fn (the frame lies in the device's
 * buffer, valid during the call) and gives the buffers back to the
 * device. Returns how many it took. */
unsigned uplink_receive(struct uplink *u, unsigned max, uplink_frame_fn fn, void *ctx);

/* Publishes what was queued since the last call and rings the doorbells
 * the device asks for. */
void uplink_kick(struct uplink *u);

/* Acknowledges the device's interrupt (before the queues are looked at).
 * Returns the causes (VIRTIO_INT_*). */
uint32_t uplink_interrupt(struct uplink *u);

/* Whether the device or a queue broke (it wants a reset). */
bool uplink_broken(const struct uplink *u);

#endif
