/*
 * The client's end of a port's ring: see client.h.
 */
#include "client.h"
#include "lib/string.h"

bool net_client_init(struct net_client *c, void *base, uint64_t size)
{
    memset(c, 0, sizeof(*c));
    if (!net_layout_of(size, &c->layout)) {
        return false;
    }
    c->base = base;
    c->hdr = base;
    c->rx_bufs = c->layout.buf_count / 2;
    c->state = NET_CLIENT_WAITING;
    return true;
}

static uint64_t net_client_offset(const struct net_client *c, uint32_t i)
{
    return c->layout.data + (uint64_t)i * NET_BUF_SIZE;
}

static bool net_client_ready(const struct net_client *c)
{
    return __atomic_load_n(&c->hdr->magic, __ATOMIC_ACQUIRE) == NET_RING_MAGIC &&
           net_load(&c->hdr->version) == NET_RING_VERSION;
}

/* Asks for a reset: the queues are not touched again until it is done. */
static void net_client_ask(struct net_client *c)
{
    c->epoch = net_load(&c->hdr->epoch);
    c->request = net_load(&c->hdr->reset_done) + 1;
    net_store(&c->hdr->reset_request, c->request);
    c->state = NET_CLIENT_RESETTING;
    c->notify = true;
}

/* The reset is done: the queues are empty, every buffer is ours. */
static void net_client_start(struct net_client *c)
{
    const struct net_layout *l = &c->layout;
    bt_queue_attach(&c->rx_free, c->base + l->rx_free, l->capacity, true);
    bt_queue_attach(&c->rx_active, c->base + l->rx_active, l->capacity, false);
    bt_queue_attach(&c->tx_active, c->base + l->tx_active, l->capacity, true);
    bt_queue_attach(&c->tx_free, c->base + l->tx_free, l->capacity, false);
    memset(c->out, 0, sizeof(c->out));
    c->tx_stack_count = 0;
    for (uint32_t i = c->layout.buf_count; i-- > c->rx_bufs;) {
        c->tx_stack[c->tx_stack_count++] = i;
    }
    for (uint32_t i = 0; i < c->rx_bufs; i++) {
        struct bt_desc d = {.offset = net_client_offset(c, i), .len = NET_BUF_SIZE, .cookie = i};
        if (bt_queue_push(&c->rx_free, &d)) {
            c->out[i] = true;
        }
    }
    c->state = NET_CLIENT_RUNNING;
    c->notify = true;
    c->resets++;
}

bool net_client_poll(struct net_client *c)
{
    switch (c->state) {
    case NET_CLIENT_WAITING:
        if (net_client_ready(c)) {
            net_client_ask(c);
        }
        break;
    case NET_CLIENT_RESETTING:
        if (net_load(&c->hdr->reset_done) == c->request) {
            net_client_start(c);
        }
        break;
    case NET_CLIENT_RUNNING:
        break;
    }
    if (c->state == NET_CLIENT_RUNNING &&
        (net_load(&c->hdr->epoch) != c->epoch || net_load(&c->hdr->link) != NET_LINK_UP)) {
        /* The switch restarted: it serves the port again after a reset. */
        c->state = NET_CLIENT_WAITING;
        if (net_client_ready(c)) {
            net_client_ask(c);
        }
    }
    return c->state == NET_CLIENT_RUNNING;
}

void net_client_reset(struct net_client *c)
{
    c->state = NET_CLIENT_WAITING;
    net_client_poll(c);
}

/* Takes back what the switch has sent. */
static void net_client_reclaim(struct net_client *c)
{
    struct bt_desc d;
    for (uint32_t n = 0; n < c->layout.capacity && bt_queue_pop(&c->tx_free, &d); n++) {
        uint32_t i;
        if (net_layout_buffer(&c->layout, d.offset, &i) && i >= c->rx_bufs && c->out[i]) {
            c->out[i] = false;
            c->tx_stack[c->tx_stack_count++] = i;
        }
    }
}

void *net_client_buffer(struct net_client *c)
{
    if (c->state != NET_CLIENT_RUNNING) {
        return NULL;
    }
    net_client_reclaim(c);
    if (c->tx_stack_count == 0) {
        return NULL;
    }
    return c->base + net_client_offset(c, c->tx_stack[c->tx_stack_count - 1]);
}

bool net_client_commit(struct net_client *c, size_t len)
{
    if (c->state != NET_CLIENT_RUNNING || c->tx_stack_count == 0 || len < NET_FRAME_MIN ||
        len > NET_FRAME_MAX) {
        return false;
    }
    uint32_t i = c->tx_stack[c->tx_stack_count - 1];
    struct bt_desc d = {.offset = net_client_offset(c, i), .len = (uint32_t)len, .cookie = i};
    if (!bt_queue_push(&c->tx_active, &d)) {
        return false;
    }
    c->tx_stack_count--;
    c->out[i] = true;
    c->notify = true;
    return true;
}

bool net_client_send(struct net_client *c, const void *frame, size_t len)
{
    if (len < NET_FRAME_MIN || len > NET_FRAME_MAX) {
        return false;
    }
    void *buf = net_client_buffer(c);
    if (buf == NULL) {
        return false;
    }
    memcpy(buf, frame, len);
    return net_client_commit(c, len);
}

size_t net_client_recv(struct net_client *c, void *buf, size_t max)
{
    struct bt_desc d;
    for (uint32_t n = 0; n < c->layout.capacity && c->state == NET_CLIENT_RUNNING &&
                         bt_queue_pop(&c->rx_active, &d);
         n++) {
        uint32_t i;
        if (!net_layout_buffer(&c->layout, d.offset, &i) || i >= c->rx_bufs || !c->out[i]) {
            continue; /* not a buffer the switch holds: ignored */
        }
        size_t len = d.len;
        bool ok = len >= NET_FRAME_MIN && len <= NET_FRAME_MAX && len <= max;
        if (ok) {
            memcpy(buf, c->base + d.offset, len);
        }
        struct bt_desc again = {.offset = d.offset, .len = NET_BUF_SIZE, .cookie = i};
        c->out[i] = bt_queue_push(&c->rx_free, &again);
        c->notify = true;
        if (ok) {
            return len;
        }
    }
    return 0;
}

bool net_client_take_notify(struct net_client *c)
{
    bool n = c->notify;
    c->notify = false;
    return n;
}

void net_client_mac(const struct net_client *c, uint8_t mac[NET_ETH_ALEN])
{
    memcpy(mac, c->hdr->mac, NET_ETH_ALEN);
}

void net_client_counters(const struct net_client *c, struct net_counters *out)
{
    memcpy(out, &c->hdr->counters, sizeof(*out));
}
