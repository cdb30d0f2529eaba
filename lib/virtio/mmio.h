/*
 * The virtio-mmio transport, driver side (virtio 1.x, section 4.2): the
 * register block of one device, as QEMU's "virt" board has 32 of them
 * (VIRTIO_MMIO_QEMU_*), each 0x200 bytes with its own interrupt. Only the
 * modern interface (version 2) is driven; QEMU offers it when started with
 * `-global virtio-mmio.force-legacy=false` and the legacy one (version 1)
 * otherwise, which virtio_mmio_probe reports so the driver can say why it
 * found nothing.
 *
 * Device-neutral: a driver probes the transports it was granted, starts
 * the one with its device ID, negotiates features, sets up its queues
 * (virtq.h), and then only notifies queues and acknowledges interrupts:
 *
 *     if (virtio_mmio_probe(base, &id) == VIRTIO_PROBE_DEVICE && id == VIRTIO_ID_NET)
 *     virtio_mmio_start(&dev, base, required, optional)   reset, features
 *     virtio_mmio_queue_setup(&dev, 0, &q)                for each queue
 *     virtio_mmio_ready(&dev)                             DRIVER_OK: running
 *     ... virtio_mmio_notify(&dev, 0) after virtq_publish says so
 *     ... on its interrupt: virtio_mmio_interrupt_ack(&dev), then the used rings
 *
 * What the scenario grants: the transports' page(s) as a device region and
 * their interrupts, listed in the same order as the transports
 * (docs/scenarios.md, devices). On QEMU virt transport i lies at
 * 0x0a000000 + i * 0x200 with INTID 48 + i; the first -device lands on
 * transport 31, and `-device ...,bus=virtio-mmio-bus.N` puts one on
 * transport N.
 *
 * Registers are accessed with single aligned 32-bit loads and stores
 * (the configuration space with the width of each field), never merged or
 * split by the compiler.
 */
#ifndef LIB_VIRTIO_MMIO_H
#define LIB_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/virtq.h"

/* QEMU virt's transports. */
#define VIRTIO_MMIO_QEMU_BASE 0x0a000000ul
#define VIRTIO_MMIO_QEMU_COUNT 32u
#define VIRTIO_MMIO_QEMU_FIRST_INTID 48u
#define VIRTIO_MMIO_SIZE 0x200u /* one transport's registers */

/* Device IDs (virtio 1.x, section 5). 0 means "no device". */
#define VIRTIO_ID_NET 1u
#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_RNG 4u

/* Feature bits independent of the device type. */
#define VIRTIO_F_RING_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_RING_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ull << 33)

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Interrupt status bits (virtio_mmio_interrupt_ack). */
#define VIRTIO_INT_USED 1u   /* a used ring has new entries */
#define VIRTIO_INT_CONFIG 2u /* the configuration space changed */

enum virtio_probe {
    VIRTIO_PROBE_NONE,   /* no virtio-mmio transport, or an empty one */
    VIRTIO_PROBE_LEGACY, /* a version 1 transport: QEMU needs force-legacy=false */
    VIRTIO_PROBE_DEVICE, /* a modern transport with a device (its ID in *device_id) */
};

struct virtio_mmio {
    uintptr_t base;     /* the register block, mapped as device memory */
    uint32_t device_id; /* VIRTIO_ID_* */
    uint64_t features;  /* what both sides agreed on (virtio_mmio_start) */
};

/* What lies at base: checks the magic value and the version, then reads
 * the device ID. */
enum virtio_probe virtio_mmio_probe(uintptr_t base, uint32_t *device_id);

/* Resets the device at base and brings it to FEATURES_OK: acknowledges it,
 * reads what it offers, accepts (offered & (required | optional)) plus
 * VIRTIO_F_VERSION_1, and checks the device took that. False (with the
 * device marked FAILED) if the device lacks VERSION_1 or anything in
 * required, or refuses the set. d->features holds the agreed set. */
bool virtio_mmio_start(struct virtio_mmio *d, uintptr_t base, uint64_t required, uint64_t optional);

/* The largest size the device allows for queue index (0: no such queue). */
uint32_t virtio_mmio_queue_max(const struct virtio_mmio *d, unsigned index);

/* Tells the device where queue index lies (q, set up with virtq_init) and
 * enables it. False if the queue does not exist, is larger than the device
 * allows, or is enabled already. Call between start and ready. */
bool virtio_mmio_queue_setup(const struct virtio_mmio *d, unsigned index, const struct virtq *q);

/* DRIVER_OK: the device may use its queues from now on. False if the
 * device has failed or wants a reset. */
bool virtio_mmio_ready(const struct virtio_mmio *d);

/* Resets the device: it stops using its queues and forgets everything
 * (the driver may reuse their memory once this returns). */
void virtio_mmio_reset(const struct virtio_mmio *d);

/* Rings queue index's doorbell (after virtq_publish asked for it). */
void virtio_mmio_notify(const struct virtio_mmio *d, unsigned index);

/* Reads and acknowledges the interrupt causes (VIRTIO_INT_*), which lowers
 * the device's interrupt line. Call before looking at the used rings, so a
 * completion that arrives meanwhile raises the line again. */
uint32_t virtio_mmio_interrupt_ack(const struct virtio_mmio *d);

/* True if the device has set DEVICE_NEEDS_RESET or FAILED. */
bool virtio_mmio_broken(const struct virtio_mmio *d);

/* Device-specific configuration fields at offset from the start of the
 * configuration space, read with the field's width; the 64-bit read
 * retries until the configuration generation is stable. */
uint8_t virtio_mmio_config8(const struct virtio_mmio *d, unsigned offset);
uint16_t virtio_mmio_config16(const struct virtio_mmio *d, unsigned offset);
uint32_t virtio_mmio_config32(const struct virtio_mmio *d, unsigned offset);
uint64_t virtio_mmio_config64(const struct virtio_mmio *d, unsigned offset);

#endif
