/*
 * VM objects: a guest-physical address space. The object is 16 KiB: two
 * concatenated level-1 stage-2 tables (8 KiB: a 40-bit guest-physical range
 * starting at level 1, as VTCR_EL2 says), then the struct below. A VMID
 * names its TLB entries, a generation tells a stale mapping record from a
 * live one (as for tasks), and the virtual counter offset is the VM's own.
 */
#ifndef KERNEL_OBJECT_VM_H
#define KERNEL_OBJECT_VM_H

#include "arch/aarch64/mmu.h"
#include "object/cap.h"

#define VM_TABLES_SIZE 8192
#define VM_ROOT_LEVEL 1

struct vm {
    struct kobj obj;
    uint16_t vmid;
    uint64_t gen;
    uint64_t vttbr;   /* VTTBR_EL2: tables and VMID */
    uint64_t cntvoff; /* CNTVOFF_EL2, set when the first vCPU first runs */
    bool started;
};

static inline struct vm *vm_of_tables(pte_t *tables)
{
    return (struct vm *)((uintptr_t)tables + VM_TABLES_SIZE);
}

static inline pte_t *vm_root_tables(struct vm *vm)
{
    return (pte_t *)((uintptr_t)vm - VM_TABLES_SIZE);
}

/* Sets up the VMID allocator and this CPU's VTCR_EL2; per CPU at boot. */
void vm_init_cpu(unsigned vmid_bits);
bool vm_vmids_available(uint64_t n);
/* A new VM in memory whose stage-2 tables are at tables (zeroed). */
bool vm_init(pte_t *tables);
void vm_destroy(struct vm *vm);
struct vm *vm_lookup(uint16_t vmid, uint64_t gen);

/* Invalidates the VM's TLB entries for one guest-physical page, or all. */
void vm_flush_ipa(struct vm *vm, uint64_t ipa);
void vm_flush_all(struct vm *vm);

#endif
