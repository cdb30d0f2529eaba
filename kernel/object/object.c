/*
 * Object sizes, creation and deferred destruction: see object.h.
 */
#include "object/object.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/mmu.h"
#include "core/panic.h"
#include "lib/string.h"
#include "object/cnode.h"
#include "object/endpoint.h"
#include "object/irq.h"
#include "object/notification.h"
#include "object/reply.h"
#include "object/task.h"
#include "object/thread.h"
#include "object/vm.h"

static struct kobj *reap_list;

unsigned object_size_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case BT_OBJ_UNTYPED:
        return size_bits >= BT_UNTYPED_MIN_BITS && size_bits <= BT_UNTYPED_MAX_BITS ? size_bits : 0;
    case BT_OBJ_CNODE:
        return size_bits >= BT_CNODE_MIN_BITS && size_bits <= BT_CNODE_MAX_BITS
                   ? size_bits + BT_CNODE_SLOT_BITS
                   : 0;
    case BT_OBJ_FRAME:
        return size_bits == BT_FRAME_SMALL_BITS || size_bits == BT_FRAME_LARGE_BITS ? size_bits : 0;
    case BT_OBJ_TASK:
        return BT_TASK_BITS;
    case BT_OBJ_THREAD:
        return BT_THREAD_BITS;
    case BT_OBJ_ENDPOINT:
        return BT_ENDPOINT_BITS;
    case BT_OBJ_NOTIFICATION:
        return BT_NOTIFICATION_BITS;
    case BT_OBJ_REPLY:
        return BT_REPLY_BITS;
    case BT_OBJ_PAGE_TABLE:
        return BT_PAGE_TABLE_BITS;
    case BT_OBJ_VM:
        return BT_VM_BITS;
    default:
        return 0;
    }
}

void object_init(unsigned type, unsigned size_bits, uintptr_t kva, paddr_t pa, bool device,
                 struct cap *cap)
{
    memset(cap, 0, sizeof(*cap));
    cap->type = (uint8_t)type;
    cap->rights = BT_RIGHTS_ALL;
    cap->size_bits = (uint8_t)size_bits;
    cap->device = device;
    cap->obj = kva;
    if (type == BT_OBJ_FRAME || type == BT_OBJ_UNTYPED || type == BT_OBJ_PAGE_TABLE) {
        /* Headerless: the capability carries the physical address. */
        cap->obj = (uintptr_t)pa;
        return;
    }
    if (type == BT_OBJ_VM) {
        /* Its stage-2 tables come first; the capability names the struct. */
        kva += VM_TABLES_SIZE;
        cap->obj = kva;
    }
    struct kobj *o = (struct kobj *)kva;
    o->type = (uint8_t)type;
    switch (type) {
    case BT_OBJ_CNODE:
        ((struct cnode *)kva)->size_bits = size_bits;
        break;
    case BT_OBJ_THREAD:
        thread_init((struct thread *)kva);
        break;
    default:
        break;
    }
}

void object_schedule_destroy(struct kobj *o)
{
    if (o->dying) {
        return;
    }
    o->dying = 1;
    o->reap_next = reap_list;
    reap_list = o;
}

static void destroy(struct kobj *o)
{
    switch (o->type) {
    case BT_OBJ_CNODE:
        cnode_destroy((struct cnode *)o);
        break;
    case BT_OBJ_TASK:
        task_destroy((struct task *)o);
        break;
    case BT_OBJ_THREAD:
        thread_destroy((struct thread *)o);
        break;
    case BT_OBJ_ENDPOINT:
        endpoint_destroy((struct endpoint *)o);
        break;
    case BT_OBJ_NOTIFICATION:
        notification_destroy((struct notification *)o);
        break;
    case BT_OBJ_REPLY:
        reply_destroy((struct reply *)o);
        break;
    case BT_OBJ_IRQ:
        irq_destroy((struct irq_state *)o);
        break;
    case BT_OBJ_VM:
        vm_destroy((struct vm *)o);
        break;
    default:
        panic("destroying an object of type %u", o->type);
    }
}

void object_reap(void)
{
    while (reap_list != NULL) {
        struct kobj *o = reap_list;
        reap_list = o->reap_next;
        destroy(o);
        /* The memory stays with its untyped; a later retype zeroes it. An IRQ
         * state is static and can be claimed again. */
        o->dying = 0;
        o->reap_next = NULL;
    }
}

void cnode_destroy(struct cnode *cn)
{
    uint64_t n = cnode_slot_count(cn);
    for (uint64_t i = 1; i < n; i++) {
        cap_delete(&cnode_slots(cn)[i]);
    }
}
