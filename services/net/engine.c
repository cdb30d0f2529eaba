/*
 * The switch at work: see engine.h.
 */
#include "engine.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

static void engine_say(struct engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void engine_say(struct engine *e, const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    format_vbuf(line, sizeof(line), fmt, ap);
    va_end(ap);
    e->ops.say(e->ops.ctx, line);
}

/* "52:54:00:00:00:01" into buf (18 bytes). */
static const char *engine_mac(char *buf, const uint8_t *mac)
{
    format_buf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
               mac[5]);
    return buf;
}

/* Whether a counter's new value is one to log: 1, 10, 100, ... */
static bool engine_worth_saying(uint64_t count)
{
    while (count >= 10 && count % 10 == 0) {
        count /= 10;
    }
    return count == 1;
}

void engine_init(struct engine *e, const struct engine_ops *ops, bool has_uplink)
{
    memset(e, 0, sizeof(*e));
    e->ops = *ops;
    e->has_uplink = has_uplink;
    sw_init(&e->sw);
    struct net_params none = {0};
    sw_add_port(&e->sw, SW_UPLINK, NET_UPLINK_NAME, &none);
}

int engine_add_port(struct engine *e, const char *name, const struct net_params *p, void *ring,
                    uint64_t size, const char **why)
{
    unsigned i = 1;
    while (i < SW_PORTS && e->sw.port[i].present) {
        i++;
    }
    struct net_layout l;
    if (i == SW_PORTS) {
        *why = "too many ports (15 at most)";
    } else if (!net_layout_of(size, &l)) {
        *why = "the ring is too small for one buffer each way (8 KiB at least)";
    } else if (!sw_add_port(&e->sw, i, name, p)) {
        *why = "its name or MAC address is another port's (or \"uplink\")";
    } else {
        e->port[i].base = ring; /* port_init, at engine_start */
        e->port[i].size = size;
        return (int)i;
    }
    return -1;
}

void engine_start(struct engine *e)
{
    sw_connect(&e->sw);
    for (unsigned i = 1; i < SW_PORTS; i++) {
        struct sw_port *sp = &e->sw.port[i];
        if (sp->present) {
            port_init(&e->port[i], e->port[i].base, e->port[i].size,
                      sp->params.has_mac ? sp->params.mac : NULL);
            e->signal |= 1u << i; /* a waiting client sees the new epoch */
        }
    }
}

static void engine_count_drop(struct engine *e, unsigned port, enum engine_drop kind,
                              const uint8_t *frame)
{
    struct sw_port *sp = &e->sw.port[port];
    struct net_counters *c = &sp->counters;
    char mac[18];
    switch (kind) {
    case ENGINE_SPOOFED:
        if (engine_worth_saying(c->drop_spoofed)) {
            engine_say(e, "port %s: dropped a frame from %s, %s (%lu so far)", sp->name,
                       engine_mac(mac, frame + NET_ETH_ALEN),
                       sp->params.has_mac ? "not its own address" : "an address it may not use",
                       (unsigned long)c->drop_spoofed);
        }
        break;
    case ENGINE_DENIED:
        if (engine_worth_saying(c->drop_denied)) {
            engine_say(e, "port %s: dropped a frame to %s, a port its peers exclude (%lu so far)",
                       sp->name, engine_mac(mac, frame), (unsigned long)c->drop_denied);
        }
        break;
    case ENGINE_FULL:
        c->drop_rx_full++;
        if (engine_worth_saying(c->drop_rx_full) && (port == SW_UPLINK || e->port[port].running)) {
            engine_say(e, "port %s: no room for a frame, dropped (%lu so far)", sp->name,
                       (unsigned long)c->drop_rx_full);
        }
        break;
    case ENGINE_MALFORMED:
        if (engine_worth_saying(c->drop_malformed)) {
            engine_say(e, "port %s: dropped a bad descriptor or frame (%lu so far)", sp->name,
                       (unsigned long)c->drop_malformed);
        }
        break;
    case ENGINE_DROPS:
        break;
    }
}

/* Copies a frame to one port. */
static void engine_deliver_one(struct engine *e, unsigned to, const uint8_t *frame, size_t len)
{
    struct net_counters *c = &e->sw.port[to].counters;
    bool ok;
    if (to == SW_UPLINK) {
        ok = e->has_uplink && e->ops.uplink_send(e->ops.ctx, frame, len);
    } else {
        unsigned bad = 0;
        ok = port_put(&e->port[to], frame, len, &bad) == PORT_PUT_OK;
        if (bad > 0) {
            c->drop_malformed += bad;
            engine_count_drop(e, to, ENGINE_MALFORMED, frame);
        }
        if (ok) {
            e->signal |= 1u << to;
        }
    }
    if (ok) {
        c->rx_frames++;
        c->rx_bytes += len;
    } else {
        engine_count_drop(e, to, ENGINE_FULL, frame);
    }
}

