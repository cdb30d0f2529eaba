/*
 * scenario: checks a system description and packs its boot archive.
 *
 *     scenario check [OPTIONS] FILE.dts
 *     scenario pack -o ARCHIVE [OPTIONS] FILE.dts
 *
 * FILE.dts is compiled with dtc (a FILE.dtb is read as it is), then checked
 * node by node (parse*.c), across nodes (check*.c) and against the files it
 * names (files.c). Every problem is one line on stderr, "FILE: PATH:
 * property "NAME": REASON"; the exit status is 0 when there was none, 1 when
 * there was, 2 for a bad command line. docs/scenarios.md is the contract.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "dtc.h"
#include "files.h"
#include "scenario.h"

struct options {
    bool pack;
    const char *file;
    const char *out;
    const char *root;
    const char *loader;
    const char *dtb_out;
    const char *depfile;
    struct files_config files;
    struct scenario_limits limits;
};

static void main_usage(void)
{
    fprintf(stderr, "usage: scenario check [OPTIONS] FILE.dts\n"
                    "       scenario pack -o ARCHIVE [OPTIONS] FILE.dts\n"
                    "  --programs DIR         where programs NAME.elf are (build/programs)\n"
                    "  --images DIR           where VM kernels and initrds are (build/guest)\n"
                    "  --machine-memory SIZE  RAM of the machine: bytes, or with K, M, G (1G)\n"
                    "  --machine-cpus N       CPUs of the machine (2)\n"
                    "  --root FILE            pack: the root task (build/programs/root.elf)\n"
                    "  --loader FILE          pack: the loader, archived as loader.elf\n"
                    "  --depfile FILE         pack: write the archive's make dependencies\n"
                    "  --dtb FILE             also write the compiled scenario\n");
    exit(2);
}

/* "1073741824", "0x40000000", "1G", "512M": a non-zero byte count. */
static bool main_parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    unsigned shift = 0;
    if (*end != '\0') {
        const char *units = "KMGT";
        const char *unit = strchr(units, *end >= 'a' ? *end - 'a' + 'A' : *end);
        if (unit == NULL || *unit == '\0' || end[1] != '\0') {
            return false;
        }
        shift = 10 * (unsigned)(unit - units + 1);
    }
    if (errno != 0 || end == text || value == 0 || value > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = (uint64_t)value << shift;
    return true;
}

static void main_parse_option(struct options *o, int opt, const char *arg)
{
    uint64_t value;
    switch (opt) {
    case 'o':
        o->out = arg;
        break;
    case 'p':
        o->files.programs = arg;
        break;
    case 'i':
        o->files.images = arg;
        break;
    case 'r':
        o->root = arg;
        break;
    case 'L':
        o->loader = arg;
        break;
    case 'd':
        o->dtb_out = arg;
        break;
    case 'D':
        o->depfile = arg;
        break;
    case 'm':
        if (!main_parse_size(arg, &o->limits.memory)) {
            fprintf(stderr, "scenario: --machine-memory %s: expected a size like 1G\n", arg);
            exit(2);
        }
        break;
    case 'c':
        if (!main_parse_size(arg, &value) || value > 256) {
            fprintf(stderr, "scenario: --machine-cpus %s: expected 1..256\n", arg);
            exit(2);
        }
        o->limits.cpus = (uint32_t)value;
        break;
    default:
        main_usage();
    }
}

static void main_parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"programs", required_argument, NULL, 'p'},
        {"images", required_argument, NULL, 'i'},
        {"root", required_argument, NULL, 'r'},
        {"loader", required_argument, NULL, 'L'},
        {"dtb", required_argument, NULL, 'd'},
        {"depfile", required_argument, NULL, 'D'},
        {"machine-memory", required_argument, NULL, 'm'},
        {"machine-cpus", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "pack") != 0)) {
        main_usage();
    }
    *o = (struct options){.pack = strcmp(argv[1], "pack") == 0,
                          .root = "build/programs/root.elf",
                          .files = {"build/programs", "build/guest"},
                          .limits = {1ull << 30, 2}};
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        main_parse_option(o, opt, optarg);
    }
    if (optind != argc - 1 || (o->pack && o->out == NULL) || (!o->pack && o->out != NULL)) {
        main_usage();
    }
    o->file = argv[optind];
}

