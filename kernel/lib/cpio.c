/*
 * cpio "newc" reader: see cpio.h. The format: a 110-byte ASCII header
 * (6-byte magic and thirteen 8-digit hex fields), the name (namesize bytes
 * including its NUL) padded so header+name is a multiple of 4, then the data
 * padded to a multiple of 4. The last entry is named "TRAILER!!!".
 */
#include "lib/cpio.h"
#include "lib/string.h"

enum {
    HEADER_SIZE = 110,
    FIELD_MODE = 1,
    FIELD_FILESIZE = 6,
    FIELD_NAMESIZE = 11,
    S_IFMT = 0170000,
    S_IFREG = 0100000,
};

static bool hex_field(const uint8_t *hdr, unsigned field, uint32_t *out)
{
    const uint8_t *p = hdr + 6 + 8 * field;
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return false;
        }
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
    it->base = archive;
    it->size = size;
    it->off = 0;
}

enum cpio_status cpio_next(struct cpio_iter *it, struct cpio_entry *out)
{
    size_t off = it->off;
    if (off > it->size || it->size - off < HEADER_SIZE) {
        return CPIO_MALFORMED; /* ran out without a trailer */
    }
    const uint8_t *hdr = it->base + off;
    if (memcmp(hdr, "07070", 5) != 0 || (hdr[5] != '1' && hdr[5] != '2')) {
        return CPIO_MALFORMED;
    }
    uint32_t mode, filesize, namesize;
    if (!hex_field(hdr, FIELD_MODE, &mode) || !hex_field(hdr, FIELD_FILESIZE, &filesize) ||
        !hex_field(hdr, FIELD_NAMESIZE, &namesize)) {
        return CPIO_MALFORMED;
    }
    size_t room = it->size - off - HEADER_SIZE;
    if (namesize == 0 || namesize > room) {
        return CPIO_MALFORMED;
    }
    const char *name = (const char *)hdr + HEADER_SIZE;
    if (name[namesize - 1] != 0 || strnlen(name, namesize) != namesize - 1) {
        return CPIO_MALFORMED;
    }
    size_t data_off = ALIGN_UP((size_t)HEADER_SIZE + namesize, (size_t)4);
    if (data_off > it->size - off || filesize > it->size - off - data_off) {
        return CPIO_MALFORMED;
    }
    if (strcmp(name, "TRAILER!!!") == 0) {
        return CPIO_END;
    }
    while (name[0] == '.' && name[1] == '/') {
        name += 2;
    }
    out->name = name;
    out->data = hdr + data_off;
    out->size = filesize;
    out->mode = mode;
    size_t next = data_off + ALIGN_UP((size_t)filesize, (size_t)4);
    it->off = off + MIN(next, it->size - off);
    return CPIO_OK;
}

enum cpio_status cpio_find(const void *archive, size_t size, const char *name,
                           struct cpio_entry *out)
{
    struct cpio_iter it;
    cpio_iter_init(&it, archive, size);
    for (;;) {
        enum cpio_status st = cpio_next(&it, out);
        if (st != CPIO_OK) {
            return st;
        }
        if ((out->mode & S_IFMT) == S_IFREG && strcmp(out->name, name) == 0) {
            return CPIO_OK;
        }
    }
}
