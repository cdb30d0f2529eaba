/*
 * The name server: components register service capabilities under names
 * (only names in their scenario "provides") and look them up (only names in
 * their "uses"). A missing name is an error at once, never a wait. Root keeps
 * a copy of each registered capability; it is derived from the provider's,
 * so when the provider ends, the copy and every copy handed out go with it.
 */
#include "c/print.h"
#include "lib/string.h"
#include "root.h"

#define MAX_NAMES 64

static struct {
    char name[NAME_MAX];
    bt_cptr_t cap; /* root's copy; 0: free entry */
    int owner;
} names[MAX_NAMES];

static bool listed(char list[][NAME_MAX], unsigned count, const char *name)
{
    for (unsigned i = 0; i < count; i++) {
        if (strncmp(list[i], name, NAME_MAX) == 0) {
            return true;
        }
    }
    return false;
}

/* Is the registered capability still there (its provider still alive)? */
static bool alive(bt_cptr_t cap)
{
    struct bt_cap_info info;
    return cap != 0 && bt_cap_identify(cap, &info) == BT_OK;
}

static int find(const char *name)
{
    for (int i = 0; i < MAX_NAMES; i++) {
        if (names[i].cap != 0 && strncmp(names[i].name, name, NAME_MAX) == 0) {
            return i;
        }
    }
    return -1;
}

static void drop(int i)
{
    bt_cap_delete(root_alloc.cnode, names[i].cap);
    bt_alloc_free_slot(&root_alloc, names[i].cap);
    names[i].cap = 0;
}

enum bt_status names_register(struct component *c, const char *name, bt_cptr_t cap)
{
    if (!listed(c->provides, c->provides_count, name)) {
        return BT_E_RIGHTS;
    }
    int i = find(name);
    if (i >= 0 && alive(names[i].cap)) {
        return BT_E_EXISTS;
    }
    if (i >= 0) {
        drop(i); /* left behind by a provider that ended */
    }
    for (i = 0; i < MAX_NAMES && names[i].cap != 0; i++) {
    }
    if (i == MAX_NAMES) {
        return BT_E_FULL;
    }
    strncpy_bounded(names[i].name, name, NAME_MAX);
    names[i].cap = cap;
    names[i].owner = c->id;
    bt_printf("root: %s registered \"%s\"\n", c->name, name);
    return BT_OK;
}

enum bt_status names_lookup(struct component *c, const char *name, bt_cptr_t *cap)
{
    if (!listed(c->uses, c->uses_count, name)) {
        return BT_E_RIGHTS;
    }
    int i = find(name);
    if (i < 0 || !alive(names[i].cap)) {
        return BT_E_CAP;
    }
    *cap = names[i].cap;
    return BT_OK;
}

void names_forget(struct component *c)
{
    for (int i = 0; i < MAX_NAMES; i++) {
        if (names[i].cap != 0 && names[i].owner == c->id) {
            drop(i);
        }
    }
}
