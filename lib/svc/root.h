/*
 * Calls to root's services (services/root/protocol.h) for components:
 * memory under quota, the name server, ending.
 */
#ifndef LIB_SVC_ROOT_H
#define LIB_SVC_ROOT_H

#include "sys/sys.h"

/* A new object from the quota, in slot (of the own CNode, empty). */
enum bt_status bt_root_alloc(unsigned type, unsigned size_bits, bt_cptr_t slot);

enum bt_status bt_name_register(const char *name, bt_cptr_t cap);
/* The capability registered under name, put into the own CNode's slot
 * dst (which must be empty). */
enum bt_status bt_name_lookup(const char *name, bt_cptr_t dst);

enum bt_status bt_root_memory_info(uint64_t *quota, uint64_t *used);

/* Starts the component or VM name (ROOT_START: it must be in the caller's
 * "starts"). On BT_E_NOMEM, *quota is the memory it needs. */
enum bt_status bt_root_start(const char *name, uint64_t *quota);

__attribute__((noreturn)) void bt_root_exit(int code);

#endif
