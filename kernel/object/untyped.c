/*
 * Retyping untyped memory: see untyped.h. Every check happens before the
 * first object is made, so a failed retype changes nothing.
 */
#include "object/untyped.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/sysreg.h"
#include "object/object.h"
#include "object/task.h"
#include "object/vm.h"

void untyped_zero(void *kva, uint64_t size)
{
    uint64_t dczid = sysreg_read(dczid_el0);
    uintptr_t p = (uintptr_t)kva, end = p + size;
    if ((dczid & 0x10) == 0) { /* DC ZVA permitted: zero whole blocks at once */
        uint64_t block = 4UL << (dczid & 0xf);
        for (; p < end; p += block) {
            __asm__ volatile("dc zva, %0" ::"r"(p) : "memory");
        }
        return;
    }
    for (; p < end; p += 8) {
        *(volatile uint64_t *)p = 0;
    }
}

static bool creatable(unsigned type, bool device)
{
    switch (type) {
    case BT_OBJ_FRAME:
    case BT_OBJ_UNTYPED:
        return true;
    case BT_OBJ_CNODE:
    case BT_OBJ_TASK:
    case BT_OBJ_THREAD:
    case BT_OBJ_ENDPOINT:
    case BT_OBJ_NOTIFICATION:
    case BT_OBJ_REPLY:
    case BT_OBJ_PAGE_TABLE:
    case BT_OBJ_VM:
        return !device;
    default:
        return false;
    }
}

enum bt_status untyped_retype(struct slot *ut, unsigned type, unsigned size_bits, struct cnode *dst,
                              uint64_t index, uint64_t count)
{
    bool device = ut->cap.device;
    if (type >= BT_OBJ_TYPE_COUNT || !creatable(type, device) || (type == BT_OBJ_NONE)) {
        return device && type < BT_OBJ_TYPE_COUNT ? BT_E_TYPE : BT_E_ARG;
    }
    unsigned obits = object_size_bits(type, size_bits);
    if (obits == 0 || count == 0 || count > RETYPE_MAX_COUNT) {
        return BT_E_ARG;
    }
    if (index == 0 || index >= cnode_slot_count(dst) || count > cnode_slot_count(dst) - index) {
        return BT_E_ARG;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (!slot_empty(cnode_slot(dst, index + i))) {
            return BT_E_EXISTS;
        }
    }
    uint64_t ut_size = 1UL << ut->cap.size_bits;
    uint64_t obj_size = 1UL << obits;
    uint64_t start = ALIGN_UP(ut->cap.badge, obj_size);
    if (obits > ut->cap.size_bits || start > ut_size || count > (ut_size - start) / obj_size) {
        return BT_E_NOMEM;
    }
    if ((type == BT_OBJ_TASK && !task_asids_available(count)) ||
        (type == BT_OBJ_VM && !vm_vmids_available(count))) {
        return BT_E_FULL;
    }

    for (uint64_t i = 0; i < count; i++) {
        paddr_t pa = ut->cap.obj + start + i * obj_size;
        void *kva = device ? NULL : pa_to_kva(pa);
        if (kva != NULL && type != BT_OBJ_UNTYPED) {
            untyped_zero(kva, obj_size);
        }
        struct cap cap;
        object_init(type, size_bits, (uintptr_t)kva, pa, device, &cap);
        if (type == BT_OBJ_TASK) {
            task_init((struct task *)kva);
        } else if (type == BT_OBJ_VM) {
            vm_init((pte_t *)kva);
        }
        cap_insert(cnode_slot(dst, index + i), &cap, ut);
    }
    ut->cap.badge = start + count * obj_size;
    return BT_OK;
}
