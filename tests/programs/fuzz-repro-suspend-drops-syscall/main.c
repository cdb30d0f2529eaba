/*
 * Reproduction: a thread that is suspended while its system call waits for
 * the kernel lock loses the call. The CPU it ran on lets go of it (so that
 * the suspending CPU can finish), then finds it is no longer its thread and
 * drops the exception: when the thread is resumed it continues after the
 * svc with its registers as they were, so x0, the "status", is its own
 * first argument.
 *
 * A thread on CPU 1 identifies a CNode capability over and over (the answer
 * is always BT_OK, type CNode; a lost call leaves x0 = the slot number)
 * while root on CPU 0 suspends and resumes it. Expected: every call
 * answers BT_OK, "repro: survived".
 */
#include "alloc/alloc.h"
#include "c/print.h"

#define ROUNDS 20000

static volatile uint64_t calls, wrong, last_x0;
static bt_cptr_t cnode;

static void identify_loop(uint64_t arg)
{
    (void)arg;
    for (;;) {
        struct bt_regs8 r = {.x = {cnode}};
        bt_syscall_raw(BT_SYS_CAP_IDENTIFY, &r);
        if (r.x[0] != BT_OK || r.x[1] != BT_OBJ_CNODE) {
            wrong = wrong + 1;
            last_x0 = r.x[0];
        }
        calls = calls + 1;
    }
}

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    struct bt_alloc a;
    bt_alloc_init_root(&a, bi);
    /* A copy at a slot whose number is no status code. */
    cnode = bt_alloc_slot(&a);
    bt_cap_copy(bi->self_cnode, cnode, bi->self_cnode, bi->self_cnode, BT_RIGHTS_ALL);
    bt_cptr_t t = bt_alloc_thread(&a, identify_loop, 0, 100, bi->cpu_count > 1 ? 1 : 0, 0);
    for (int i = 0; i < ROUNDS; i++) {
        bt_thread_suspend(t);
        bt_thread_resume(t);
    }
    bt_thread_suspend(t);
    bt_printf("repro: %lu calls, %lu did not answer (last x0 %lu, the slot is %lu)\n", calls, wrong,
              last_x0, cnode);
    if (wrong == 0) {
        bt_printf("repro: survived\n");
    }
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
