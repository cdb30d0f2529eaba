/*
 * System call stubs: load the number into x8, arguments into x0-x7, "svc #0",
 * status back in x0.
 */
#include "sys/sys.h"

static inline uint64_t syscall2(uint64_t nr, uint64_t a0, uint64_t a1)
{
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x8 __asm__("x8") = nr;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1) : "r"(x8) : "memory");
    return x0;
}

enum bt_status sys_debug_write(const char *s, size_t len)
{
    return (enum bt_status)syscall2(BT_SYS_DEBUG_WRITE, (uintptr_t)s, len);
}

void sys_thread_exit(void)
{
    syscall2(BT_SYS_THREAD_EXIT, 0, 0);
    for (;;) {
    }
}

void sys_debug_puts(const char *s)
{
    size_t n = 0;
    while (s[n] != 0) {
        n++;
    }
    sys_debug_write(s, n);
}
