/*
 * System call stubs for native components (see abi/syscall.h for numbers and
 * the register convention).
 */
#ifndef LIB_SYS_SYS_H
#define LIB_SYS_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "abi/errors.h"
#include "abi/syscall.h"

enum bt_status sys_debug_write(const char *s, size_t len);
__attribute__((noreturn)) void sys_thread_exit(void);

/* Writes a NUL-terminated string to the kernel's debug console. */
void sys_debug_puts(const char *s);

#endif
