/*
 * Reader for the boot archive: a cpio archive in "newc" format (the format of
 * Linux initramfs images, magic 070701 or 070702). Every header, name and
 * size is checked against the archive's bounds; a malformed archive ends the
 * walk with an error instead of reading outside it.
 */
#ifndef KERNEL_LIB_CPIO_H
#define KERNEL_LIB_CPIO_H

#include "lib/types.h"

struct cpio_entry {
    const char *name; /* NUL-terminated, leading "./" removed */
    const uint8_t *data;
    size_t size;
    uint32_t mode;
};

enum cpio_status {
    CPIO_OK,
    CPIO_END,       /* reached the TRAILER!!! entry */
    CPIO_MALFORMED, /* bad magic, bad hex field, or an entry that overruns */
};

struct cpio_iter {
    const uint8_t *base;
    size_t size;
    size_t off;
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);
enum cpio_status cpio_next(struct cpio_iter *it, struct cpio_entry *out);

/* Finds a regular file by name. Returns CPIO_OK, CPIO_END (not found) or
 * CPIO_MALFORMED (the archive is broken before the name was found). */
enum cpio_status cpio_find(const void *archive, size_t size, const char *name,
                           struct cpio_entry *out);

#endif
