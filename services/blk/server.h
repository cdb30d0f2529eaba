/*
 * The block server's state: its disk, its ports (one per ring the
 * scenario connects to it) and which port each of the disk's slots is
 * working for. main.c sets it up; io.c runs it.
 */
#ifndef SERVICES_BLK_SERVER_H
#define SERVICES_BLK_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/caps.h"
#include "disk.h"
#include "port.h"

#define SERVER_PORTS_MAX 32u

struct server_port {
    struct blk_port port;
    bt_cptr_t signal; /* sets the client's bit of its events notification */
};

struct server {
    struct disk disk;
    bool has_disk;
    bt_cptr_t irq;     /* the disk's transport's interrupt */
    uint64_t irq_bits; /* its bit of our events notification */
    struct server_port ports[SERVER_PORTS_MAX];
    unsigned port_count;
    unsigned next_port; /* where the next dispatch round starts */
    struct {
        struct server_port *owner;
        struct blk_port_io pio;
    } slots[DISK_SLOTS];
};

/* One pass of the server's work: finished requests answered, resets
 * handled, new requests given to the disk, clients signalled. Returns true
 * if it stopped with work left (call again before waiting). */
bool io_run(struct server *s);

#endif
