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
#include "abi/vm.h"
#include "lib/string.h"
#include "object/task.h"
#include "object/vm.h"

#define MAP_ASID_SHIFT 48
#define MAP_VA_MASK ((1UL << MAP_ASID_SHIFT) - 1)
#define MAP_STAGE2 (1UL << 63) /* in map_gen: the record is a VM's */

/* Stage-2 descriptor attributes (VMSAv8-64 stage 2 format). */
#define S2_ATTR_NORMAL (0xfUL << 2) /* Normal, inner and outer write-back */
#define S2_ATTR_NORMAL_NC (0x5UL << 2)
#define S2_ATTR_DEVICE (0x1UL << 2) /* Device-nGnRE */
#define S2_READ (1UL << 6)
#define S2_WRITE (2UL << 6)
#define S2_XN (1UL << 54)

/* A translation regime as the walks below see it: a task's (four levels
 * from level 0) or a VM's (from level 1, whose two concatenated tables give
 * the first lookup ten index bits). */
struct space {
    pte_t *root;
    unsigned first_level;
    unsigned first_bits;
    uint64_t va_end;
    uint16_t id;
    uint64_t gen; /* with MAP_STAGE2 for a VM */
    struct task *task;
    struct vm *vm;
};

static struct space space_of_task(struct task *t)
{
    return (struct space){task_root_table(t), 0, 9, BT_USER_VA_END, t->asid, t->gen, t, NULL};
}

static struct space space_of_vm(struct vm *vm)
{
    return (struct space){vm_root_tables(vm), VM_ROOT_LEVEL,        10,   1UL << BT_VM_IPA_BITS,
                          vm->vmid,           vm->gen | MAP_STAGE2, NULL, vm};
}

/* The space a mapping record names, if it still exists. */
static bool space_of_record(uint64_t map, uint64_t gen, struct space *out)
{
    uint16_t id = map >> MAP_ASID_SHIFT;
    if (gen & MAP_STAGE2) {
        struct vm *vm = vm_lookup(id, gen & ~MAP_STAGE2);
        if (vm != NULL) {
            *out = space_of_vm(vm);
        }
        return vm != NULL;
    }
    struct task *t = task_lookup(id, gen);
    if (t != NULL) {
        *out = space_of_task(t);
    }
    return t != NULL;
}

static unsigned shift_of(unsigned level)
{
    return 39 - 9 * level;
}

