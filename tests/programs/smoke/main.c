/*
 * Smoke test of the kernel API from a root task: objects, a second thread,
 * call/reply, notifications, a fault handled by a pager. The thorough suite
 * is ktest; this exists to see the basics work quickly.
 */
#include "alloc/alloc.h"
#include "c/print.h"

static struct bt_alloc alloc;
static bt_cptr_t ep, reply, ntfn;

static void server(uint64_t arg)
{
    (void)arg;
    struct bt_msg m = {0};
    enum bt_status st = bt_recv(ep, reply, &m);
    while (st == BT_OK) {
        m.mr[0] += 1;
        m.tag = BT_TAG(0, 1, 0);
        st = bt_reply_recv(ep, reply, &m);
    }
    bt_printf("smoke: server stopped with %d\n", st);
}

static void signaller(uint64_t arg)
{
    (void)arg;
    bt_signal(ntfn);
}

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    bt_printf("smoke: %lu CPUs, %lu untyped, first free slot %lu\n", bi->cpu_count,
              bi->untyped_count, bi->first_free_slot);
    bt_alloc_init_root(&alloc, bi);
    ep = bt_alloc_object(&alloc, BT_OBJ_ENDPOINT, 0);
    reply = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
    ntfn = bt_alloc_object(&alloc, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t srv = bt_alloc_thread(&alloc, server, 0, 200, 0, 0);
    bt_printf("smoke: ep %lu reply %lu ntfn %lu server %lu\n", ep, reply, ntfn, srv);
    uint64_t v = 0;
    for (int i = 0; i < 1000; i++) {
        struct bt_msg m = {.tag = BT_TAG(7, 1, 0), .mr = {v}};
        enum bt_status st = bt_call(ep, &m);
        if (st != BT_OK) {
            bt_printf("smoke: call failed %d\n", st);
            break;
        }
        v = m.mr[0];
    }
    bt_printf("smoke: 1000 calls -> %lu\n", v);
    bt_alloc_thread(&alloc, signaller, 0, 100, bi->cpu_count > 1 ? 1 : 0, 0);
    uint64_t bits = 0;
    bt_wait(ntfn, &bits);
    bt_printf("smoke: notification bits %lx\n", bits);
    volatile double d = 1.5;
    d = d * 3.0;
    bt_printf("smoke: fp %d\n", (int)(d * 10));
    bt_printf("smoke: done\n");
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
