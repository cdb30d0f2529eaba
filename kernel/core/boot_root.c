/*
 * Building the root task: see boot_root.h. Its objects come from boot memory
 * (pmem) and are named by capabilities in its CNode exactly like objects made
 * later from untyped memory, so root can manage them the same way. Whatever
 * memory is left afterwards becomes untyped capabilities.
 */
#include "core/boot_root.h"
#include "abi/bootinfo.h"
#include "abi/layout.h"
#include "arch/aarch64/boot.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/panic.h"
#include "core/pmem.h"
#include "core/printk.h"
#include "core/sched.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "abi/syscall.h"
#include "object/cnode.h"
#include "object/cspace.h"
#include "object/object.h"
#include "object/thread.h"
#include "object/vspace.h"

#define ROOT_PRIORITY 255
#define ROOT_SPARE_SLOTS 1024

/* Well-known slots of root's CNode (also in its boot info). */
enum {
    SLOT_CNODE = 1,
    SLOT_TASK,
    SLOT_THREAD,
    SLOT_IPC_BUFFER,
    SLOT_IRQ_CONTROL,
    SLOT_BOOTINFO,
    SLOT_SYSTEM,
    SLOT_FIRST_FREE,
};

static struct bt_bootinfo *root_info;

struct builder {
    struct cnode *cnode;
    uint64_t next_slot;
    struct task *task;
    struct bt_bootinfo *info;
};

static paddr_t boot_alloc(uint64_t size, const char *what)
{
    paddr_t pa = pmem_alloc(size, MAX(size, PAGE_SIZE));
    if (pa == 0) {
        boot_refuse("not enough memory for the root task's %s", what);
    }
    return pa;
}

static struct slot *next_slot(struct builder *b)
{
    if (b->next_slot >= cnode_slot_count(b->cnode)) {
        boot_refuse("the root task's capability space is too small");
    }
    return cnode_slot(b->cnode, b->next_slot++);
}

/* Makes an object of boot memory and puts its capability in slot. */
static struct slot *make_object(struct builder *b, struct slot *slot, unsigned type,
                                unsigned size_bits, const char *what)
{
    unsigned bits = object_size_bits(type, size_bits);
    paddr_t pa = boot_alloc(1UL << bits, what);
    struct cap cap;
    object_init(type, size_bits, (uintptr_t)pa_to_kva(pa), pa, false, &cap);
    if (slot == NULL) {
        slot = next_slot(b);
    }
    cap_insert(slot, &cap, NULL);
    return slot;
}

/* Maps the frame in slot into root at vaddr, adding page tables as needed. */
static void map_frame(struct builder *b, struct slot *frame, uint64_t vaddr, unsigned rights)
{
    for (;;) {
        uint64_t level = 0;
        enum bt_status st =
            vspace_map_frame(b->task, &frame->cap, vaddr, rights, BT_MAP_CACHED, &level);
        if (st == BT_OK) {
            return;
        }
        if (st != BT_E_NOTABLE) {
            boot_refuse("cannot map the root task's memory at 0x%lx (error %d)", vaddr, st);
        }
        struct slot *pt = make_object(b, NULL, BT_OBJ_PAGE_TABLE, 0, "page tables");
        vspace_map_table(b->task, &pt->cap, vaddr, &level);
    }
}

/* Frames for [pa, pa+size) of memory that already holds data (the archive,
 * the device tree), mapped read-only at vaddr. Returns the first slot; the
 * frames take consecutive slots (page tables made for them come after). */
static uint64_t map_existing(struct builder *b, paddr_t pa, uint64_t size, uint64_t vaddr)
{
    uint64_t first = b->next_slot;
    paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t count = (ALIGN_UP(pa + size, PAGE_SIZE) - start) / PAGE_SIZE;
    for (uint64_t i = 0; i < count; i++) {
        paddr_t p = start + i * PAGE_SIZE;
        struct cap cap;
        object_init(BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, (uintptr_t)pa_to_kva(p), p, false, &cap);
        cap.rights = BT_RIGHT_READ;
        cap_insert(next_slot(b), &cap, NULL);
    }
    for (uint64_t i = 0; i < count; i++) {
        map_frame(b, cnode_slot(b->cnode, first + i), vaddr + i * PAGE_SIZE, BT_RIGHT_READ);
    }
    return first;
}

static void load_segment(struct builder *b, const uint8_t *elf, const struct elf_segment *seg)
{
    uint64_t lo = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    uint64_t hi = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);
    unsigned rights = BT_RIGHT_READ | (seg->flags & ELF_SEG_W ? BT_RIGHT_WRITE : 0) |
                      (seg->flags & ELF_SEG_X ? BT_RIGHT_EXEC : 0);
    for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
        struct slot *f = make_object(b, NULL, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, "program");
        uint8_t *page = pa_to_kva(f->cap.obj);
        /* The part of the file that falls into this page. */
        uint64_t from = MAX(va, seg->vaddr), to = MIN(va + PAGE_SIZE, seg->vaddr + seg->filesz);
        if (from < to) {
            memcpy(page + (from - va), elf + seg->offset + (from - seg->vaddr), to - from);
        }
        map_frame(b, f, va, rights);
    }
}

