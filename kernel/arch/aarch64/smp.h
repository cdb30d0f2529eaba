/*
 * CPU discovery and bring-up. CPUs are taken from the DT's /cpus node; the
 * boot CPU is index 0, the others follow in DT order and are started with
 * PSCI CPU_ON at secondary_entry (head.S).
 */
#ifndef KERNEL_ARCH_SMP_H
#define KERNEL_ARCH_SMP_H

#include "lib/dtb.h"

#define MPIDR_AFF_MASK 0xff00ffffffUL

struct cpu;

/* Fills cpus[] and cpu_count from the DT. */
void smp_enumerate(const struct dtb *dt);
/* Per-CPU hardware set-up, on the CPU itself: GIC CPU interface, timer. */
bool smp_init_this_cpu(struct cpu *c);
/* Allocates the other CPUs' stacks (before boot memory goes to root). */
void smp_prepare_secondaries(void);
/* Starts every other CPU and waits for them; returns how many are online. */
unsigned smp_start_secondaries(void);

#endif
