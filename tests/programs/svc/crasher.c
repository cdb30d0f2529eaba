/*
 * svc_crasher: crashes on purpose, the way args says: "null" (reads address
 * 0), "undefined" (an undefined instruction), "stack" (recurses until the
 * stack runs into its guard page). Waits a little first, so the other
 * components of a test are up.
 */
#include "c/print.h"
#include "common.h"
#include "lib/string.h"
#include "start/startinfo.h"

/* Recursion with no end the compiler can see (it stops at an impossible
 * depth), each level holding half a KiB of stack. */
static unsigned recurse(volatile unsigned *depth)
{
    volatile char pad[512];
    pad[0] = (char)*depth;
    if (++*depth == 0) {
        return pad[0];
    }
    return recurse(depth) + pad[0];
}

int main(void)
{
    const char *how = bt_start->args;
    bt_printf("%s: started; about to crash (%s)\n", bt_start->name, how);
    svc_delay_ms(50);
    if (strcmp(how, "null") == 0) {
        return *(volatile int *)0;
    }
    if (strcmp(how, "undefined") == 0) {
        __asm__ volatile("udf #1");
    }
    if (strcmp(how, "stack") == 0) {
        volatile unsigned depth = 0;
        return (int)recurse(&depth);
    }
    bt_printf("%s: unknown way to crash \"%s\"\n", bt_start->name, how);
    return 1;
}
