/*
 * blk_client: a native client of the block server (services/blk) for its
 * system test (tests/system/test_blk.py, scenarios/blk-test.dts). Its
 * ring is "disk"; its role is its args:
 *
 *   rw      finds what an earlier boot wrote (a pattern of generation G),
 *           writes generation G+1 to the start and the end of its part of
 *           the disk, reads it back, then checks that every request outside
 *           its bounds or with a bad descriptor is refused, asks for the
 *           disk's id, flushes, and measures a rough read/write rate;
 *   ro      checks the data the test put on its partition, and that a
 *           write is refused and changes nothing;
 *   evil    floods its queue without taking responses, then breaks its
 *           queue, then resets and is served again;
 *   crash   (restarted by root) sends requests and crashes while they are
 *           in flight; started again, resets and is served;
 *   nodisk  its port names a partition that does not exist: it must get
 *           state "no disk" and BLK_S_NODEV, nothing else.
 *
 * Each check prints one line "NAME: ... ok" or "NAME: ... FAIL ..."; the
 * last line is "NAME: done".
 */
#include "blk/client.h"
#include "c/print.h"
#include "lib/string.h"
#include "start/startinfo.h"
#include "sys/sys.h"

#define PATTERN_SECTORS 256u /* written at the start of the port */
#define TAIL_SECTORS 8u      /* and at its end */
#define SECTOR BLK_SECTOR_SIZE

static const char *me;
static bool restarted; /* crash: this is the run after the crash */
static struct blk_client c;
static const struct bt_start_entry *ring;
static unsigned failures;

static void wait_server(void)
{
    uint64_t bits = 0;
    if (c.signal_needed) {
        c.signal_needed = false; /* we made room in a full response queue */
        bt_signal(ring->cptr);
    }
    bt_wait(bt_start->events, &bits);
}

static void check(bool ok, const char *what, uint64_t got, uint64_t want)
{
    if (ok) {
        bt_printf("%s: %s: ok\n", me, what);
    } else {
        failures++;
        bt_printf("%s: %s: FAIL (got %lu, expected %lu)\n", me, what, got, want);
    }
}

static void connect(void)
{
    while (!blk_client_server_up(&c)) {
        wait_server();
    }
    blk_client_reset(&c);
    bt_signal(ring->cptr);
    while (!blk_client_reset_done(&c)) {
        wait_server();
    }
}

/* One request with tag 0; waits for its response (responses to other
 * tags, left from earlier, are passed over). A server restart in between
 * is met by resetting and sending it again. */
static uint32_t request(uint32_t type, uint64_t sector, uint64_t offset, uint32_t len,
                        uint32_t *done_len)
{
    struct blk_done d;
    for (;;) {
        if (!blk_client_submit(&c, 0, type, sector, offset, len)) {
            return 0xffff;
        }
        bt_signal(ring->cptr);
        for (;;) {
            if (blk_client_take(&c, &d)) {
                if (d.tag == 0) {
                    if (done_len != NULL) {
                        *done_len = d.len;
                    }
                    return d.status;
                }
                continue;
            }
            if (blk_client_epoch_changed(&c)) {
                break;
            }
            wait_server();
        }
        bt_printf("%s: the server restarted; resetting and sending again\n", me);
        connect();
    }
}

static uint8_t *data(uint64_t i)
{
    return c.base + blk_client_data_offset(i);
}

/* ---- the pattern, also computed by the system test ---- */

static void pattern(uint8_t *buf, const char *name, unsigned gen, uint64_t sector)
{
    char head[33];
    memset(head, '.', 32);
    size_t n = bt_snprintf(head, sizeof(head), "blk:%s:g%u:s%lu", name, gen, sector);
    head[n] = '.';
    memcpy(buf, head, 32);
    for (unsigned i = 32; i < SECTOR; i++) {
        buf[i] = (uint8_t)(gen * 13 + sector * 31 + i * 7);
    }
}

/* Reads or writes count sectors from sector through the data area in
 * pieces of at most max_transfer; write: with the pattern of gen; read:
 * compares with it (returns the number of sectors that differ). */
