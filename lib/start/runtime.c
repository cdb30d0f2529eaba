/*
 * The C side of program start (start.S calls bt_runtime_start): recognises a
 * component's start info, connects output to its console if it has one, runs
 * main, and ends the component (telling root) or the thread when main
 * returns. The root task, whose argument is the kernel's boot info, just
 * gets main(boot info).
 */
#include "abi/startinfo.h"
#include "c/print.h"
#include "start/startinfo.h"
#include "svc/console.h"
#include "svc/root.h"
#include "sys/sys.h"

int main(uint64_t arg);

__attribute__((noreturn)) void bt_runtime_start(uint64_t arg)
{
    const struct bt_startinfo *si = (const struct bt_startinfo *)arg;
    if (si != NULL && si->magic == BT_STARTINFO_MAGIC) {
        bt_start = si;
        bt_cptr_t console = bt_start_cap("console");
        if (console != 0) {
            bt_console_attach(console);
        }
    }
    int code = main(arg);
    if (bt_start != NULL) {
        bt_root_exit(code);
    }
    bt_thread_exit();
}