/* The whole of a file (a .dtb), or NULL. */
static void *main_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *data = NULL;
    long len = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)len)) != NULL &&
        fread(data, 1, (size_t)len, f) != (size_t)len) {
        free(data);
        data = NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    *size = len > 0 ? (size_t)len : 0;
    return data;
}

/* The compiled scenario: dtc's output, or the .dtb file as it is. */
static void *main_load(struct diag *d, const char *file, size_t *size)
{
    size_t n = strlen(file);
    void *blob = NULL;
    if (n > 4 && strcmp(file + n - 4, ".dtb") == 0) {
        if ((blob = main_read(file, size)) == NULL) {
            diag_file(d, "cannot read the file");
        }
    } else if ((blob = dtc_compile(file, size)) == NULL) {
        diag_file(d, "dtc could not compile it (dtc's message is above)");
    }
    int err = blob ? fdt_check_full(blob, *size) : 0;
    if (err != 0) {
        diag_file(d, "not a valid device tree blob: %s", fdt_strerror(err));
        free(blob);
        blob = NULL;
    }
    return blob;
}

static bool main_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    bool ok = f != NULL && fwrite(data, 1, size, f) == size;
    if (f != NULL && fclose(f) != 0) {
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "scenario: cannot write %s: %s\n", path, strerror(errno));
    }
    return ok;
}

/* Writes what the command asks for once the scenario passed every check. */
static bool main_output(const struct options *o, const void *blob, size_t size,
                        const struct file_list *files)
{
    char err[PATH_MAX + 128];
    if (o->dtb_out != NULL && !main_write(o->dtb_out, blob, size)) {
        return false;
    }
    if (!o->pack) {
        return true;
    }
    if (!pack_write(o->out, o->root, o->loader, blob, size, files, err, sizeof(err))) {
        fprintf(stderr, "scenario: %s\n", err);
        return false;
    }
    if (o->depfile != NULL && !pack_write_depfile(o->depfile, o->out, o->file, o->root, files)) {
        fprintf(stderr, "scenario: cannot write %s\n", o->depfile);
        return false;
    }
    return true;
}

/* The scenario's "root" property names the root task's program, found like
 * any other program; otherwise --root (or its default) is used. */
static bool main_root(struct options *o, const struct scenario *s, struct diag *d, char *path,
                      size_t size)
{
    if (s->root_program == NULL) {
        return true;
    }
    snprintf(path, size, "%s/%s.elf", o->files.programs, s->root_program);
    if (access(path, R_OK) != 0) {
        diag_prop(d, s->fdt, 0, "root", "program \"%s\" not found (no %s)", s->root_program, path);
        return false;
    }
    o->root = path;
    return true;
}

int main(int argc, char **argv)
{
    struct options o;
    struct diag d;
    struct file_list files = {0};
    size_t size = 0;
    main_parse_args(argc, argv, &o);
    diag_init(&d, o.file, stderr);
    void *blob = main_load(&d, o.file, &size);
    struct scenario *s = blob ? parse_scenario(blob, &d) : NULL;
    bool ok = false;
    char root_path[PATH_MAX];
    if (s != NULL) {
        /* All run, so one run reports inconsistencies and missing files. */
        bool consistent = check_scenario(s, &o.limits, &d);
        bool found = files_collect(s, &o.files, &d, &files);
        bool root = main_root(&o, s, &d, root_path, sizeof(root_path));
        ok = consistent && found && root && main_output(&o, blob, size, &files);
    }
    files_free(&files);
    scenario_free(s);
    free(blob);
    return ok ? 0 : 1;
}
