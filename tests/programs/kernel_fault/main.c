/*
 * A root program for the test kernel: asks it to take an unexpected
 * exception, so the system tests can check the kernel's panic report.
 */
#include "sys/sys.h"

int main(void)
{
    bt_debug_puts("kernel_fault: asking the kernel to fault\n");
    register uint64_t x8 __asm__("x8") = BT_SYS_TEST_KERNEL_FAULT;
    register uint64_t x0 __asm__("x0") = 0;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
    bt_debug_puts("kernel_fault: the kernel returned (wrong)\n");
    return 0;
}
