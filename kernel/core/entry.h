/*
 * The assembly side of kernel entry and exit (arch/aarch64/entry.S).
 */
#ifndef KERNEL_CORE_ENTRY_H
#define KERNEL_CORE_ENTRY_H

#include "lib/types.h"

struct regs;

/* Restores a thread's registers and returns to it at EL0. */
NORETURN void exit_to_user(struct regs *r);
/* Switches to the given stack and runs sched_idle_loop(). */
NORETURN void idle_enter(uintptr_t stack_top);

/* Acknowledges and handles one pending interrupt (kernel lock held); false
 * if none was pending (arch/aarch64/trap.c). */
bool trap_handle_irq(void);

#endif
