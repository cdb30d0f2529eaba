/*
 * svc_echo: a service for the system tests. Registers its endpoint at root's
 * name server as "echo" and answers every call with MR0 + 1.
 */
#include "c/print.h"
#include "start/startinfo.h"
#include "svc/root.h"

int main(void)
{
    bt_cptr_t ep = bt_start->first_free_slot;
    bt_cptr_t reply = ep + 1;
    if (bt_root_alloc(BT_OBJ_ENDPOINT, 0, ep) != BT_OK ||
        bt_root_alloc(BT_OBJ_REPLY, 0, reply) != BT_OK) {
        bt_printf("%s: cannot get an endpoint\n", bt_start->name);
        return 1;
    }
    enum bt_status st = bt_name_register("echo", ep);
    bt_printf("%s: registered \"echo\": %s\n", bt_start->name, st == BT_OK ? "ok" : "failed");
    struct bt_msg m;
    st = bt_recv(ep, reply, &m);
    for (unsigned served = 1; st == BT_OK; served++) {
        m.mr[0] += 1;
        m.tag = BT_TAG(0, 1, 0);
        st = bt_reply_recv(ep, reply, &m);
    }
    return 0;
}
