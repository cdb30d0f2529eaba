/*
 * The virtio-mmio transport, version 2: see mmio.h. Register offsets are
 * those of virtio 1.x, section 4.2.2.
 */
#include "virtio/mmio.h"
#include "virtio/barrier.h"

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC_LOW 0x080
#define REG_QUEUE_DESC_HIGH 0x084
#define REG_QUEUE_DRIVER_LOW 0x090
#define REG_QUEUE_DRIVER_HIGH 0x094
#define REG_QUEUE_DEVICE_LOW 0x0a0
#define REG_QUEUE_DEVICE_HIGH 0x0a4
#define REG_CONFIG_GENERATION 0x0fc
#define REG_CONFIG 0x100

#define MAGIC 0x74726976u /* "virt" */
#define VERSION_LEGACY 1u
#define VERSION_MODERN 2u
#define RESET_POLLS 1000000u

static uint32_t rd(uintptr_t base, unsigned reg)
{
    return *(volatile uint32_t *)(base + reg);
}

static void wr(uintptr_t base, unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(base + reg) = v;
}

enum virtio_probe virtio_mmio_probe(uintptr_t base, uint32_t *device_id)
{
    if (rd(base, REG_MAGIC) != MAGIC) {
        return VIRTIO_PROBE_NONE;
    }
    uint32_t version = rd(base, REG_VERSION);
    uint32_t id = rd(base, REG_DEVICE_ID);
    if (id == 0) {
        return VIRTIO_PROBE_NONE; /* a transport without a device behind it */
    }
    if (version == VERSION_LEGACY) {
        return VIRTIO_PROBE_LEGACY;
    }
    if (version != VERSION_MODERN) {
        return VIRTIO_PROBE_NONE;
    }
    *device_id = id;
    return VIRTIO_PROBE_DEVICE;
}

void virtio_mmio_reset(const struct virtio_mmio *d)
{
    wr(d->base, REG_STATUS, 0);
    /* The reset is complete when the status reads 0 again (4.2.2.1); a
     * device that never gets there is left to fail the next steps. */
    for (unsigned i = 0; i < RESET_POLLS && rd(d->base, REG_STATUS) != 0; i++) {
    }
}

static void set_status(const struct virtio_mmio *d, uint32_t bits)
{
    wr(d->base, REG_STATUS, rd(d->base, REG_STATUS) | bits);
}

static uint64_t device_features(uintptr_t base)
{
    wr(base, REG_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = rd(base, REG_DEVICE_FEATURES);
    wr(base, REG_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(base, REG_DEVICE_FEATURES);
    return hi << 32 | lo;
}

static void driver_features(uintptr_t base, uint64_t f)
{
    wr(base, REG_DRIVER_FEATURES_SEL, 0);
    wr(base, REG_DRIVER_FEATURES, (uint32_t)f);
    wr(base, REG_DRIVER_FEATURES_SEL, 1);
    wr(base, REG_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

bool virtio_mmio_start(struct virtio_mmio *d, uintptr_t base, uint64_t required, uint64_t optional)
{
    d->base = base;
    d->device_id = rd(base, REG_DEVICE_ID);
    d->features = 0;
    virtio_mmio_reset(d);
    set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    set_status(d, VIRTIO_STATUS_DRIVER);
    required |= VIRTIO_F_VERSION_1;
    uint64_t offered = device_features(base);
    if ((offered & required) != required) {
        set_status(d, VIRTIO_STATUS_FAILED);
        return false;
    }
    uint64_t agreed = offered & (required | optional);
    driver_features(base, agreed);
    set_status(d, VIRTIO_STATUS_FEATURES_OK);
    /* The device says whether it accepts the set by keeping FEATURES_OK. */
    if ((rd(base, REG_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
        set_status(d, VIRTIO_STATUS_FAILED);
        return false;
    }
    d->features = agreed;
    return true;
}

uint32_t virtio_mmio_queue_max(const struct virtio_mmio *d, unsigned index)
{
    wr(d->base, REG_QUEUE_SEL, index);
    return rd(d->base, REG_QUEUE_NUM_MAX);
}

bool virtio_mmio_queue_setup(const struct virtio_mmio *d, unsigned index, const struct virtq *q)
{
    uintptr_t b = d->base;
    wr(b, REG_QUEUE_SEL, index);
    uint32_t max = rd(b, REG_QUEUE_NUM_MAX);
    if (max == 0 || q->size > max || rd(b, REG_QUEUE_READY) != 0) {
        return false;
    }
    wr(b, REG_QUEUE_NUM, q->size);
    wr(b, REG_QUEUE_DESC_LOW, (uint32_t)q->desc_pa);
    wr(b, REG_QUEUE_DESC_HIGH, (uint32_t)(q->desc_pa >> 32));
    wr(b, REG_QUEUE_DRIVER_LOW, (uint32_t)q->avail_pa);
    wr(b, REG_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail_pa >> 32));
    wr(b, REG_QUEUE_DEVICE_LOW, (uint32_t)q->used_pa);
    wr(b, REG_QUEUE_DEVICE_HIGH, (uint32_t)(q->used_pa >> 32));
    /* The zeroed rings before the device may look at them. */
    virtio_wmb();
    wr(b, REG_QUEUE_READY, 1);
    return true;
}

bool virtio_mmio_ready(const struct virtio_mmio *d)
{
    virtio_wmb();
    set_status(d, VIRTIO_STATUS_DRIVER_OK);
    return !virtio_mmio_broken(d);
}

void virtio_mmio_notify(const struct virtio_mmio *d, unsigned index)
{
    /* The published available index before the doorbell. */
    virtio_wmb();
    wr(d->base, REG_QUEUE_NOTIFY, index);
}

uint32_t virtio_mmio_interrupt_ack(const struct virtio_mmio *d)
{
    uint32_t causes = rd(d->base, REG_INTERRUPT_STATUS);
    if (causes != 0) {
        wr(d->base, REG_INTERRUPT_ACK, causes);
    }
    /* The acknowledgement before the used rings are read. */
    virtio_mb();
    return causes;
}

bool virtio_mmio_broken(const struct virtio_mmio *d)
{
    return (rd(d->base, REG_STATUS) & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)) != 0;
}

uint8_t virtio_mmio_config8(const struct virtio_mmio *d, unsigned offset)
{
    return *(volatile uint8_t *)(d->base + REG_CONFIG + offset);
}

uint16_t virtio_mmio_config16(const struct virtio_mmio *d, unsigned offset)
{
    return *(volatile uint16_t *)(d->base + REG_CONFIG + offset);
}

uint32_t virtio_mmio_config32(const struct virtio_mmio *d, unsigned offset)
{
    return rd(d->base, REG_CONFIG + offset);
}

uint64_t virtio_mmio_config64(const struct virtio_mmio *d, unsigned offset)
{
    uint32_t gen, lo, hi;
    do {
        gen = rd(d->base, REG_CONFIG_GENERATION);
        lo = rd(d->base, REG_CONFIG + offset);
        hi = rd(d->base, REG_CONFIG + offset + 4);
    } while (rd(d->base, REG_CONFIG_GENERATION) != gen);
    return (uint64_t)hi << 32 | lo;
}
