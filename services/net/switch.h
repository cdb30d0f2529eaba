/*
 * The switch's decisions, free of rings and devices: the ports, their
 * policy (own MAC address, allowed peers), the learning table, and for each
 * frame the set of ports it goes to. Port 0 is the uplink (the network
 * device); ports 1.. are the clients' rings. Pure code, tested on the host.
 *
 * The rules, for a frame from port src:
 *  - shorter than NET_FRAME_MIN or longer than NET_FRAME_MAX: dropped
 *    (drop_malformed);
 *  - a source address that is multicast or zero, not src's own "mac=", or
 *    another port's own address: dropped (drop_spoofed); otherwise the
 *    source is learned;
 *  - broadcast and multicast go to every port src may reach;
 *  - unicast to a known address goes to its port if src may reach it (else
 *    drop_denied); to src itself, nowhere (a switch never sends a frame
 *    back where it came from);
 *  - unknown unicast goes to the ports src may reach that have no "mac="
 *    of their own (the uplink among them): a port with its own address
 *    never needs a frame for another address, so it never sees one.
 * Two ports may exchange frames when each allows the other: a port without
 * "peers=" allows every port, one with it only those it names ("uplink"
 * is the uplink).
 */
#ifndef SERVICES_NET_SWITCH_H
#define SERVICES_NET_SWITCH_H

#include <stddef.h>
#include <stdint.h>

#include "fdb.h"
#include "params.h"
#include "protocol.h"

#define SW_PORTS FDB_PORTS
#define SW_UPLINK 0u
#define SW_MAX_AGE_MS 300000u /* learned addresses are forgotten after 5 minutes */

enum sw_verdict {
    SW_FORWARD,        /* to the ports in the returned mask (maybe none) */
    SW_DROP_MALFORMED, /* bad length */
    SW_DROP_SPOOFED,   /* bad source address */
    SW_DROP_DENIED,    /* to a port its peers do not allow */
    SW_DROP_LOCAL,     /* to the port it came from */
};

struct sw_port {
    bool present;
    char name[NET_NAME_MAX];
    struct net_params params;
    uint32_t reach; /* the ports it may exchange frames with */
    struct net_counters counters;
};

struct sw {
    struct sw_port port[SW_PORTS];
    struct fdb fdb;
};

void sw_init(struct sw *s);

/* Adds port index (1..SW_PORTS-1, or SW_UPLINK with no parameters) under
 * name. False if the index is taken or out of range, the name is empty,
 * too long, "uplink" for a client port, or another port's, or its MAC is
 * another port's. */
bool sw_add_port(struct sw *s, unsigned index, const char *name, const struct net_params *p);

/* Computes who may reach whom, after the last sw_add_port. */
void sw_connect(struct sw *s);

/* The port named name, or -1. */
int sw_find(const struct sw *s, const char *name);

/* Where a frame from src goes: a mask of port indices (never src). Counts
 * the frame on src (tx_frames or a drop counter) and learns its source. */
uint32_t sw_route(struct sw *s, unsigned src, const uint8_t *frame, size_t len, uint64_t now,
                  enum sw_verdict *verdict);

/* Forgets what port learned (its client reset the port). */
void sw_port_reset(struct sw *s, unsigned port);

#endif
