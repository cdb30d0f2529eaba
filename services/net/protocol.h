/*
 * The network switch's ring protocol: how a port's client (a native
 * program, or a VM monitor's virtio-net back end) and the switch
 * (services/net) share one "ring" channel (docs/scenarios.md). Ethernet
 * frames travel through shared memory in the sDDF style; each side signals
 * the other through the ring's notification capability after a batch.
 *
 * Memory. The ring is SIZE bytes (a multiple of 4 KiB, at most 2 MiB),
 * zeroed when root made it. Both sides compute the same layout from SIZE
 * alone (net_layout_of below); nothing about the layout is read from the
 * shared memory:
 *
 *   0                  struct net_ring_header (NET_HEADER_BYTES)
 *   layout.rx_free     queue: client -> switch, empty buffers to receive into
 *   layout.rx_active   queue: switch -> client, buffers holding received frames
 *   layout.tx_active   queue: client -> switch, buffers holding frames to send
 *   layout.tx_free     queue: switch -> client, sent buffers given back
 *   layout.data        layout.buf_count buffers of NET_BUF_SIZE bytes each
 *
 * Each queue is a lib/ring/queue.h queue (struct bt_queue_shared) of
 * layout.capacity entries (a power of two, at least the buffers of one
 * direction). A descriptor names one buffer: offset = layout.data +
 * i * NET_BUF_SIZE for some i < buf_count (offsets count from the start of
 * the ring), len = the frame's length in bytes, cookie = the client's (the
 * switch hands it back unchanged). Buffers belong to the client: it decides
 * which are for receiving and which for sending (client.c uses the
 * first layout.buf_count / 2 for RX and the rest for TX).
 *
 * Frames are plain Ethernet frames, from the destination MAC address on,
 * without FCS, without a virtio-net header, no offloads: NET_FRAME_MIN to
 * NET_FRAME_MAX bytes (no padding to 60 bytes needed). VLAN tags are
 * payload to the switch; a tagged frame must fit NET_FRAME_MAX too.
 *
 * Receiving: the client pushes empty buffers to rx_free (len is ignored);
 * the switch copies a frame into one and pushes it to rx_active with len =
 * the frame's length; the client copies it out and pushes the buffer to
 * rx_free again. With no buffer in rx_free, frames for the port are dropped
 * and counted (drop_rx_full).
 *
 * Sending: the client copies a frame into a buffer and pushes it to
 * tx_active; the switch copies it out and pushes the descriptor, unchanged,
 * to tx_free, where the client takes the buffer back.
 *
 * The switch trusts nothing in this memory. It reads each descriptor once
 * (lib/ring/queue.h copies it out), checks the offset names a whole buffer
 * and the length (NET_FRAME_MIN..NET_FRAME_MAX for tx_active), copies the
 * frame into its own memory before looking at it, and never lets a device
 * DMA into or out of the ring. A bad tx_active descriptor is returned to
 * tx_free unsent; a bad rx_free descriptor is discarded; both count as
 * drop_malformed. A queue whose published index is impossible stops (the
 * queue's "broken" state) until the client resets the port. The switch
 * serves at most a fixed number of frames per port per round, so a client
 * that floods cannot stall the others.
 *
 * What the switch enforces (from the ring's parameters, abi/startinfo.h):
 * with "mac=..." every frame the client sends must carry that source
 * address, else it is dropped (drop_spoofed); with "peers=a,b" frames go
 * only to and come only from those ports (names at the switch, or
 * "uplink"); unicast to another port outside them is dropped (drop_denied).
 * A port with "mac=" receives only frames addressed to that MAC,
 * broadcast and multicast; one without it also gets unicast for the
 * addresses the switch learned on it and for addresses it does not know.
 *
 * Starting and resetting. The queues' indices belong to the two sides (each
 * writes only its own), so neither can put a queue back to zero alone; the
 * port is (re)started with a handshake:
 *
 *   client                                  switch
 *   waits for magic and version
 *   notes epoch; stops using the queues
 *   reset_request = reset_done + 1,
 *   signal                            -->   sees reset_request != reset_done:
 *                                           forgets the port's queues, sets all
 *                                           eight indices to 0, link = up,
 *                                      <--  reset_done = reset_request, signal
 *   sees reset_done == reset_request:
 *   owns every buffer again; pushes
 *   its RX buffers to rx_free, signal
 *
 * The switch, whenever it starts (or restarts after a crash), writes magic,
 * version and mac, sets link = down, increments epoch and signals: it
 * serves no port until that port's client resets it. A client that sees
 * epoch differ from what it noted (or link down) resets the port again. A
 * client restarts the same way (e.g. a guest resetting its virtio device).
 * Until reset_done == reset_request, neither side touches the queues.
 *
 * Counters. The switch keeps each port's counters itself and copies them
 * into the header from time to time, for the client to read (a client that
 * writes them only confuses itself).
 */
#ifndef SERVICES_NET_PROTOCOL_H
#define SERVICES_NET_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/queue.h"

#define NET_RING_MAGIC 0x676e6952744e4221ull /* "!BNtRing" */
#define NET_RING_VERSION 1

#define NET_BUF_SIZE 2048u
#define NET_FRAME_MIN 14u   /* destination, source, EtherType */
#define NET_FRAME_MAX 1514u /* 1500 bytes of payload */
#define NET_ETH_ALEN 6u