static void add_untyped(struct builder *b, paddr_t base, uint64_t size, bool device)
{
    while (size >= (1UL << BT_UNTYPED_MIN_BITS)) {
        /* The largest aligned power of two that fits. */
        unsigned bits = base == 0 ? 63 : (unsigned)__builtin_ctzl(base);
        while (bits > BT_UNTYPED_MAX_BITS || (1UL << bits) > size) {
            bits--;
        }
        if (b->info->untyped_count == BT_BOOTINFO_MAX_UNTYPED) {
            printk("kernel: more untyped regions than boot info holds; dropping 0x%lx+0x%lx\n",
                   base, size);
            return;
        }
        struct cap cap;
        object_init(BT_OBJ_UNTYPED, bits, 0, base, device, &cap);
        struct slot *s = next_slot(b);
        cap_insert(s, &cap, NULL);
        struct bt_untyped_desc *d = &b->info->untyped[b->info->untyped_count++];
        d->paddr = base;
        d->cptr = (uint32_t)(s - cnode_slots(b->cnode));
        d->size_bits = (uint8_t)bits;
        d->device = device;
        base += 1UL << bits;
        size -= 1UL << bits;
    }
}

/* Device memory: the physical address space outside RAM and outside the
 * kernel's own devices, in order. */
static void add_device_untyped(struct builder *b, const struct pmem_range *exclude, unsigned count,
                               uint64_t limit)
{
    paddr_t at = 0;
    for (unsigned i = 0; i <= count; i++) {
        paddr_t next = i < count ? exclude[i].start : limit;
        if (next > at) {
            add_untyped(b, at, next - at, true);
        }
        if (i < count && exclude[i].end > at) {
            at = exclude[i].end;
        }
    }
}

static uint64_t root_cnode_bits(const struct elf_image *img, const struct boot_memory *mem)
{
    uint64_t pages = 0;
    for (uint32_t i = 0; i < img->segment_count; i++) {
        pages += (img->segments[i].memsz + 2 * PAGE_SIZE) / PAGE_SIZE;
    }
    pages += BT_ROOT_STACK_SIZE / PAGE_SIZE;
    pages += (mem->archive_size + mem->dtb_size) / PAGE_SIZE + 4;
    /* Each mapped page may need up to a level-3 table per 512 pages. */
    uint64_t need =
        SLOT_FIRST_FREE + pages + pages / 256 + 16 + 2 * BT_BOOTINFO_MAX_UNTYPED + ROOT_SPARE_SLOTS;
    unsigned bits = 12;
    while ((1UL << bits) < need) {
        bits++;
    }
    return bits;
}

