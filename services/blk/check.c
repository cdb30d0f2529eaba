/*
 * Request checks: see check.h. The order of the checks decides which
 * status a request with several faults gets: first what makes it
 * meaningless (tag, type, buffer), then what the port forbids (writing),
 * then where it points (bounds).
 */
#include "check.h"

static bool buffer_ok(const struct blk_bounds *b, uint64_t offset, uint64_t len)
{
    return offset >= BLK_DATA_OFFSET && offset - BLK_DATA_OFFSET <= b->data_bytes &&
           len <= b->data_bytes - (offset - BLK_DATA_OFFSET);
}

/* READ and WRITE: a whole number of sectors, inside the port. */
static uint32_t check_transfer(const struct blk_bounds *b, const struct bt_desc *d, uint64_t sector,
                               struct blk_io *io)
{
    if (d->len == 0 || d->len % BLK_SECTOR_SIZE != 0 || d->len > b->max_transfer ||
        !buffer_ok(b, d->offset, d->len)) {
        return BLK_S_INVALID;
    }
    if (io->type == BLK_REQ_WRITE && b->read_only) {
        return BLK_S_READ_ONLY;
    }
    uint64_t sectors = d->len / BLK_SECTOR_SIZE;
    if (sector >= b->count || sectors > b->count - sector) {
        return BLK_S_RANGE;
    }
    io->len = d->len;
    io->disk_sector = b->first + sector;
    return BLK_S_OK;
}

uint32_t blk_check(const struct blk_bounds *b, const struct bt_desc *d,
                   const volatile struct blk_req *table, struct blk_io *io)
{
    *io = (struct blk_io){.tag = d->cookie & 0xffffu, .offset = d->offset};
    if (d->cookie >= BLK_QUEUE_CAPACITY) {
        return BLK_S_INVALID;
    }
    /* The entry, read once. */
    io->type = table[d->cookie].type;
    uint64_t sector = table[d->cookie].sector;
    switch (io->type) {
    case BLK_REQ_READ:
    case BLK_REQ_WRITE:
        return check_transfer(b, d, sector, io);
    case BLK_REQ_FLUSH:
        return BLK_S_OK;
    case BLK_REQ_GET_ID:
        if (d->len < BLK_ID_BYTES || !buffer_ok(b, d->offset, d->len)) {
            return BLK_S_INVALID;
        }
        io->len = BLK_ID_BYTES;
        return BLK_S_OK;
    default:
        return BLK_S_UNSUPP;
    }
}
