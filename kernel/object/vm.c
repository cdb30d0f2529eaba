/*
 * VM objects and VMIDs: see vm.h.
 *
 * Invalidating a VM's stage-2 TLB entries (TLBI IPAS2E1IS, VMALLE1IS) acts
 * on the VMID in VTTBR_EL2 and, under VHE, only while HCR_EL2.TGE is clear
 * (with TGE set those instructions would target the host's EL2&0 regime).
 * So the flush briefly loads the VM's VTTBR and clears TGE, as KVM does,
 * with interrupts masked as they always are in the kernel.
 */
#include "object/vm.h"
#include "arch/aarch64/sysreg.h"
#include "core/panic.h"

#define VMID_MAX (1u << 16)

/* VTCR_EL2: 40-bit IPA (T0SZ 24) from level 1 (SL0 1), 4 KiB granule,
 * inner-shareable write-back walks, 40-bit output (PS 2), bit 31 RES1. */
#define VTCR_VALUE                                                                                 \
    (24UL | 1UL << 6 | 1UL << 8 | 1UL << 10 | 3UL << 12 | 0UL << 14 | 2UL << 16 | 1UL << 31)
#define VTCR_VS (1UL << 19) /* 16-bit VMIDs */

static struct vm *vmid_table[VMID_MAX];
static uint32_t vmid_limit, vmid_free, vmid_next = 1;
static uint64_t next_gen = 1;

void vm_init_cpu(unsigned vmid_bits)
{
    if (vmid_limit == 0) {
        vmid_limit = 1u << vmid_bits;
        vmid_free = vmid_limit - 1; /* VMID 0 is never a guest's */
    }
    sysreg_write(vtcr_el2, VTCR_VALUE | (vmid_bits == 16 ? VTCR_VS : 0));
    isb();
}

bool vm_vmids_available(uint64_t n)
{
    return vmid_free >= n;
}

bool vm_init(pte_t *tables)
{
    struct vm *vm = vm_of_tables(tables);
    for (uint32_t n = 0; n < vmid_limit; n++) {
        uint32_t id = vmid_next;
        vmid_next = vmid_next + 1 < vmid_limit ? vmid_next + 1 : 1;
        if (id != 0 && vmid_table[id] == NULL) {
            vm->vmid = (uint16_t)id;
            vm->gen = next_gen++;
            vm->vttbr = kva_to_pa(tables) | (uint64_t)id << 48;
            vmid_table[id] = vm;
            vmid_free--;
            return true;
        }
    }
    return false;
}

struct vm *vm_lookup(uint16_t vmid, uint64_t gen)
{
    struct vm *vm = vmid_table[vmid];
    return vm != NULL && vm->gen == gen ? vm : NULL;
}

/* Runs the flush with the VM's VMID current and TGE clear. */
static uint64_t enter_vm_context(struct vm *vm, uint64_t *saved_vttbr)
{
    uint64_t hcr = sysreg_read(hcr_el2);
    *saved_vttbr = sysreg_read(vttbr_el2);
    sysreg_write(vttbr_el2, vm->vttbr);
    sysreg_write(hcr_el2, hcr & ~HCR_TGE);
    isb();
    return hcr;
}

static void leave_vm_context(uint64_t hcr, uint64_t vttbr)
{
    sysreg_write(hcr_el2, hcr);
    sysreg_write(vttbr_el2, vttbr);
    isb();
}

void vm_flush_ipa(struct vm *vm, uint64_t ipa)
{
    uint64_t vttbr;
    dsb(ishst);
    uint64_t hcr = enter_vm_context(vm, &vttbr);
    __asm__ volatile("tlbi ipas2e1is, %0" ::"r"(ipa >> 12) : "memory");
    dsb(ish);
    /* Combined stage-1+2 entries are tagged by VA: drop them all. */
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    dsb(ish);
    isb();
    leave_vm_context(hcr, vttbr);
}

void vm_flush_all(struct vm *vm)
{
    uint64_t vttbr;
    dsb(ishst);
    uint64_t hcr = enter_vm_context(vm, &vttbr);
    __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    dsb(ish);
    isb();
    leave_vm_context(hcr, vttbr);
}

void vm_destroy(struct vm *vm)
{
    if (vm->vmid == 0) {
        return;
    }
    /* Its vCPUs hold it by capability, so none runs any more. */
    vm_flush_all(vm);
    vmid_table[vm->vmid] = NULL;
    vmid_free++;
    vm->vmid = 0;
}
