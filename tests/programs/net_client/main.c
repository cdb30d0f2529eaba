/*
 * net_client: a tiny host on the network switch (services/net), for its
 * system test. Its ring channel is "net"; its MAC address is the port's
 * (the ring header says it). It answers ARP requests for its address and
 * ICMP echo requests, prints every test frame it receives, and runs the
 * script in its args, one word after another:
 *
 *   ip=A.B.C.D        its IPv4 address (first)
 *   arp=A.B.C.D       asks who has that address (retrying), prints the answer
 *   ping=A.B.C.D      ICMP echo (after ARP), prints whether a reply came
 *   hello             broadcasts a test frame "hello from NAME"
 *   hello=MAC         sends it to that address only
 *   spoof=MAC         broadcasts 5 test frames with MAC as their source
 *   counters          prints the switch's counters of its port
 *   mac=MAC           its MAC address, for a port without one of its own
 *   garbage           fills its send queue with bad descriptors, then
 *                     publishes an impossible index, then resets the port
 *
 * Test frames have the local experimental EtherType 0x88b5. A unicast
 * frame for another address is reported ("saw a frame for"): the switch
 * sends those only to ports without their own address, and only while it
 * has not learned where the address is. Every line it prints begins with
 * its name.
 */
#include "c/print.h"
#include "lib/string.h"
#include "net/client.h"
#include "start/startinfo.h"
#include "sys/sys.h"

#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define ETH_TEST 0x88b5
#define TRIES 10
#define TRY_MS 500
#define SPOOF_COUNT 5

static struct net_client nc;
static const struct bt_start_entry *ring;
static const char *me;
static uint8_t my_mac[6];
static uint8_t my_ip[4];
static uint8_t frame[NET_BUF_SIZE];
static uint8_t in[NET_BUF_SIZE];

/* What the script waits for. */
static struct {
    uint8_t ip[4];
    bool arp_answered;
    uint8_t mac[6];
    uint16_t ping_seq;
    bool ping_answered;
} want;

static const uint8_t BROADCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint64_t now_ms(void)
{
    uint64_t t;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    return t / (bt_start->timer_frequency / 1000);
}

static const char *mac_text(char *buf, const uint8_t *m)
{
    bt_snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

static const char *ip_text(char *buf, const uint8_t *ip)
{
    bt_snprintf(buf, 16, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    return buf;
}

static bool parse_ip(const char *s, size_t len, uint8_t ip[4])
{
    unsigned part = 0, value = 0, digits = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
            value = value * 10 + (unsigned)(s[i] - '0');
            digits++;
        } else if ((i == len || s[i] == '.') && digits > 0 && value < 256 && part < 4) {
            ip[part++] = (uint8_t)value;
            value = digits = 0;
        } else {
            return false;
        }
    }
    return part == 4;
}

static bool parse_mac(const char *s, size_t len, uint8_t mac[6])
{
    if (len != 17) {
        return false;
    }
    for (unsigned i = 0; i < 6; i++) {
        unsigned v = 0;
        for (unsigned k = 0; k < 2; k++) {
            char c = s[3 * i + k];
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                                : 99;
            if (d == 99) {
                return false;
            }
            v = v * 16 + d;
        }
        mac[i] = (uint8_t)v;
    }
    return true;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void kick(void)
{
    if (net_client_take_notify(&nc)) {
        bt_signal(ring->cptr);
    }
}

static void send(size_t len)
{
    if (len < 60) {
        memset(frame + len, 0, 60 - len);
        len = 60;
    }
    if (!net_client_send(&nc, frame, len)) {
        bt_printf("%s: could not send a frame (no buffer or port down)\n", me);
    }
    kick();
}

static size_t eth(const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    put16(frame + 12, type);
    return 14;
}

static void send_arp(uint16_t op, const uint8_t *dst_mac, const uint8_t *target_ip)
{
    size_t n = eth(dst_mac, my_mac, ETH_ARP);
    uint8_t *a = frame + n;
    put16(a, 1);
    put16(a + 2, ETH_IP);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, my_mac, 6);
    memcpy(a + 14, my_ip, 4);
    if (op == 1) {
        memset(a + 18, 0, 6);
    } else {
        memcpy(a + 18, dst_mac, 6);
    }
    memcpy(a + 24, target_ip, 4);
    send(n + 28);
}

/* An IPv4 ICMP echo (type 8) or reply (type 0) with payload. */
static void send_icmp(uint8_t type, const uint8_t *dst_mac, const uint8_t *dst_ip, uint16_t id,
                      uint16_t seq, const uint8_t *payload, size_t plen)
{
    size_t n = eth(dst_mac, my_mac, ETH_IP);
    uint8_t *ip = frame + n;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + 8 + plen));
    ip[8] = 64;
    ip[9] = 1; /* ICMP */
    memcpy(ip + 12, my_ip, 4);
    memcpy(ip + 16, dst_ip, 4);
    put16(ip + 10, checksum(ip, 20));
    uint8_t *icmp = ip + 20;
    icmp[0] = type;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    memcpy(icmp + 8, payload, plen);
    put16(icmp + 2, checksum(icmp, 8 + plen));
    send(n + 28 + plen);
}

