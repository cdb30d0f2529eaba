/*
 * Reproduction: mapping a frame of device memory with the EXEC right. The
 * kernel makes the instruction cache coherent with the frame's contents
 * before it looks at whether the frame is device memory, through the direct
 * map, which holds only RAM: a kernel data abort.
 *
 * Expected: task_map succeeds (device mappings are never executable) or
 * fails with an error; "repro: survived" is printed and the machine powers
 * off.
 */
#include "alloc/alloc.h"
#include "c/print.h"

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    struct bt_alloc a;
    bt_alloc_init_root(&a, bi);
    const struct bt_untyped_desc *dev = NULL;
    for (uint64_t i = 0; i < bi->untyped_count && dev == NULL; i++) {
        if (bi->untyped[i].device && bi->untyped[i].size_bits >= 12) {
            dev = &bi->untyped[i];
        }
    }
    if (dev == NULL) {
        bt_printf("repro: no device untyped\n");
        bt_system_power(bi->system, BT_POWER_OFF);
    }
    bt_cptr_t frame = bt_alloc_slot(&a);
    enum bt_status st =
        bt_untyped_retype(dev->cptr, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, bi->self_cnode, frame, 1);
    bt_printf("repro: device frame at 0x%lx: %d\n", dev->paddr, st);
    st = bt_alloc_map(&a, a.task, frame, 0x600000000000ul, BT_RIGHT_READ | BT_RIGHT_EXEC,
                      BT_MAP_CACHED);
    bt_printf("repro: mapped it read+exec: %d\n", st);
    bt_printf("repro: survived\n");
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
