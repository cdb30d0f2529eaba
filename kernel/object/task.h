/*
 * Tasks: address spaces. A task object is 8 KiB: the struct below, then (at
 * +4 KiB) its level-0 translation table. Each task has an ASID for as long as
 * it exists; a generation number tells a stale mapping record (of a task
 * since destroyed, whose ASID was reused) from a live one.
 */
#ifndef KERNEL_OBJECT_TASK_H
#define KERNEL_OBJECT_TASK_H

#include "arch/aarch64/mmu.h"
#include "object/cap.h"

#define TASK_NAME_MAX 24
#define TASK_TABLE_OFFSET 4096

struct task {
    struct kobj obj;
    uint16_t asid;
    uint64_t gen;
    uint64_t ttbr; /* TTBR0_EL2 value: level-0 table and ASID */
    char name[TASK_NAME_MAX];
};

static inline pte_t *task_root_table(struct task *t)
{
    return (pte_t *)((uintptr_t)t + TASK_TABLE_OFFSET);
}

static inline paddr_t task_root_pa(struct task *t)
{
    return kva_to_pa(task_root_table(t));
}

static inline uint64_t task_ttbr(const struct task *t)
{
    return t->ttbr;
}

/* Sets the ASID allocator's size (8 or 16 bits) at boot. */
void task_asids_init(unsigned asid_bits);
/* Are n ASIDs free? */
bool task_asids_available(uint64_t n);
/* Claims an ASID and a generation; false when all ASIDs are in use. */
bool task_init(struct task *t);
void task_destroy(struct task *t);
/* The live task with this ASID and generation, or NULL. */
struct task *task_lookup(uint16_t asid, uint64_t gen);

#endif
