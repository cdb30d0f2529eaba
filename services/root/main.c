/*
 * root: the first task. The kernel starts it with every initial capability;
 * it will become the memory manager and name server (see README.md). For now
 * it announces itself and ends.
 */
#include "sys/sys.h"

int main(void)
{
    bt_debug_puts("root: started\n");
    return 0;
}
