/*
 * The forwarding database: see fdb.h.
 */
#include "fdb.h"
#include "lib/string.h"

void fdb_init(struct fdb *f, uint64_t max_age)
{
    memset(f, 0, sizeof(*f));
    f->max_age = max_age;
}

/* FNV-1a over the six bytes: cheap, and mixes the low bytes that differ
 * between neighbouring addresses into every bit. */
static unsigned fdb_hash(const uint8_t mac[NET_ETH_ALEN])
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < NET_ETH_ALEN; i++) {
        h = (h ^ mac[i]) * 16777619u;
    }
    return (h ^ (h >> 16)) % FDB_SETS;
}

unsigned fdb_set_of(const uint8_t mac[NET_ETH_ALEN])
{
    return fdb_hash(mac);
}

static void fdb_drop(struct fdb *f, struct fdb_entry *e)
{
    if (e->state == FDB_LEARNED && f->learned[e->port] > 0) {
        f->learned[e->port]--;
    }
    e->state = FDB_FREE;
}

static bool fdb_expired(const struct fdb *f, const struct fdb_entry *e, uint64_t now)
{
    return e->state == FDB_LEARNED && now - e->seen > f->max_age;
}

static struct fdb_entry *fdb_find(const struct fdb *f, const uint8_t mac[NET_ETH_ALEN])
{
    struct fdb_entry *set = (struct fdb_entry *)f->set[fdb_hash(mac)];
    for (unsigned w = 0; w < FDB_WAYS; w++) {
        if (set[w].state != FDB_FREE && memcmp(set[w].mac, mac, NET_ETH_ALEN) == 0) {
            return &set[w];
        }
    }
    return NULL;
}

bool fdb_add_static(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned port)
{
    if (port >= FDB_PORTS) {
        return false;
    }
    struct fdb_entry *e = fdb_find(f, mac);
    if (e != NULL && e->state == FDB_STATIC) {
        return false;
    }
    if (e != NULL) {
        fdb_drop(f, e);
    }
    struct fdb_entry *set = f->set[fdb_hash(mac)];
    struct fdb_entry *slot = NULL;
    for (unsigned w = 0; w < FDB_WAYS && slot == NULL; w++) {
        if (set[w].state == FDB_FREE) {
            slot = &set[w];
        }
    }
    for (unsigned w = 0; w < FDB_WAYS && slot == NULL; w++) {
        if (set[w].state == FDB_LEARNED) {
            fdb_drop(f, &set[w]);
            slot = &set[w];
        }
    }
    if (slot == NULL) {
        return false;
    }
    memcpy(slot->mac, mac, NET_ETH_ALEN);
    slot->port = (uint8_t)port;
    slot->state = FDB_STATIC;
    slot->seen = 0;
    return true;
}

/* The way a new learned entry goes into: a free one, else an expired one,
 * else the oldest learned one; NULL if all are static. */
static struct fdb_entry *fdb_victim(struct fdb *f, struct fdb_entry *set, uint64_t now)
{
    struct fdb_entry *oldest = NULL;
    for (unsigned w = 0; w < FDB_WAYS; w++) {
        if (set[w].state == FDB_FREE) {
            return &set[w];
        }
        if (fdb_expired(f, &set[w], now)) {
            fdb_drop(f, &set[w]);
            return &set[w];
        }
        if (set[w].state == FDB_LEARNED && (oldest == NULL || set[w].seen < oldest->seen)) {
            oldest = &set[w];
        }
    }
    if (oldest != NULL) {
        fdb_drop(f, oldest);
    }
    return oldest;
}

/* Drops every expired entry. */
static void fdb_expire(struct fdb *f, uint64_t now)
{
    for (unsigned s = 0; s < FDB_SETS; s++) {
        for (unsigned w = 0; w < FDB_WAYS; w++) {
            if (fdb_expired(f, &f->set[s][w], now)) {
                fdb_drop(f, &f->set[s][w]);
            }
        }
    }
}

void fdb_learn(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned port, uint64_t now)
{
    if (port >= FDB_PORTS) {
        return;
    }
    struct fdb_entry *e = fdb_find(f, mac);
    if (e != NULL && e->state == FDB_STATIC) {
        return;
    }
    if (e != NULL && e->port == port) {
        e->seen = now;
        return;
    }
    if (e != NULL) {
        fdb_drop(f, e); /* the address moved to another port */
    }
    if (f->learned[port] >= FDB_LEARNED_PER_PORT && now != f->last_sweep) {
        f->last_sweep = now; /* at most one sweep per unit of time */
        fdb_expire(f, now);
    }
    if (f->learned[port] >= FDB_LEARNED_PER_PORT) {
        return;
    }
    e = fdb_victim(f, f->set[fdb_hash(mac)], now);
    if (e == NULL) {
        return;
    }
    memcpy(e->mac, mac, NET_ETH_ALEN);
    e->port = (uint8_t)port;
    e->state = FDB_LEARNED;
    e->seen = now;
    f->learned[port]++;
}

int fdb_lookup(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], uint64_t now)
{
    struct fdb_entry *e = fdb_find(f, mac);
    if (e == NULL) {
        return -1;
    }
    if (fdb_expired(f, e, now)) {
        fdb_drop(f, e);
        return -1;
    }
    return e->port;
}

bool fdb_is_static(const struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned *port)
{
    const struct fdb_entry *e = fdb_find(f, mac);
    if (e == NULL || e->state != FDB_STATIC) {
        return false;
    }
    *port = e->port;
    return true;
}

void fdb_forget_port(struct fdb *f, unsigned port)
{
    for (unsigned s = 0; s < FDB_SETS; s++) {
        for (unsigned w = 0; w < FDB_WAYS; w++) {
            struct fdb_entry *e = &f->set[s][w];
            if (e->state == FDB_LEARNED && e->port == port) {
                fdb_drop(f, e);
            }
        }
    }
}
