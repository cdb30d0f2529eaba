/*
 * Virtual machines: what a VMM sees of the kernel's VM support.
 *
 * A VM object is a guest-physical address space (stage-2 translation, 40-bit
 * guest-physical addresses, a VMID). Frames and page tables are mapped into
 * it with task_map / task_map_table, passing the VM capability where a task
 * would go (rights READ, WRITE, EXEC; device frames are mapped as device
 * memory). A vCPU is a thread configured with vcpu_configure: it then runs
 * guest EL1/EL0 code in the VM instead of a task.
 *
 * Whatever the guest does that needs emulation stops the vCPU and arrives at
 * the VMM as a call on the vCPU's exit endpoint (with that capability's
 * badge), labelled with one of the BT_VM_EXIT_* below. The VMM answers with a
 * reply labelled BT_VM_RESUME, BT_VM_INJECT_ABORT or BT_VM_RESUME_AS_IS.
 *
 * The kernel handles by itself: the guest's virtual timer (re-injected
 * without the VMM), WFI (the vCPU sleeps until an interrupt is due), the
 * debug and PMU registers (read as zero, writes ignored), and the GIC CPU
 * interface (the hardware's virtual interface). Virtual interrupts are
 * injected through the vCPU's state page without a system call per
 * interrupt: set the bit, then vcpu_kick if the vCPU may be asleep or
 * running elsewhere.
 */
#ifndef ABI_VM_H
#define ABI_VM_H

#include <stdint.h>

#include "abi/ipc.h"

#define BT_VM_IPA_BITS 40

/* ---- exits (message labels) ---- */

/* A load or store to a guest-physical address that is not mapped, which
 * the hardware decoded. MR0 = guest-physical address, MR1 = access
 * (BT_VM_MMIO_*), MR2 = value stored (writes), MR3 = pc. Reply
 * BT_VM_RESUME with MR0 = the value loaded (reads): the kernel puts it in
 * the register (sign-extending if the instruction does) and steps past the
 * instruction. */
#define BT_VM_EXIT_MMIO (BT_LABEL_KERNEL + 0x20)
#define BT_VM_MMIO_WIDTH(a) ((a)&0xf) /* bytes: 1, 2, 4, 8 */
#define BT_VM_MMIO_WRITE 0x100u
#define BT_VM_MMIO_REG(a) (((a) >> 16) & 0x1f) /* Xt; 31 is XZR */

/* HVC from the guest (PSCI and other firmware calls): MR0-MR4 = x0-x4,
 * MR? none. Reply BT_VM_RESUME with MR0-MR3 = the guest's new x0-x3. */
#define BT_VM_EXIT_HVC (BT_LABEL_KERNEL + 0x21)
/* SMC from the guest: as HVC; the kernel steps past the instruction. */
#define BT_VM_EXIT_SMC (BT_LABEL_KERNEL + 0x22)

/* A system register access the kernel does not handle (ICC_SGI1R_EL1, the
 * guest's IPIs, among them). MR0 = the syndrome's ISS (bit 0: read;
 * op0/op2/op1/CRn/Rt/CRm as in ESR_EL2 for EC 0x18), MR1 = value written,
 * MR3 = pc. Reply BT_VM_RESUME with MR0 = value read. */
#define BT_VM_EXIT_SYSREG (BT_LABEL_KERNEL + 0x23)

/* A guest access the hardware could not decode (ISV = 0: load/store pair,
 * exclusive, SIMD...) or an instruction fetch from an unmapped address:
 * MR0 = guest-physical address, MR1 = ESR, MR2 = guest virtual address
 * (FAR), MR3 = pc. Usually answered with BT_VM_INJECT_ABORT. */
#define BT_VM_EXIT_ABORT (BT_LABEL_KERNEL + 0x24)

/* Anything else the guest did that stopped it: MR1 = ESR, MR3 = pc. */
#define BT_VM_EXIT_OTHER (BT_LABEL_KERNEL + 0x25)

/* ---- replies (labels) ---- */

#define BT_VM_RESUME 0       /* apply the result (MR0...) and step past */
#define BT_VM_INJECT_ABORT 1 /* give the guest a synchronous external abort */
#define BT_VM_RESUME_AS_IS 2 /* resume at the same instruction, nothing changed */

/* ---- the vCPU state page (vcpu_configure x2), shared with the VMM ---- */

#define BT_VCPU_MAX_INTID 1024

struct bt_vcpu_state {
    /* Virtual interrupts to inject: the VMM sets bits (atomically, e.g.
     * __atomic_fetch_or), the kernel clears them as it takes them. Edge
     * semantics: one bit set, one delivery. Then bit w/64 of summary. */
    uint64_t summary;
    uint64_t pending[BT_VCPU_MAX_INTID / 64];
    /* Read-only for the VMM: written by the kernel. */
    uint64_t exits;      /* exits to the VMM so far */
    uint64_t wfi_sleeps; /* times the vCPU slept in WFI */
    uint64_t injected;   /* virtual interrupts delivered */
};

_Static_assert(sizeof(struct bt_vcpu_state) <= 4096, "the vCPU state fits a page");

/* vcpu_write_regs x6: the guest's processor state at start. */
#define BT_VCPU_PSTATE_EL1H 0x3c5 /* EL1 with SP_EL1, all exceptions masked */

#endif
