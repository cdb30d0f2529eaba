/*
 * Early boot on the first CPU, with the MMU off: find the console and the
 * firmware interface in the device tree, refuse to boot on a machine the
 * kernel cannot run on (no EL2, no VHE), and build the initial translation
 * tables: the kernel image at its link address, a direct map of all RAM, the
 * console's MMIO page, and an identity map used only while turning the MMU on.
 *
 * Everything here runs at the physical load address, so it relies on
 * PC-relative addressing only (no pointers stored in initialised data) and
 * on accesses that are valid on Device memory (no unaligned or exclusive
 * accesses: the kernel is built with -mstrict-align).
 */
#include "arch/aarch64/boot.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/pl011.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/sysreg.h"
#include "core/panic.h"
#include "lib/dtb.h"
#include "lib/string.h"

#define EARLY_TABLE_PAGES 48

extern char _kernel_start[], _text_start[], _text_end[], _rodata_start[], _rodata_end[],
    _data_start[], _kernel_end[];

struct boot_cpu_regs boot_cpu_regs;
struct boot_params boot_params;

static uint8_t early_tables[EARLY_TABLE_PAGES][PAGE_SIZE] ALIGNED(PAGE_SIZE);
static unsigned early_tables_used;

static paddr_t early_table_alloc(void *ctx)
{
    (void)ctx;
    if (early_tables_used == EARLY_TABLE_PAGES) {
        return 0;
    }
    uint8_t *page = early_tables[early_tables_used++];
    memset(page, 0, PAGE_SIZE);
    return (paddr_t)(uintptr_t)page;
}

static bool early_dt(struct dtb *dt, paddr_t dtb, const char **why)
{
    if (dtb == 0 || !IS_ALIGNED(dtb, 8)) {
        *why = "no device tree address in x0";
        return false;
    }
    const void *blob = (const void *)(uintptr_t)dtb;
    uint32_t size = dtb_header_size(blob);
    if (size == 0) {
        *why = "no device tree magic at x0";
        return false;
    }
    if (!dtb_init(dt, blob, MIN(size, DTB_MAX_SIZE), why)) {
        return false;
    }
    boot_params.dtb_pa = dtb;
    boot_params.dtb_size = size;
    return true;
}

static void check_cpu(unsigned el)
{
    if (el != 2) {
        boot_refuse("entered at EL%u, but the kernel needs EL2 (start the machine with "
                    "virtualization enabled, e.g. QEMU -M virt,virtualization=on)",
                    el);
    }
    uint64_t mmfr1 = sysreg_read(id_aa64mmfr1_el1);
    if (((mmfr1 >> 8) & 0xf) == 0) {
        boot_refuse("the CPU lacks VHE (Armv8.1 Virtualization Host Extensions, "
                    "ID_AA64MMFR1_EL1.VH = 0); use an Armv8.1 or later CPU such as cortex-a76");
    }
    uint64_t mmfr0 = sysreg_read(id_aa64mmfr0_el1);
    if (((mmfr0 >> 28) & 0xf) == 0xf) {
        boot_refuse("the CPU does not support the 4 KiB translation granule");
    }
}

static void map_or_refuse(struct mmu_space *sp, uint64_t va, paddr_t pa, uint64_t size,
                          uint64_t prot, bool blocks, const char *what)
{
    if (!mmu_map(sp, va, pa, size, prot, blocks)) {
        boot_refuse("cannot map %s: out of early translation tables", what);
    }
}

static void map_kernel_image(struct mmu_space *ksp)
{
    paddr_t base = (paddr_t)(uintptr_t)_kernel_start;
#define IMAGE_PART(start, end, prot, what)                                                         \
    map_or_refuse(ksp, KERNEL_VA_BASE + ((uintptr_t)(start)-base), (uintptr_t)(start),             \
                  (uintptr_t)(end) - (uintptr_t)(start), prot, false, what)
    IMAGE_PART(_text_start, _text_end, PROT_KERNEL_TEXT, "kernel text");
    IMAGE_PART(_rodata_start, _rodata_end, PROT_KERNEL_RO, "kernel rodata");
    IMAGE_PART(_data_start, _kernel_end, PROT_KERNEL_RW, "kernel data");
#undef IMAGE_PART
}

static void map_ram(struct mmu_space *ksp, const struct dtb *dt)
{
    int depth = 0;
    unsigned banks = 0;
    for (int n = dtb_next_node(dt, -1, &depth); n >= 0; n = dtb_next_node(dt, n, &depth)) {
        const char *type = dtb_prop_string(dt, n, "device_type");
        if (type == NULL || strcmp(type, "memory") != 0) {
            continue;
        }
        uint64_t base, size;
        for (uint32_t i = 0; dtb_reg(dt, n, i, &base, &size); i++) {
            paddr_t lo = ALIGN_UP(base, PAGE_SIZE);
            paddr_t hi = ALIGN_DOWN(base + size, PAGE_SIZE);
            if (lo >= hi || hi > DIRECT_MAP_SIZE) {
                continue;
            }
            map_or_refuse(ksp, DIRECT_MAP_BASE + lo, lo, hi - lo, PROT_KERNEL_RW, true, "RAM");
            banks++;
        }
    }
    if (banks == 0) {
        boot_refuse("the device tree describes no usable RAM (no memory node)");
    }
}

