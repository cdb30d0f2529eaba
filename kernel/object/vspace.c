/*
 * Task address spaces: see vspace.h. Four levels of 4 KiB tables (48-bit
 * VA): level 0 lives in the task object, levels 1-3 are page table objects.
 * A 4 KiB frame is a level-3 page, a 2 MiB frame a level-2 block.
 *
 * Removing a mapping invalidates its TLB entries on every CPU (TLBI ...IS,
 * which with HCR_EL2.{E2H,TGE} = {1,1} applies to the EL2&0 regime).
 */
#include "object/vspace.h"
#include "abi/caps.h"
#include "abi/layout.h"
#include "abi/syscall.h"
#include "lib/string.h"
#include "object/task.h"

#define MAP_ASID_SHIFT 48
#define MAP_VA_MASK ((1UL << MAP_ASID_SHIFT) - 1)

static unsigned shift_of(unsigned level)
{
    return 39 - 9 * level;
}

static unsigned index_of(uint64_t va, unsigned level)
{
    return (va >> shift_of(level)) & 511;
}

static pte_t *table_at(pte_t entry)
{
    return pa_to_kva(entry & PTE_ADDR_MASK);
}

static bool is_table(pte_t e, unsigned level)
{
    return (e & PTE_VALID) && (e & PTE_TABLE) && level < 3;
}

/* Entry for va at level in t's tables, or NULL if a table above is missing
 * (then *missing is the level of the missing table). */
static pte_t *walk(struct task *t, uint64_t va, unsigned level, unsigned *missing)
{
    pte_t *table = task_root_table(t);
    for (unsigned l = 0; l < level; l++) {
        pte_t e = table[index_of(va, l)];
        if (!is_table(e, l)) {
            *missing = l + 1;
            return NULL;
        }
        table = table_at(e);
    }
    return &table[index_of(va, level)];
}

static void tlb_flush_va(uint16_t asid, uint64_t va)
{
    dsb(ishst);
    __asm__ volatile(
        "tlbi vae1is, %0" ::"r"(((uint64_t)asid << 48) | ((va >> 12) & 0xfffffffffffUL))
        : "memory");
    dsb(ish);
    isb();
}

static void tlb_flush_asid(uint16_t asid)
{
    dsb(ishst);
    __asm__ volatile("tlbi aside1is, %0" ::"r"((uint64_t)asid << 48) : "memory");
    dsb(ish);
    isb();
}

void vspace_sync_icache(const void *kva, size_t len)
{
    uint64_t line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    uintptr_t end = (uintptr_t)kva + len;
    for (uintptr_t a = ALIGN_DOWN((uintptr_t)kva, line); a < end; a += line) {
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    }
    dsb(ish);
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb(ish);
    isb();
}

static uint64_t frame_prot(const struct cap *frame, unsigned rights, unsigned attr)
{
    uint64_t prot = PTE_USER | PTE_NG | PTE_PXN | PTE_AF;
    if (frame->device) {
        prot |= PTE_ATTR(MAIR_IDX_DEVICE_NGNRE);
    } else {
        prot |=
            PTE_SH_INNER | PTE_ATTR(attr == BT_MAP_UNCACHED ? MAIR_IDX_NORMAL_NC : MAIR_IDX_NORMAL);
    }
    if ((rights & BT_RIGHT_WRITE) == 0) {
        prot |= PTE_RO;
    }
    if ((rights & BT_RIGHT_EXEC) == 0 || frame->device) {
        prot |= PTE_UXN;
    }
    return prot;
}

enum bt_status vspace_map_frame(struct task *t, struct cap *frame, uint64_t vaddr, unsigned rights,
                                unsigned attr, uint64_t *missing_level)
{
    uint64_t size = 1UL << frame->size_bits;
    if (frame->map != 0) {
        return BT_E_BUSY;
    }
    if (!IS_ALIGNED(vaddr, size)) {
        return BT_E_ALIGN;
    }
    if (vaddr >= BT_USER_VA_END || size > BT_USER_VA_END - vaddr) {
        return BT_E_ADDR;
    }
    if ((rights & BT_RIGHT_READ) == 0 || (rights & ~frame->rights & 7) != 0 ||
        attr > BT_MAP_UNCACHED) {
        return BT_E_RIGHTS;
    }
    unsigned level = frame->size_bits == BT_FRAME_LARGE_BITS ? 2 : 3;
    unsigned missing = 0;
    pte_t *entry = walk(t, vaddr, level, &missing);
    if (entry == NULL) {
        *missing_level = missing;
        return BT_E_NOTABLE;
    }
    if (*entry & PTE_VALID) {
        return BT_E_EXISTS;
    }
    if ((rights & BT_RIGHT_EXEC) && !frame->device) {
        /* Device memory is never executable, and not in the direct map. */
        vspace_sync_icache(pa_to_kva(frame->obj), size);
    }
    dsb(ishst);
    *entry =
        frame->obj | frame_prot(frame, rights, attr) | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
    dsb(ishst);
    isb();
    frame->map = vaddr | (uint64_t)t->asid << MAP_ASID_SHIFT;
    frame->map_gen = t->gen;
    return BT_OK;
}

