/*
 * Moving requests between the ports and the disk (see server.h). Ports
 * are served in turn, one request each per round, starting one further
 * each time, so no port can keep the disk's slots from the others for
 * long; each port also holds at most BLK_PORT_IN_FLIGHT of them.
 *
 * Data crosses between a ring and the disk only here, by copy: a write's
 * data into the slot's buffer when it goes to the disk, a read's data out
 * of it when it is done and the request is still current (a reset in
 * between means the ring's buffers are the client's again).
 */
#include "c/print.h"
#include "lib/string.h"
#include "server.h"
#include "sys/sys.h"

#define ROUNDS_PER_RUN 4

static void finish(struct server *s, unsigned slot, uint32_t status, uint32_t len)
{
    struct server_port *sp = s->slots[slot].owner;
    struct blk_port_io *pio = &s->slots[slot].pio;
    s->slots[slot].owner = NULL;
    if (sp == NULL) {
        return; /* an internal request (none at run time) */
    }
    if (status == BLK_S_OK && len > 0 && port_current(&sp->port, pio)) {
        memcpy(port_data(&sp->port, pio->io.offset), disk_slot_buffer(&s->disk, slot), len);
    }
    port_finish(&sp->port, pio, status, len);
}

static void lost(void *ctx, unsigned slot)
{
    finish(ctx, slot, BLK_S_IOERR, 0);
}

static bool complete_all(struct server *s)
{
    bool any = false;
    unsigned slot;
    uint32_t status, len;
    if (!s->has_disk) {
        return false; /* no device, or it failed and was abandoned */
    }
    while (disk_complete(&s->disk, &slot, &status, &len)) {
        finish(s, slot, status, len);
        any = true;
    }
    if (s->disk.failed && s->has_disk) {
        bt_printf("blk: the disk failed; every request fails from now on\n");
        s->has_disk = false;
        disk_abandon(&s->disk, lost, s);
        any = true;
    }
    return any;
}

/* Gives one request of sp to the disk (or, without a disk, fails it).
 * False if the port had none to give, or no slot is free. */
static bool dispatch_one(struct server *s, struct server_port *sp, bool *submitted)
{
    int slot = s->has_disk ? disk_slot_get(&s->disk) : -1;
    if (s->has_disk && slot < 0) {
        return false;
    }
    struct blk_port_io pio;
    if (!port_take(&sp->port, &pio)) {
        if (slot >= 0) {
            disk_slot_put(&s->disk, (unsigned)slot);
        }
        return false;
    }
    if (slot < 0) {
        port_finish(&sp->port, &pio, BLK_S_IOERR, 0);
        return true;
    }
    const struct blk_io *io = &pio.io;
    if (io->type == BLK_REQ_WRITE) {
        memcpy(disk_slot_buffer(&s->disk, (unsigned)slot), port_data(&sp->port, io->offset),
               io->len);
    }
    s->slots[slot].owner = sp;
    s->slots[slot].pio = pio;
    if (!disk_submit(&s->disk, (unsigned)slot, io->type, io->disk_sector, io->len)) {
        s->slots[slot].owner = NULL;
        port_finish(&sp->port, &pio, BLK_S_IOERR, 0);
        return true;
    }
    *submitted = true;
    return true;
}

static bool dispatch(struct server *s)
{
    bool submitted = false, progress = true, any = false;
    unsigned n = s->port_count;
    /* Bounded: without a disk, requests fail at once and a client on
     * another CPU could keep its queue filled for ever. */
    for (unsigned pass = 0; progress && pass < BLK_QUEUE_CAPACITY; pass++) {
        progress = false;
        for (unsigned i = 0; i < n; i++) {
            progress |= dispatch_one(s, &s->ports[(s->next_port + i) % n], &submitted);
        }
        any |= progress;
    }
    s->next_port = n > 0 ? (s->next_port + 1) % n : 0;
    if (submitted) {
        disk_kick(&s->disk);
    }
    return any;
}

static void signal_clients(struct server *s)
{
    for (unsigned i = 0; i < s->port_count; i++) {
        struct blk_port *p = &s->ports[i].port;
        port_flush(p);
        if (p->broken_news) {
            p->broken_news = false;
            bt_printf("blk: port %s broke its queue; not served until its client resets it\n",
                      p->name);
        }
        if (p->notify) {
            p->notify = false;
            bt_signal(s->ports[i].signal);
        }
    }
}

bool io_run(struct server *s)
{
    bool progress = true;
    for (unsigned round = 0; round < ROUNDS_PER_RUN && progress; round++) {
        progress = complete_all(s);
        for (unsigned i = 0; i < s->port_count; i++) {
            progress |= port_reset_if_asked(&s->ports[i].port);
        }
        progress |= dispatch(s);
        signal_clients(s);
    }
    return progress;
}
