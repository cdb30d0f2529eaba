/*
 * The block server: owns one virtio-blk device and serves each client ring
 * the disk, partition or byte range its port parameters name, read-only or
 * read-write (protocol.h; README.md). This file starts it; io.c serves.
 *
 * What it relies on (the loader's grants, abi/startinfo.h):
 *   "virtio-mmio"  BT_START_MEMORY: one or more virtio-mmio transports (QEMU
 *                  virt: 0x200 bytes each), and BT_START_IRQ entries of the
 *                  same name, one per transport, in the same order;
 *   one BT_START_RING entry per client, named as the client;
 *   bt_start->events, bound to this thread, where the interrupt and every
 *                  client's signal arrive.
 *
 * One thread, event driven: it waits on its events notification, then
 * acknowledges the device's interrupt if it fired and runs io_run, which
 * looks at every port and the disk's used ring whatever bits woke it (a
 * client's signal may have been consumed while waiting for the disk at
 * start-up, so bits are hints, never the only way to find work).
 */
#include "alloc/alloc.h"
#include "c/print.h"
#include "lib/string.h"
#include "params.h"
#include "part.h"
#include "server.h"
#include "start/startinfo.h"
#include "sys/sys.h"

#define DEVICE_NAME "virtio-mmio"

static struct server srv;
static struct bt_alloc alloc;

/* The k-th interrupt of the device grant (transport k's), or NULL. */
static const struct bt_start_entry *transport_irq(unsigned k)
{
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if (e->kind == BT_START_IRQ && strncmp(e->name, DEVICE_NAME, BT_START_NAME_MAX) == 0 &&
            k-- == 0) {
            return e;
        }
    }
    return NULL;
}

/* Finds the first virtio-blk device among the granted transports and
 * starts it. */
static bool find_disk(void)
{
    srv.disk.failed = true; /* until a device is started */
    const struct bt_start_entry *mem = bt_start_find(DEVICE_NAME, BT_START_MEMORY);
    if (mem == NULL) {
        bt_printf("blk: no device \"%s\" granted\n", DEVICE_NAME);
        return false;
    }
    for (unsigned k = 0; k < mem->size / VIRTIO_MMIO_SIZE; k++) {
        uintptr_t regs = mem->vaddr + k * VIRTIO_MMIO_SIZE;
        uint32_t id = 0;
        enum virtio_probe what = virtio_mmio_probe(regs, &id);
        if (what == VIRTIO_PROBE_LEGACY) {
            bt_printf("blk: transport %u is a legacy (version 1) one: start QEMU with "
                      "-global virtio-mmio.force-legacy=false\n",
                      k);
        }
        if (what != VIRTIO_PROBE_DEVICE || id != VIRTIO_ID_BLOCK) {
            continue;
        }
        const struct bt_start_entry *irq = transport_irq(k);
        const char *why = "";
        if (irq == NULL) {
            bt_printf("blk: transport %u has a disk but no interrupt granted\n", k);
        } else if (!disk_init(&srv.disk, regs, &alloc, &why)) {
            bt_printf("blk: transport %u: %s\n", k, why);
        } else {
            srv.irq = irq->cptr;
            srv.irq_bits = irq->value;
            bt_printf("blk: disk on transport %u: %lu sectors (%lu MiB)%s%s\n", k,
                      srv.disk.capacity, srv.disk.capacity >> 11,
                      srv.disk.read_only ? ", read-only" : "",
                      srv.disk.flush ? ", write cache" : "");
            return true;
        }
    }
    bt_printf("blk: no virtio-blk device found; every port will answer \"no disk\"\n");
    return false;
}

/* Waits for the disk to finish the request in slot (start-up only). */
static bool wait_slot(unsigned slot, uint32_t *status)
{
    for (;;) {
        unsigned done;
        uint32_t len;
        if (disk_complete(&srv.disk, &done, status, &len)) {
            if (done == slot) {
                return true;
            }
            continue; /* nothing else is in flight at start-up */
        }
        if (srv.disk.failed) {
            return false;
        }
        uint64_t bits = 0;
        bt_wait(bt_start->events, &bits);
        if (bits & srv.irq_bits) {
            disk_interrupt(&srv.disk);
            bt_irq_ack(srv.irq);
        }
    }
}

