/*
 * svc_ring_server: the server end of a "ring" channel (its name for it:
 * "client"). Requests and answers are words in the shared memory; each side
 * signals the other after writing. The first request it sees makes it crash
 * on purpose, after it marked the ring: the ring and the capability that
 * signals it survive its restart, so the restarted server finds the request
 * still waiting and answers it.
 */
#include "c/print.h"
#include "common.h"
#include "ring_protocol.h"
#include "sys/sys.h"

int main(void)
{
    const struct bt_start_entry *e = bt_start_find("client", BT_START_RING);
    if (e == NULL) {
        bt_printf("%s: no ring named client\n", bt_start->name);
        return 1;
    }
    volatile struct test_ring *r = (volatile struct test_ring *)e->vaddr;
    bt_printf("%s: ring of %lu KiB (%s); %s\n", bt_start->name, e->size / 1024,
              bt_start_params(e), r->crashed ? "restarted after the crash" : "first start");
    for (;;) {
        while (r->request_seq != r->answer_seq) {
            if (!r->crashed) {
                r->crashed = 1;
                bt_printf("%s: request %lu arrived; crashing on purpose\n", bt_start->name,
                          r->request_seq);
                return *(volatile int *)0;
            }
            r->answer = r->request * 6;
            __atomic_thread_fence(__ATOMIC_RELEASE);
            r->answer_seq = r->request_seq;
            bt_signal(e->cptr);
        }
        uint64_t bits = 0;
        bt_wait(bt_start->events, &bits);
        if ((bits & e->value) == 0) {
            bt_printf("%s: woken by bits 0x%lx, not the ring's\n", bt_start->name, bits);
        }
    }
}
