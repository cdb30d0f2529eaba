/*
 * The PSCI decoder: see psci.h. SMC32 functions take 32-bit arguments, so
 * their upper halves are ignored, as the calling convention says.
 */
#include <stddef.h>

#include "psci.h"

void psci_init(struct psci *p, unsigned vcpu_count, uint64_t ram_base, uint64_t ram_size)
{
    p->vcpu_count = vcpu_count > VM_MAX_VCPUS ? VM_MAX_VCPUS : vcpu_count;
    p->ram_base = ram_base;
    p->ram_size = ram_size;
    psci_reset(p);
}

void psci_reset(struct psci *p)
{
    for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
        p->power[i] = i == 0 ? PSCI_ON : PSCI_OFF;
    }
}

/* The vCPU whose MPIDR affinity is mpidr (Aff3-Aff0; other bits ignored). */
static int vcpu_of(const struct psci *p, uint64_t mpidr)
{
    mpidr &= 0xff00ffffffull;
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        if (vm_vcpu_mpidr(i) == mpidr) {
            return (int)i;
        }
    }
    return -1;
}

static struct psci_result answer(int64_t value)
{
    return (struct psci_result){.action = PSCI_ANSWER, .value = value};
}

static struct psci_result cpu_on(struct psci *p, uint64_t target, uint64_t entry, uint64_t ctx)
{
    int t = vcpu_of(p, target);
    if (t < 0) {
        return answer(PSCI_INVALID_PARAMETERS);
    }
    if (p->power[t] == PSCI_ON) {
        return answer(PSCI_ALREADY_ON);
    }
    if (entry < p->ram_base || entry - p->ram_base >= p->ram_size || (entry & 3) != 0) {
        return answer(PSCI_INVALID_ADDRESS);
    }
    p->power[t] = PSCI_ON;
    return (struct psci_result){.action = PSCI_START_CPU,
                                .value = PSCI_SUCCESS,
                                .target = (unsigned)t,
                                .entry = entry,
                                .context = ctx};
}

static struct psci_result affinity_info(const struct psci *p, uint64_t target, uint64_t level)
{
    int t = vcpu_of(p, target);
    if (t < 0 || level != 0) {
        return answer(PSCI_INVALID_PARAMETERS);
    }
    return answer(p->power[t] == PSCI_ON ? PSCI_AFF_ON : PSCI_AFF_OFF);
}

static bool implemented(uint64_t fn)
{
    switch (fn) {
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return true;
    default:
        return false;
    }
}

struct psci_result psci_call(struct psci *p, unsigned caller, const uint64_t x[4])
{
    uint64_t fn = x[0] & 0xffffffffu; /* the function ID is w0 */
    switch (fn) {
    case PSCI_VERSION:
        return answer(PSCI_VERSION_1_0);
    case PSCI_CPU_OFF:
        if (caller >= p->vcpu_count) {
            return answer(PSCI_DENIED);
        }
        p->power[caller] = PSCI_OFF;
        return (struct psci_result){.action = PSCI_STOP_CALLER, .value = PSCI_SUCCESS};
    case PSCI_CPU_ON_32:
        return cpu_on(p, x[1] & 0xffffffffu, x[2] & 0xffffffffu, x[3] & 0xffffffffu);
    case PSCI_CPU_ON_64:
        return cpu_on(p, x[1], x[2], x[3]);
    case PSCI_AFFINITY_INFO_32:
        return affinity_info(p, x[1] & 0xffffffffu, x[2] & 0xffffffffu);
    case PSCI_AFFINITY_INFO_64:
        return affinity_info(p, x[1], x[2] & 0xffffffffu);
    case PSCI_MIGRATE_INFO_TYPE:
        return answer(PSCI_TOS_NOT_PRESENT);
    case PSCI_SYSTEM_OFF:
        return (struct psci_result){.action = PSCI_POWER_OFF, .value = PSCI_SUCCESS};
    case PSCI_SYSTEM_RESET:
        return (struct psci_result){.action = PSCI_RESET, .value = PSCI_SUCCESS};
    case PSCI_FEATURES:
        return answer(implemented(x[1] & 0xffffffffu) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
    default:
        return answer(PSCI_NOT_SUPPORTED);
    }
}

void psci_start_failed(struct psci *p, unsigned target)
{
    if (target < VM_MAX_VCPUS) {
        p->power[target] = PSCI_OFF;
    }
}
