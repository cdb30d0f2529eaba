/*
 * The root task: the one task the kernel builds itself, at boot, from the
 * ELF image in the boot archive. It receives a capability to everything:
 * its own objects, all free memory and all device memory (as untyped),
 * interrupt control, and read-only mappings of the boot archive and the
 * platform device tree. See abi/bootinfo.h.
 */
#ifndef KERNEL_CORE_BOOT_ROOT_H
#define KERNEL_CORE_BOOT_ROOT_H

#include "lib/types.h"

struct boot_memory {
    paddr_t archive;
    uint64_t archive_size;
    paddr_t dtb;
    uint64_t dtb_size;
};

/* Validates the program, builds root and makes it runnable on CPU 0; refuses
 * to boot if the program is unusable. */
void boot_root_start(const void *elf, size_t elf_size, const struct boot_memory *mem);

/* Records in root's boot info how many CPUs came online. */
void boot_root_set_cpu_count(unsigned count);

struct pmem_range;
/* RAM and the kernel's own devices, sorted and merged: what is not device
 * memory for root (core/main.c). Returns the count. */
unsigned boot_kernel_owned_ranges(struct pmem_range *out, unsigned max);

#endif
