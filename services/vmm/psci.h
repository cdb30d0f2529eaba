/*
 * PSCI 1.0 (Arm DEN 0022) as the guest's firmware, reached through HVC (or
 * SMC): the decoder that turns a call (x0 = function, x1-x3 = arguments)
 * into an answer for the guest and, where the call changes the machine, an
 * action for the VMM to carry out (start a vCPU, stop the caller, power the
 * VM off, reset it). It keeps each vCPU's power state. Functions it does
 * not know, PSCI or other SMCCC calls, are answered NOT_SUPPORTED (-1), as
 * SMCCC requires. Every argument is checked; none can make it index
 * outside its arrays.
 *
 * Pure code (no system calls): the host tests drive it directly.
 */
#ifndef VMM_PSCI_H
#define VMM_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/layout.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND_32 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_32 0x84000003u
#define PSCI_AFFINITY_INFO_32 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO_64 0xc4000004u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_INVALID_ADDRESS (-9)

/* PSCI 1.0 in the form PSCI_VERSION returns (major << 16 | minor). */
#define PSCI_VERSION_1_0 0x10000

/* MIGRATE_INFO_TYPE: no trusted OS, nothing to migrate. */
#define PSCI_TOS_NOT_PRESENT 2

/* AFFINITY_INFO answers. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

enum psci_action {
    PSCI_ANSWER,      /* resume the caller with x0 = value */
    PSCI_START_CPU,   /* start vCPU target at entry with x0 = context, then answer */
    PSCI_STOP_CALLER, /* stop the calling vCPU; no answer (CPU_OFF) */
    PSCI_POWER_OFF,   /* the VM powers off */
    PSCI_RESET,       /* the VM restarts from its images */
};

struct psci_result {
    enum psci_action action;
    int64_t value; /* x0 for the caller */
    unsigned target;
    uint64_t entry, context;
};

enum psci_power { PSCI_OFF, PSCI_ON };

struct psci {
    unsigned vcpu_count;
    enum psci_power power[VM_MAX_VCPUS];
    uint64_t ram_base, ram_size; /* CPU_ON entry points must lie in RAM */
};

/* vCPU 0 on, the others off. */
void psci_init(struct psci *p, unsigned vcpu_count, uint64_t ram_base, uint64_t ram_size);
void psci_reset(struct psci *p);

/* Decodes one call from vCPU caller; x[0] = function ID, x[1..3] the
 * arguments. Updates the power states the action implies. */
struct psci_result psci_call(struct psci *p, unsigned caller, const uint64_t x[4]);

/* The VMM could not start target after PSCI_START_CPU: back to off. */
void psci_start_failed(struct psci *p, unsigned target);

#endif
