/*
 * The switch's decisions: see switch.h.
 */
#include "switch.h"
#include "lib/string.h"

static const uint8_t mac_zero[NET_ETH_ALEN];

void sw_init(struct sw *s)
{
    memset(s, 0, sizeof(*s));
    fdb_init(&s->fdb, SW_MAX_AGE_MS);
}

int sw_find(const struct sw *s, const char *name)
{
    for (unsigned i = 0; i < SW_PORTS; i++) {
        if (s->port[i].present && strncmp(s->port[i].name, name, NET_NAME_MAX) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool sw_add_port(struct sw *s, unsigned index, const char *name, const struct net_params *p)
{
    size_t len = strnlen(name, NET_NAME_MAX);
    if (index >= SW_PORTS || s->port[index].present || len == 0 || len == NET_NAME_MAX ||
        sw_find(s, name) >= 0) {
        return false;
    }
    if ((index == SW_UPLINK) != (strcmp(name, NET_UPLINK_NAME) == 0)) {
        return false;
    }
    if (p->has_mac && !fdb_add_static(&s->fdb, p->mac, index)) {
        return false;
    }
    struct sw_port *port = &s->port[index];
    memcpy(port->name, name, len + 1);
    port->params = *p;
    port->present = true;
    return true;
}

/* Whether port a's peers list lets it exchange frames with port b. */
static bool sw_permits(const struct sw_port *a, const struct sw_port *b)
{
    if (!a->params.has_peers) {
        return true;
    }
    for (unsigned i = 0; i < a->params.peer_count; i++) {
        if (strncmp(a->params.peers[i], b->name, NET_NAME_MAX) == 0) {
            return true;
        }
    }
    return false;
}

void sw_connect(struct sw *s)
{
    for (unsigned a = 0; a < SW_PORTS; a++) {
        s->port[a].reach = 0;
        for (unsigned b = 0; b < SW_PORTS; b++) {
            if (a != b && s->port[a].present && s->port[b].present &&
                sw_permits(&s->port[a], &s->port[b]) && sw_permits(&s->port[b], &s->port[a])) {
                s->port[a].reach |= 1u << b;
            }
        }
    }
}

/* Whether a frame from src may carry source address mac. */
static bool sw_source_ok(const struct sw *s, unsigned src, const uint8_t *mac)
{
    const struct sw_port *p = &s->port[src];
    if ((mac[0] & 1) || memcmp(mac, mac_zero, NET_ETH_ALEN) == 0) {
        return false;
    }
    if (p->params.has_mac) {
        return memcmp(mac, p->params.mac, NET_ETH_ALEN) == 0;
    }
    unsigned owner;
    return !fdb_is_static(&s->fdb, mac, &owner) || owner == src;
}

/* The ports that take frames for addresses nobody owns. */
static uint32_t sw_unowned(const struct sw *s)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < SW_PORTS; i++) {
        if (s->port[i].present && !s->port[i].params.has_mac) {
            mask |= 1u << i;
        }
    }
    return mask;
}

static uint32_t sw_decide(struct sw *s, unsigned src, const uint8_t *frame, size_t len,
                          uint64_t now, enum sw_verdict *verdict)
{
    const uint8_t *dst = frame;
    const uint8_t *source = frame + NET_ETH_ALEN;
    uint32_t reach = s->port[src].reach;
    if (len < NET_FRAME_MIN || len > NET_FRAME_MAX) {
        *verdict = SW_DROP_MALFORMED;
        return 0;
    }
    if (!sw_source_ok(s, src, source)) {
        *verdict = SW_DROP_SPOOFED;
        return 0;
    }
    fdb_learn(&s->fdb, source, src, now);
    *verdict = SW_FORWARD;
    if (dst[0] & 1) {
        return reach;
    }
    int to = fdb_lookup(&s->fdb, dst, now);
    if (to < 0) {
        return reach & sw_unowned(s);
    }
    if ((unsigned)to == src) {
        *verdict = SW_DROP_LOCAL;
        return 0;
    }
    if ((reach & (1u << to)) == 0) {
        *verdict = SW_DROP_DENIED;
        return 0;
    }
    return 1u << to;
}

uint32_t sw_route(struct sw *s, unsigned src, const uint8_t *frame, size_t len, uint64_t now,
                  enum sw_verdict *verdict)
{
    if (src >= SW_PORTS || !s->port[src].present) {
        *verdict = SW_DROP_MALFORMED;
        return 0;
    }
    uint32_t mask = sw_decide(s, src, frame, len, now, verdict);
    struct net_counters *c = &s->port[src].counters;
    switch (*verdict) {
    case SW_FORWARD:
    case SW_DROP_LOCAL:
        c->tx_frames++;
        c->tx_bytes += len;
        break;
    case SW_DROP_MALFORMED:
        c->drop_malformed++;
        break;
    case SW_DROP_SPOOFED:
        c->drop_spoofed++;
        break;
    case SW_DROP_DENIED:
        c->drop_denied++;
        break;
    }
    return mask & ~(1u << src);
}

void sw_port_reset(struct sw *s, unsigned port)
{
    if (port < SW_PORTS) {
        fdb_forget_port(&s->fdb, port);
    }
}
