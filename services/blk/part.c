/*
 * Partition tables: see part.h. Fields are read from sector buffers with
 * explicit little-endian loads (no casts of on-disk structs), and every sum
 * of disk addresses is checked for overflow.
 */
#include "part.h"
#include "crc32.h"
#include "params.h"

#define MBR_SIGNATURE_OFFSET 510
#define MBR_ENTRIES_OFFSET 446
#define MBR_ENTRY_BYTES 16
#define MBR_TYPE_GPT 0xee

#define GPT_HEADER_MIN 92u
#define GPT_CRC_OFFSET 16
/* The entry array may hold at most this many bytes: the usual array is
 * 16 KiB (128 entries of 128 bytes). */
#define GPT_ENTRIES_MAX_BYTES (64u * 1024u)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static enum part_status fail(const char **why, enum part_status st, const char *reason)
{
    *why = reason;
    return st;
}

/* ---- MBR ---- */

struct mbr_entry {
    uint8_t type;
    uint32_t start, count;
};

static struct mbr_entry mbr_entry(const uint8_t *sector, unsigned i)
{
    const uint8_t *e = sector + MBR_ENTRIES_OFFSET + i * MBR_ENTRY_BYTES;
    return (struct mbr_entry){.type = e[4], .start = le32(e + 8), .count = le32(e + 12)};
}

static bool mbr_signed(const uint8_t *sector)
{
    return sector[MBR_SIGNATURE_OFFSET] == 0x55 && sector[MBR_SIGNATURE_OFFSET + 1] == 0xaa;
}

static bool is_extended(uint8_t type)
{
    return type == 0x05 || type == 0x0f || type == 0x85;
}

/* An extent [base + start, + count) that must lie within [lo, hi). */
static enum part_status mbr_extent(uint64_t base, const struct mbr_entry *e, uint64_t lo,
                                   uint64_t hi, struct part_extent *out, const char **why)
{
    if (e->type == 0) {
        return fail(why, PART_NOT_FOUND, "the entry is unused");
    }
    uint64_t first = base + e->start;
    if (e->start == 0 || e->count == 0 || first < lo || first > hi || e->count > hi - first) {
        return fail(why, PART_BAD, "an MBR partition lies outside the disk or its container");
    }
    *out = (struct part_extent){.first = first, .count = e->count};
    return PART_FOUND;
}

/* Logical partition number (5..) in the EBR chain of the extended
 * partition ext. */
static enum part_status mbr_logical(part_read_fn read, void *ctx, const struct part_extent *ext,
                                    unsigned number, uint8_t *buf, struct part_extent *out,
                                    const char **why)
{
    uint64_t visited[BLK_PARTITION_MAX];
    uint64_t ebr = ext->first;
    uint64_t ext_end = ext->first + ext->count;
    for (unsigned n = 5, steps = 0;; n++, steps++) {
        for (unsigned i = 0; i < steps; i++) {
            if (visited[i] == ebr) {
                return fail(why, PART_BAD, "the chain of EBRs loops");
            }
        }
        visited[steps] = ebr;
        if (!read(ctx, ebr, buf)) {
            return fail(why, PART_IO, "an EBR cannot be read");
        }
        if (!mbr_signed(buf)) {
            return fail(why, PART_BAD, "an EBR has no signature");
        }
        if (n == number) {
            struct mbr_entry e = mbr_entry(buf, 0);
            return mbr_extent(ebr, &e, ebr + 1, ext_end, out, why);
        }
        struct mbr_entry next = mbr_entry(buf, 1);
        if (!is_extended(next.type) || next.start == 0) {
            return fail(why, PART_NOT_FOUND, "the chain of EBRs ends before it");
        }
        if (next.start >= ext->count || steps + 1 >= BLK_PARTITION_MAX) {
            return fail(why, PART_BAD, "an EBR lies outside the extended partition");
        }
        ebr = ext->first + next.start;
    }
}

