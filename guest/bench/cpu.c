/*
 * CPU-bound work without system calls: a linear congruential generator
 * that updates a 4 KiB table, so each step has loads, stores, arithmetic
 * and a loop branch. Its own cost is fixed (about ten instructions a
 * step); what varies between a direct boot and a VM is what interrupts
 * the loop: the timer tick and anything the hypervisor does behind it.
 */
#include "rt.h"

#define TABLE_WORDS 512

static uint64_t table[TABLE_WORDS];

static uint64_t work(uint64_t steps, uint64_t x)
{
    for (uint64_t i = 0; i < steps; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        table[(x >> 40) % TABLE_WORDS] += x;
    }
    return x;
}

int main(int argc, char **argv)
{
    uint64_t count = rt_count_arg(argc, argv, 50000000);
    uint64_t x = work(count / 10 + 1, 1);
    rt_align();
    uint64_t start = rt_counter();
    x = work(count, x);
    uint64_t total = rt_counter() - start;
    /* Using the result keeps the compiler from dropping the loop. */
    rt_print_u64("cpu_checksum", (x ^ table[x % TABLE_WORDS]) & 0xffff);
    rt_print_u64("cpu_ops", count);
    rt_print_ratio("cpu_insns_per_op", total, count);
    return 0;
}
