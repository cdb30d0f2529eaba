/*
 * What a ring tells its server about the client at the other end: for a
 * block server, the part of the disk it may use and whether it may write;
 * for the network switch, the port's MAC address and the peers it may
 * reach. These properties are allowed on "ring" channels and on virtio
 * devices of the matching type.
 */
#include "parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define PARTITION_MAX 128 /* GPT's usual table size */
#define SECTOR 512u

static bool parse_mac(const char *text, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        const char *h = text + 3 * i;
        if (strspn(h, "0123456789abcdefABCDEF") < 2 || h[2] != (i == 5 ? 0 : ':')) {
            return false;
        }
        char byte[3] = {h[0], h[1], 0};
        mac[i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    return true;
}

static void parse_disk(struct parse *p, int node, struct port *port)
{
    port->read_only = prop_bool(p->fdt, node, "read-only");
    if (prop_bool(p->fdt, node, "partition")) {
        prop_u32_in(p->d, p->fdt, node, "partition", 0, 1, PARTITION_MAX, &port->partition);
    }
    if (!prop_bool(p->fdt, node, "range")) {
        return;
    }
    if (port->partition != 0) {
        diag_prop(p->d, p->fdt, node, "range", "give a partition or a range, not both");
    }
    if (prop_count(p->fdt, node, "range", PROP_REGIONS) != 1) {
        diag_prop(p->d, p->fdt, node, "range", "expected one <offset size> pair");
        return;
    }
    struct region *r = &port->range;
    prop_region_at(p->fdt, node, "range", 0, &r->base, &r->size);
    port->has_range = true;
    if (r->size == 0 || (r->base | r->size) % SECTOR != 0 || r->base + r->size < r->base) {
        diag_prop(p->d, p->fdt, node, "range",
                  "<0x%" PRIx64 ", size 0x%" PRIx64 ">: expected a non-zero size, offset and "
                  "size multiples of 512 bytes, and an end below 2^64",
                  r->base, r->size);
    }
}

static void parse_net(struct parse *p, int node, struct port *port)
{
    port->mac = prop_string(p->fdt, node, "mac", NULL);
    if (port->mac != NULL) {
        uint8_t m[6];
        if (!parse_mac(port->mac, m)) {
            diag_prop(p->d, p->fdt, node, "mac",
                      "expected six hex bytes like \"52:54:00:12:34:56\", got \"%s\"", port->mac);
        } else if ((m[0] & 1) != 0 || (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0) {
            diag_prop(p->d, p->fdt, node, "mac",
                      "\"%s\" is not a unicast address (group bit set, or all zero)", port->mac);
        }
    }
    port->peer_count = prop_count(p->fdt, node, "peers", PROP_STRINGS);
    port->peers = parse_alloc(p, port->peer_count, sizeof(*port->peers));
    for (size_t i = 0; port->peers != NULL && i < port->peer_count; i++) {
        port->peers[i] = prop_string_at(p->fdt, node, "peers", i);
        if (!parse_is_name(port->peers[i])) {
            diag_prop(p->d, p->fdt, node, "peers", "expected port names, got \"%s\"",
                      port->peers[i]);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(port->peers[j], port->peers[i]) == 0) {
                diag_prop(p->d, p->fdt, node, "peers", "port \"%s\" is listed twice",
                          port->peers[i]);
            }
        }
    }
}

void parse_port(struct parse *p, int node, bool disk, bool net, const char *what, struct port *port)
{
    static const char *const disk_props[] = {"read-only", "partition", "range"};
    static const char *const net_props[] = {"mac", "peers"};
    for (size_t i = 0; !disk && i < PARSE_COUNT(disk_props); i++) {
        if (prop_bool(p->fdt, node, disk_props[i])) {
            diag_prop(p->d, p->fdt, node, disk_props[i], "only for a block device, not %s", what);
        }
    }
    for (size_t i = 0; !net && i < PARSE_COUNT(net_props); i++) {
        if (prop_bool(p->fdt, node, net_props[i])) {
            diag_prop(p->d, p->fdt, node, net_props[i], "only for a network port, not %s", what);
        }
    }
    if (disk) {
        parse_disk(p, node, port);
    }
    if (net) {
        parse_net(p, node, port);
    }
}
