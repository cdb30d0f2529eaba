/*
 * The switch at work, without the device: the ports' rings (port.c), the
 * decisions (switch.c), and the rounds that move frames between them. The
 * uplink is reached through callbacks, so this runs on the host too.
 *
 * A round serves each running port in turn, starting one further each
 * round, at most ENGINE_BUDGET frames from each: a client that floods (or
 * whose queue is garbage) costs the others at most that much per round.
 * Frames are copied out of the sender's ring into the engine's own buffer
 * first; only that copy is looked at and copied on.
 *
 * Drops are counted per port (switch.h) and logged at the 1st, 10th,
 * 100th... of each kind, so a flood cannot flood the console.
 */
#ifndef SERVICES_NET_ENGINE_H
#define SERVICES_NET_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "port.h"
#include "switch.h"

#define ENGINE_BUDGET 32 /* frames per source per round */

struct engine_ops {
    /* Hands a frame to the uplink device; false if it cannot take it now. */
    bool (*uplink_send)(void *ctx, const uint8_t *frame, size_t len);
    /* Signals the client of port. */
    void (*signal)(void *ctx, unsigned port);
    /* Logs one line (without the "net: " prefix or a newline). */
    void (*say)(void *ctx, const char *line);
    void *ctx;
};

enum engine_drop { ENGINE_SPOOFED, ENGINE_DENIED, ENGINE_FULL, ENGINE_MALFORMED, ENGINE_DROPS };

struct engine {
    struct sw sw;
    struct port port[SW_PORTS]; /* [SW_UPLINK] unused */
    bool has_uplink;
    unsigned next;   /* the port the next round starts with */
    uint32_t signal; /* ports to signal at the next flush */
    bool reported_broken[SW_PORTS];
    struct engine_ops ops;
    uint8_t frame[NET_BUF_SIZE]; /* the frame being switched */
};

void engine_init(struct engine *e, const struct engine_ops *ops, bool has_uplink);

/* Adds a client port: its ring's name, parameters and memory. Returns its
 * index, or -1 with the reason in *why. */
int engine_add_port(struct engine *e, const char *name, const struct net_params *p, void *ring,
                    uint64_t size, const char **why);

/* After the last port: connects them and starts serving their rings. */
void engine_start(struct engine *e);

/* One round over the ports; now in milliseconds. True if a port has more
 * frames waiting than its budget allowed (run another round soon). */
bool engine_round(struct engine *e, uint64_t now);

/* A frame that arrived on the uplink (the device's memory: not a client's). */
void engine_from_uplink(struct engine *e, const uint8_t *frame, size_t len, uint64_t now);

/* Publishes the counters and signals the ports that got something. */
void engine_flush(struct engine *e);

/* Logs every port's counters. */
void engine_report(struct engine *e);

#endif
