/*
 * SMP bring-up: see smp.h. A secondary CPU enters head.S's secondary_entry
 * with the PA of its cpu_boot_args as PSCI context, turns its MMU on with the
 * tables the boot CPU built, and continues in secondary_main() on its own
 * stack.
 */
#include "arch/aarch64/smp.h"
#include "arch/aarch64/boot.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/timer.h"
#include "arch/aarch64/vcpu_arch.h"
#include "object/vm.h"
#include "core/cpu.h"
#include "core/pmem.h"
#include "core/test_hooks.h"
#include "core/printk.h"
#include "lib/string.h"

#define BRINGUP_TIMEOUT_MS 2000

static struct cpu_boot_args boot_args[MAX_CPUS];

static bool cpu_node_usable(const struct dtb *dt, int node, uint64_t *mpidr)
{
    const char *type = dtb_prop_string(dt, node, "device_type");
    const char *status = dtb_prop_string(dt, node, "status");
    uint64_t size;
    if (type == NULL || strcmp(type, "cpu") != 0) {
        return false;
    }
    if (status != NULL && strcmp(status, "okay") != 0 && strcmp(status, "ok") != 0) {
        return false;
    }
    return dtb_reg(dt, node, 0, mpidr, &size);
}

void smp_enumerate(const struct dtb *dt)
{
    uint64_t self = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
    cpus[0].mpidr = self;
    cpus[0].index = 0;
    cpu_count = 1;
    int parent = dtb_path(dt, "/cpus");
    for (int n = dtb_first_child(dt, parent); n >= 0; n = dtb_next_sibling(dt, n)) {
        uint64_t mpidr;
        if (!cpu_node_usable(dt, n, &mpidr) || mpidr == self) {
            continue;
        }
        const char *method = dtb_prop_string(dt, n, "enable-method");
        if (method == NULL || strcmp(method, "psci") != 0) {
            printk("kernel: %s: enable-method is not psci; not starting it\n", dtb_name(dt, n));
            continue;
        }
        if (cpu_count == MAX_CPUS) {
            printk("kernel: more than %d CPUs; ignoring %s\n", MAX_CPUS, dtb_name(dt, n));
            continue;
        }
        cpus[cpu_count].mpidr = mpidr;
        cpus[cpu_count].index = cpu_count;
        cpu_count++;
    }
}

bool smp_init_this_cpu(struct cpu *c)
{
    sysreg_write(tpidr_el2, (uintptr_t)c);
    __asm__ volatile("msr pan, #1" ::: "memory");
    if (!gic_init_cpu(c->mpidr)) {
        printk("kernel: CPU %u (MPIDR 0x%lx) has no GIC redistributor\n", c->index, c->mpidr);
        return false;
    }
    timer_init_cpu();
    vm_init_cpu(boot_params.vmid_bits);
    vcpu_arch_init_cpu();
    test_hooks_init_cpu();
    return true;
}

/* Called from head.S on a freshly started CPU, MMU on, on its own stack. */
NORETURN void secondary_main(struct cpu_boot_args *args)
{
    struct cpu *c = &cpus[args->cpu_index];
    if (!smp_init_this_cpu(c)) {
        psci_call(PSCI_CPU_OFF, 0, 0, 0);
        for (;;) {
            wfi();
        }
    }
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    sched_idle();
}

void smp_prepare_secondaries(void)
{
    for (unsigned i = 1; i < cpu_count; i++) {
        paddr_t stack = pmem_alloc(KERNEL_STACK_SIZE, PAGE_SIZE);
        if (stack != 0) {
            cpus[i].kstack_top = (uintptr_t)pa_to_kva(stack) + KERNEL_STACK_SIZE;
        }
    }
}

unsigned smp_start_secondaries(void)
{
    for (unsigned i = 1; i < cpu_count; i++) {
        if (cpus[i].kstack_top == 0) {
            printk("kernel: no memory for CPU %u's stack\n", i);
            continue;
        }
        boot_args[i].stack_top = cpus[i].kstack_top;
        boot_args[i].cpu_index = i;
        int64_t err = psci_cpu_on(cpus[i].mpidr, kva_to_pa((void *)secondary_entry),
                                  kva_to_pa(&boot_args[i]));
        if (err != PSCI_SUCCESS) {
            printk("kernel: CPU %u (MPIDR 0x%lx) did not start: PSCI error %ld\n", i, cpus[i].mpidr,
                   err);
        }
    }
    uint64_t deadline = timer_now() + timer_frequency() / 1000 * BRINGUP_TIMEOUT_MS;
    unsigned online = 1;
    for (unsigned i = 1; i < cpu_count; i++) {
        while (!__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) && timer_now() < deadline) {
        }
        if (cpus[i].online) {
            online++;
        } else {
            printk("kernel: CPU %u (MPIDR 0x%lx) did not come online\n", i, cpus[i].mpidr);
        }
    }
    return online;
}
