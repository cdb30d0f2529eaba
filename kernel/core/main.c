/*
 * The kernel's boot sequence after the MMU is on (head.S calls kernel_main on
 * the boot CPU): memory, interrupt controller, timer, the boot archive and
 * the root task, the other CPUs, and then the scheduler.
 */
#include "arch/aarch64/boot.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/pl011.h"
#include "arch/aarch64/smp.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/klock.h"
#include "core/panic.h"
#include "core/pmem.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/boot_root.h"
#include "object/task.h"
#include "lib/cpio.h"
#include "lib/dtb.h"
#include "lib/string.h"

#define ROOT_PROGRAM_NAME "root"

extern char boot_stack_top[];

static struct dtb platform_dt;
static struct pmem_range ram_banks[PMEM_MAX_RANGES];
static unsigned ram_bank_count;

static paddr_t kernel_table_alloc(void *ctx)
{
    (void)ctx;
    return pmem_alloc(PAGE_SIZE, PAGE_SIZE);
}

/* A /chosen property that may be one or two cells. */
static bool chosen_addr(const struct dtb *dt, const char *name, uint64_t *out)
{
    int chosen = dtb_path(dt, "/chosen");
    struct dtb_prop p;
    if (chosen < 0 || !dtb_prop(dt, chosen, name, &p) || (p.len != 4 && p.len != 8)) {
        return false;
    }
    *out = dtb_cells(p.data, p.len / 4);
    return true;
}

static void memory_init(const struct dtb *dt, paddr_t *archive, uint64_t *archive_size)
{
    int depth = 0;
    for (int n = dtb_next_node(dt, -1, &depth); n >= 0; n = dtb_next_node(dt, n, &depth)) {
        const char *type = dtb_prop_string(dt, n, "device_type");
        uint64_t base, size;
        for (uint32_t i = 0;
             type != NULL && strcmp(type, "memory") == 0 && dtb_reg(dt, n, i, &base, &size); i++) {
            pmem_add(base, MIN(base + size, DIRECT_MAP_SIZE));
        }
    }
    pmem_reserve(boot_params.kernel_pa, boot_params.kernel_end_pa);
    pmem_reserve(boot_params.dtb_pa, boot_params.dtb_pa + boot_params.dtb_size);
    uint64_t base, size;
    for (uint32_t i = 0; dtb_mem_rsv(dt, i, &base, &size); i++) {
        pmem_reserve(base, base + size);
    }
    int rsv = dtb_path(dt, "/reserved-memory");
    for (int n = dtb_first_child(dt, rsv); rsv >= 0 && n >= 0; n = dtb_next_sibling(dt, n)) {
        for (uint32_t i = 0; dtb_reg(dt, n, i, &base, &size); i++) {
            pmem_reserve(base, base + size);
        }
    }
    uint64_t start, end;
    *archive = 0;
    *archive_size = 0;
    if (chosen_addr(dt, "linux,initrd-start", &start) &&
        chosen_addr(dt, "linux,initrd-end", &end) && end > start) {
        pmem_reserve(start, end);
        *archive = start;
        *archive_size = end - start;
    }
}

static unsigned add_range(struct pmem_range *out, unsigned n, unsigned max, paddr_t start,
                          paddr_t end)
{
    if (n == max || start >= end) {
        return n;
    }
    unsigned i = n;
    while (i > 0 && out[i - 1].start > start) {
        out[i] = out[i - 1];
        i--;
    }
    out[i] = (struct pmem_range){start, end};
    return n + 1;
}

unsigned boot_kernel_owned_ranges(struct pmem_range *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ram_bank_count; i++) {
        n = add_range(out, n, max, ram_banks[i].start, ram_banks[i].end);
    }
    uint64_t base, size;
    for (unsigned i = 0; gic_region(i, &base, &size); i++) {
        n = add_range(out, n, max, ALIGN_DOWN(base, PAGE_SIZE), ALIGN_UP(base + size, PAGE_SIZE));
    }
    /* Merge overlaps so the gaps between them are exactly device memory. */
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        if (m > 0 && out[i].start <= out[m - 1].end) {
            out[m - 1].end = MAX(out[m - 1].end, out[i].end);
        } else {
            out[m++] = out[i];
        }
    }
    return m;
}

/* Finds the root program in the boot archive or refuses to boot. */
static struct cpio_entry find_root_program(paddr_t archive, uint64_t size)
{
    if (archive == 0) {
        boot_refuse("no boot archive (the boot loader passed no initrd)");
    }
    struct cpio_entry e;
    switch (cpio_find(pa_to_kva(archive), size, ROOT_PROGRAM_NAME, &e)) {
    case CPIO_OK:
        return e;
    case CPIO_END:
        boot_refuse("the boot archive has no root program (no file named \"%s\")",
                    ROOT_PROGRAM_NAME);
    default:
        boot_refuse("the boot archive is not a valid cpio (newc) archive "
                    "(or it is truncated) before a root program was found");
    }
}

NORETURN void kernel_main(void)
{
    mmu_set_direct_map(boot_params.kernel_pa);
    mmu_kernel_space.alloc = kernel_table_alloc;
    pl011_set_base(boot_params.uart_va);
    printk_enable_locking();

    struct cpu *boot_cpu = &cpus[0];
    boot_cpu->kstack_top = (uintptr_t)boot_stack_top;
    sysreg_write(tpidr_el2, (uintptr_t)boot_cpu);

    const char *why = "";
    if (!dtb_init(&platform_dt, pa_to_kva(boot_params.dtb_pa), boot_params.dtb_size, &why)) {
        boot_refuse("device tree: %s", why);
    }
    const char *model = dtb_prop_string(&platform_dt, 0, "model");
    printk("kernel: Bastei starting on %s (EL2, VHE, %u-bit physical addresses)\n",
           model != NULL ? model : "an unnamed board", boot_params.pa_bits);

    paddr_t archive;
    uint64_t archive_size;
    memory_init(&platform_dt, &archive, &archive_size);
    if (!gic_init(&platform_dt, &why) || !timer_init(&platform_dt, &why)) {
        boot_refuse("%s", why);
    }
    smp_enumerate(&platform_dt);
    if (!smp_init_this_cpu(boot_cpu)) {
        boot_refuse("the boot CPU has no GIC redistributor");
    }
    boot_cpu->online = 1;
    task_asids_init(boot_params.asid_bits);
    sched_init_idle_table();
    smp_prepare_secondaries();

    struct cpio_entry root = find_root_program(archive, archive_size);
    struct boot_memory mem = {
        .archive = archive,
        .archive_size = archive_size,
        .dtb = boot_params.dtb_pa,
        .dtb_size = boot_params.dtb_size,
    };
    boot_root_start(root.data, root.size, &mem);

    unsigned online = smp_start_secondaries();
    boot_root_set_cpu_count(online);
    printk("kernel: %u CPUs online\n", online);
    sched_idle();
}
