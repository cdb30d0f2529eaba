/*
 * The kernel's timer: the EL2 physical timer (CNTHP_*), one per CPU, used
 * for time slices. The virtual timer is left to guests. The interrupt number
 * is the fourth entry ("hyp physical") of the DT's arm,armv8-timer node.
 */
#ifndef KERNEL_ARCH_TIMER_H
#define KERNEL_ARCH_TIMER_H

#include "lib/dtb.h"
#include "lib/types.h"

bool timer_init(const struct dtb *dt, const char **why);
void timer_init_cpu(void);
uint32_t timer_intid(void);
uint64_t timer_now(void);
uint64_t timer_frequency(void);
/* Counter ticks in us microseconds. */
uint64_t timer_ticks(uint64_t us);
/* Interrupts this CPU when the counter reaches at. */
void timer_arm_at(uint64_t at);
void timer_disarm(void);

#endif
