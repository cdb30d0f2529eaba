/*
 * Capability lookup and derivation: see cspace.h.
 */
#include "object/cspace.h"
#include "object/cnode.h"
#include "object/thread.h"

enum bt_status cspace_get(struct thread *t, uint64_t cptr, unsigned type, unsigned rights,
                          struct slot **out)
{
    struct cnode *cn = thread_cspace(t);
    struct slot *s = cn != NULL ? cnode_slot(cn, cptr) : NULL;
    if (s == NULL || slot_empty(s)) {
        return BT_E_CAP;
    }
    if (type != BT_OBJ_NONE && s->cap.type != type) {
        return BT_E_TYPE;
    }
    if ((s->cap.rights & rights) != rights) {
        return BT_E_RIGHTS;
    }
    *out = s;
    return BT_OK;
}

enum bt_status cspace_slot_at(struct thread *t, uint64_t cnode, uint64_t index, bool want_empty,
                              struct slot **out)
{
    struct slot *cs;
    enum bt_status st = cspace_get(t, cnode, BT_OBJ_CNODE, BT_RIGHT_WRITE, &cs);
    if (st != BT_OK) {
        return st;
    }
    struct slot *s = cnode_slot((struct cnode *)cs->cap.obj, index);
    if (s == NULL) {
        return BT_E_ARG;
    }
    if (want_empty && !slot_empty(s)) {
        return BT_E_EXISTS;
    }
    if (!want_empty && slot_empty(s)) {
        return BT_E_CAP;
    }
    *out = s;
    return BT_OK;
}

enum bt_status cap_derive(const struct cap *src, unsigned rights, struct cap *out)
{
    if (src->type == BT_OBJ_UNTYPED || src->type == BT_OBJ_PAGE_TABLE) {
        return BT_E_TYPE;
    }
    *out = *src;
    out->rights = src->rights & rights & BT_RIGHTS_ALL;
    out->map = 0;
    out->map_gen = 0;
    return BT_OK;
}
