/*
 * The files a scenario puts in its boot archive, and the archive itself.
 *
 * files_collect() finds, in tree order, every file the scenario refers to:
 * each component's program (PROGRAMS/NAME.elf, archived as "NAME.elf"), each
 * VM's monitor program (likewise), kernel and initrd (IMAGES/FILE, archived
 * as "FILE"). A file named twice is archived once. It reports each missing
 * file, each program that is not an AArch64 ELF executable, and each archive
 * name that two different files would share.
 *
 * pack_write() writes the archive: "root", "system.dtb", then those files.
 */
#ifndef TOOLS_SCENARIO_FILES_H
#define TOOLS_SCENARIO_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct files_config {
    const char *programs; /* directory of NAME.elf */
    const char *images;   /* directory of VM kernels and initrds */
};

struct archive_file {
    char name[SCENARIO_FILE_NAME_MAX + 1]; /* name in the archive */
    char path[PATH_MAX];                   /* file on the host */
    int node;                              /* the node that asked for it */
    const char *prop;                      /* and the property */
};

struct file_list {
    struct archive_file *files;
    size_t count;
    size_t cap;
};

bool files_collect(const struct scenario *s, const struct files_config *cfg, struct diag *d,
                   struct file_list *out);
void files_free(struct file_list *list);

/* Writes the boot archive at out (with loader.elf when loader is not NULL);
 * on failure says why in err and leaves no file behind. */
bool pack_write(const char *out, const char *root, const char *loader, const void *dtb,
                size_t dtb_size, const struct file_list *list, char *err, size_t err_size);
/* Writes a make dependency file: "OUT: DTS ROOT FILE...". */
bool pack_write_depfile(const char *path, const char *out, const char *dts, const char *root,
                        const struct file_list *list);

#endif