void vspace_unmap_frame(struct cap *frame)
{
    if (frame->map == 0) {
        return;
    }
    uint16_t asid = frame->map >> MAP_ASID_SHIFT;
    uint64_t vaddr = frame->map & MAP_VA_MASK;
    struct task *t = task_lookup(asid, frame->map_gen);
    frame->map = 0;
    frame->map_gen = 0;
    if (t == NULL) {
        return; /* the task is gone, and its mappings with it */
    }
    unsigned level = frame->size_bits == BT_FRAME_LARGE_BITS ? 2 : 3;
    unsigned missing;
    pte_t *entry = walk(t, vaddr, level, &missing);
    /* The table above may have been removed meanwhile; only an entry that
     * still maps this very frame is this capability's to clear. */
    if (entry == NULL || (*entry & PTE_VALID) == 0 || (*entry & PTE_ADDR_MASK) != frame->obj) {
        return;
    }
    *entry = 0;
    tlb_flush_va(asid, vaddr);
}

enum bt_status vspace_map_table(struct task *t, struct cap *table, uint64_t vaddr, uint64_t *level)
{
    if (table->map != 0) {
        return BT_E_BUSY;
    }
    if (vaddr >= BT_USER_VA_END) {
        return BT_E_ADDR;
    }
    pte_t *tbl = task_root_table(t);
    for (unsigned l = 0; l < 3; l++) {
        pte_t *e = &tbl[index_of(vaddr, l)];
        if ((*e & PTE_VALID) == 0) {
            dsb(ishst); /* the table's zeroed contents first */
            *e = table->obj | PTE_TABLE | PTE_VALID;
            dsb(ishst);
            isb();
            uint64_t base = ALIGN_DOWN(vaddr, 1UL << shift_of(l));
            table->map = base | (uint64_t)t->asid << MAP_ASID_SHIFT;
            table->map_gen = t->gen;
            table->badge = l + 1; /* the level this table serves */
            *level = l + 1;
            return BT_OK;
        }
        if (!is_table(*e, l)) {
            return BT_E_EXISTS; /* a block mapping covers vaddr */
        }
        tbl = table_at(*e);
    }
    return BT_E_EXISTS;
}

void vspace_unmap_table(struct cap *table)
{
    if (table->map == 0) {
        return;
    }
    uint16_t asid = table->map >> MAP_ASID_SHIFT;
    uint64_t vaddr = table->map & MAP_VA_MASK;
    unsigned level = (unsigned)table->badge;
    struct task *t = task_lookup(asid, table->map_gen);
    table->map = 0;
    table->map_gen = 0;
    table->badge = 0;
    if (t != NULL) {
        unsigned missing;
        pte_t *entry = walk(t, vaddr, level - 1, &missing);
        if (entry != NULL && (*entry & PTE_VALID) && (*entry & PTE_ADDR_MASK) == table->obj) {
            *entry = 0;
            tlb_flush_asid(asid);
        }
    }
    /* Whatever it still points to stays reachable only through capabilities
     * that record it; the table itself starts empty if mapped again. */
    memset(pa_to_kva(table->obj), 0, PAGE_SIZE);
    dsb(ishst);
}

pte_t vspace_lookup(struct task *t, uint64_t va, paddr_t *pa)
{
    pte_t *table = task_root_table(t);
    for (unsigned l = 0; l <= 3; l++) {
        pte_t e = table[index_of(va, l)];
        if ((e & PTE_VALID) == 0) {
            return 0;
        }
        if (l == 3 || (e & PTE_TABLE) == 0) {
            uint64_t mask = (1UL << shift_of(l)) - 1;
            *pa = (e & PTE_ADDR_MASK & ~mask) | (va & mask);
            return e;
        }
        table = table_at(e);
    }
    return 0;
}
