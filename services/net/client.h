/*
 * The client's end of a port's ring (protocol.h), for native programs and
 * for a VM monitor's virtio-net back end: the start/reset handshake, the
 * client's buffers (the first half of the data area receives, the second
 * half sends), sending and receiving frames by copy. It checks what the
 * switch puts in the queues as well: a buffer comes back only if it is one
 * of the client's and out at the switch.
 *
 * Signalling is the caller's: after net_client_poll, send or recv, if
 * net_client_take_notify() is true, signal the switch (the ring's
 * capability). Call net_client_poll whenever the switch signals. Pure code
 * (memory only), tested on the host together with port.c.
 */
#ifndef SERVICES_NET_CLIENT_H
#define SERVICES_NET_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define NET_CLIENT_MAX_BUFS (2 * NET_QUEUE_MAX)

enum net_client_state {
    NET_CLIENT_WAITING,   /* for the switch to set the ring up */
    NET_CLIENT_RESETTING, /* asked for a reset, waiting for it */
    NET_CLIENT_RUNNING,
};

struct net_client {
    uint8_t *base;
    struct net_layout layout;
    struct net_ring_header *hdr;
    struct bt_queue rx_free, rx_active, tx_active, tx_free;
    enum net_client_state state;
    uint32_t epoch;                         /* the switch's epoch when the reset was asked for */
    uint32_t request;                       /* the reset asked for */
    uint32_t rx_bufs;                       /* buffers 0..rx_bufs-1 receive, the rest send */
    uint32_t tx_stack[NET_CLIENT_MAX_BUFS]; /* free send buffers */
    uint32_t tx_stack_count;
    bool out[NET_CLIENT_MAX_BUFS]; /* at the switch now */
    bool notify;
    uint64_t resets; /* resets completed */
};

/* Attaches to the ring at base (size bytes). False if size has no layout. */
bool net_client_init(struct net_client *c, void *base, uint64_t size);

/* Moves the handshake on: asks for a reset once the switch has set the
 * ring up (again after the switch restarted), and starts using the queues
 * when the reset is done. True while the port runs. */
bool net_client_poll(struct net_client *c);

/* Starts over: stops using the queues and asks for a reset (e.g. after the
 * guest reset its virtio device). Every buffer is the client's again. */
void net_client_reset(struct net_client *c);

/* Sends a frame (NET_FRAME_MIN..NET_FRAME_MAX bytes): false if the port
 * does not run or no send buffer is free. */
bool net_client_send(struct net_client *c, const void *frame, size_t len);

/* Sending without an extra copy (a back end that gathers a frame from
 * several pieces): a free send buffer of NET_BUF_SIZE bytes to write the
 * frame into, or NULL; then net_client_commit sends the first len bytes
 * of it (false if len is out of range or the port stopped meanwhile; the
 * buffer stays free). */
void *net_client_buffer(struct net_client *c);
bool net_client_commit(struct net_client *c, size_t len);

/* Receives the next frame into buf (max bytes, at least NET_FRAME_MAX);
 * returns its length, 0 if none. */
size_t net_client_recv(struct net_client *c, void *buf, size_t max);

/* Whether the switch must be signalled now (and clears it). */
bool net_client_take_notify(struct net_client *c);

/* The port's MAC address from the header (zero if it has none). */
void net_client_mac(const struct net_client *c, uint8_t mac[NET_ETH_ALEN]);

/* The switch's counters for this port, as last published. */
void net_client_counters(const struct net_client *c, struct net_counters *out);

#endif
