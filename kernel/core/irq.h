/*
 * Device interrupts that no kernel code handles itself. Until a driver binds
 * an interrupt to a notification, a firing one is masked and counted.
 */
#ifndef KERNEL_CORE_IRQ_H
#define KERNEL_CORE_IRQ_H

#include "lib/types.h"

void irq_deliver(uint32_t intid);

#endif