static void dcache_invalidate(uintptr_t start, uintptr_t end)
{
    uint64_t line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    for (uintptr_t a = ALIGN_DOWN(start, line); a < end; a += line) {
        __asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
    }
    dsb(sy);
}

static void set_cpu_regs(const struct mmu_space *ksp, const struct mmu_space *idmap)
{
    uint64_t mmfr0 = sysreg_read(id_aa64mmfr0_el1);
    uint64_t parange = mmfr0 & 0xf;
    static const uint8_t pa_bits[] = {32, 36, 40, 42, 44, 48, 52};
    uint64_t ips = parange > 5 ? 5 : parange; /* 48-bit tables: cap at 48-bit PA */
    bool asid16 = ((mmfr0 >> 4) & 0xf) == 2;

    boot_params.pa_bits = pa_bits[ips];
    boot_params.asid_bits = asid16 ? 16 : 8;
    boot_params.vmid_bits = ((sysreg_read(id_aa64mmfr1_el1) >> 4) & 0xf) == 2 ? 16 : 8;
    boot_cpu_regs.hcr = HCR_E2H | HCR_TGE | HCR_RW;
    boot_cpu_regs.mair = MAIR_VALUE;
    boot_cpu_regs.tcr = TCR_T0SZ(64 - VA_BITS) | TCR_T1SZ(64 - VA_BITS) | TCR_IRGN0_WBWA |
                        TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | TCR_IRGN1_WBWA |
                        TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K | ips << TCR_IPS_SHIFT |
                        (asid16 ? TCR_AS : 0);
    /* SPAN clear: PSTATE.PAN is set on every exception entry, so the kernel
     * cannot touch task memory through task addresses by accident. */
    boot_cpu_regs.sctlr = SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_SA0 | SCTLR_UCT |
                          SCTLR_DZE | SCTLR_UCI | SCTLR_NTWI | SCTLR_NTWE | SCTLR_WXN | SCTLR_RES1;
    boot_cpu_regs.ttbr0 = idmap->root;
    boot_cpu_regs.ttbr1 = ksp->root;
    boot_cpu_regs.cptr = CPTR_FPEN_EL0_TRAP; /* FP state is loaded on first use */
    /* Host tasks and guests' EL1 may read both counters; guests' physical
     * timer traps (they have the virtual one). */
    boot_cpu_regs.cnthctl = CNTHCTL_EL0VCTEN | CNTHCTL_EL0PCTEN | CNTHCTL_EL1PCTEN;
}

/*
 * Called from head.S on the boot CPU with the MMU off. Returns when the
 * tables and boot_cpu_regs are ready; never returns on a machine it refuses.
 */
void boot_early(paddr_t dtb, unsigned el)
{
    struct dtb dt;
    const char *why = "";

    boot_params.entry_el = el;
    psci_set_conduit(el == 2 ? PSCI_CONDUIT_SMC : PSCI_CONDUIT_HVC);
    bool have_dt = early_dt(&dt, dtb, &why);
    uint64_t uart_size = 0;
    paddr_t uart = 0;
    if (have_dt) {
        psci_init(&dt);
        uart = pl011_find(&dt, &uart_size);
        pl011_set_base(uart);
    }
    if (!have_dt) {
        boot_refuse("invalid device tree: %s", why);
    }
    check_cpu(el);

    struct mmu_space *ksp = &mmu_kernel_space;
    struct mmu_space idmap = {.alloc = early_table_alloc};
    ksp->alloc = early_table_alloc;
    ksp->root = early_table_alloc(NULL);
    idmap.root = early_table_alloc(NULL);

    map_kernel_image(ksp);
    map_ram(ksp, &dt);
    if (uart != 0) {
        boot_params.uart_va = (uintptr_t)mmu_map_device(uart, uart_size);
    }
    paddr_t kbase = (paddr_t)(uintptr_t)_kernel_start;
    paddr_t kend = (paddr_t)(uintptr_t)_kernel_end;
    /* Non-global (ASID 0, which no task uses): the identity map must never
     * shadow a task's mapping of the same addresses. */
    map_or_refuse(&idmap, kbase, kbase, kend - kbase, PROT_KERNEL_TEXT | PTE_NG, false,
                  "identity map");
    boot_params.kernel_pa = kbase;
    boot_params.kernel_end_pa = kend;
    set_cpu_regs(ksp, &idmap);

    /* Everything above was written with the data cache off: drop any stale
     * lines the loader may have left before caches are turned on. */
    dcache_invalidate((uintptr_t)_data_start, (uintptr_t)_kernel_end);
}
