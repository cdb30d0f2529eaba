/*
 * Hooks that exist only in the test kernel (build/test-kernel.img), which
 * the system tests and benchmarks boot: a system call that makes the kernel
 * fault (to test its panic report) and EL0 access to the performance
 * monitors (for instruction counts). The release kernel links the empty
 * versions (test_hooks_none.c), so it has neither.
 */
#ifndef KERNEL_CORE_TEST_HOOKS_H
#define KERNEL_CORE_TEST_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

/* Per-CPU set-up at boot. */
void test_hooks_init_cpu(void);

/* Handles system call nr if it is a test hook: true and *status set. */
bool test_hooks_syscall(struct thread *t, uint64_t nr, unsigned *status);

#endif