static unsigned pattern_io(bool write, const char *name, unsigned gen, uint64_t sector,
                           uint64_t count, uint32_t *status)
{
    uint32_t piece = c.max_transfer / SECTOR;
    unsigned bad = 0;
    *status = BLK_S_OK;
    for (uint64_t s = 0; s < count; s += piece) {
        uint32_t n = count - s < piece ? (uint32_t)(count - s) : piece;
        if (write) {
            for (uint32_t i = 0; i < n; i++) {
                pattern(data(i * SECTOR), name, gen, sector + s + i);
            }
        }
        uint32_t st = request(write ? BLK_REQ_WRITE : BLK_REQ_READ, sector + s,
                              blk_client_data_offset(0), n * SECTOR, NULL);
        if (st != BLK_S_OK) {
            *status = st;
            return (unsigned)count;
        }
        for (uint32_t i = 0; !write && i < n; i++) {
            uint8_t want[SECTOR];
            pattern(want, name, gen, sector + s + i);
            bad += memcmp(want, data(i * SECTOR), SECTOR) != 0;
        }
    }
    return bad;
}

/* The generation an earlier boot left at sector 0 (0: none). */
static unsigned earlier_generation(void)
{
    uint32_t st;
    if (request(BLK_REQ_READ, 0, blk_client_data_offset(0), SECTOR, NULL) != BLK_S_OK) {
        return 0;
    }
    char prefix[32];
    size_t n = bt_snprintf(prefix, sizeof(prefix), "blk:%s:g", me);
    const char *p = (const char *)data(0);
    if (memcmp(p, prefix, n) != 0) {
        return 0;
    }
    unsigned gen = 0;
    for (p += n; *p >= '0' && *p <= '9' && gen < 100000; p++) {
        gen = gen * 10 + (unsigned)(*p - '0');
    }
    if (gen == 0 || pattern_io(false, me, gen, 0, PATTERN_SECTORS, &st) != 0 ||
        pattern_io(false, me, gen, c.capacity - TAIL_SECTORS, TAIL_SECTORS, &st) != 0) {
        return 0;
    }
    return gen;
}

static void persistence(void)
{
    uint32_t st;
    unsigned gen = earlier_generation();
    if (gen == 0) {
        bt_printf("%s: no earlier data\n", me);
    } else {
        bt_printf("%s: found generation %u from an earlier boot\n", me, gen);
    }
    gen++;
    unsigned bad = pattern_io(true, me, gen, 0, PATTERN_SECTORS, &st) +
                   pattern_io(true, me, gen, c.capacity - TAIL_SECTORS, TAIL_SECTORS, &st);
    bt_printf("%s: wrote generation %u\n", me, gen);
    bad += pattern_io(false, me, gen, 0, PATTERN_SECTORS, &st) +
           pattern_io(false, me, gen, c.capacity - TAIL_SECTORS, TAIL_SECTORS, &st);
    check(bad == 0 && st == BLK_S_OK, "read back what it wrote, first and last sectors", bad, 0);
}

/* ---- refusals ---- */

static void expect_status(const char *what, uint32_t type, uint64_t sector, uint64_t offset,
                          uint32_t len, uint32_t want)
{
    char line[96];
    uint32_t st = request(type, sector, offset, len, NULL);
    bt_snprintf(line, sizeof(line), "%s refused with status %u", what, want);
    check(st == want, line, st, want);
}

static void bounds(void)
{
    uint64_t cap = c.capacity;
    uint64_t d0 = blk_client_data_offset(0);
    expect_status("read past the end", BLK_REQ_READ, cap, d0, SECTOR, BLK_S_RANGE);
    expect_status("read across the end", BLK_REQ_READ, cap - 1, d0, 2 * SECTOR, BLK_S_RANGE);
    expect_status("read at sector 2^64-1", BLK_REQ_READ, ~0ull, d0, 2 * SECTOR, BLK_S_RANGE);
    if ((c.flags & BLK_FLAG_READ_ONLY) == 0) {
        expect_status("write past the end", BLK_REQ_WRITE, cap, d0, SECTOR, BLK_S_RANGE);
        expect_status("write across the end", BLK_REQ_WRITE, cap - 1, d0, 4 * SECTOR, BLK_S_RANGE);
    }
}

