/*
 * Tasks and the root task. The kernel builds exactly one task itself: root,
 * from the ELF image in the boot archive, at boot, from boot memory. All
 * later tasks are built by user-level code through system calls.
 */
#include "abi/layout.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/mmu.h"
#include "core/panic.h"
#include "core/pmem.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/thread.h"
#include "lib/elf.h"
#include "lib/string.h"

#define ROOT_PRIORITY 255
#define ROOT_ASID 1 /* ASID 0 belongs to the kernel's identity map */

static struct task root_task;
static struct thread root_thread;
static unsigned live_threads;

static paddr_t boot_table_alloc(void *ctx)
{
    (void)ctx;
    return pmem_alloc(PAGE_SIZE, PAGE_SIZE);
}

static uint64_t user_prot(uint32_t elf_flags)
{
    uint64_t prot = PROT_USER_BASE;
    if ((elf_flags & ELF_SEG_W) == 0) {
        prot |= PTE_RO;
    }
    if ((elf_flags & ELF_SEG_X) == 0) {
        prot |= PTE_UXN;
    }
    return prot;
}

/* Makes freshly written code visible to instruction fetch (Arm ARM B2.4.4:
 * clean the data cache to the point of unification, then invalidate the
 * instruction cache). */
static void sync_icache(const void *start, size_t size)
{
    uint64_t line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    uintptr_t end = (uintptr_t)start + size;
    for (uintptr_t a = ALIGN_DOWN((uintptr_t)start, line); a < end; a += line) {
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    }
    dsb(ish);
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb(ish);
    isb();
}

static void load_segment(struct task *task, const uint8_t *elf, const struct elf_segment *s)
{
    uint64_t lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
    uint64_t hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
    paddr_t frames = pmem_alloc(hi - lo, PAGE_SIZE);
    if (frames == 0) {
        boot_refuse("root program: not enough memory for a segment of %lu KiB", (hi - lo) / 1024);
    }
    uint8_t *dst = pa_to_kva(frames);
    memcpy(dst + (s->vaddr - lo), elf + s->offset, s->filesz);
    if (s->flags & ELF_SEG_X) {
        sync_icache(dst, hi - lo);
    }
    if (!mmu_map(&task->space, lo, frames, hi - lo, user_prot(s->flags), false)) {
        boot_refuse("root program: cannot map segment at 0x%lx", s->vaddr);
    }
}

void task_start_root(const void *elf, size_t size)
{
    struct elf_image img;
    char why[160];
    if (!elf_check(elf, size, BT_USER_VA_MIN, BT_USER_IMAGE_END, &img, why, sizeof(why))) {
        boot_refuse("root program: %s", why);
    }
    struct task *task = &root_task;
    strncpy_bounded(task->name, "root", sizeof(task->name));
    task->asid = ROOT_ASID;
    task->space.alloc = boot_table_alloc;
    task->space.root = boot_table_alloc(NULL);
    if (task->space.root == 0) {
        boot_refuse("root program: out of memory for its address space");
    }
    for (uint32_t i = 0; i < img.segment_count; i++) {
        load_segment(task, elf, &img.segments[i]);
    }
    paddr_t stack = pmem_alloc(BT_ROOT_STACK_SIZE, PAGE_SIZE);
    if (stack == 0 || !mmu_map(&task->space, BT_ROOT_STACK_TOP - BT_ROOT_STACK_SIZE, stack,
                               BT_ROOT_STACK_SIZE, user_prot(ELF_SEG_R | ELF_SEG_W), false)) {
        boot_refuse("root program: out of memory for its stack");
    }

    struct thread *t = &root_thread;
    t->task = task;
    t->regs.pc = img.entry;
    t->regs.sp = BT_ROOT_STACK_TOP;
    t->regs.pstate = SPSR_MODE_EL0T;
    t->priority = ROOT_PRIORITY;
    t->cpu = 0;
    live_threads++;
    sched_wake(t);
}

void thread_stop(struct thread *t)
{
    if (t->state == THREAD_DEAD) {
        return;
    }
    sched_remove(t);
    t->state = THREAD_DEAD;
    printk("kernel: task %s stopped\n", t->task->name);
    if (--live_threads == 0) {
        printk("kernel: no threads left to run; all CPUs idle\n");
    }
}

void *task_user_ptr(struct task *task, uaddr_t uva, size_t len, bool write)
{
    if (uva >= BT_USER_VA_END || len > PAGE_SIZE - (uva & (PAGE_SIZE - 1))) {
        return NULL;
    }
    paddr_t pa;
    pte_t pte = mmu_lookup(&task->space, uva, &pa);
    if ((pte & PTE_USER) == 0 || (write && (pte & PTE_RO))) {
        return NULL;
    }
    return pa_to_kva(pa);
}
