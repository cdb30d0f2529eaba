/*
 * Boot archive writer (cpio newc), as a library so the host unit tests can
 * drive it without a process per case.
 */
#ifndef TOOLS_BOOTPACK_H
#define TOOLS_BOOTPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bootpack_file {
    const char *name; /* name inside the archive */
    const char *path; /* file to read on the host */
};

/* Appends one entry with the given contents to f. */
bool bootpack_put(FILE *f, unsigned ino, const char *name, const void *data, size_t size,
                  unsigned mode);
/* Appends the TRAILER!!! entry. */
bool bootpack_finish(FILE *f);
/* Writes the archive at out from files; on failure says why in err. */
bool bootpack_write(const char *out, const struct bootpack_file *files, size_t count, char *err,
                    size_t err_size);

#endif
