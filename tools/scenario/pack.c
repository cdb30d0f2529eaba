/*
 * Writes a scenario's boot archive (cpio newc, through tools/bootpack's
 * writer): "root" first, then "system.dtb" (the compiled scenario exactly as
 * checked), then the files files_collect() found, in its order. Entries have
 * fixed owners and times, so the same inputs give the same bytes.
 */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootpack/bootpack.h"

#define PACK_MODE 0100644u

/* Reads a whole file; NULL (and why in err) on failure. */
static void *pack_read(const char *path, size_t *size, char *err, size_t err_size)
{
    errno = 0;
    FILE *f = fopen(path, "rb");
    void *data = NULL;
    long len = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        data = malloc(len > 0 ? (size_t)len : 1);
        if (data != NULL && fread(data, 1, (size_t)len, f) != (size_t)len) {
            free(data);
            data = NULL;
        }
    }
    if (data == NULL) {
        snprintf(err, err_size, "cannot read %s: %s", path, errno ? strerror(errno) : "short read");
    }
    if (f != NULL) {
        fclose(f);
    }
    *size = (size_t)len;
    return data;
}

static bool pack_put_file(FILE *f, unsigned ino, const char *name, const char *path, char *err,
                          size_t err_size)
{
    size_t size;
    void *data = pack_read(path, &size, err, err_size);
    if (data == NULL) {
        return false;
    }
    bool ok = bootpack_put(f, ino, name, data, size, PACK_MODE);
    free(data);
    if (!ok) {
        snprintf(err, err_size, "cannot write the archive (%s)", name);
    }
    return ok;
}

static bool pack_entries(FILE *f, const char *root, const char *loader, const void *dtb,
                         size_t dtb_size, const struct file_list *list, char *err, size_t err_size)
{
    if (!pack_put_file(f, 1, "root", root, err, err_size)) {
        return false;
    }
    if (!bootpack_put(f, 2, "system.dtb", dtb, dtb_size, PACK_MODE)) {
        snprintf(err, err_size, "cannot write the archive (system.dtb)");
        return false;
    }
    if (loader != NULL && !pack_put_file(f, 3, "loader.elf", loader, err, err_size)) {
        return false;
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct archive_file *a = &list->files[i];
        if (!pack_put_file(f, (unsigned)i + 4, a->name, a->path, err, err_size)) {
            return false;
        }
    }
    if (!bootpack_finish(f)) {
        snprintf(err, err_size, "cannot write the archive");
        return false;
    }
    return true;
}

bool pack_write(const char *out, const char *root, const char *loader, const void *dtb,
                size_t dtb_size, const struct file_list *list, char *err, size_t err_size)
{
    FILE *f = fopen(out, "wb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot create %s: %s", out, strerror(errno));
        return false;
    }
    bool ok = pack_entries(f, root, loader, dtb, dtb_size, list, err, err_size);
    if (fclose(f) != 0 && ok) {
        snprintf(err, err_size, "cannot write %s: %s", out, strerror(errno));
        ok = false;
    }
    if (!ok) {
        remove(out);
    }
    return ok;
}

bool pack_write_depfile(const char *path, const char *out, const char *dts, const char *root,
                        const struct file_list *list)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return false;
    }
    fprintf(f, "%s: %s %s", out, dts, root);
    for (size_t i = 0; i < list->count; i++) {
        fprintf(f, " \\\n  %s", list->files[i].path);
    }
    fprintf(f, "\n");
    return fclose(f) == 0;
}
