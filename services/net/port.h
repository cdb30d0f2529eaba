/*
 * The switch's end of one port's ring (protocol.h): setting the header up
 * at start, the reset handshake, taking the frames the client sends and
 * putting frames into its receive buffers, every descriptor checked. The
 * ring is shared with an untrusted client: this code reads each of the
 * client's fields once, never follows a pointer from it, and copies frames
 * before anyone looks at them. Pure code (memory only), tested on the host.
 */
#ifndef SERVICES_NET_PORT_H
#define SERVICES_NET_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

struct port {
    uint8_t *base;
    uint64_t size;
    struct net_layout layout;
    struct net_ring_header *hdr;
    struct bt_queue rx_free, rx_active, tx_active, tx_free;
    uint32_t done; /* the last reset request completed */
    bool running;  /* reset since the switch started: queues in use */
    bool pushed;   /* something went to rx_active or tx_free: signal */
};

enum port_take {
    PORT_TAKE_NONE,  /* nothing to take (or the queue is broken) */
    PORT_TAKE_FRAME, /* a frame, copied out */
    PORT_TAKE_BAD,   /* a descriptor with a bad offset or length, given back */
};

enum port_put {
    PORT_PUT_OK,
    PORT_PUT_FULL, /* no usable receive buffer */
};

/* The switch starts serving the ring at base (size bytes): writes the
 * header (magic, version, mac or zero, link down, the next epoch). The port
 * is not running until its client resets it. False if size has no layout. */
bool port_init(struct port *p, void *base, uint64_t size, const uint8_t *mac);

/* Completes a reset the client asked for: true if it did one now (the
 * queues are empty and the port runs; signal the client). */
bool port_poll_reset(struct port *p);

/* Takes the next frame the client sent into buf (NET_BUF_SIZE bytes), its
 * length in *len, and gives the buffer back on tx_free. */
enum port_take port_take(struct port *p, uint8_t *buf, size_t *len);

/* Copies a frame (at most NET_FRAME_MAX bytes) into the client's next
 * receive buffer. Bad rx_free descriptors on the way are discarded and
 * counted in *bad. */
enum port_put port_put(struct port *p, const uint8_t *frame, size_t len, unsigned *bad);

/* Whether one of the queues the switch reads is broken. */
bool port_broken(const struct port *p);

/* Copies the counters into the header, for the client. */
void port_publish(struct port *p, const struct net_counters *c);

#endif
