/*
 * svc_ring_client: the client end of a "ring" channel ("server"): asks two
 * questions through the shared memory, signalling the server each time and
 * waiting for its signal back.
 */
#include "c/print.h"
#include "common.h"
#include "ring_protocol.h"
#include "sys/sys.h"

static uint64_t ask(const struct bt_start_entry *e, volatile struct test_ring *r, uint64_t q)
{
    r->request = q;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->request_seq++;
    bt_signal(e->cptr);
    while (r->answer_seq != r->request_seq) {
        uint64_t bits = 0;
        bt_wait(bt_start->events, &bits);
    }
    return r->answer;
}

int main(void)
{
    const struct bt_start_entry *e = bt_start_find("server", BT_START_RING);
    if (e == NULL) {
        bt_printf("%s: no ring named server\n", bt_start->name);
        return 1;
    }
    svc_delay_ms(20);
    volatile struct test_ring *r = (volatile struct test_ring *)e->vaddr;
    bt_printf("%s: ring answered %lu\n", bt_start->name, ask(e, r, 7));
    bt_printf("%s: ring answered %lu\n", bt_start->name, ask(e, r, 8));
    return 0;
}
