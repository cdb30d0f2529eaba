/*
 * IRQ objects: see irq.h. The state of every SPI lives in a static table;
 * the first IRQ capability for an interrupt claims it, the last one's
 * deletion masks it again.
 */
#include "object/irq.h"
#include "arch/aarch64/gicv3.h"
#include "core/cpu.h"
#include "core/printk.h"
#include "object/notification.h"
#include "object/object.h"

static struct irq_state irqs[GIC_MAX_INTID + 1];

struct irq_state *irq_state_of(uint32_t intid)
{
    if (intid < GIC_FIRST_SPI || intid >= GIC_FIRST_SPI + gic_spi_count()) {
        return NULL;
    }
    struct irq_state *irq = &irqs[intid];
    irq->obj.type = BT_OBJ_IRQ;
    irq->intid = intid;
    irq->ntfn_slot.pad = SLOT_IRQ_NOTIFICATION;
    return irq;
}

void irq_claim(struct irq_state *irq, bool edge, uint16_t cpu)
{
    irq->edge = edge;
    irq->cpu = cpu;
    irq->pending_ack = false;
    irq->delivered = 0;
    gic_enable_spi(irq->intid, cpus[cpu].mpidr, edge);
}

bool irq_handle(uint32_t intid)
{
    if (intid > GIC_MAX_INTID) {
        return false;
    }
    struct irq_state *irq = &irqs[intid];
    if (irq->obj.refs == 0) {
        return false;
    }
    irq->delivered++;
    irq->pending_ack = true;
    if (!slot_empty(&irq->ntfn_slot)) {
        notification_signal((struct notification *)irq->ntfn_slot.cap.obj,
                            irq->ntfn_slot.cap.badge);
    }
    return true;
}

void irq_ack(struct irq_state *irq)
{
    if (irq->pending_ack) {
        irq->pending_ack = false;
        gic_clear_active(irq->intid);
    }
}

void irq_destroy(struct irq_state *irq)
{
    gic_disable(irq->intid);
    if (irq->pending_ack) {
        irq->pending_ack = false;
        gic_clear_active(irq->intid);
    }
    cap_delete(&irq->ntfn_slot);
}
