/*
 * The network switch: owns QEMU's virtio-net device (the uplink) and
 * switches Ethernet frames between it and its clients' ring channels
 * (protocol.h). engine.c does the switching; this file finds the grants,
 * starts the device and runs the loop.
 *
 * What it relies on (the loader's grants, abi/startinfo.h): "uplink" as a
 * BT_START_MEMORY entry (a page of virtio-mmio transports, one of them a
 * network device) and its BT_START_IRQ entries; one BT_START_RING entry per
 * port, under the port's name, with its parameters ("mac=", "peers=").
 * Without the device it switches between its ports alone.
 *
 * One thread, event driven: it waits on its events notification (the
 * device's interrupt and every ring's signal set bits there), then serves
 * a round: each port's sent frames (a bounded number per port), the
 * device's received frames (bounded too), and signals whom it gave
 * something. While a round leaves work behind it polls instead of waiting.
 */
#include "alloc/alloc.h"
#include "c/print.h"
#include "engine.h"
#include "lib/string.h"
#include "params.h"
#include "start/startinfo.h"
#include "sys/sys.h"
#include "uplink.h"

#define IRQS_MAX 8
#define REPORT_EVERY_MS 10000u

static struct engine engine;
static struct uplink uplink;
static struct bt_alloc alloc;
static bool has_uplink;
static bt_cptr_t ring_cap[SW_PORTS];
static struct {
    bt_cptr_t cap;
    uint64_t bit;
} irqs[IRQS_MAX];
static unsigned irq_count;
static uint64_t irq_bits;

static uint64_t now_ms(void)
{
    uint64_t t;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    uint64_t per_ms = bt_start->timer_frequency / 1000;
    return per_ms != 0 ? t / per_ms : 0;
}

static const char *mac_text(char *buf, const uint8_t *m)
{
    bt_snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

static bool on_uplink_send(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    return uplink_send(&uplink, frame, len);
}

static void on_signal(void *ctx, unsigned port)
{
    (void)ctx;
    if (port < SW_PORTS && ring_cap[port] != 0) {
        bt_signal(ring_cap[port]);
    }
}

static void on_say(void *ctx, const char *line)
{
    (void)ctx;
    bt_printf("net: %s\n", line);
}

static void on_uplink_frame(void *ctx, const uint8_t *frame, size_t len)
{
    engine_from_uplink(&engine, frame, len, *(uint64_t *)ctx);
}

/* The device, if the scenario granted one. */
static void start_uplink(void)
{
    const struct bt_start_entry *regs = bt_start_find("uplink", BT_START_MEMORY);
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if (e->kind == BT_START_IRQ && strncmp(e->name, "uplink", BT_START_NAME_MAX) == 0 &&
            irq_count < IRQS_MAX) {
            irqs[irq_count].cap = e->cptr;
            irqs[irq_count].bit = e->value;
            irq_bits |= e->value;
            irq_count++;
        }
    }
    if (regs == NULL) {
        bt_printf("net: no device \"uplink\" granted: switching between the ports only\n");
        return;
    }
    const char *why = "";
    if (irq_count == 0) {
        why = "the device \"uplink\" has no interrupt";
    } else if (uplink_find(&uplink, (uintptr_t)regs->vaddr, regs->size, &why) &&
               uplink_start(&uplink, &alloc, &why)) {
        has_uplink = true;
        char m[18];
        bt_printf("net: uplink: virtio-net, MAC %s, link %s\n", mac_text(m, uplink.mac),
                  !uplink.link_known ? "status unknown"
                  : uplink.link_up   ? "up"
                                     : "down");
        return;
    }
    bt_printf("net: uplink unusable: %s\n", why);
}