/* Routes one frame from src and copies it wherever it goes. */
static void engine_switch(struct engine *e, unsigned src, const uint8_t *frame, size_t len,
                          uint64_t now)
{
    enum sw_verdict v;
    uint32_t mask = sw_route(&e->sw, src, frame, len, now, &v);
    switch (v) {
    case SW_DROP_SPOOFED:
        engine_count_drop(e, src, ENGINE_SPOOFED, frame);
        return;
    case SW_DROP_DENIED:
        engine_count_drop(e, src, ENGINE_DENIED, frame);
        return;
    case SW_DROP_MALFORMED:
        engine_count_drop(e, src, ENGINE_MALFORMED, frame);
        return;
    case SW_DROP_LOCAL:
    case SW_FORWARD:
        break;
    }
    for (unsigned to = 0; mask != 0; to++, mask >>= 1) {
        if (mask & 1) {
            engine_deliver_one(e, to, frame, len);
        }
    }
}

/* Serves port i's resets and up to ENGINE_BUDGET of its frames; true if
 * more are waiting. */
static bool engine_serve(struct engine *e, unsigned i, uint64_t now)
{
    struct port *p = &e->port[i];
    struct sw_port *sp = &e->sw.port[i];
    if (port_poll_reset(p)) {
        sw_port_reset(&e->sw, i);
        e->reported_broken[i] = false;
        e->signal |= 1u << i;
        engine_say(e, "port %s: up (reset by its client)", sp->name);
    }
    for (unsigned n = 0; n < ENGINE_BUDGET; n++) {
        size_t len = 0;
        switch (port_take(p, e->frame, &len)) {
        case PORT_TAKE_NONE:
            if (port_broken(p) && !e->reported_broken[i]) {
                e->reported_broken[i] = true;
                engine_say(e, "port %s: its client broke a queue; waiting for a reset", sp->name);
            }
            return false;
        case PORT_TAKE_BAD:
            sp->counters.drop_malformed++;
            engine_count_drop(e, i, ENGINE_MALFORMED, e->frame);
            break;
        case PORT_TAKE_FRAME:
            engine_switch(e, i, e->frame, len, now);
            break;
        }
    }
    return true;
}

bool engine_round(struct engine *e, uint64_t now)
{
    bool more = false;
    for (unsigned k = 0; k < SW_PORTS; k++) {
        unsigned i = (e->next + k) % SW_PORTS;
        if (i != SW_UPLINK && e->sw.port[i].present && engine_serve(e, i, now)) {
            more = true;
        }
    }
    e->next = (e->next + 1) % SW_PORTS;
    return more;
}

void engine_from_uplink(struct engine *e, const uint8_t *frame, size_t len, uint64_t now)
{
    engine_switch(e, SW_UPLINK, frame, len, now);
}

void engine_flush(struct engine *e)
{
    for (unsigned i = 1; i < SW_PORTS; i++) {
        if (!e->sw.port[i].present) {
            continue;
        }
        struct port *p = &e->port[i];
        port_publish(p, &e->sw.port[i].counters);
        if (p->pushed) {
            p->pushed = false;
            e->signal |= 1u << i;
        }
        if (e->signal & (1u << i)) {
            e->ops.signal(e->ops.ctx, i);
        }
    }
    e->signal = 0;
}

void engine_report(struct engine *e)
{
    engine_say(e, "%-10s %8s %8s %8s %8s %8s %8s", "port", "rx", "tx", "spoofed", "denied", "full",
               "bad");
    for (unsigned i = 0; i < SW_PORTS; i++) {
        struct sw_port *sp = &e->sw.port[i];
        if (sp->present) {
            struct net_counters *c = &sp->counters;
            engine_say(e, "%-10s %8lu %8lu %8lu %8lu %8lu %8lu", sp->name,
                       (unsigned long)c->rx_frames, (unsigned long)c->tx_frames,
                       (unsigned long)c->drop_spoofed, (unsigned long)c->drop_denied,
                       (unsigned long)c->drop_rx_full, (unsigned long)c->drop_malformed);
        }
    }
}
