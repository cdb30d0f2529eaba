/*
 * bootpack: writes a boot archive, a cpio archive in "newc" format (the
 * format of Linux initramfs images), from named files:
 *
 *     bootpack -o build/boot-default.cpio root=build/services/root/root.elf \
 *              system.dtb=build/scenarios/default.dtb
 *
 * Entries are written in the order given, with fixed owner and time stamps so
 * the same inputs always give the same archive. The kernel reads the archive
 * with kernel/lib/cpio.c.
 */
#include "bootpack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    fprintf(stderr, "usage: bootpack -o ARCHIVE NAME=FILE...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int first = 1;
    if (argc >= 3 && strcmp(argv[1], "-o") == 0) {
        out = argv[2];
        first = 3;
    }
    if (out == NULL || first >= argc) {
        usage();
    }
    size_t count = (size_t)(argc - first);
    struct bootpack_file *files = calloc(count, sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "bootpack: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        char *arg = argv[first + (int)i];
        char *eq = strchr(arg, '=');
        if (eq == NULL || eq == arg || eq[1] == 0) {
            fprintf(stderr, "bootpack: '%s': expected NAME=FILE\n", arg);
            return 2;
        }
        *eq = 0;
        files[i].name = arg;
        files[i].path = eq + 1;
    }
    char err[512];
    if (!bootpack_write(out, files, count, err, sizeof(err))) {
        fprintf(stderr, "bootpack: %s\n", err);
        remove(out);
        return 1;
    }
    free(files);
    return 0;
}
