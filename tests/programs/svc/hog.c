/*
 * svc_hog: asks root for more memory than its quota allows, one frame at a
 * time, until root refuses; then shows it keeps running (its memory info
 * and a call to "echo").
 */
#include "c/print.h"
#include "start/startinfo.h"
#include "svc/root.h"

int main(void)
{
    const char *me = bt_start->name;
    bt_cptr_t slot = bt_start->first_free_slot;
    bt_cptr_t end = 1UL << bt_start->cnode_size_bits;
    unsigned frames = 0;
    enum bt_status st = BT_OK;
    while (slot < end - 2) {
        st = bt_root_alloc(BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, slot);
        if (st != BT_OK) {
            break;
        }
        frames++;
        slot++;
    }
    uint64_t quota = 0, used = 0;
    bt_root_memory_info(&quota, &used);
    bt_printf("%s: root refused frame %u with error %d; quota %lu KiB, used %lu KiB\n", me,
              frames + 1, st, quota / 1024, used / 1024);
    enum bt_status again = bt_root_alloc(BT_OBJ_ENDPOINT, 0, slot);
    bt_printf("%s: still running (one more object: error %d)\n", me, again);
    return 0;
}