void boot_root_start(const void *elf, size_t elf_size, const struct boot_memory *mem)
{
    struct elf_image img;
    char why[160];
    if (!elf_check(elf, elf_size, BT_USER_VA_MIN, BT_USER_IMAGE_END, &img, why, sizeof(why))) {
        boot_refuse("root program: %s", why);
    }
    unsigned cn_bits = (unsigned)root_cnode_bits(&img, mem);
    if (cn_bits > BT_CNODE_MAX_BITS) {
        boot_refuse("the boot archive is too large for the root task's capability space");
    }
    struct builder b = {.next_slot = SLOT_FIRST_FREE};
    /* The CNode first: everything else gets a slot in it. */
    paddr_t cn_pa = boot_alloc(1UL << (cn_bits + BT_CNODE_SLOT_BITS), "capability space");
    struct cap cn_cap;
    object_init(BT_OBJ_CNODE, cn_bits, (uintptr_t)pa_to_kva(cn_pa), cn_pa, false, &cn_cap);
    b.cnode = pa_to_kva(cn_pa);
    cap_insert(cnode_slot(b.cnode, SLOT_CNODE), &cn_cap, NULL);

    struct slot *task_slot =
        make_object(&b, cnode_slot(b.cnode, SLOT_TASK), BT_OBJ_TASK, 0, "address space");
    b.task = (struct task *)task_slot->cap.obj;
    if (!task_init(b.task)) {
        boot_refuse("no ASID for the root task");
    }
    strncpy_bounded(b.task->name, "root", sizeof(b.task->name));
    struct slot *thread_slot =
        make_object(&b, cnode_slot(b.cnode, SLOT_THREAD), BT_OBJ_THREAD, 0, "thread");
    struct slot *ipcbuf = make_object(&b, cnode_slot(b.cnode, SLOT_IPC_BUFFER), BT_OBJ_FRAME,
                                      BT_FRAME_SMALL_BITS, "IPC buffer");
    struct cap irqctl = {.type = BT_OBJ_IRQ_CONTROL, .rights = BT_RIGHTS_ALL};
    cap_insert(cnode_slot(b.cnode, SLOT_IRQ_CONTROL), &irqctl, NULL);
    struct cap system = {.type = BT_OBJ_SYSTEM, .rights = BT_RIGHTS_ALL};
    cap_insert(cnode_slot(b.cnode, SLOT_SYSTEM), &system, NULL);
    struct slot *info_slot = make_object(&b, cnode_slot(b.cnode, SLOT_BOOTINFO), BT_OBJ_FRAME,
                                         BT_FRAME_SMALL_BITS, "boot info");
    b.info = pa_to_kva(info_slot->cap.obj);

    for (uint32_t i = 0; i < img.segment_count; i++) {
        load_segment(&b, elf, &img.segments[i]);
    }
    for (uint64_t va = BT_ROOT_STACK_TOP - BT_ROOT_STACK_SIZE; va < BT_ROOT_STACK_TOP;
         va += PAGE_SIZE) {
        struct slot *f = make_object(&b, NULL, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS, "stack");
        map_frame(&b, f, va, BT_RIGHT_READ | BT_RIGHT_WRITE);
    }
    map_frame(&b, ipcbuf, BT_ROOT_IPC_BUFFER, BT_RIGHT_READ | BT_RIGHT_WRITE);
    map_frame(&b, info_slot, BT_ROOT_BOOTINFO, BT_RIGHT_READ);
    struct bt_bootinfo *info = b.info;
    info->archive_frames = map_existing(&b, mem->archive, mem->archive_size, BT_ROOT_ARCHIVE);
    info->archive_frame_count = (ALIGN_UP(mem->archive + mem->archive_size, PAGE_SIZE) -
                                 ALIGN_DOWN(mem->archive, PAGE_SIZE)) /
                                PAGE_SIZE;
    info->archive_vaddr = BT_ROOT_ARCHIVE + (mem->archive & (PAGE_SIZE - 1));
    info->archive_size = mem->archive_size;
    map_existing(&b, mem->dtb, mem->dtb_size, BT_ROOT_DTB);
    info->dtb_vaddr = BT_ROOT_DTB + (mem->dtb & (PAGE_SIZE - 1));
    info->dtb_size = mem->dtb_size;

    /* The thread, configured like thread_configure would. */
    struct thread *t = (struct thread *)thread_slot->cap.obj;
    struct cap c;
    cap_derive(&cn_cap, BT_RIGHTS_ALL, &c);
    cap_insert(&t->cspace_slot, &c, cnode_slot(b.cnode, SLOT_CNODE));
    cap_derive(&task_slot->cap, BT_RIGHTS_ALL, &c);
    cap_insert(&t->task_slot, &c, task_slot);
    cap_derive(&ipcbuf->cap, BT_RIGHTS_ALL, &c);
    cap_insert(&t->ipcbuf_slot, &c, ipcbuf);
    t->ipcbuf = (uintptr_t)pa_to_kva(ipcbuf->cap.obj);
    t->ipcbuf_vaddr = BT_ROOT_IPC_BUFFER;
    t->tpidrro_el0 = BT_ROOT_IPC_BUFFER;
    strncpy_bounded(t->name, "root", sizeof(t->name));
    t->regs.pc = img.entry;
    t->regs.sp = BT_ROOT_STACK_TOP;
    t->regs.x[0] = BT_ROOT_BOOTINFO;
    t->priority = ROOT_PRIORITY;
    t->mcp = ROOT_PRIORITY;
    t->cpu = 0;

    info->magic = BT_BOOTINFO_MAGIC;
    info->timer_frequency = timer_frequency();
    info->self_cnode = SLOT_CNODE;
    info->self_task = SLOT_TASK;
    info->self_thread = SLOT_THREAD;
    info->self_ipc_buffer = SLOT_IPC_BUFFER;
    info->irq_control = SLOT_IRQ_CONTROL;
    info->system = SLOT_SYSTEM;
    info->cnode_size_bits = cn_bits;
    info->ipc_buffer_vaddr = BT_ROOT_IPC_BUFFER;

    /* Everything the kernel has not used becomes root's. */
    unsigned n;
    const struct pmem_range *free = pmem_ranges(&n);
    for (unsigned i = 0; i < n; i++) {
        add_untyped(&b, free[i].start, free[i].end - free[i].start, false);
    }
    struct pmem_range exclude[PMEM_MAX_RANGES * 2];
    n = boot_kernel_owned_ranges(exclude, ARRAY_SIZE(exclude));
    add_device_untyped(&b, exclude, n, 1UL << boot_params.pa_bits);
    info->first_free_slot = b.next_slot;
    /* From here on the kernel allocates nothing by itself. */
    pmem_take_all();
    root_info = info;
    sched_wake(t);
}

void boot_root_set_cpu_count(unsigned count)
{
    root_info->cpu_count = count;
}
