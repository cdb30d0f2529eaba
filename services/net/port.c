/*
 * The switch's end of a port's ring: see port.h.
 */
#include "port.h"
#include "lib/string.h"

/* A queue of the ring: attaching cannot fail, the layout's capacity is a
 * power of two. */
static void port_attach(struct port *p, struct bt_queue *q, uint64_t offset, bool producer)
{
    bt_queue_attach(q, p->base + offset, p->layout.capacity, producer);
}

bool port_init(struct port *p, void *base, uint64_t size, const uint8_t *mac)
{
    memset(p, 0, sizeof(*p));
    if (!net_layout_of(size, &p->layout)) {
        return false;
    }
    p->base = base;
    p->size = size;
    p->hdr = base;
    struct net_ring_header *h = p->hdr;
    h->version = NET_RING_VERSION;
    if (mac != NULL) {
        memcpy(h->mac, mac, NET_ETH_ALEN);
    } else {
        memset(h->mac, 0, NET_ETH_ALEN);
    }
    memset(&h->counters, 0, sizeof(h->counters));
    net_store(&h->link, NET_LINK_DOWN);
    p->done = net_load(&h->reset_done);
    net_store(&h->epoch, net_load(&h->epoch) + 1);
    __atomic_store_n(&h->magic, NET_RING_MAGIC, __ATOMIC_RELEASE);
    return true;
}

bool port_poll_reset(struct port *p)
{
    if (p->hdr == NULL) {
        return false;
    }
    uint32_t request = net_load(&p->hdr->reset_request);
    if (request == p->done) {
        return false;
    }
    /* The client stopped using the queues before it asked. */
    port_attach(p, &p->rx_free, p->layout.rx_free, false);
    port_attach(p, &p->rx_active, p->layout.rx_active, true);
    port_attach(p, &p->tx_active, p->layout.tx_active, false);
    port_attach(p, &p->tx_free, p->layout.tx_free, true);
    bt_queue_reset(&p->rx_free);
    bt_queue_reset(&p->rx_active);
    bt_queue_reset(&p->tx_active);
    bt_queue_reset(&p->tx_free);
    net_store(&p->hdr->link, NET_LINK_UP);
    p->done = request;
    net_store(&p->hdr->reset_done, request);
    p->running = true;
    p->pushed = true;
    return true;
}

enum port_take port_take(struct port *p, uint8_t *buf, size_t *len)
{
    struct bt_desc d;
    if (!p->running || !bt_queue_pop(&p->tx_active, &d)) {
        return PORT_TAKE_NONE;
    }
    uint32_t slot;
    bool ok = net_layout_buffer(&p->layout, d.offset, &slot) && d.len >= NET_FRAME_MIN &&
              d.len <= NET_FRAME_MAX;
    if (ok) {
        memcpy(buf, p->base + d.offset, d.len);
        *len = d.len;
    }
    /* Given back even when bad: the client gets its buffer (or its
     * garbage) back. A full tx_free means the client does not take its
     * buffers back; it loses this one. */
    bt_queue_push(&p->tx_free, &d);
    p->pushed = true;
    return ok ? PORT_TAKE_FRAME : PORT_TAKE_BAD;
}

enum port_put port_put(struct port *p, const uint8_t *frame, size_t len, unsigned *bad)
{
    struct bt_desc d;
    if (!p->running || len > NET_FRAME_MAX) {
        return PORT_PUT_FULL;
    }
    /* Each pass consumes a descriptor; a client that keeps pushing bad
     * ones costs at most a queue's worth per frame. */
    for (uint32_t n = 0; n < p->layout.capacity && bt_queue_pop(&p->rx_free, &d); n++) {
        uint32_t slot;
        if (!net_layout_buffer(&p->layout, d.offset, &slot)) {
            (*bad)++;
            continue;
        }
        memcpy(p->base + d.offset, frame, len);
        d.len = (uint32_t)len;
        if (!bt_queue_push(&p->rx_active, &d)) {
            return PORT_PUT_FULL; /* the client does not take its frames */
        }
        p->pushed = true;
        return PORT_PUT_OK;
    }
    return PORT_PUT_FULL;
}

bool port_broken(const struct port *p)
{
    return p->running &&
           (p->rx_free.broken || p->tx_active.broken || p->rx_active.broken || p->tx_free.broken);
}

void port_publish(struct port *p, const struct net_counters *c)
{
    if (p->hdr != NULL) {
        memcpy(&p->hdr->counters, c, sizeof(*c));
    }
}
