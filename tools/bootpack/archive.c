/*
 * cpio newc writer: a 110-byte header of "070701" and thirteen 8-digit hex
 * fields, the name with its NUL padded to a multiple of 4 (with the header),
 * the data padded to a multiple of 4, and a final "TRAILER!!!" entry.
 */
#include "bootpack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MODE_FILE 0100644u
#define NAME_MAX_LEN 255

static bool put_padding(FILE *f, size_t written)
{
    static const char zeros[4];
    size_t pad = (4 - written % 4) % 4;
    return fwrite(zeros, 1, pad, f) == pad;
}

bool bootpack_put(FILE *f, unsigned ino, const char *name, const void *data, size_t size,
                  unsigned mode)
{
    char header[111];
    size_t namesize = strlen(name) + 1;
    if (size > 0xffffffffu) {
        return false;
    }
    snprintf(header, sizeof(header), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             ino, mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
    return fwrite(header, 1, 110, f) == 110 && fwrite(name, 1, namesize, f) == namesize &&
           put_padding(f, 110 + namesize) && fwrite(data, 1, size, f) == size &&
           put_padding(f, size);
}

bool bootpack_finish(FILE *f)
{
    return bootpack_put(f, 0, "TRAILER!!!", "", 0, 0);
}

static void *read_file(const char *path, size_t *size, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool failed = ferror(f) || buf == NULL;
    fclose(f);
    if (failed) {
        free(buf);
        snprintf(err, err_size, "cannot read %s", path);
        return NULL;
    }
    *size = len;
    return buf;
}

bool bootpack_write(const char *out, const struct bootpack_file *files, size_t count, char *err,
                    size_t err_size)
{
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(files[i].name);
        if (n == 0 || n > NAME_MAX_LEN || strcmp(files[i].name, "TRAILER!!!") == 0) {
            snprintf(err, err_size, "'%s' is not a usable name in a boot archive", files[i].name);
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(files[i].name, files[j].name) == 0) {
                snprintf(err, err_size, "'%s' is given twice", files[i].name);
                return false;
            }
        }
    }
    FILE *f = fopen(out, "wb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot create %s: %s", out, strerror(errno));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        size_t size = 0;
        void *data = read_file(files[i].path, &size, err, err_size);
        if (data == NULL) {
            ok = false;
            break;
        }
        ok = bootpack_put(f, (unsigned)i + 1, files[i].name, data, size, MODE_FILE);
        free(data);
        if (!ok) {
            snprintf(err, err_size, "cannot write %s", out);
        }
    }
    if (ok && !bootpack_finish(f)) {
        snprintf(err, err_size, "cannot write %s", out);
        ok = false;
    }
    if (fclose(f) != 0 && ok) {
        snprintf(err, err_size, "cannot write %s: %s", out, strerror(errno));
        ok = false;
    }
    return ok;
}
