/*
 * The client's side of a block ring: see client.h. The client does not
 * trust the server either: queue indices are checked by lib/ring, and a
 * response's fields are only reported, never used as addresses here.
 */
#include "client.h"

bool blk_client_attach(struct blk_client *c, void *ring, uint64_t size)
{
    c->data_bytes = blk_data_bytes(size);
    if (c->data_bytes == 0) {
        return false;
    }
    c->base = ring;
    c->size = size;
    c->hdr = blk_header(ring);
    c->state = BLK_STATE_DOWN;
    c->signal_needed = false;
    c->asked = 0;
    c->epoch = 0;
    return true;
}

bool blk_client_server_up(const struct blk_client *c)
{
    return __atomic_load_n(&c->hdr->magic, __ATOMIC_ACQUIRE) == BLK_RING_MAGIC &&
           c->hdr->version == BLK_RING_VERSION;
}

void blk_client_reset(struct blk_client *c)
{
    c->state = BLK_STATE_DOWN;
    c->epoch = blk_load(&c->hdr->epoch);
    c->asked = c->hdr->reset_request + 1;
    blk_store(&c->hdr->reset_request, c->asked);
}

bool blk_client_reset_done(struct blk_client *c)
{
    if (blk_load(&c->hdr->reset_done) != c->asked) {
        return false;
    }
    /* The server set the indices to 0 before reset_done: attach to them. */
    bt_queue_attach(&c->req, blk_req_queue(c->base), BLK_QUEUE_CAPACITY, true);
    bt_queue_attach(&c->resp, blk_resp_queue(c->base), BLK_QUEUE_CAPACITY, false);
    c->state = blk_load(&c->hdr->state);
    c->flags = c->hdr->flags;
    c->max_transfer = c->hdr->max_transfer;
    c->capacity = c->hdr->capacity;
    return true;
}

bool blk_client_epoch_changed(const struct blk_client *c)
{
    return blk_load(&c->hdr->epoch) != c->epoch;
}

bool blk_client_submit(struct blk_client *c, uint32_t tag, uint32_t type, uint64_t sector,
                       uint64_t offset, uint32_t len)
{
    if (tag >= BLK_QUEUE_CAPACITY) {
        return false;
    }
    volatile struct blk_req *r = &blk_req_table(c->base)[tag];
    r->type = type;
    r->reserved = 0;
    r->sector = sector;
    /* bt_queue_push publishes with release: the entry is seen before it. */
    struct bt_desc d = {.offset = offset, .len = len, .cookie = tag};
    return bt_queue_push(&c->req, &d);
}

bool blk_client_take(struct blk_client *c, struct blk_done *done)
{
    struct bt_desc d;
    bool full = bt_queue_count(&c->resp) == BLK_QUEUE_CAPACITY;
    if (!bt_queue_pop(&c->resp, &d)) {
        return false;
    }
    c->signal_needed |= full;
    done->tag = BLK_RESP_TAG(d.cookie);
    done->status = BLK_RESP_STATUS(d.cookie);
    done->offset = d.offset;
    done->len = d.len;
    return true;
}
