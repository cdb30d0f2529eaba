/*
 * Kernel console output. Each printk call is written as a whole under a
 * lock, so lines from different CPUs never interleave. Messages the kernel
 * prints for users start with "kernel: ".
 */
#ifndef KERNEL_CORE_PRINTK_H
#define KERNEL_CORE_PRINTK_H

#include <stddef.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Raw bytes (a task's debug output), written atomically. */
void printk_write(const char *s, size_t len);
/* Called once the MMU is on and locks work. */
void printk_enable_locking(void);

#endif
