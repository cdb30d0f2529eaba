/*
 * Finds the files a scenario puts in its boot archive (see files.h) and
 * checks each exists; programs must also start with the header of an
 * AArch64 ELF executable. The loader checks the rest of each ELF at boot;
 * this catches the common mistakes (a typo, a host binary) at build time.
 */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ELF_HEADER_PREFIX 20 /* e_ident, e_type and e_machine */
#define ELF_ET_EXEC 2
#define ELF_EM_AARCH64 183

/* Empty when path is readable and (if program) looks like an AArch64 ELF
 * executable; otherwise why not. */
static const char *files_problem(const char *path, bool program, char *buf, size_t size)
{
    unsigned char h[ELF_HEADER_PREFIX];
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(buf, size, "%s is not a regular file", path);
        return buf;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(buf, size, "cannot read %s: %s", path, strerror(errno));
        return buf;
    }
    size_t got = fread(h, 1, sizeof(h), f);
    fclose(f);
    buf[0] = '\0';
    if (program && (got < sizeof(h) || memcmp(h, "\177ELF", 4) != 0 || h[4] != 2 || h[5] != 1 ||
                    h[16] != ELF_ET_EXEC || h[17] != 0 || h[18] != ELF_EM_AARCH64 || h[19] != 0)) {
        snprintf(buf, size, "%s is not a 64-bit little-endian AArch64 ELF executable", path);
    }
    return buf;
}

static struct archive_file *files_find(struct file_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->files[i].name, name) == 0) {
            return &list->files[i];
        }
    }
    return NULL;
}

static bool files_grow(struct file_list *list)
{
    if (list->count < list->cap) {
        return true;
    }
    size_t cap = list->cap ? 2 * list->cap : 8;
    struct archive_file *files = realloc(list->files, cap * sizeof(*files));
    if (files == NULL) {
        return false;
    }
    list->files = files;
    list->cap = cap;
    return true;
}

/* Adds the file dir/file, archived as name, that node's prop asks for. */
static void files_add(const struct scenario *s, struct diag *d, struct file_list *list,
                      const char *dir, const char *name, bool program, int node, const char *prop)
{
    char path[PATH_MAX], why[PATH_MAX + 128], other[DIAG_PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct archive_file *seen = files_find(list, name);
    if (seen != NULL && strcmp(seen->path, path) == 0) {
        return;
    }
    if (strcmp(name, "root") == 0 || strcmp(name, "system.dtb") == 0) {
        diag_prop(d, s->fdt, node, prop, "the archive name \"%s\" is reserved", name);
        return;
    }
    if (seen != NULL) {
        diag_prop(d, s->fdt, node, prop, "the archive name \"%s\" is already taken by %s (%s)",
                  name, diag_path(s->fdt, seen->node, other, sizeof(other)), seen->path);
        return;
    }
    if (files_problem(path, program, why, sizeof(why))[0] != '\0') {
        diag_prop(d, s->fdt, node, prop, "%s", why);
        return;
    }
    if (!files_grow(list)) {
        diag_file(d, "out of memory");
        return;
    }
    struct archive_file *f = &list->files[list->count++];
    snprintf(f->name, sizeof(f->name), "%s", name);
    snprintf(f->path, sizeof(f->path), "%s", path);
    f->node = node;
    f->prop = prop;
}

static void files_add_program(const struct scenario *s, struct diag *d, struct file_list *list,
                              const char *dir, const char *program, int node, const char *prop)
{
    char name[SCENARIO_NAME_MAX + sizeof(".elf")];
    snprintf(name, sizeof(name), "%s.elf", program);
    files_add(s, d, list, dir, name, true, node, prop);
}

bool files_collect(const struct scenario *s, const struct files_config *cfg, struct diag *d,
                   struct file_list *out)
{
    unsigned before = d->errors;
    for (size_t i = 0; i < s->component_count; i++) {
        const struct component *c = &s->components[i];
        files_add_program(s, d, out, cfg->programs, c->program, c->node, "program");
    }
    for (size_t i = 0; i < s->vm_count; i++) {
        const struct vm *vm = &s->vms[i];
        files_add_program(s, d, out, cfg->programs, vm->vmm, vm->node, "vmm");
        files_add(s, d, out, cfg->images, vm->kernel, false, vm->node, "kernel");
        if (vm->initrd != NULL) {
            files_add(s, d, out, cfg->images, vm->initrd, false, vm->node, "initrd");
        }
    }
    return d->errors == before;
}

void files_free(struct file_list *list)
{
    free(list->files);
    list->files = NULL;
    list->count = list->cap = 0;
}