static void bad_descriptors(void)
{
    uint64_t end = c.size;
    expect_status("read into the ring's header", BLK_REQ_READ, 0, 0, SECTOR, BLK_S_INVALID);
    expect_status("read into the queues", BLK_REQ_READ, 0, BLK_REQ_QUEUE_OFFSET + 64, SECTOR,
                  BLK_S_INVALID);
    expect_status("read past the ring's end", BLK_REQ_READ, 0, end - SECTOR / 2, SECTOR,
                  BLK_S_INVALID);
    expect_status("read at offset 2^63", BLK_REQ_READ, 0, 1ull << 63, SECTOR, BLK_S_INVALID);
    expect_status("read of 100 bytes", BLK_REQ_READ, 0, blk_client_data_offset(0), 100,
                  BLK_S_INVALID);
    expect_status("read of 0 bytes", BLK_REQ_READ, 0, blk_client_data_offset(0), 0, BLK_S_INVALID);
    expect_status("read above max_transfer", BLK_REQ_READ, 0, blk_client_data_offset(0),
                  c.max_transfer + SECTOR, BLK_S_INVALID);
    expect_status("request of type 77", 77, 0, blk_client_data_offset(0), SECTOR, BLK_S_UNSUPP);
    check(c.hdr->magic == BLK_RING_MAGIC, "the ring's header is intact", 0, 0);

    /* A tag outside the table: the server must not index with it. */
    struct bt_desc d = {.offset = blk_client_data_offset(0), .len = SECTOR, .cookie = 1000};
    struct blk_done done;
    check(bt_queue_push(&c.req, &d), "sent a request with tag 1000", 0, 1);
    bt_signal(ring->cptr);
    while (!blk_client_take(&c, &done)) {
        wait_server();
    }
    check(done.tag == 1000 && done.status == BLK_S_INVALID, "tag 1000 refused with status 5",
          done.status, BLK_S_INVALID);
}

/* ---- id, flush, rate ---- */

static uint64_t now(void)
{
    uint64_t t;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    return t;
}

/* Moves total bytes from sector `from` on, keeping every buffer of the
 * data area at the disk at once; returns the ticks it took. */
static uint64_t stream(uint32_t type, uint64_t from, uint64_t total)
{
    uint32_t chunk = c.max_transfer < 32768 ? c.max_transfer : 32768;
    uint32_t bufs = (uint32_t)(c.data_bytes / chunk);
    bufs = bufs > BLK_QUEUE_CAPACITY ? BLK_QUEUE_CAPACITY : bufs;
    uint64_t sent = 0, done_bytes = 0, t0 = now();
    for (uint32_t t = 0; t < bufs && sent < total; t++, sent += chunk) {
        blk_client_submit(&c, t, type, from + sent / SECTOR, blk_client_data_offset(t * chunk),
                          chunk);
    }
    bt_signal(ring->cptr);
    while (done_bytes < total) {
        struct blk_done d;
        if (!blk_client_take(&c, &d)) {
            wait_server();
            continue;
        }
        done_bytes += chunk;
        if (d.status != BLK_S_OK) {
            failures++;
        }
        if (sent < total) {
            blk_client_submit(&c, d.tag, type, from + sent / SECTOR, d.offset, chunk);
            sent += chunk;
            bt_signal(ring->cptr);
        }
    }
    return now() - t0;
}

static void rate(void)
{
    uint64_t total = 512 * 1024;
    if (c.capacity < PATTERN_SECTORS + total / SECTOR + TAIL_SECTORS) {
        return;
    }
    uint64_t from = PATTERN_SECTORS;
    uint64_t tw = stream(BLK_REQ_WRITE, from, total);
    uint64_t tr = stream(BLK_REQ_READ, from, total);
    uint64_t hz = bt_start->timer_frequency;
    uint64_t w = total * hz / (tw + 1), r = total * hz / (tr + 1); /* bytes per second */
    bt_printf("%s: rough rate (QEMU TCG, wall clock): write %lu.%lu MB/s, read %lu.%lu MB/s\n", me,
              w / 1000000, w / 100000 % 10, r / 1000000, r / 100000 % 10);
}

static void identify_and_flush(void)
{
    uint32_t len = 0;
    memset(data(0), 0, 64);
    uint32_t st = request(BLK_REQ_GET_ID, 0, blk_client_data_offset(0), 64, &len);
    char id[BLK_ID_BYTES + 1];
    memcpy(id, data(0), BLK_ID_BYTES);
    id[BLK_ID_BYTES] = 0;
    bt_printf("%s: disk id \"%s\" (status %u, %u bytes)\n", me, id, st, len);
    st = request(BLK_REQ_FLUSH, 0, 0, 0, NULL);
    check(st == BLK_S_OK, "flush", st, BLK_S_OK);
}

/* ---- roles ---- */

static void role_rw(void)
{
    persistence();
    bounds();
    bad_descriptors();
    identify_and_flush();
    rate();
}