static void on_arp(const uint8_t *a, size_t len)
{
    char t1[18], t2[16];
    if (len < 28 || get16(a) != 1 || get16(a + 2) != ETH_IP || a[4] != 6 || a[5] != 4) {
        return;
    }
    uint16_t op = get16(a + 6);
    if (op == 1 && memcmp(a + 24, my_ip, 4) == 0) {
        bt_printf("%s: answered ARP from %s (%s)\n", me, ip_text(t2, a + 14), mac_text(t1, a + 8));
        send_arp(2, a + 8, a + 14);
    } else if (op == 2 && memcmp(a + 24, my_ip, 4) == 0 && memcmp(a + 14, want.ip, 4) == 0) {
        memcpy(want.mac, a + 8, 6);
        want.arp_answered = true;
    }
}

static void on_ip(const uint8_t *src_mac, const uint8_t *ip, size_t len)
{
    char t[16];
    if (len < 28 || (ip[0] >> 4) != 4 || ip[9] != 1 || memcmp(ip + 16, my_ip, 4) != 0) {
        return;
    }
    size_t hl = (size_t)(ip[0] & 15) * 4;
    size_t total = get16(ip + 2);
    if (hl < 20 || total > len || total < hl + 8) {
        return;
    }
    const uint8_t *icmp = ip + hl;
    size_t ilen = total - hl;
    if (icmp[0] == 8) {
        bt_printf("%s: answered ping from %s\n", me, ip_text(t, ip + 12));
        send_icmp(0, src_mac, ip + 12, get16(icmp + 4), get16(icmp + 6), icmp + 8, ilen - 8);
    } else if (icmp[0] == 0 && get16(icmp + 6) == want.ping_seq &&
               memcmp(ip + 12, want.ip, 4) == 0) {
        want.ping_answered = true;
    }
}

static void on_frame(const uint8_t *f, size_t len)
{
    char t[18];
    if ((f[0] & 1) == 0 && memcmp(f, my_mac, 6) != 0) {
        bt_printf("%s: saw a frame for %s (not mine)\n", me, mac_text(t, f));
        return;
    }
    switch (get16(f + 12)) {
    case ETH_ARP:
        on_arp(f + 14, len - 14);
        break;
    case ETH_IP:
        on_ip(f + 6, f + 14, len - 14);
        break;
    case ETH_TEST: {
        char text[48] = {0};
        size_t n = strnlen((const char *)f + 14, len - 14 < 47 ? len - 14 : 47);
        memcpy(text, f + 14, n);
        bt_printf("%s: got \"%s\" from %s\n", me, text, mac_text(t, f + 6));
        break;
    }
    default:
        break;
    }
}

/* Takes in what arrived, answers what needs an answer. */
static void pump(void)
{
    uint64_t bits = 0;
    bt_poll(bt_start->events, &bits);
    net_client_poll(&nc);
    size_t len;
    while ((len = net_client_recv(&nc, in, sizeof(in))) > 0) {
        on_frame(in, len);
    }
    kick();
}

/* Serves for ms milliseconds, or until *done. */
static void serve_for(uint64_t ms, const bool *done)
{
    uint64_t end = now_ms() + ms;
    while (now_ms() < end && !(done != NULL && *done)) {
        pump();
        bt_yield();
    }
}

static bool resolve(const uint8_t *ip)
{
    char t1[16], t2[18];
    if (want.arp_answered && memcmp(want.ip, ip, 4) == 0) {
        return true;
    }
    memcpy(want.ip, ip, 4);
    want.arp_answered = false;
    for (int i = 0; i < TRIES && !want.arp_answered; i++) {
        send_arp(1, BROADCAST, ip);
        serve_for(TRY_MS, &want.arp_answered);
    }
    if (want.arp_answered) {
        bt_printf("%s: %s is at %s\n", me, ip_text(t1, ip), mac_text(t2, want.mac));
    } else {
        bt_printf("%s: no ARP answer from %s\n", me, ip_text(t1, ip));
    }
    return want.arp_answered;
}

static void ping(const uint8_t *ip)
{
    char t[16];
    if (!resolve(ip)) {
        return;
    }
    static const uint8_t payload[32] = "bastei net_client ping payload";
    want.ping_answered = false;
    for (int i = 0; i < TRIES && !want.ping_answered; i++) {
        want.ping_seq++;
        send_icmp(8, want.mac, ip, 0x4e54, want.ping_seq, payload, sizeof(payload));
        serve_for(TRY_MS, &want.ping_answered);
    }
    bt_printf("%s: ping %s: %s\n", me, ip_text(t, ip), want.ping_answered ? "reply" : "no reply");
}

