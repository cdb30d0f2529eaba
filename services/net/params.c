/*
 * Parsing a port's parameter string: see params.h. Every length is bounded
 * before it is used; nothing is copied before it was checked.
 */
#include "params.h"
#include "lib/string.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool net_mac_parse(const char *s, size_t len, uint8_t mac[NET_ETH_ALEN])
{
    if (len != 3 * NET_ETH_ALEN - 1) {
        return false;
    }
    for (unsigned i = 0; i < NET_ETH_ALEN; i++) {
        int hi = hex_digit(s[3 * i]);
        int lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i + 1 < NET_ETH_ALEN && s[3 * i + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool mac_value(const char *v, size_t len, struct net_params *p, const char **why)
{
    if (!net_mac_parse(v, len, p->mac)) {
        *why = "mac is not six hex bytes separated by ':'";
        return false;
    }
    static const uint8_t zero[NET_ETH_ALEN];
    if (p->mac[0] & 1) {
        *why = "mac is a multicast address";
        return false;
    }
    if (memcmp(p->mac, zero, NET_ETH_ALEN) == 0) {
        *why = "mac is zero";
        return false;
    }
    p->has_mac = true;
    return true;
}

static bool peers_value(const char *v, size_t len, struct net_params *p, const char **why)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && v[i] != ',') {
            continue;
        }
        size_t n = i - start;
        if (n == 0) {
            *why = "peers has an empty name";
            return false;
        }
        if (n >= NET_NAME_MAX) {
            *why = "peers has a name longer than 23 bytes";
            return false;
        }
        if (p->peer_count == NET_PEERS_MAX) {
            *why = "peers names more than 16 ports";
            return false;
        }
        memcpy(p->peers[p->peer_count], v + start, n);
        p->peers[p->peer_count][n] = '\0';
        p->peer_count++;
        start = i + 1;
    }
    p->has_peers = true;
    return true;
}

/* One word of len bytes (no spaces in it). */
static bool word(const char *w, size_t len, struct net_params *p, const char **why)
{
    if (len > 4 && memcmp(w, "mac=", 4) == 0) {
        if (p->has_mac) {
            *why = "mac is given twice";
            return false;
        }
        return mac_value(w + 4, len - 4, p, why);
    }
    if (len >= 6 && memcmp(w, "peers=", 6) == 0) {
        if (p->has_peers) {
            *why = "peers is given twice";
            return false;
        }
        return peers_value(w + 6, len - 6, p, why);
    }
    if (len == 4 && memcmp(w, "mac=", 4) == 0) {
        *why = "mac is empty";
        return false;
    }
    return true; /* another device's parameter */
}

bool net_params_parse(const char *s, struct net_params *p, const char **why)
{
    memset(p, 0, sizeof(*p));
    *why = "";
    if (s == NULL) {
        return true;
    }
    size_t len = strnlen(s, NET_PARAMS_MAX);
    if (len == NET_PARAMS_MAX) {
        *why = "the parameters do not end";
        return false;
    }
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ' ') {
            continue;
        }
        if (i > start && !word(s + start, i - start, p, why)) {
            return false;
        }
        start = i + 1;
    }
    return true;
}
