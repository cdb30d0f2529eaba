/*
 * What the kernel tells the root task at start: where its initial
 * capabilities are. Root starts with x0 = the address of this structure,
 * mapped read-only in its address space.
 */
#ifndef ABI_BOOTINFO_H
#define ABI_BOOTINFO_H

#include <stdint.h>

#include "abi/caps.h"

#define BT_BOOTINFO_MAGIC 0x6f666e4974736142ull /* "BastInfo" */
#define BT_BOOTINFO_MAX_UNTYPED 192

struct bt_untyped_desc {
    uint64_t paddr;
    uint32_t cptr;
    uint8_t size_bits;
    uint8_t device; /* device memory: only frames and untyped can be made of it */
    uint16_t pad;
};

struct bt_bootinfo {
    uint64_t magic;
    uint64_t cpu_count;
    uint64_t timer_frequency; /* Hz of the counter (CNTVCT_EL0) */

    /* Root's own objects */
    bt_cptr_t self_cnode;
    bt_cptr_t self_task;
    bt_cptr_t self_thread;
    bt_cptr_t self_ipc_buffer; /* its frame */
    bt_cptr_t irq_control;
    bt_cptr_t system;          /* power off / reset */
    uint64_t cnode_size_bits;  /* root's CNode has 2^bits slots */
    uint64_t ipc_buffer_vaddr; /* where root's IPC buffer is mapped */
    bt_cptr_t first_free_slot; /* slots from here to the end are empty */

    /* The boot archive (cpio) and the platform device tree, mapped
     * read-only; their frames are capabilities too. */
    uint64_t archive_vaddr;
    uint64_t archive_size;
    bt_cptr_t archive_frames; /* first of archive_frame_count 4 KiB frames */
    uint64_t archive_frame_count;
    uint64_t dtb_vaddr;
    uint64_t dtb_size;

    /* All memory the kernel did not use, and all device memory except the
     * kernel's own devices (interrupt controller). */
    uint64_t untyped_count;
    struct bt_untyped_desc untyped[BT_BOOTINFO_MAX_UNTYPED];
};

_Static_assert(sizeof(struct bt_bootinfo) <= 4096, "boot info fits one page");

#endif
