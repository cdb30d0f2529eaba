/*
 * Device interrupt delivery: see irq.h.
 */
#include "core/irq.h"
#include "arch/aarch64/gicv3.h"
#include "core/printk.h"
#include "object/irq.h"

static uint32_t unhandled_count;

void irq_deliver(uint32_t intid)
{
    if (irq_handle(intid)) {
        return; /* stays active until its driver acknowledges it */
    }
    /* Nobody owns it: mask it at its source so it cannot storm, end it. */
    gic_disable(intid);
    gic_deactivate(intid);
    unhandled_count++;
    printk("kernel: interrupt %u has no handler; masked (%u so far)\n", intid, unhandled_count);
}