/* part_read_fn: one sector of the disk, synchronously. */
static bool read_sector(void *ctx, uint64_t lba, uint8_t *buf)
{
    (void)ctx;
    int slot = disk_slot_get(&srv.disk);
    uint32_t status;
    if (slot < 0 || lba >= srv.disk.capacity ||
        !disk_submit(&srv.disk, (unsigned)slot, BLK_REQ_READ, lba, PART_SECTOR)) {
        return false;
    }
    disk_kick(&srv.disk);
    if (!wait_slot((unsigned)slot, &status) || status != BLK_S_OK) {
        return false;
    }
    memcpy(buf, disk_slot_buffer(&srv.disk, (unsigned)slot), PART_SECTOR);
    return true;
}

/* Where on the disk a port with parameters pp lies. */
static bool port_bounds(const struct blk_params *pp, struct blk_bounds *b, const char **why)
{
    uint64_t disk = srv.disk.capacity;
    *b = (struct blk_bounds){.read_only = pp->read_only || srv.disk.read_only,
                             .max_transfer = srv.disk.max_transfer};
    if (pp->kind == BLK_WHOLE_DISK) {
        b->count = disk;
    } else if (pp->kind == BLK_RANGE) {
        b->first = pp->offset / BLK_SECTOR_SIZE;
        b->count = pp->length / BLK_SECTOR_SIZE;
        if (b->first > disk || b->count > disk - b->first) {
            *why = "its range lies beyond the end of the disk";
            return false;
        }
    } else {
        struct part_extent ext;
        if (part_find(read_sector, NULL, disk, pp->partition, &ext, why) != PART_FOUND) {
            return false;
        }
        b->first = ext.first;
        b->count = ext.count;
    }
    return true;
}

static void open_port(const struct bt_start_entry *e)
{
    struct server_port *sp = &srv.ports[srv.port_count];
    struct blk_params pp;
    struct blk_bounds b = {0};
    const char *why = "";
    bool ok = blk_params_parse(bt_start_params(e), &pp, &why);
    if (ok && !srv.has_disk) {
        ok = false;
        why = "there is no disk";
    }
    ok = ok && port_bounds(&pp, &b, &why);
    char name[BT_START_NAME_MAX];
    strncpy_bounded(name, e->name, sizeof(name));
    if (!port_open(&sp->port, name, (void *)e->vaddr, e->size, &b, ok,
                   srv.disk.flush ? BLK_FLAG_FLUSH : 0)) {
        bt_printf("blk: port %s: a ring of %lu bytes is not a block ring; ignored\n", name,
                  e->size);
        return;
    }
    sp->signal = e->cptr;
    srv.port_count++;
    if (!ok) {
        bt_printf("blk: port %s (\"%s\"): no disk for it: %s\n", name, bt_start_params(e), why);
        return;
    }
    bt_printf("blk: port %s: sectors %lu..%lu (%lu KiB)%s\n", name, b.first, b.first + b.count - 1,
              b.count / 2, b.read_only ? ", read-only" : "");
}

static void open_ports(void)
{
    for (uint64_t i = 0; i < bt_start->entry_count && i < BT_START_MAX_ENTRIES; i++) {
        const struct bt_start_entry *e = &bt_start->entries[i];
        if (e->kind != BT_START_RING) {
            continue;
        }
        if (srv.port_count == SERVER_PORTS_MAX) {
            bt_printf("blk: more than %u rings; the rest are not served\n", SERVER_PORTS_MAX);
            return;
        }
        open_port(e);
    }
}

int main(void)
{
    bt_alloc_init_component(&alloc, bt_start);
    srv.has_disk = find_disk();
    open_ports();
    bt_printf("blk: serving %u port%s\n", srv.port_count, srv.port_count == 1 ? "" : "s");
    for (unsigned i = 0; i < srv.port_count; i++) {
        bt_signal(srv.ports[i].signal); /* the epoch changed: clients reset */
    }
    for (;;) {
        bool more = io_run(&srv);
        uint64_t bits = 0;
        if (more) {
            bt_poll(bt_start->events, &bits);
        } else {
            bt_wait(bt_start->events, &bits);
        }
        if ((bits & srv.irq_bits) != 0 && srv.irq != 0) {
            disk_interrupt(&srv.disk);
            bt_irq_ack(srv.irq);
        }
    }
}
