/*
 * Translation table management: see mmu.h. Descriptor formats from the Arm
 * ARM, "VMSAv8-64 translation table format descriptors" (D8.3): level 0-2
 * table descriptors (0b11), level 1-2 block descriptors (0b01), level 3 page
 * descriptors (0b11).
 */
#include "arch/aarch64/mmu.h"
#include "lib/string.h"

struct mmu_space mmu_kernel_space;

static uint64_t direct_map_offset; /* 0 while the MMU is off */
static paddr_t kernel_image_pa;
extern char _kernel_start[];

void *pa_to_kva(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + direct_map_offset);
}

paddr_t kva_to_pa(const void *va)
{
    uint64_t v = (uintptr_t)va;
    if (direct_map_offset == 0) {
        return v;
    }
    if (v >= KERNEL_VA_BASE) {
        return v - KERNEL_VA_BASE + kernel_image_pa;
    }
    return v - DIRECT_MAP_BASE;
}

void mmu_set_direct_map(paddr_t kernel_pa)
{
    kernel_image_pa = kernel_pa;
    direct_map_offset = DIRECT_MAP_BASE;
}

paddr_t mmu_kernel_pa(void)
{
    return kernel_image_pa;
}

static unsigned level_shift(unsigned level)
{
    return 39 - 9 * level;
}

static pte_t *table_of(paddr_t pa)
{
    return pa_to_kva(pa);
}

/* Returns the next-level table behind *entry, creating it if needed. */
static pte_t *next_table(struct mmu_space *sp, pte_t *entry)
{
    pte_t e = *entry;
    if (e & PTE_VALID) {
        if ((e & PTE_TABLE) == 0) {
            return NULL; /* a block is in the way */
        }
        return table_of(e & PTE_ADDR_MASK);
    }
    paddr_t t = sp->alloc(sp->alloc_ctx);
    if (t == 0) {
        return NULL;
    }
    dsb(ishst); /* the zeroed table is visible before it is linked */
    *entry = t | PTE_TABLE | PTE_VALID;
    return table_of(t);
}

static bool map_one(struct mmu_space *sp, uint64_t va, paddr_t pa, unsigned leaf_level,
                    uint64_t prot)
{
    pte_t *table = table_of(sp->root);
    for (unsigned level = 0; level < leaf_level; level++) {
        unsigned idx = (va >> level_shift(level)) & 511;
        table = next_table(sp, &table[idx]);
        if (table == NULL) {
            return false;
        }
    }
    unsigned idx = (va >> level_shift(leaf_level)) & 511;
    pte_t leaf = pa | prot | PTE_VALID | (leaf_level == 3 ? PTE_TABLE : 0);
    if ((table[idx] & PTE_VALID) && table[idx] != leaf) {
        return false;
    }
    table[idx] = leaf;
    return true;
}

bool mmu_map(struct mmu_space *sp, uint64_t va, paddr_t pa, uint64_t size, uint64_t prot,
             bool allow_blocks)
{
    if (!IS_ALIGNED(va | pa | size, PAGE_SIZE)) {
        return false;
    }
    while (size > 0) {
        unsigned level = 3;
        if (allow_blocks) {
            for (unsigned l = 1; l < 3; l++) {
                uint64_t bs = 1UL << level_shift(l);
                if (IS_ALIGNED(va | pa, bs) && size >= bs) {
                    level = l;
                    break;
                }
            }
        }
        if (!map_one(sp, va, pa, level, prot)) {
            return false;
        }
        uint64_t step = 1UL << level_shift(level);
        va += step;
        pa += step;
        size -= step;
    }
    dsb(ishst);
    isb();
    return true;
}

pte_t mmu_lookup(const struct mmu_space *sp, uint64_t va, paddr_t *pa)
{
    pte_t *table = table_of(sp->root);
    for (unsigned level = 0; level <= 3; level++) {
        pte_t e = table[(va >> level_shift(level)) & 511];
        if ((e & PTE_VALID) == 0) {
            return 0;
        }
        bool leaf = level == 3 || (e & PTE_TABLE) == 0;
        if (leaf) {
            uint64_t mask = (1UL << level_shift(level)) - 1;
            *pa = (e & PTE_ADDR_MASK & ~mask) | (va & mask);
            return e;
        }
        table = table_of(e & PTE_ADDR_MASK);
    }
    return 0;
}

void *mmu_map_device(paddr_t pa, uint64_t size)
{
    static uint64_t next = DEVICE_WINDOW_BASE;
    paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
    if (size == 0 || len > DEVICE_WINDOW_BASE + DEVICE_WINDOW_SIZE - next) {
        return NULL;
    }
    uint64_t va = next;
    if (!mmu_map(&mmu_kernel_space, va, base, len, PROT_DEVICE, false)) {
        return NULL;
    }
    next += len + PAGE_SIZE; /* an unmapped page between windows catches overruns */
    return (void *)(uintptr_t)(va + (pa - base));
}
