/*
 * Partition tables: where partition N of a disk lies, from its GUID
 * partition table (GPT, UEFI 2.x chapter 5) or its MBR (primary partitions
 * 1-4, logical partitions 5 and up in the extended partition's chain of
 * EBRs, numbered as Linux numbers them). Pure code: the caller supplies a
 * function that reads one sector, so the host tests run it on images in
 * memory.
 *
 * A partition table is whatever is on the disk: anyone who could write the
 * disk before (another client, a guest) wrote it. Every field is checked
 * before use: signatures, GPT header and entry-array CRCs, sizes, every
 * extent against the disk (and GPT's usable area, and an extended
 * partition), and the EBR chain is followed at most BLK_PARTITION_MAX
 * steps without visiting an EBR twice. A damaged primary GPT falls back to
 * the backup at the disk's last sector, as the UEFI spec says; a protective
 * MBR without a valid GPT is a damaged disk, never read as an MBR.
 */
#ifndef SERVICES_BLK_PART_H
#define SERVICES_BLK_PART_H

#include <stdbool.h>
#include <stdint.h>

#define PART_SECTOR 512u

/* Reads sector lba (512 bytes) into buf; false on an I/O error. */
typedef bool (*part_read_fn)(void *ctx, uint64_t lba, uint8_t *buf);

enum part_status {
    PART_FOUND,
    PART_NOT_FOUND, /* the table is sound but has no partition of that number */
    PART_NO_TABLE,  /* no MBR signature: the disk has no partition table */
    PART_BAD,       /* the table is malformed */
    PART_IO,        /* a sector could not be read */
};

struct part_extent {
    uint64_t first; /* first sector */
    uint64_t count; /* sectors, at least 1 */
};

/* Finds partition number (1..128) of a disk of disk_sectors sectors.
 * *why says what was wrong, for the log ("" with PART_FOUND). */
enum part_status part_find(part_read_fn read, void *ctx, uint64_t disk_sectors, unsigned number,
                           struct part_extent *out, const char **why);

#endif
