/*
 * Error messages of the scenario tool (see diag.h for their shape). Paths are
 * computed from the tree when a message is printed, so the model keeps only
 * node offsets.
 */
#include "diag.h"

#include <inttypes.h>
#include <stdarg.h>

#include <libfdt.h>

void diag_init(struct diag *d, const char *file, FILE *out)
{
    d->file = file;
    d->out = out;
    d->errors = 0;
}

static void diag_finish(struct diag *d, const char *fmt, va_list ap)
{
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    d->errors++;
}

void diag_file(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    fprintf(d->out, "%s: ", d->file);
    va_start(ap, fmt);
    diag_finish(d, fmt, ap);
    va_end(ap);
}

void diag_node(struct diag *d, const void *fdt, int node, const char *fmt, ...)
{
    char path[DIAG_PATH_MAX];
    va_list ap;
    fprintf(d->out, "%s: %s: ", d->file, diag_path(fdt, node, path, sizeof(path)));
    va_start(ap, fmt);
    diag_finish(d, fmt, ap);
    va_end(ap);
}

void diag_prop(struct diag *d, const void *fdt, int node, const char *prop, const char *fmt, ...)
{
    char path[DIAG_PATH_MAX];
    va_list ap;
    fprintf(d->out, "%s: %s: property \"%s\": ", d->file, diag_path(fdt, node, path, sizeof(path)),
            prop);
    va_start(ap, fmt);
    diag_finish(d, fmt, ap);
    va_end(ap);
}

const char *diag_path(const void *fdt, int node, char *buf, size_t size)
{
    if (fdt_get_path(fdt, node, buf, (int)size) != 0) {
        snprintf(buf, size, "?");
    }
    return buf;
}

const char *diag_size(uint64_t size, char *buf, size_t buf_size)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    unsigned unit = 0;
    while (unit + 1 < sizeof(units) / sizeof(units[0]) && size != 0 && size % 1024 == 0) {
        size /= 1024;
        unit++;
    }
    snprintf(buf, buf_size, "%" PRIu64 " %s", size, units[unit]);
    return buf;
}
