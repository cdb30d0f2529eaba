/*
 * System calls: see abi/syscall.h for the register convention.
 */
#include "core/syscall.h"
#include "abi/errors.h"
#include "abi/syscall.h"
#include "core/printk.h"
#include "core/thread.h"
#include "lib/string.h"

/* Copies the task's bytes page by page (a string may cross pages) and
 * writes them out as one piece. */
static enum bt_status sys_debug_write(struct thread *t, uaddr_t addr, uint64_t len)
{
    static char buf[BT_DEBUG_WRITE_MAX];
    if (len > BT_DEBUG_WRITE_MAX) {
        return BT_E_ARG;
    }
    uint64_t done = 0;
    while (done < len) {
        uaddr_t a = addr + done;
        uint64_t chunk = MIN(len - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
        const void *src = task_user_ptr(t->task, a, chunk, false);
        if (src == NULL) {
            return BT_E_ADDR;
        }
        memcpy(buf + done, src, chunk);
        done += chunk;
    }
    printk_write(buf, len);
    return BT_OK;
}

void syscall_dispatch(struct thread *t)
{
    uint64_t *x = t->regs.x;
    enum bt_status st;
    switch (x[8]) {
    case BT_SYS_DEBUG_WRITE:
        st = sys_debug_write(t, x[0], x[1]);
        break;
    case BT_SYS_THREAD_EXIT:
        printk("kernel: task %s: thread exited\n", t->task->name);
        thread_stop(t);
        return;
#ifdef BT_TEST_HOOKS
    case BT_SYS_TEST_KERNEL_FAULT:
        /* A kernel access to an address nothing maps. */
        st = (enum bt_status) * (volatile uint64_t *)(uintptr_t)0xdead0000;
        break;
#endif
    default:
        st = BT_E_SYSCALL;
        break;
    }
    x[0] = st;
}
