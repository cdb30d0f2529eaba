/*
 * Boot physical memory: see pmem.h. A short sorted array of free ranges; only
 * boot code uses it, so there is no lock.
 */
#include "core/pmem.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/mmu.h"
#include "core/printk.h"
#include "lib/string.h"

static struct pmem_range ranges[PMEM_MAX_RANGES];
static unsigned range_count;

static void insert_at(unsigned i, paddr_t start, paddr_t end)
{
    if (range_count == PMEM_MAX_RANGES) {
        printk("kernel: too many memory ranges; ignoring [0x%lx, 0x%lx)\n", start, end);
        return;
    }
    memmove(&ranges[i + 1], &ranges[i], (range_count - i) * sizeof(ranges[0]));
    ranges[i] = (struct pmem_range){start, end};
    range_count++;
}

static void remove_at(unsigned i)
{
    memmove(&ranges[i], &ranges[i + 1], (range_count - i - 1) * sizeof(ranges[0]));
    range_count--;
}

void pmem_add(paddr_t start, paddr_t end)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    if (start >= end) {
        return;
    }
    unsigned i = 0;
    while (i < range_count && ranges[i].start < start) {
        i++;
    }
    insert_at(i, start, end);
}

void pmem_reserve(paddr_t start, paddr_t end)
{
    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);
    for (unsigned i = 0; i < range_count;) {
        struct pmem_range r = ranges[i];
        if (end <= r.start || start >= r.end) {
            i++;
            continue;
        }
        remove_at(i);
        if (r.start < start) {
            insert_at(i++, r.start, start);
        }
        if (end < r.end) {
            insert_at(i++, end, r.end);
        }
    }
}

paddr_t pmem_alloc(uint64_t size, uint64_t align)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    for (unsigned i = 0; i < range_count; i++) {
        paddr_t base = ALIGN_UP(ranges[i].start, align);
        if (base >= ranges[i].end || ranges[i].end - base < size) {
            continue;
        }
        pmem_reserve(base, base + size);
        memset(pa_to_kva(base), 0, size);
        return base;
    }
    return 0;
}

void pmem_take_all(void)
{
    range_count = 0;
}

uint64_t pmem_free_bytes(void)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < range_count; i++) {
        total += ranges[i].end - ranges[i].start;
    }
    return total;
}

const struct pmem_range *pmem_ranges(unsigned *count)
{
    *count = range_count;
    return ranges;
}
