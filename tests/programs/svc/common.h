/*
 * Helpers the service test programs share.
 */
#ifndef TESTS_PROGRAMS_SVC_COMMON_H
#define TESTS_PROGRAMS_SVC_COMMON_H

#include <stdint.h>

#include "start/startinfo.h"

/* Busy-waits for ms milliseconds of the generic counter. */
static inline void svc_delay_ms(uint64_t ms)
{
    uint64_t start, now;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(start));
    uint64_t ticks = bt_start->timer_frequency / 1000 * ms;
    do {
        __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(now));
    } while (now - start < ticks);
}

#endif
