/*
 * The guest-physical map every VM sees: QEMU virt's layout, so that guests
 * and tools that know that board find things where they expect them. The
 * DTB the VMM builds (guest_dt.c) describes exactly this; the MMIO table
 * (mmio.c) emulates the device windows; everything else outside RAM is
 * answered with an injected abort.
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#include <stdint.h>

#define VM_MAX_VCPUS 32

/* GICv3: distributor, then one redistributor (RD + SGI frame) per vCPU. */
#define VM_GICD_BASE 0x08000000UL
#define VM_GICD_SIZE 0x10000UL
#define VM_GICR_BASE 0x080a0000UL
#define VM_GICR_STRIDE 0x20000UL

/* PL011 UART and its interrupt (SPI 1). */
#define VM_UART_BASE 0x09000000UL
#define VM_UART_SIZE 0x1000UL
#define VM_UART_INTID 33
#define VM_UART_CLOCK_HZ 24000000u

/* virtio-mmio transports (issue 6): slot i at BASE + i * SIZE, SPI 16 + i. */
#define VM_VIRTIO_BASE 0x0a000000UL
#define VM_VIRTIO_SIZE 0x200UL
#define VM_VIRTIO_SLOTS 32
#define VM_VIRTIO_INTID 48

/* Guest RAM starts at 1 GiB, as on QEMU virt. */
#define VM_RAM_BASE 0x40000000UL

/* The virtual timer's interrupt (PPI 11), re-injected by the kernel. */
#define VM_VTIMER_INTID 27

/* vCPU i has MPIDR affinity i (Aff0 = i): the kernel sets VMPIDR_EL2 from
 * the number vcpu_configure gets, and the DTB's cpu@i has reg = i. */
static inline uint64_t vm_vcpu_mpidr(unsigned i)
{
    return i;
}

#endif
