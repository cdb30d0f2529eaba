/*
 * Root service calls: see root.h.
 */
#include "svc/root.h"
#include "lib/string.h"
#include "root/protocol.h"
#include "start/startinfo.h"

static bt_cptr_t root_cap(void)
{
    return bt_start != NULL ? bt_start->root : 0;
}

static void put_name(struct bt_msg *m, const char *name)
{
    char buf[ROOT_NAME_WORDS * 8] = {0};
    strncpy_bounded(buf, name, sizeof(buf));
    memcpy(m->mr, buf, sizeof(buf));
}

enum bt_status bt_root_alloc(unsigned type, unsigned size_bits, bt_cptr_t slot)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_ALLOC, 5, 0), .mr = {slot, 0, 0, type, size_bits}};
    enum bt_status st = bt_call(root_cap(), &m);
    return st == BT_OK ? (enum bt_status)m.mr[0] : st;
}

enum bt_status bt_name_register(const char *name, bt_cptr_t cap)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_NAME_REGISTER, 3, 1)};
    put_name(&m, name);
    bt_ipc_buffer()->send_caps[0] = cap;
    enum bt_status st = bt_call(root_cap(), &m);
    return st == BT_OK ? (enum bt_status)m.mr[0] : st;
}

enum bt_status bt_name_lookup(const char *name, bt_cptr_t dst)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_NAME_LOOKUP, 3, 0)};
    put_name(&m, name);
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    buf->recv_slots[0] = dst;
    enum bt_status st = bt_call(root_cap(), &m);
    buf->recv_slots[0] = 0;
    if (st != BT_OK) {
        return st;
    }
    if (m.mr[0] == BT_OK && BT_TAG_CAPS(m.tag) != 1) {
        return BT_E_EXISTS; /* dst was not empty */
    }
    return (enum bt_status)m.mr[0];
}

enum bt_status bt_root_memory_info(uint64_t *quota, uint64_t *used)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_MEMORY_INFO, 0, 0)};
    enum bt_status st = bt_call(root_cap(), &m);
    if (st != BT_OK) {
        return st;
    }
    *quota = m.mr[1];
    *used = m.mr[2];
    return (enum bt_status)m.mr[0];
}

enum bt_status bt_root_start(const char *name, uint64_t *quota)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_START, 3, 0)};
    put_name(&m, name);
    enum bt_status st = bt_call(root_cap(), &m);
    if (st != BT_OK) {
        return st;
    }
    if (quota != NULL) {
        *quota = m.mr[0] == BT_E_NOMEM ? m.mr[1] : 0;
    }
    return (enum bt_status)m.mr[0];
}

void bt_root_exit(int code)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_EXIT, 4, 0), .mr = {0, 0, 0, (uint64_t)code}};
    bt_call(root_cap(), &m);
    bt_thread_exit();
}