#define NET_HEADER_BYTES 256u
#define NET_QUEUE_MAX 512u   /* entries per queue: enough for a 2 MiB ring */
#define NET_RING_MIN_BUFS 1u /* buffers per direction, at least */

#define NET_LINK_DOWN 0u
#define NET_LINK_UP 1u

/* A port's counters, as the switch sees them. "rx" is towards the client
 * (frames it received), "tx" from it. */
struct net_counters {
    uint64_t rx_frames;      /* frames delivered into the client's rx buffers */
    uint64_t tx_frames;      /* frames taken from the client and switched */
    uint64_t drop_spoofed;   /* sent with a source MAC not the port's own */
    uint64_t drop_denied;    /* sent to a port its peers do not allow */
    uint64_t drop_rx_full;   /* frames for this port that found no rx buffer */
    uint64_t drop_malformed; /* bad descriptors, bad lengths */
    uint64_t rx_bytes;
    uint64_t tx_bytes;
};

/* The header at the start of the ring. Each side writes only its own
 * fields, which lie in separate cache lines. */
struct net_ring_header {
    /* Written by the switch. */
    uint64_t magic;            /* NET_RING_MAGIC once the switch has set the ring up */
    uint32_t version;          /* NET_RING_VERSION */
    uint32_t epoch;            /* incremented each time the switch starts */
    uint32_t reset_done;       /* the last reset_request the switch completed */
    uint32_t link;             /* NET_LINK_UP while the switch serves the port */
    uint8_t mac[NET_ETH_ALEN]; /* the port's MAC ("mac="), or zero if it has none */
    uint8_t pad0[2];
    uint8_t pad1[32];
    struct net_counters counters; /* copies, from time to time */
    /* Written by the client. */
    uint32_t reset_request; /* incremented to ask for a reset */
    uint8_t pad2[60];
    uint8_t reserved[NET_HEADER_BYTES - 192];
};

_Static_assert(sizeof(struct net_counters) == 64, "counters fill one cache line");
_Static_assert(sizeof(struct net_ring_header) == NET_HEADER_BYTES, "header size");
_Static_assert(__builtin_offsetof(struct net_ring_header, counters) == 64, "counters' line");
_Static_assert(__builtin_offsetof(struct net_ring_header, reset_request) == 128,
               "the client's line");

/* Where everything lies in a ring of a given size (offsets from its
 * start). */
struct net_layout {
    uint64_t rx_free, rx_active, tx_active, tx_free; /* the four queues */
    uint64_t data;                                   /* the first buffer */
    uint32_t capacity;                               /* entries per queue, a power of two */
    uint32_t buf_count;                              /* buffers in the data area */
};

static inline uint64_t net_round_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

/* The layout both sides use for a ring of size bytes: the queue capacity C
 * (a power of two up to NET_QUEUE_MAX) that gives the most buffers per
 * direction, min(C, what fits after the queues), the smallest such C when
 * several do; the data area starts at the first NET_BUF_SIZE boundary after
 * the queues and holds twice that many buffers. False if not even
 * NET_RING_MIN_BUFS buffers per direction fit, or size is not a multiple
 * of 4 KiB or above 2 MiB. */
static inline bool net_layout_of(uint64_t size, struct net_layout *l)
{
    if (size == 0 || size % 4096 != 0 || size > (2u << 20)) {
        return false;
    }
    uint64_t best = 0;
    uint32_t best_cap = 0;
    for (uint32_t cap = 4; cap <= NET_QUEUE_MAX; cap *= 2) {
        uint64_t meta = NET_HEADER_BYTES + 4 * (uint64_t)bt_queue_bytes(cap);
        uint64_t data = net_round_up(meta, NET_BUF_SIZE);
        uint64_t per_dir = data < size ? (size - data) / (2 * NET_BUF_SIZE) : 0;
        if (per_dir > cap) {
            per_dir = cap;
        }
        if (per_dir > best) {
            best = per_dir;
            best_cap = cap;
        }
    }
    if (best < NET_RING_MIN_BUFS) {
        return false;
    }
    uint64_t q = bt_queue_bytes(best_cap);
    l->capacity = best_cap;
    l->rx_free = NET_HEADER_BYTES;
    l->rx_active = l->rx_free + q;
    l->tx_active = l->rx_active + q;
    l->tx_free = l->tx_active + q;
    l->data = net_round_up(l->tx_free + q, NET_BUF_SIZE);
    l->buf_count = (uint32_t)(2 * best);
    return true;
}

/* Whether offset names a whole buffer of the data area; its index in *i. */
static inline bool net_layout_buffer(const struct net_layout *l, uint64_t offset, uint32_t *i)
{
    if (offset < l->data || (offset - l->data) % NET_BUF_SIZE != 0 ||
        (offset - l->data) / NET_BUF_SIZE >= l->buf_count) {
        return false;
    }
    *i = (uint32_t)((offset - l->data) / NET_BUF_SIZE);
    return true;
}

/* The header's fields that the other side writes, read and written with
 * ordering: a side publishes its queues' state before the field that says
 * they may be used. */
static inline uint32_t net_load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void net_store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

#endif
