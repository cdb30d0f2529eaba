/*
 * What the scenario says about this VM: its node /vms/NAME of system.dtb
 * (docs/scenarios.md), read with libfdt. Each property's length is checked
 * against its type before it is read, and the defaults of the format apply
 * to absent ones. The tree must have passed fdt_check_full().
 *
 * Pure code: the host test reads trees it builds.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/layout.h"

#define CONFIG_MAX_CPUS 256

struct vm_config {
    const char *kernel;   /* file name in the boot archive */
    const char *initrd;   /* NULL: none */
    const char *bootargs; /* "" by default */
    uint64_t memory;
    unsigned vcpu_count;
    unsigned priority;
    unsigned cpus[CONFIG_MAX_CPUS]; /* physical CPUs; vCPU i runs on cpus[i % count] */
    unsigned cpu_count;
    unsigned virtio_count; /* sub-nodes of virtio (served from issue 6 on) */
};

/* Reads /vms/name. Returns NULL, or a message naming what is wrong
 * (with the property), for example "property \"memory\": expected a
 * 64-bit value". */
const char *config_read(const void *fdt, const char *name, struct vm_config *cfg);

#endif
