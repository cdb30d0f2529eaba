/*
 * A root program that faults on purpose, for the system tests of the
 * kernel's fault reporting. Built once per FAULT_* kind (see mk/user.mk).
 */
#include "sys/sys.h"

int main(void)
{
    bt_debug_puts("fault: about to fault\n");
#if defined(FAULT_UNDEFINED)
    __asm__ volatile("udf #0x42");
#elif defined(FAULT_UNMAPPED_READ)
    (void)*(volatile int *)0x1238;
#elif defined(FAULT_UNMAPPED_WRITE)
    *(volatile int *)0x500000000000UL = 1;
#elif defined(FAULT_KERNEL_ADDRESS)
    (void)*(volatile int *)0xffffffffc0000000UL;
#else
#error "define one FAULT_* kind"
#endif
    bt_debug_puts("fault: still running after the fault (wrong)\n");
    return 0;
}
