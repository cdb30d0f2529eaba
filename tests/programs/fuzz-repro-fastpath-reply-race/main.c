/*
 * Reproduction: the IPC fast path reads the message words it passes on from
 * the sender's saved registers after it has released the kernel lock. When
 * a server answers with reply_recv on the fast path, it is already queued
 * as a receiver at that point; a client on another CPU that calls it in
 * that window writes its own message into the server's saved registers,
 * and the first client receives those words as its reply.
 *
 * A server and client A run on CPU 0 (their call and reply take the fast
 * path), client B calls the same endpoint from CPU 1 (the slow path). Every
 * reply must carry the caller's own words. Expected: "repro: survived".
 * The window is a few instructions, so this may need several runs (or a
 * loaded host) to fail.
 */
#include "alloc/alloc.h"
#include "c/print.h"

#define ROUNDS 1000000ul
#define CLIENT_A 0xaaaaul
#define CLIENT_B 0xbbbbul

static struct bt_alloc alloc;
static bt_cptr_t ep, reply, done;
static volatile uint64_t wrong, wrong_words, rounds_a;
static volatile bool stop;

static void server(uint64_t arg)
{
    (void)arg;
    struct bt_msg m = {.tag = 0};
    bt_recv(ep, reply, &m);
    for (;;) {
        /* The reply: the caller's words, the second one plus one. */
        m.mr[1] += 1;
        m.tag = BT_TAG(0, 2, 0);
        bt_reply_recv(ep, reply, &m);
    }
}

static void client(uint64_t id)
{
    for (uint64_t i = 0; !stop && (id == CLIENT_B || i < ROUNDS); i++) {
        struct bt_msg m = {.tag = BT_TAG(0, 2, 0), .mr = {id, i}};
        if (bt_call(ep, &m) != BT_OK) {
            continue;
        }
        if (m.mr[0] != id || m.mr[1] != i + 1) {
            wrong = wrong + 1;
            wrong_words = m.mr[0];
        }
        if (id == CLIENT_A) {
            rounds_a = i + 1;
        }
    }
    if (id == CLIENT_A) {
        stop = true;
        bt_signal(done);
    }
    bt_thread_exit();
}

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    bt_alloc_init_root(&alloc, bi);
    ep = bt_alloc_object(&alloc, BT_OBJ_ENDPOINT, 0);
    reply = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
    done = bt_alloc_object(&alloc, BT_OBJ_NOTIFICATION, 0);
    bt_alloc_thread(&alloc, server, 0, 200, 0, 0);
    bt_alloc_thread(&alloc, client, CLIENT_A, 200, 0, 0);
    if (bi->cpu_count > 1) {
        bt_alloc_thread(&alloc, client, CLIENT_B, 200, 1, 0);
    }
    uint64_t bits;
    bt_wait(done, &bits);
    bt_printf("repro: %lu calls from A on CPU 0, %lu replies with wrong words (last 0x%lx)\n",
              rounds_a, wrong, wrong_words);
    if (wrong == 0) {
        bt_printf("repro: survived\n");
    }
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
