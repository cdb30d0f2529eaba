/*
 * The release kernel's empty test hooks: see test_hooks.h.
 */
#include "core/test_hooks.h"

void test_hooks_init_cpu(void)
{
}

bool test_hooks_syscall(struct thread *t, uint64_t nr, unsigned *status)
{
    (void)t;
    (void)nr;
    (void)status;
    return false;
}
