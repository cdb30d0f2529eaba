/*
 * Device interrupts as objects. IRQ control (held by root) makes an IRQ
 * capability for one interrupt id; the IRQ capability binds a notification
 * and acknowledges. A delivered interrupt stays active in the GIC until the
 * driver acknowledges it, so it cannot fire again meanwhile.
 */
#ifndef KERNEL_OBJECT_IRQ_H
#define KERNEL_OBJECT_IRQ_H

#include "object/cap.h"

struct irq_state {
    struct kobj obj;
    uint32_t intid;
    bool edge;
    bool pending_ack; /* delivered, not yet acknowledged */
    uint16_t cpu;
    uint64_t delivered;
    struct slot ntfn_slot;
};

/* The state for intid if it may be given to a task (an SPI), else NULL. */
struct irq_state *irq_state_of(uint32_t intid);
/* Enables the interrupt for its new owner. */
void irq_claim(struct irq_state *irq, bool edge, uint16_t cpu);
/* An interrupt arrived; false if it has no owner. */
bool irq_handle(uint32_t intid);
void irq_ack(struct irq_state *irq);
void irq_destroy(struct irq_state *irq);

#endif
