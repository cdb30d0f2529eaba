/*
 * Null system call: getppid() in a loop, the cheapest call that still
 * enters the kernel and returns a value (lmbench's lat_syscall null uses
 * the same idea). Prints the instructions per call.
 */
#include "rt.h"

static void loop(uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        rt_syscall0(SYS_GETPPID);
    }
}

int main(int argc, char **argv)
{
    uint64_t count = rt_count_arg(argc, argv, 200000);
    loop(count / 10 + 1); /* warm up: fault in code and stack */
    rt_align();
    uint64_t start = rt_counter();
    loop(count);
    uint64_t total = rt_counter() - start;
    rt_print_u64("syscall_ops", count);
    rt_print_ratio("syscall_insns_per_op", total, count);
    return 0;
}