static void describe_port(int index)
{
    const struct sw_port *p = &engine.sw.port[index];
    char m[18];
    char peers[NET_PEERS_MAX * NET_NAME_MAX + 1] = "";
    size_t used = 0;
    for (unsigned i = 0; i < p->params.peer_count; i++) {
        used += bt_snprintf(peers + used, sizeof(peers) - used, "%s%s", i ? "," : "",
                            p->params.peers[i]);
        if (sw_find(&engine.sw, p->params.peers[i]) < 0) {
            bt_printf("net: port %s: peer \"%s\" is no port here\n", p->name, p->params.peers[i]);
        }
    }
    bt_printf("net: port %s: MAC %s, peers %s\n", p->name,
              p->params.has_mac ? mac_text(m, p->params.mac) : "any (not enforced)",
              p->params.has_peers ? peers : "all");
}

static unsigned add_ports(void)
{
    unsigned count = 0;
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if (e->kind != BT_START_RING) {
            continue;
        }
        char name[NET_NAME_MAX] = {0};
        memcpy(name, e->name, strnlen(e->name, BT_START_NAME_MAX - 1));
        struct net_params params;
        const char *why;
        int index = -1;
        if (net_params_parse(bt_start_params(e), &params, &why)) {
            index = engine_add_port(&engine, name, &params, (void *)e->vaddr, e->size, &why);
        }
        if (index < 0) {
            bt_printf("net: port %s refused: %s\n", name, why);
            continue;
        }
        ring_cap[index] = e->cptr;
        count++;
    }
    return count;
}

/* Changes whenever a frame is counted anywhere. */
static uint64_t counters_sum(void)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < SW_PORTS; i++) {
        const struct net_counters *c = &engine.sw.port[i].counters;
        sum += c->rx_frames + c->tx_frames + c->drop_spoofed + c->drop_denied + c->drop_rx_full +
               c->drop_malformed;
    }
    return sum;
}

__attribute__((noreturn)) static void serve(void)
{
    bool more = true;
    uint64_t last_report = 0;
    uint64_t reported_sum = 0;
    for (;;) {
        uint64_t bits = 0;
        if (more) {
            bt_poll(bt_start->events, &bits);
        } else {
            bt_wait(bt_start->events, &bits);
        }
        if (has_uplink && (bits & irq_bits)) {
            uplink_interrupt(&uplink); /* before the used rings are read */
        }
        uint64_t now = now_ms();
        more = engine_round(&engine, now);
        if (has_uplink) {
            more |= uplink_receive(&uplink, ENGINE_BUDGET, on_uplink_frame, &now) == ENGINE_BUDGET;
            uplink_kick(&uplink);
            if (uplink_broken(&uplink)) {
                bt_printf("net: the uplink device broke; going on without it\n");
                has_uplink = false;
                engine.has_uplink = false;
            }
        }
        engine_flush(&engine);
        for (unsigned i = 0; i < irq_count; i++) {
            if (bits & irqs[i].bit) {
                bt_irq_ack(irqs[i].cap);
            }
        }
        /* The counters, now and then, when things have gone quiet. */
        uint64_t sum = counters_sum();
        if (!more && sum != reported_sum &&
            (last_report == 0 || now - last_report >= REPORT_EVERY_MS)) {
            engine_report(&engine);
            last_report = now;
            reported_sum = sum;
        }
    }
}

int main(void)
{
    if (bt_start == NULL) {
        return 1;
    }
    bt_alloc_init_component(&alloc, bt_start);
    struct engine_ops ops = {.uplink_send = on_uplink_send, .signal = on_signal, .say = on_say};
    start_uplink();
    engine_init(&engine, &ops, has_uplink);
    unsigned count = add_ports();
    engine_start(&engine);
    for (unsigned i = 1; i < SW_PORTS; i++) {
        if (engine.sw.port[i].present) {
            describe_port((int)i);
        }
    }
    bt_printf("net: switching %u port%s%s\n", count, count == 1 ? "" : "s",
              has_uplink ? " and the uplink" : "");
    engine_flush(&engine);
    serve();
}
