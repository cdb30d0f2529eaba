/*
 * The kernel's virtual address layout (TTBR1_EL2 half, 48-bit VA, 4 KiB
 * granule). Everything here is a kernel decision; nothing depends on the
 * board, whose addresses come from the device tree.
 *
 *   0xffff000000000000  direct map: kernel VA = DIRECT_MAP_BASE + PA, all RAM
 *   0xffff800000000000  device window: MMIO regions mapped at boot
 *   0xffffffffc0000000  kernel image, linked here, loaded anywhere in RAM
 */
#ifndef KERNEL_ARCH_LAYOUT_H
#define KERNEL_ARCH_LAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define VA_BITS 48

#define DIRECT_MAP_BASE 0xffff000000000000UL
#define DIRECT_MAP_SIZE (1UL << 46)
#define DEVICE_WINDOW_BASE 0xffff800000000000UL
#define DEVICE_WINDOW_SIZE (1UL << 36)
#define KERNEL_VA_BASE 0xffffffffc0000000UL

#define KERNEL_STACK_SIZE (16 * 1024)
#define MAX_CPUS 16

#endif
