/*
 * svc_client: finds "echo" at root's name server and calls it; shows that a
 * name it may not use, or one nobody registered, fails at once. With args
 * "late" it first waits half a second (so it runs after others crashed).
 */
#include "c/print.h"
#include "common.h"
#include "lib/string.h"
#include "start/startinfo.h"
#include "svc/root.h"

int main(void)
{
    const char *me = bt_start->name;
    if (strcmp(bt_start->args, "late") == 0) {
        svc_delay_ms(500);
    }
    bt_cptr_t echo = bt_start->first_free_slot;
    enum bt_status st = BT_E_CAP;
    for (int tries = 0; tries < 100 && st != BT_OK; tries++) {
        st = bt_name_lookup("echo", echo);
        if (st != BT_OK) {
            bt_yield(); /* the echo server may not have registered yet */
        }
    }
    bt_printf("%s: lookup \"echo\": %s\n", me, st == BT_OK ? "found" : "missing");
    enum bt_status forbidden = bt_name_lookup("not-mine", echo + 1);
    bt_printf("%s: lookup \"not-mine\": error %d, at once\n", me, forbidden);
    if (st != BT_OK) {
        return 1;
    }
    uint64_t v = 40;
    for (int i = 0; i < 2; i++) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0), .mr = {v}};
        st = bt_call(echo, &m);
        if (st != BT_OK) {
            bt_printf("%s: call failed: %d\n", me, st);
            return 1;
        }
        v = m.mr[0];
    }
    bt_printf("%s: echo answered %lu\n", me, v);
    return 0;
}
