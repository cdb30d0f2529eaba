/*
 * The test kernel's hooks: see test_hooks.h. Linked only into
 * build/test-kernel.img.
 */
#include "core/test_hooks.h"
#include "abi/syscall.h"
#include "arch/aarch64/sysreg.h"

void test_hooks_init_cpu(void)
{
    /* PMUSERENR_EL0: EN, SW, CR, ER: benchmarks read INST_RETIRED at EL0. */
    sysreg_write(pmuserenr_el0, 0xf);
    isb();
}

bool test_hooks_syscall(struct thread *t, uint64_t nr, unsigned *status)
{
    (void)t;
    if (nr != BT_SYS_TEST_KERNEL_FAULT) {
        return false;
    }
    /* A kernel access to an address nothing maps. */
    *status = (unsigned)*(volatile uint64_t *)(uintptr_t)0xdead0000;
    return true;
}
