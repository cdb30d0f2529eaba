/*
 * Guest RAM: frames from the VMM's quota at root, mapped into the VM at
 * VM_RAM_BASE (stage 2: read, write, execute, cached) and, through a copy
 * of each frame capability (a capability maps once), read-write into the
 * VMM at VMM_GUEST_RAM_VA, where the loader writes images and, later,
 * virtio back ends read rings. 2 MiB frames first; once the quota has no
 * aligned 2 MiB left, 4 KiB frames for the rest (two capability slots
 * each, so only a small tail should come to that).
 */
#include "c/print.h"
#include "vm.h"

#define SZ_2M (1ull << BT_FRAME_LARGE_BITS)
#define SZ_4K (1ull << BT_FRAME_SMALL_BITS)

/* Maps one frame at offset off of guest RAM, in the VM and here. */
static bool map_frame(struct vm *vm, bt_cptr_t frame, uint64_t off)
{
    struct bt_alloc *a = &vm->alloc;
    struct guest_ram *r = &vm->ram;
    enum bt_status st = bt_alloc_map(a, vm->vm, frame, r->base + off,
                                     BT_RIGHT_READ | BT_RIGHT_WRITE | BT_RIGHT_EXEC, BT_MAP_CACHED);
    if (st != BT_OK) {
        bt_printf("vmm[%s]: mapping guest RAM at 0x%lx into the VM: error %d\n", vm->name,
                  r->base + off, st);
        return false;
    }
    bt_cptr_t copy = bt_alloc_slot(a);
    if (copy == 0 ||
        bt_cap_copy(a->cnode, copy, a->cnode, frame, BT_RIGHT_READ | BT_RIGHT_WRITE) != BT_OK) {
        bt_printf("vmm[%s]: out of capability slots for guest RAM\n", vm->name);
        return false;
    }
    st = bt_alloc_map(a, a->task, copy, (uint64_t)r->va + off, BT_RIGHT_READ | BT_RIGHT_WRITE,
                      BT_MAP_CACHED);
    if (st != BT_OK) {
        bt_printf("vmm[%s]: mapping guest RAM into the VMM: error %d\n", vm->name, st);
        return false;
    }
    return true;
}

#define SZ_1G (1ull << 30)

/* The translation tables down to level 2 for [base, base + size) of space
 * (the VM, or the VMM's own task), made before any frame: a table made
 * between two 2 MiB frames would cost the alignment of the next one, and
 * one made after all of them might find the quota spent. 2 MiB frames need
 * nothing below level 2; 4 KiB frames get their level-3 tables as they are
 * mapped. */
static bool prepare_tables(struct vm *vm, bt_cptr_t space, uint64_t base, uint64_t size)
{
    for (uint64_t gib = base & ~(SZ_1G - 1); gib < base + size; gib += SZ_1G) {
        uint64_t level = 0;
        while (level < 2) {
            bt_cptr_t table = bt_alloc_object(&vm->alloc, BT_OBJ_PAGE_TABLE, BT_PAGE_TABLE_BITS);
            enum bt_status st =
                table != 0 ? bt_task_map_table(space, table, gib, &level) : BT_E_NOMEM;
            if (st != BT_OK) {
                bt_printf("vmm[%s]: translation tables for guest RAM: error %d\n", vm->name, st);
                return false;
            }
        }
    }
    return true;
}

/* Then every frame, before any other object, for the same reason. */
static bool allocate(struct vm *vm)
{
    struct guest_ram *r = &vm->ram;
    bool large = true;
    r->frame_count = 0;
    for (uint64_t off = 0; off < r->size;) {
        bool big = large && r->size - off >= SZ_2M && (off & (SZ_2M - 1)) == 0;
        bt_cptr_t f = r->frame_count < GUEST_RAM_MAX_FRAMES
                          ? bt_alloc_object(&vm->alloc, BT_OBJ_FRAME,
                                            big ? BT_FRAME_LARGE_BITS : BT_FRAME_SMALL_BITS)
                          : 0;
        if (f == 0 && big) {
            large = false; /* no aligned 2 MiB left: 4 KiB frames from here on */
            continue;
        }
        if (f == 0) {
            bt_printf("vmm[%s]: out of memory or capability slots for guest RAM after %lu KiB "
                      "of %lu KiB (the quota is vmm-memory + memory)\n",
                      vm->name, off / 1024, r->size / 1024);
            return false;
        }
        r->frames[r->frame_count++] = f;
        if (big) {
            r->large_frames++;
        } else {
            r->small_frames++;
        }
        off += big ? SZ_2M : SZ_4K;
    }
    return true;
}

bool guest_ram_create(struct vm *vm)
{
    struct guest_ram *r = &vm->ram;
    r->base = VM_RAM_BASE;
    r->size = vm->cfg.memory;
    r->va = (uint8_t *)VMM_GUEST_RAM_VA;
    if (!prepare_tables(vm, vm->vm, r->base, r->size) ||
        !prepare_tables(vm, vm->alloc.task, (uint64_t)r->va, r->size) || !allocate(vm)) {
        return false;
    }
    uint64_t off = 0;
    for (unsigned i = 0; i < r->frame_count; i++) {
        if (!map_frame(vm, r->frames[i], off)) {
            return false;
        }
        off += i < r->large_frames ? SZ_2M : SZ_4K;
    }
    return true;
}

void *guest_ram_ptr(const struct guest_ram *r, uint64_t ipa, uint64_t len)
{
    if (ipa < r->base || ipa - r->base > r->size || len > r->size - (ipa - r->base)) {
        return NULL;
    }
    return r->va + (ipa - r->base);
}

void guest_ram_clean(const struct guest_ram *r, uint64_t ipa, uint64_t len)
{
    uint8_t *p = guest_ram_ptr(r, ipa, len);
    uint64_t ctr;
    if (p == NULL || len == 0) {
        return;
    }
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uint64_t line = 4ull << ((ctr >> 16) & 0xf); /* DminLine: log2 of words */
    for (uint64_t a = (uint64_t)p & ~(line - 1); a < (uint64_t)p + len; a += line) {
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
}
