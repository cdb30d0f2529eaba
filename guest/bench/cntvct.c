/*
 * Prints the virtual counter as "bench: NAME_cntvct=N" (NAME from argv[1],
 * default "now"). /init runs it just before the shell starts: with the
 * counter at one tick per instruction and the kernel entered with a zero
 * virtual offset (Linux at EL2 clears CNTVOFF_EL2), N is the number of
 * instructions the machine retired from reset to that point.
 */
#include "rt.h"

int main(int argc, char **argv)
{
    uint64_t now = rt_counter();
    const char *name = argc > 1 ? argv[1] : "now";
    char key[64];
    size_t n = 0;
    for (; name[n] != '\0' && n < sizeof(key) - 8; n++) {
        key[n] = name[n];
    }
    memcpy(key + n, "_cntvct", 8);
    rt_print_u64(key, now);
    return 0;
}