static void hello(const uint8_t *dst, const uint8_t *src, const char *what)
{
    size_t n = eth(dst, src, ETH_TEST);
    int len = (int)bt_snprintf((char *)frame + n, 48, "%s %s", what, me);
    send(n + (size_t)len + 1);
}

static void counters(void)
{
    struct net_counters c;
    serve_for(100, NULL); /* the switch publishes after its round */
    net_client_counters(&nc, &c);
    bt_printf("%s: switch counters: rx %lu tx %lu spoofed %lu denied %lu full %lu bad %lu\n", me,
              (unsigned long)c.rx_frames, (unsigned long)c.tx_frames, (unsigned long)c.drop_spoofed,
              (unsigned long)c.drop_denied, (unsigned long)c.drop_rx_full,
              (unsigned long)c.drop_malformed);
}

/* Breaks its own port: bad descriptors, then an impossible index; then
 * asks for a reset and waits for the port to run again. */
static void garbage(void)
{
    uint32_t cap = nc.layout.capacity;
    struct bt_queue_shared *q = (struct bt_queue_shared *)(nc.base + nc.layout.tx_active);
    serve_for(200, NULL); /* what it sent before is taken */
    uint32_t prod = __atomic_load_n(&q->prod, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < cap; i++) {
        struct bt_desc *d = &q->desc[(prod + i) & (cap - 1)];
        d->offset = 0xdead0000ull + i * 7;
        d->len = 0xffffffffu - i;
        d->cookie = i;
    }
    __atomic_store_n(&q->prod, prod + cap, __ATOMIC_RELEASE);
    bt_signal(ring->cptr);
    serve_for(300, NULL);
    __atomic_store_n(&q->prod, prod + 0x80000000u, __ATOMIC_RELEASE);
    bt_signal(ring->cptr);
    serve_for(300, NULL);
    bt_printf("%s: sent %u bad descriptors and an impossible index; resetting\n", me, cap);
    net_client_reset(&nc);
    while (!net_client_poll(&nc)) {
        kick();
        serve_for(10, NULL);
    }
    bt_printf("%s: port up again\n", me);
}

/* One word of the script. */
static void step(const char *w, size_t len)
{
    uint8_t ip[4], mac[6];
    if (len > 3 && memcmp(w, "ip=", 3) == 0 && parse_ip(w + 3, len - 3, ip)) {
        memcpy(my_ip, ip, 4);
    } else if (len > 4 && memcmp(w, "arp=", 4) == 0 && parse_ip(w + 4, len - 4, ip)) {
        want.arp_answered = false;
        resolve(ip);
    } else if (len > 5 && memcmp(w, "ping=", 5) == 0 && parse_ip(w + 5, len - 5, ip)) {
        ping(ip);
    } else if (len == 5 && memcmp(w, "hello", 5) == 0) {
        hello(BROADCAST, my_mac, "hello from");
    } else if (len > 6 && memcmp(w, "hello=", 6) == 0 && parse_mac(w + 6, len - 6, mac)) {
        hello(mac, my_mac, "hello from");
    } else if (len > 6 && memcmp(w, "spoof=", 6) == 0 && parse_mac(w + 6, len - 6, mac)) {
        for (int i = 0; i < SPOOF_COUNT; i++) {
            hello(BROADCAST, mac, "spoofed by");
        }
        char t[18];
        bt_printf("%s: sent %d frames as %s\n", me, SPOOF_COUNT, mac_text(t, mac));
    } else if (len == 8 && memcmp(w, "counters", 8) == 0) {
        counters();
    } else if (len > 4 && memcmp(w, "mac=", 4) == 0 && parse_mac(w + 4, len - 4, mac)) {
        memcpy(my_mac, mac, 6);
    } else if (len == 7 && memcmp(w, "garbage", 7) == 0) {
        garbage();
    } else {
        char word[BT_START_ARGS_MAX] = {0};
        memcpy(word, w, len < sizeof(word) - 1 ? len : sizeof(word) - 1);
        bt_printf("%s: bad script word \"%s\"\n", me, word);
    }
}

static void run_script(const char *s)
{
    size_t start = 0, len = strnlen(s, BT_START_ARGS_MAX);
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ' ') {
            if (i > start) {
                step(s + start, i - start);
            }
            start = i + 1;
        }
    }
}

int main(void)
{
    me = bt_start->name;
    ring = bt_start_find("net", BT_START_RING);
    if (ring == NULL || !net_client_init(&nc, (void *)ring->vaddr, ring->size)) {
        bt_printf("%s: no usable ring named net\n", me);
        return 1;
    }
    while (!net_client_poll(&nc)) {
        kick();
        uint64_t bits = 0;
        bt_wait(bt_start->events, &bits);
    }
    net_client_mac(&nc, my_mac);
    char t[18];
    bt_printf("%s: port up, MAC %s\n", me, mac_text(t, my_mac));
    run_script(bt_start->args);
    bt_printf("%s: done\n", me);
    for (;;) {
        uint64_t bits = 0;
        bt_wait(bt_start->events, &bits);
        pump();
    }
}
