/*
 * Stage-1 translation tables for the EL2&0 regime (VHE): the kernel half
 * through TTBR1_EL2, a task's address space through TTBR0_EL2. Four levels
 * of 4 KiB tables cover a 48-bit VA. The same code builds tables before the
 * MMU is on (tables accessed by physical address) and after (through the
 * direct map), so mmu_set_direct_map() must be called once the switch is made.
 */
#ifndef KERNEL_ARCH_MMU_H
#define KERNEL_ARCH_MMU_H

#include "arch/aarch64/layout.h"
#include "arch/aarch64/sysreg.h"
#include "lib/types.h"

typedef uint64_t pte_t;

#define PTE_VALID BIT(0)
#define PTE_TABLE BIT(1) /* level 0-2: next-level table; level 3: page */
#define PTE_ATTR(i) ((uint64_t)(i) << 2)
#define PTE_USER BIT(6) /* AP[1]: EL0 access */
#define PTE_RO BIT(7)   /* AP[2]: read-only */
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF BIT(10)
#define PTE_NG BIT(11)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL

#define PROT_NORMAL (PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF)
#define PROT_KERNEL_TEXT (PROT_NORMAL | PTE_RO | PTE_UXN)
#define PROT_KERNEL_RO (PROT_NORMAL | PTE_RO | PTE_UXN | PTE_PXN)
#define PROT_KERNEL_RW (PROT_NORMAL | PTE_UXN | PTE_PXN)
#define PROT_DEVICE (PTE_ATTR(MAIR_IDX_DEVICE_NGNRE) | PTE_AF | PTE_UXN | PTE_PXN)
#define PROT_USER_BASE (PROT_NORMAL | PTE_USER | PTE_NG | PTE_PXN)

/* Returns a zeroed page for a translation table, or 0 when out of memory. */
typedef paddr_t (*mmu_table_alloc_fn)(void *ctx);

struct mmu_space {
    paddr_t root; /* level-0 table */
    mmu_table_alloc_fn alloc;
    void *alloc_ctx;
};

/* Kernel VA of a physical address through the direct map (identity while
 * the MMU is off). */
void *pa_to_kva(paddr_t pa);
/* Physical address of a direct-map or kernel-image virtual address. */
paddr_t kva_to_pa(const void *va);

/* Switches pa_to_kva to the direct map; kernel_pa is where the image sits. */
void mmu_set_direct_map(paddr_t kernel_pa);
paddr_t mmu_kernel_pa(void);

/*
 * Maps [va, va+size) to [pa, pa+size) with attributes prot. Uses 2 MiB and
 * 1 GiB blocks where alignment allows and allow_blocks is set. Returns false
 * when a table cannot be allocated or a different mapping is in the way
 * (mapping the same thing twice is allowed).
 */
bool mmu_map(struct mmu_space *sp, uint64_t va, paddr_t pa, uint64_t size, uint64_t prot,
             bool allow_blocks);

/* Looks up va: returns the leaf entry (with its output address for va in
 * *pa) or 0 if unmapped. */
pte_t mmu_lookup(const struct mmu_space *sp, uint64_t va, paddr_t *pa);

/* Maps an MMIO range into the kernel's device window; returns its VA, or
 * NULL when it cannot be mapped. */
void *mmu_map_device(paddr_t pa, uint64_t size);

/* The kernel's own TTBR1 space, set up by early boot. */
extern struct mmu_space mmu_kernel_space;

#endif
