/*
 * The server's side of one client's ring: see port.h. Every value read from
 * the ring is the client's: reset_request is only compared, queue indices
 * are checked by lib/ring (an impossible one breaks the queue), and
 * requests go through blk_check.
 */
#include "port.h"
#include "lib/string.h"

static void publish_state(struct blk_port *p, uint32_t state)
{
    p->state = state;
    blk_store(&p->hdr->state, state);
    p->notify = true;
}

bool port_open(struct blk_port *p, const char *name, void *base, uint64_t size,
               const struct blk_bounds *bounds, bool has_disk, uint32_t disk_flags)
{
    memset(p, 0, sizeof(*p));
    for (unsigned i = 0; i + 1 < sizeof(p->name) && name[i] != 0; i++) {
        p->name[i] = name[i];
    }
    uint64_t data = blk_data_bytes(size);
    if (data == 0) {
        return false;
    }
    p->base = base;
    p->size = size;
    p->hdr = blk_header(base);
    p->bounds = *bounds;
    p->bounds.data_bytes = data;
    if (p->bounds.max_transfer > data) {
        p->bounds.max_transfer = (uint32_t)(data - data % BLK_SECTOR_SIZE);
    }
    p->has_disk = has_disk;
    p->disk_flags = disk_flags | (bounds->read_only ? BLK_FLAG_READ_ONLY : 0);
    /* Serving nothing until the client resets: requests a previous server
     * took are gone with it, and the client must learn that (epoch). */
    publish_state(p, BLK_STATE_DOWN);
    p->hdr->version = BLK_RING_VERSION;
    blk_store(&p->hdr->epoch, p->hdr->epoch + 1);
    __atomic_store_n(&p->hdr->magic, BLK_RING_MAGIC, __ATOMIC_RELEASE);
    return true;
}

bool port_reset_if_asked(struct blk_port *p)
{
    uint32_t asked = blk_load(&p->hdr->reset_request);
    if (asked == p->hdr->reset_done) {
        return false;
    }
    p->session++;
    p->backlog_count = 0;
    bt_queue_attach(&p->req, blk_req_queue(p->base), BLK_QUEUE_CAPACITY, false);
    bt_queue_attach(&p->resp, blk_resp_queue(p->base), BLK_QUEUE_CAPACITY, true);
    bt_queue_reset(&p->req);
    bt_queue_reset(&p->resp);
    p->hdr->capacity = p->has_disk ? p->bounds.count : 0;
    p->hdr->flags = p->disk_flags;
    p->hdr->max_transfer = p->bounds.max_transfer;
    publish_state(p, p->has_disk ? BLK_STATE_READY : BLK_STATE_NODEV);
    /* Everything above before the client may look. */
    blk_store(&p->hdr->reset_done, asked);
    return true;
}

/* Marks the port broken if one of its queues just broke. */
static bool check_broken(struct blk_port *p)
{
    if (p->state != BLK_STATE_BROKEN && (p->req.broken || p->resp.broken)) {
        publish_state(p, BLK_STATE_BROKEN);
        p->broken_news = true;
    }
    return p->state == BLK_STATE_BROKEN;
}

void port_flush(struct blk_port *p)
{
    unsigned sent = 0;
    while (sent < p->backlog_count && !check_broken(p) &&
           bt_queue_push(&p->resp, &p->backlog[sent])) {
        sent++;
        p->notify = true;
    }
    check_broken(p);
    memmove(p->backlog, p->backlog + sent, (p->backlog_count - sent) * sizeof(p->backlog[0]));
    p->backlog_count -= sent;
}

static void answer(struct blk_port *p, const struct blk_io *io, uint32_t status, uint32_t len)
{
    struct bt_desc d = {.offset = io->offset, .len = len, .cookie = BLK_RESP(io->tag, status)};
    if (p->backlog_count == 0 && bt_queue_push(&p->resp, &d)) {
        p->notify = true;
        return;
    }
    /* Bounded: a request is taken only while the backlog is empty and fewer
     * than BLK_PORT_IN_FLIGHT are at the device. */
    if (p->backlog_count < sizeof(p->backlog) / sizeof(p->backlog[0])) {
        p->backlog[p->backlog_count++] = d;
    }
    check_broken(p);
}

bool port_take(struct blk_port *p, struct blk_port_io *out)
{
    port_flush(p);
    /* A client that keeps its queue full of bad requests gets a queue's
     * worth answered per call, then the others' turn. */
    for (unsigned answered = 0; answered < BLK_QUEUE_CAPACITY &&
                                (p->state == BLK_STATE_READY || p->state == BLK_STATE_NODEV) &&
                                p->backlog_count == 0 && p->in_flight < BLK_PORT_IN_FLIGHT;) {
        struct bt_desc d;
        if (!bt_queue_pop(&p->req, &d)) {
            check_broken(p);
            return false;
        }
        uint32_t st = blk_check(&p->bounds, &d, blk_req_table(p->base), &out->io);
        if (!p->has_disk) {
            st = BLK_S_NODEV; /* whatever else is wrong with it */
        }
        if (st != BLK_S_OK) {
            answer(p, &out->io, st, 0);
            answered++;
            continue;
        }
        out->session = p->session;
        p->in_flight++;
        return true;
    }
    return false;
}

bool port_current(const struct blk_port *p, const struct blk_port_io *pio)
{
    return pio->session == p->session && p->state == BLK_STATE_READY;
}

void port_finish(struct blk_port *p, const struct blk_port_io *pio, uint32_t status, uint32_t len)
{
    if (p->in_flight > 0) {
        p->in_flight--;
    }
    if (port_current(p, pio)) {
        answer(p, &pio->io, status, status == BLK_S_OK ? len : 0);
    }
}
