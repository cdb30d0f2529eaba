/*
 * The kernel's three ways to stop: refusing to boot (a machine or boot
 * archive it cannot use), panicking (a broken kernel invariant), and CHECK()
 * for invariants. None of these is ever used for something a task or guest
 * can cause; those get error codes or fault reports.
 */
#ifndef KERNEL_CORE_PANIC_H
#define KERNEL_CORE_PANIC_H

#include "lib/types.h"

struct regs;

/* Prints "kernel: cannot boot: <reason>" and powers the machine off. */
NORETURN void boot_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "kernel: panic: <reason>", a backtrace, and powers off. */
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Register dump and backtrace of an exception frame, then power off. */
NORETURN void panic_regs(const struct regs *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (unlikely(!(cond))) {                                                                   \
            panic("%s:%d: check failed: %s", __FILE__, __LINE__, #cond);                           \
        }                                                                                          \
    } while (0)

#endif
