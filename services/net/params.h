/*
 * A port's parameters (the ring's parameter string, abi/startinfo.h),
 * parsed as untrusted input: "mac=52:54:00:00:00:01" and "peers=a,b"
 * matter to the switch; other words (a block device's "ro", "partition=",
 * "range=") are skipped. Pure code, tested on the host.
 */
#ifndef SERVICES_NET_PARAMS_H
#define SERVICES_NET_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define NET_NAME_MAX 24 /* a port's name, NUL included (BT_START_NAME_MAX) */
#define NET_PEERS_MAX 16
#define NET_PARAMS_MAX 768 /* longest parameter string looked at */
#define NET_UPLINK_NAME "uplink"

struct net_params {
    bool has_mac;
    uint8_t mac[NET_ETH_ALEN];
    bool has_peers;
    unsigned peer_count;
    char peers[NET_PEERS_MAX][NET_NAME_MAX];
};

/* Parses s (NUL-terminated within NET_PARAMS_MAX bytes). On failure returns
 * false with a short reason in *why (a static string) and *p undefined: a
 * malformed MAC (not six two-digit hex bytes separated by ':', multicast,
 * or zero), an empty or too long peer name, more than NET_PEERS_MAX peers,
 * a key given twice, or a string without NUL in NET_PARAMS_MAX bytes. */
bool net_params_parse(const char *s, struct net_params *p, const char **why);

/* Parses "xx:xx:xx:xx:xx:xx" of exactly len characters (any address). */
bool net_mac_parse(const char *s, size_t len, uint8_t mac[NET_ETH_ALEN]);

#endif