static void role_ro(void)
{
    uint32_t st;
    check((c.flags & BLK_FLAG_READ_ONLY) != 0, "the port is read-only", c.flags, 1);
    unsigned bad = pattern_io(false, "preset", 0, 0, 16, &st);
    check(bad == 0 && st == BLK_S_OK, "the test's preset data is there", bad, 0);
    pattern(data(0), me, 1, 0);
    expect_status("write to a read-only port", BLK_REQ_WRITE, 0, blk_client_data_offset(0), SECTOR,
                  BLK_S_READ_ONLY);
    bad = pattern_io(false, "preset", 0, 0, 16, &st);
    check(bad == 0 && st == BLK_S_OK, "nothing changed by the refused write", bad, 0);
    bounds();
}

static void role_evil(void)
{
    /* Keep the request queue full for a while and take no response: the
     * response queue fills, then the server holds the rest back. */
    unsigned sent = 0;
    uint64_t until = now() + bt_start->timer_frequency / 4;
    while (now() < until) {
        while (blk_client_submit(&c, sent % BLK_QUEUE_CAPACITY, BLK_REQ_READ, 0,
                                 blk_client_data_offset(0), SECTOR)) {
            sent++;
        }
        bt_signal(ring->cptr);
        bt_yield();
    }
    bt_printf("%s: %u requests sent while taking no responses\n", me, sent);
    unsigned got = 0;
    struct blk_done d;
    while (got < sent) {
        if (blk_client_take(&c, &d)) {
            got++;
        } else {
            wait_server();
        }
    }
    check(got == sent, "every flooded request answered", got, sent);
    /* Publish an impossible producer index. */
    __atomic_store_n(&c.req.sh->prod, c.req.own + 1000, __ATOMIC_RELEASE);
    bt_signal(ring->cptr);
    while (blk_load(&c.hdr->state) != BLK_STATE_BROKEN) {
        wait_server();
    }
    bt_printf("%s: the server stopped serving the broken queue (state %u)\n", me,
              blk_load(&c.hdr->state));
    connect();
    uint32_t st = request(BLK_REQ_READ, 0, blk_client_data_offset(0), SECTOR, NULL);
    check(st == BLK_S_OK && c.state == BLK_STATE_READY, "served again after a reset", st, 0);
}

static void role_crash(void)
{
    if (restarted) {
        bt_printf("%s: started again after the crash\n", me);
        connect();
        uint32_t st;
        unsigned bad = pattern_io(true, me, 1, 0, 64, &st);
        bad += pattern_io(false, me, 1, 0, 64, &st);
        check(bad == 0 && st == BLK_S_OK, "served after the restart", bad, 0);
        return;
    }
    for (uint32_t t = 0; t < 8; t++) {
        blk_client_submit(&c, t, BLK_REQ_READ, t * 8, blk_client_data_offset(t * 4096), 4096);
    }
    bt_signal(ring->cptr);
    bt_printf("%s: 8 requests sent; crashing\n", me);
    volatile uintptr_t nowhere = 8;
    *(volatile int *)nowhere = 1;
}

static void role_nodisk(void)
{
    check(c.state == BLK_STATE_NODEV && c.capacity == 0, "the port has no disk", c.state,
          BLK_STATE_NODEV);
    expect_status("read without a disk", BLK_REQ_READ, 0, blk_client_data_offset(0), SECTOR,
                  BLK_S_NODEV);
}

int main(void)
{
    me = bt_start->name;
    ring = bt_start_find("disk", BT_START_RING);
    if (ring == NULL || !blk_client_attach(&c, (void *)ring->vaddr, ring->size)) {
        bt_printf("%s: no block ring named disk\n", me);
        return 1;
    }
    const char *role = bt_start->args;
    restarted = strcmp(role, "crash") == 0 && c.hdr->reset_request != 0;
    if (!restarted) {
        connect();
        bt_printf("%s: connected: %lu sectors, %s, max transfer %u, state %u (\"%s\")\n", me,
                  c.capacity, (c.flags & BLK_FLAG_READ_ONLY) ? "read-only" : "read-write",
                  c.max_transfer, c.state, bt_start_params(ring));
    }
    if (strcmp(role, "rw") == 0) {
        role_rw();
    } else if (strcmp(role, "ro") == 0) {
        role_ro();
    } else if (strcmp(role, "evil") == 0) {
        role_evil();
    } else if (strcmp(role, "crash") == 0) {
        role_crash();
    } else if (strcmp(role, "nodisk") == 0) {
        role_nodisk();
    } else {
        bt_printf("%s: unknown role \"%s\"\n", me, role);
        failures++;
    }
    bt_printf("%s: done, %u failure%s\n", me, failures, failures == 1 ? "" : "s");
    return 0;
}
