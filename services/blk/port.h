/*
 * One client's ring, the server's side of it (protocol.h): the reset
 * handshake, taking requests (checked, see check.h) and giving responses,
 * and keeping one client from holding more than its share. Pure code over
 * the shared memory: signalling the client and moving data to and from
 * the device are the caller's (io.c), so host tests drive a port with the
 * client library against memory.
 *
 * A request the port hands out (port_take) is the caller's until it calls
 * port_finish with the result. A reset in between starts a new session:
 * the old request still finishes (it holds a device slot) but is not
 * answered, and its data must not be copied into the ring (port_current).
 */
#ifndef SERVICES_BLK_PORT_H
#define SERVICES_BLK_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "protocol.h"
#include "ring/queue.h"

#define BLK_PORT_NAME_MAX 24

struct blk_port {
    char name[BLK_PORT_NAME_MAX];
    uint8_t *base; /* the ring */
    uint64_t size;
    struct blk_ring_header *hdr;
    struct bt_queue req, resp;
    struct blk_bounds bounds;
    bool has_disk;       /* false: every request is answered BLK_S_NODEV */
    uint32_t disk_flags; /* BLK_FLAG_* to publish */
    uint32_t state;      /* BLK_STATE_*, as published */
    uint32_t session;    /* incremented at each reset */
    unsigned in_flight;  /* requests taken and not finished, of any session */
    /* Responses that did not fit the response queue (the client does not
     * take them): sent before any new request is taken. */
    struct bt_desc backlog[BLK_PORT_IN_FLIGHT + 1];
    unsigned backlog_count;
    bool notify;      /* responses were pushed or the state changed: signal the client */
    bool broken_news; /* a queue just broke: report it (once per break) */
};

/* A request handed out by port_take, carrying the session it belongs to. */
struct blk_port_io {
    struct blk_io io;
    uint32_t session;
};

/* Sets the port up on its ring at server start: magic, version, epoch + 1,
 * state DOWN until the client resets. has_disk false: the port is served
 * with BLK_S_NODEV (no device, or its parameters cannot be satisfied).
 * False if size is not a valid ring size (the ring is left alone). */
bool port_open(struct blk_port *p, const char *name, void *base, uint64_t size,
               const struct blk_bounds *bounds, bool has_disk, uint32_t disk_flags);

/* Handles a reset request if the client made one; true if it did. */
bool port_reset_if_asked(struct blk_port *p);

/* Takes the next request that should go to the device into *out. Requests
 * that fail their checks (or find no disk) are answered at once and
 * skipped. False when there is none, or the port may not take more now
 * (BLK_PORT_IN_FLIGHT at the device, responses waiting, not ready). */
bool port_take(struct blk_port *p, struct blk_port_io *out);

/* True if the request still belongs to the port's current session (its
 * data may be copied into the ring and it will be answered). */
bool port_current(const struct blk_port *p, const struct blk_port_io *pio);

/* The device finished a request taken from this port: answers it with
 * status and len (bytes placed in its buffer) if it is current. */
void port_finish(struct blk_port *p, const struct blk_port_io *pio, uint32_t status, uint32_t len);

/* Pushes waiting responses; call before port_take and after finishing. */
void port_flush(struct blk_port *p);

/* The data area's byte at ring offset (checked by blk_check). */
static inline uint8_t *port_data(const struct blk_port *p, uint64_t offset)
{
    return p->base + offset;
}

#endif
