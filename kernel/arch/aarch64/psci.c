/*
 * PSCI calls through SMC or HVC (SMC Calling Convention: function ID in w0,
 * arguments in x1-x3, result in x0). See psci.h.
 */
#include "arch/aarch64/psci.h"
#include "arch/aarch64/sysreg.h"
#include "lib/string.h"

static enum psci_conduit conduit;

bool psci_init(const struct dtb *dt)
{
    int node = dtb_find_compatible(dt, -1, "arm,psci-1.0");
    if (node < 0) {
        node = dtb_find_compatible(dt, -1, "arm,psci-0.2");
    }
    if (node < 0) {
        return false;
    }
    const char *method = dtb_prop_string(dt, node, "method");
    if (method != NULL && strcmp(method, "smc") == 0) {
        conduit = PSCI_CONDUIT_SMC;
    } else if (method != NULL && strcmp(method, "hvc") == 0) {
        conduit = PSCI_CONDUIT_HVC;
    } else {
        return false;
    }
    return true;
}

void psci_set_conduit(enum psci_conduit c)
{
    conduit = c;
}

bool psci_available(void)
{
    return conduit != PSCI_CONDUIT_NONE;
}

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    if (conduit == PSCI_CONDUIT_SMC) {
        __asm__ volatile("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    } else if (conduit == PSCI_CONDUIT_HVC) {
        __asm__ volatile("hvc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    } else {
        return -1; /* NOT_SUPPORTED */
    }
    return (int64_t)x0;
}

int64_t psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
    return psci_call(PSCI_CPU_ON, mpidr, entry, context);
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;) {
        wfi();
    }
}

void psci_system_reset(void)
{
    psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
    for (;;) {
        wfi();
    }
}
