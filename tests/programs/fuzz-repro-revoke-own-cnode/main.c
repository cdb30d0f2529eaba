/*
 * Reproduction: revoking an untyped capability whose slot lies in a CNode
 * made from that same untyped. Reaping the CNode in the middle of the revoke
 * empties the slot being revoked; the walk then no longer finds its end and
 * deletes capabilities outside the subtree (here root's own untyped memory),
 * until it follows a NULL link.
 *
 * Expected: the revoke returns BT_OK (or an error) and root's untyped is
 * untouched; the program prints "repro: survived" and powers off.
 */
#include "alloc/alloc.h"
#include "c/print.h"

#define NEWER_OBJECTS 40

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    struct bt_alloc a;
    bt_alloc_init_root(&a, bi);
    bt_cptr_t ut = bt_alloc_object(&a, BT_OBJ_UNTYPED, 16);
    bt_cptr_t cn = bt_alloc_slot(&a);
    enum bt_status st = bt_untyped_retype(ut, BT_OBJ_CNODE, 2, bi->self_cnode, cn, 1);
    bt_printf("repro: untyped %lu, cnode %lu from it: %d\n", ut, cn, st);
    /* Newer children of the untyped: more than one revoke batch (32). */
    for (int i = 0; i < NEWER_OBJECTS; i++) {
        bt_cptr_t s = bt_alloc_slot(&a);
        st = bt_untyped_retype(ut, BT_OBJ_ENDPOINT, 0, bi->self_cnode, s, 1);
        if (st != BT_OK) {
            bt_printf("repro: retype %d failed: %d\n", i, st);
        }
    }
    st = bt_cap_move(cn, 1, bi->self_cnode, ut);
    bt_printf("repro: moved the untyped into the cnode: %d\n", st);
    st = bt_cap_revoke(cn, 1);
    bt_printf("repro: revoke returned %d\n", st);
    struct bt_cap_info info;
    st = bt_cap_identify(a.untyped[0].cptr, &info);
    bt_printf("repro: root's untyped %lu: status %d type %lu\n", a.untyped[0].cptr, st, info.type);
    bt_printf("repro: survived\n");
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
