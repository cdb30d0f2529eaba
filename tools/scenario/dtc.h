/*
 * Compiling a scenario source with dtc, the device tree compiler.
 */
#ifndef TOOLS_SCENARIO_DTC_H
#define TOOLS_SCENARIO_DTC_H

#include <stddef.h>

/* Runs "dtc -q -I dts -O dtb FILE" and returns the blob it wrote (malloc'd)
 * and its size. dtc's own messages (file:line.column: reason) go straight
 * to our stderr. NULL when dtc could not be run or failed. */
void *dtc_compile(const char *dts, size_t *size);

#endif
