/*
 * PSCI firmware calls (Arm DEN 0022): CPU bring-up and system power. The
 * conduit (SMC or HVC) comes from the device tree's /psci "method".
 */
#ifndef KERNEL_ARCH_PSCI_H
#define KERNEL_ARCH_PSCI_H

#include "lib/dtb.h"
#include "lib/types.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

#define PSCI_SUCCESS 0
#define PSCI_ALREADY_ON (-4)

enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

/* Reads the conduit from the DT; false if there is no usable /psci node. */
bool psci_init(const struct dtb *dt);
/* For when there is no DT: the conduit the current exception level implies. */
void psci_set_conduit(enum psci_conduit c);
bool psci_available(void);

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);

/* Powers the machine off; spins in WFI if the firmware call returns. */
NORETURN void psci_system_off(void);
/* Resets the machine; spins in WFI if the firmware call returns. */
NORETURN void psci_system_reset(void);

#endif
