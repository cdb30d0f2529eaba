/*
 * Mapping frames and translation tables into tasks. A frame or page table
 * capability is mapped at most once; the capability records where (ASID,
 * address and the task's generation), so deleting it can undo the mapping.
 * Translation tables are objects of their own that the task's pager
 * provides; mapping a frame where a table is missing fails with
 * BT_E_NOTABLE and the level that is missing.
 */
#ifndef KERNEL_OBJECT_VSPACE_H
#define KERNEL_OBJECT_VSPACE_H

#include "abi/errors.h"
#include "arch/aarch64/mmu.h"
#include "object/cap.h"

struct task;

enum bt_status vspace_map_frame(struct task *t, struct cap *frame, uint64_t vaddr, unsigned rights,
                                unsigned attr, uint64_t *missing_level);
void vspace_unmap_frame(struct cap *frame);
/* The same for a VM's stage-2 tables (guest-physical addresses). */
struct vm;
enum bt_status vspace_map_frame_vm(struct vm *vm, struct cap *frame, uint64_t ipa, unsigned rights,
                                   unsigned attr, uint64_t *missing_level);
enum bt_status vspace_map_table_vm(struct vm *vm, struct cap *table, uint64_t ipa, uint64_t *level);
enum bt_status vspace_map_table(struct task *t, struct cap *table, uint64_t vaddr, uint64_t *level);
void vspace_unmap_table(struct cap *table);

/* The leaf entry for va in t (and the physical address), or 0. */
pte_t vspace_lookup(struct task *t, uint64_t va, paddr_t *pa);

/* Makes the instruction stream see freshly written code in [kva, kva+len). */
void vspace_sync_icache(const void *kva, size_t len);

#endif
