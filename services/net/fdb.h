/*
 * The switch's forwarding database: which port a MAC address was last seen
 * on. Static entries (the ports' own "mac=" addresses) never age, are never
 * evicted and cannot be moved by learning; learned entries age out after
 * max_age and are bounded per port, so one port flooding random source
 * addresses (a CAM overflow attack) can only evict learned entries, never
 * a port's own address. Set-associative: FDB_WAYS entries per hash set, so
 * a look-up costs at most FDB_WAYS comparisons.
 *
 * Time is whatever unit the caller passes as now (the switch uses
 * milliseconds). Pure code, tested on the host.
 */
#ifndef SERVICES_NET_FDB_H
#define SERVICES_NET_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

#define FDB_SETS 64
#define FDB_WAYS 4
#define FDB_PORTS 16 /* port numbers 0..FDB_PORTS-1 */
#define FDB_LEARNED_PER_PORT 64

struct fdb_entry {
    uint8_t mac[NET_ETH_ALEN];
    uint8_t port;
    uint8_t state; /* FDB_FREE, FDB_LEARNED, FDB_STATIC */
    uint64_t seen; /* learned: when last seen */
};

enum { FDB_FREE = 0, FDB_LEARNED = 1, FDB_STATIC = 2 };

struct fdb {
    struct fdb_entry set[FDB_SETS][FDB_WAYS];
    uint16_t learned[FDB_PORTS]; /* learned entries per port */
    uint64_t max_age;
    uint64_t last_sweep; /* when expired entries were last swept out */
};

void fdb_init(struct fdb *f, uint64_t max_age);

/* Makes mac port's own address. False if its set is full of static
 * entries, mac is already some port's static address, or port is out of
 * range. */
bool fdb_add_static(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned port);

/* Records that mac was seen as the source on port at now. Does nothing for
 * a static address, or when port has FDB_LEARNED_PER_PORT entries and mac
 * is new (its frames still pass; it is not learned). A full set gives up
 * its expired or else its oldest learned entry. */
void fdb_learn(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned port, uint64_t now);

/* The port mac was seen on, or -1 if unknown (or aged out at now). */
int fdb_lookup(struct fdb *f, const uint8_t mac[NET_ETH_ALEN], uint64_t now);

/* Whether mac is a static address; its port in *port. */
bool fdb_is_static(const struct fdb *f, const uint8_t mac[NET_ETH_ALEN], unsigned *port);

/* The set mac lives in (for tests). */
unsigned fdb_set_of(const uint8_t mac[NET_ETH_ALEN]);

/* Forgets what was learned on port (its client was reset). */
void fdb_forget_port(struct fdb *f, unsigned port);

#endif
