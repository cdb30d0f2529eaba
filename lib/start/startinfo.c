/*
 * Start info look-ups: see startinfo.h.
 */
#include "start/startinfo.h"
#include "lib/string.h"

const struct bt_startinfo *bt_start;

const struct bt_start_entry *bt_start_find(const char *name, unsigned kind)
{
    if (bt_start == NULL || bt_start->magic != BT_STARTINFO_MAGIC) {
        return NULL;
    }
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if ((kind == 0 || e->kind == kind) && strncmp(e->name, name, BT_START_NAME_MAX) == 0) {
            return e;
        }
    }
    return NULL;
}

bt_cptr_t bt_start_cap(const char *name)
{
    const struct bt_start_entry *e = bt_start_find(name, BT_START_CAP);
    return e != NULL ? e->cptr : 0;
}

const char *bt_start_params(const struct bt_start_entry *e)
{
    /* The page is root's, but a server checks anyway: the string must end
     * inside the area. */
    if (e == NULL || e->params == 0 || e->params >= BT_START_STRINGS ||
        memchr(bt_start->strings + e->params, 0, BT_START_STRINGS - e->params) == NULL) {
        return "";
    }
    return bt_start->strings + e->params;
}