static enum part_status mbr_find(part_read_fn read, void *ctx, uint64_t disk, unsigned number,
                                 uint8_t *buf, struct part_extent *out, const char **why)
{
    if (number <= 4) {
        struct mbr_entry e = mbr_entry(buf, number - 1);
        return mbr_extent(0, &e, 1, disk, out, why);
    }
    for (unsigned i = 0; i < 4; i++) {
        struct mbr_entry e = mbr_entry(buf, i);
        if (is_extended(e.type)) {
            struct part_extent ext;
            enum part_status st = mbr_extent(0, &e, 1, disk, &ext, why);
            if (st != PART_FOUND) {
                return st;
            }
            return mbr_logical(read, ctx, &ext, number, buf, out, why);
        }
    }
    return fail(why, PART_NOT_FOUND, "the MBR has no extended partition");
}

/* ---- GPT ---- */

struct gpt {
    uint64_t first_usable, last_usable, entries_lba;
    uint32_t entry_count, entry_size, entries_crc;
};

/* Checks the header in buf, which was read from sector lba. */
static bool gpt_header(uint8_t *buf, uint64_t lba, uint64_t disk, struct gpt *g, const char **why)
{
    static const uint8_t sig[8] = {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'};
    for (int i = 0; i < 8; i++) {
        if (buf[i] != sig[i]) {
            *why = "no GPT header signature";
            return false;
        }
    }
    uint32_t size = le32(buf + 12);
    if (size < GPT_HEADER_MIN || size > PART_SECTOR) {
        *why = "the GPT header size is out of range";
        return false;
    }
    uint32_t crc = le32(buf + GPT_CRC_OFFSET);
    static const uint8_t zero[4];
    uint32_t c = crc32_update(0, buf, GPT_CRC_OFFSET);
    c = crc32_update(c, zero, 4);
    c = crc32_update(c, buf + GPT_CRC_OFFSET + 4, size - GPT_CRC_OFFSET - 4);
    if (c != crc) {
        *why = "the GPT header's CRC does not match";
        return false;
    }
    g->first_usable = le64(buf + 40);
    g->last_usable = le64(buf + 48);
    g->entries_lba = le64(buf + 72);
    g->entry_count = le32(buf + 80);
    g->entry_size = le32(buf + 84);
    g->entries_crc = le32(buf + 88);
    if (le64(buf + 24) != lba) {
        *why = "the GPT header is not where it says it is";
        return false;
    }
    if (g->first_usable < 2 || g->first_usable > g->last_usable || g->last_usable >= disk - 1) {
        *why = "the GPT's usable area lies outside the disk";
        return false;
    }
    if ((g->entry_size != 128 && g->entry_size != 256 && g->entry_size != 512) ||
        g->entry_count == 0 || g->entry_count > GPT_ENTRIES_MAX_BYTES / g->entry_size) {
        *why = "the GPT entry array has an unsupported size";
        return false;
    }
    uint64_t sectors = ((uint64_t)g->entry_count * g->entry_size + PART_SECTOR - 1) / PART_SECTOR;
    uint64_t end = g->entries_lba + sectors; /* no overflow: checked below first */
    if (g->entries_lba < 2 || g->entries_lba >= disk || sectors > disk - g->entries_lba ||
        (g->entries_lba <= g->last_usable && end > g->first_usable) ||
        (lba >= g->entries_lba && lba < end)) {
        *why = "the GPT entry array lies outside the disk or over the usable area";
        return false;
    }
    return true;
}

/* Reads the entry array, checking its CRC, and keeps entry number's
 * first and last sector and whether its type is non-zero. */
static bool gpt_entries(part_read_fn read, void *ctx, const struct gpt *g, unsigned number,
                        uint8_t *buf, uint64_t *first, uint64_t *last, bool *used, const char **why)
{
    uint64_t bytes = (uint64_t)g->entry_count * g->entry_size;
    uint64_t want = (uint64_t)(number - 1) * g->entry_size; /* offset of the entry */
    uint32_t c = 0;
    *used = false;
    for (uint64_t off = 0; off < bytes; off += PART_SECTOR) {
        if (!read(ctx, g->entries_lba + off / PART_SECTOR, buf)) {
            *why = "the GPT entry array cannot be read";
            return false;
        }
        uint64_t n = bytes - off < PART_SECTOR ? bytes - off : PART_SECTOR;
        c = crc32_update(c, buf, (size_t)n);
        if (number <= g->entry_count && want >= off && want < off + PART_SECTOR) {
            /* entry_size divides PART_SECTOR, so the entry is within this sector */
            const uint8_t *e = buf + (want - off);
            for (int i = 0; i < 16; i++) {
                *used |= e[i] != 0;
            }
            *first = le64(e + 32);
            *last = le64(e + 40);
        }
    }
    if (c != g->entries_crc) {
        *why = "the GPT entry array's CRC does not match";
        return false;
    }
    return true;
}

/* The partition from the GPT whose header is at lba. PART_BAD means this
 * copy of the table is damaged (try the other). */
static enum part_status gpt_copy(part_read_fn read, void *ctx, uint64_t disk, uint64_t lba,
                                 unsigned number, uint8_t *buf, struct part_extent *out,
                                 const char **why)
{
    struct gpt g;
    uint64_t first = 0, last = 0;
    bool used;
    if (!read(ctx, lba, buf)) {
        return fail(why, PART_IO, "a GPT header cannot be read");
    }
    if (!gpt_header(buf, lba, disk, &g, why)) {
        return PART_BAD;
    }
    if (!gpt_entries(read, ctx, &g, number, buf, &first, &last, &used, why)) {
        return PART_BAD;
    }
    if (!used) {
        return fail(why, PART_NOT_FOUND, "no such GPT partition");
    }
    if (first > last || first < g.first_usable || last > g.last_usable) {
        return fail(why, PART_BAD, "a GPT partition lies outside the usable area");
    }
    *out = (struct part_extent){.first = first, .count = last - first + 1};
    return PART_FOUND;
}

static enum part_status gpt_find(part_read_fn read, void *ctx, uint64_t disk, unsigned number,
                                 uint8_t *buf, struct part_extent *out, const char **why)
{
    if (disk < 3) {
        return fail(why, PART_BAD, "a protective MBR on a disk too small for a GPT");
    }
    enum part_status st = gpt_copy(read, ctx, disk, 1, number, buf, out, why);
    if (st != PART_BAD) {
        return st;
    }
    const char *primary = *why;
    st = gpt_copy(read, ctx, disk, disk - 1, number, buf, out, why);
    if (st == PART_BAD) {
        *why = primary; /* both copies are bad: report the primary's fault */
    }
    return st;
}

enum part_status part_find(part_read_fn read, void *ctx, uint64_t disk_sectors, unsigned number,
                           struct part_extent *out, const char **why)
{
    uint8_t buf[PART_SECTOR];
    *why = "";
    if (number < 1 || number > BLK_PARTITION_MAX) {
        return fail(why, PART_NOT_FOUND, "partition numbers run from 1 to 128");
    }
    if (disk_sectors == 0) {
        return fail(why, PART_NO_TABLE, "the disk is empty");
    }
    if (!read(ctx, 0, buf)) {
        return fail(why, PART_IO, "sector 0 cannot be read");
    }
    if (!mbr_signed(buf)) {
        return fail(why, PART_NO_TABLE, "no partition table (no MBR signature)");
    }
    for (unsigned i = 0; i < 4; i++) {
        if (mbr_entry(buf, i).type == MBR_TYPE_GPT) {
            return gpt_find(read, ctx, disk_sectors, number, buf, out, why);
        }
    }
    return mbr_find(read, ctx, disk_sectors, number, buf, out, why);
}
