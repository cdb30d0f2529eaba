/*
 * A component's start-up information (abi/startinfo.h): what the scenario
 * granted it, found by name.
 */
#ifndef LIB_START_STARTINFO_H
#define LIB_START_STARTINFO_H

#include "abi/startinfo.h"

/* The start info of this component (set by the runtime before main). */
extern const struct bt_startinfo *bt_start;

/* The entry named name of the given kind (0: any), or NULL. */
const struct bt_start_entry *bt_start_find(const char *name, unsigned kind);

/* The capability slot of entry name (kind BT_START_CAP), or 0. */
bt_cptr_t bt_start_cap(const char *name);

/* The parameters of entry e (abi/startinfo.h): a string, "" if none. */
const char *bt_start_params(const struct bt_start_entry *e);

#endif