static unsigned index_in(const struct space *sp, uint64_t va, unsigned level)
{
    unsigned bits = level == sp->first_level ? sp->first_bits : 9;
    return (va >> shift_of(level)) & ((1u << bits) - 1);
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

/* Entry for va at level in sp's tables, or NULL if a table above is
 * missing (then *missing is the level of the missing table). */
static pte_t *walk(const struct space *sp, uint64_t va, unsigned level, unsigned *missing)
{
    pte_t *table = sp->root;
    for (unsigned l = sp->first_level; l < level; l++) {
        pte_t e = table[index_in(sp, va, l)];
        if (!is_table(e, l)) {
            *missing = l + 1;
            return NULL;
        }
        table = table_at(e);
    }
    return &table[index_in(sp, va, level)];
}

static void flush_one(const struct space *sp, uint64_t va);
static void flush_all(const struct space *sp);

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

static uint64_t frame_prot_stage2(const struct cap *frame, unsigned rights, unsigned attr)
{
    uint64_t prot = PTE_AF | S2_READ;
    if (frame->device) {
        prot |= S2_ATTR_DEVICE;
    } else {
        prot |= PTE_SH_INNER | (attr == BT_MAP_UNCACHED ? S2_ATTR_NORMAL_NC : S2_ATTR_NORMAL);
    }
    if (rights & BT_RIGHT_WRITE) {
        prot |= S2_WRITE;
    }
    if ((rights & BT_RIGHT_EXEC) == 0 || frame->device) {
        prot |= S2_XN;
    }
    return prot;
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

static enum bt_status map_frame(const struct space *sp, struct cap *frame, uint64_t vaddr,
                                unsigned rights, unsigned attr, uint64_t *missing_level)
{
    uint64_t size = 1UL << frame->size_bits;
    if (frame->map != 0) {
        return BT_E_BUSY;
    }
    if (!IS_ALIGNED(vaddr, size)) {
        return BT_E_ALIGN;
    }
    if (vaddr >= sp->va_end || size > sp->va_end - vaddr) {
        return BT_E_ADDR;
    }
    if (attr > BT_MAP_UNCACHED) {
        return BT_E_ARG;
    }
    if ((rights & BT_RIGHT_READ) == 0 || (rights & ~frame->rights & 7) != 0) {
        return BT_E_RIGHTS;
    }
    unsigned level = frame->size_bits == BT_FRAME_LARGE_BITS ? 2 : 3;
    unsigned missing = 0;
    pte_t *entry = walk(sp, vaddr, level, &missing);
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
    uint64_t prot =
        sp->vm != NULL ? frame_prot_stage2(frame, rights, attr) : frame_prot(frame, rights, attr);
    dsb(ishst);
    *entry = frame->obj | prot | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
    dsb(ishst);
    isb();
    frame->map = vaddr | (uint64_t)sp->id << MAP_ASID_SHIFT;
    frame->map_gen = sp->gen;
    return BT_OK;
}

enum bt_status vspace_map_frame(struct task *t, struct cap *frame, uint64_t vaddr, unsigned rights,
                                unsigned attr, uint64_t *missing_level)
{
    struct space sp = space_of_task(t);
    return map_frame(&sp, frame, vaddr, rights, attr, missing_level);
}

enum bt_status vspace_map_frame_vm(struct vm *vm, struct cap *frame, uint64_t ipa, unsigned rights,
                                   unsigned attr, uint64_t *missing_level)
{
    struct space sp = space_of_vm(vm);
    return map_frame(&sp, frame, ipa, rights, attr, missing_level);
}

void vspace_unmap_frame(struct cap *frame)
{
    if (frame->map == 0) {
        return;
    }
    uint64_t vaddr = frame->map & MAP_VA_MASK;
    struct space sp;
    bool live = space_of_record(frame->map, frame->map_gen, &sp);
    frame->map = 0;
    frame->map_gen = 0;
    if (!live) {
        return; /* the task or VM is gone, and its mappings with it */
    }
    unsigned level = frame->size_bits == BT_FRAME_LARGE_BITS ? 2 : 3;
    unsigned missing;
    pte_t *entry = walk(&sp, vaddr, level, &missing);
    /* The table above may have been removed meanwhile; only an entry that
     * still maps this very frame is this capability's to clear. */
    if (entry == NULL || (*entry & PTE_VALID) == 0 || (*entry & PTE_ADDR_MASK) != frame->obj) {
        return;
    }
    *entry = 0;
    flush_one(&sp, vaddr);
}

static enum bt_status map_table(const struct space *sp, struct cap *table, uint64_t vaddr,
                                uint64_t *level)
{
    if (table->map != 0) {
        return BT_E_BUSY;
    }
    if (vaddr >= sp->va_end) {
        return BT_E_ADDR;
    }
    pte_t *tbl = sp->root;
    for (unsigned l = sp->first_level; l < 3; l++) {
        pte_t *e = &tbl[index_in(sp, vaddr, l)];
        if ((*e & PTE_VALID) == 0) {
            dsb(ishst); /* the table's zeroed contents first */
            *e = table->obj | PTE_TABLE | PTE_VALID;
            dsb(ishst);
            isb();
            uint64_t base = ALIGN_DOWN(vaddr, 1UL << shift_of(l));
            table->map = base | (uint64_t)sp->id << MAP_ASID_SHIFT;
            table->map_gen = sp->gen;
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

enum bt_status vspace_map_table(struct task *t, struct cap *table, uint64_t vaddr, uint64_t *level)
{
    struct space sp = space_of_task(t);
    return map_table(&sp, table, vaddr, level);
}

enum bt_status vspace_map_table_vm(struct vm *vm, struct cap *table, uint64_t ipa, uint64_t *level)
{
    struct space sp = space_of_vm(vm);
    return map_table(&sp, table, ipa, level);
}

void vspace_unmap_table(struct cap *table)
{
    if (table->map == 0) {
        return;
    }
    uint64_t vaddr = table->map & MAP_VA_MASK;
    unsigned level = (unsigned)table->badge;
    struct space sp;
    bool live = space_of_record(table->map, table->map_gen, &sp);
    table->map = 0;
    table->map_gen = 0;
    table->badge = 0;
    if (live) {
        unsigned missing;
        pte_t *entry = walk(&sp, vaddr, level - 1, &missing);
        if (entry != NULL && (*entry & PTE_VALID) && (*entry & PTE_ADDR_MASK) == table->obj) {
            *entry = 0;
            flush_all(&sp);
        }
    }
    /* Whatever it still points to stays reachable only through capabilities
     * that record it; the table itself starts empty if mapped again. */
    memset(pa_to_kva(table->obj), 0, PAGE_SIZE);
    dsb(ishst);
}

static void flush_one(const struct space *sp, uint64_t va)
{
    if (sp->vm != NULL) {
        vm_flush_ipa(sp->vm, va);
    } else {
        tlb_flush_va(sp->id, va);
    }
}

static void flush_all(const struct space *sp)
{
    if (sp->vm != NULL) {
        vm_flush_all(sp->vm);
    } else {
        tlb_flush_asid(sp->id);
    }
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
