/*
 * Host tests of the boot archive a scenario packs into (tools/scenario
 * files.c and pack.c): which files go in, under which names, in which
 * order, and that the kernel's own cpio reader (kernel/lib/cpio.c) finds
 * each of them where the loader will look.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/cpio.h"
#include "scenario/files.h"
#include "scenario/scenario.h"

#define TREE_SIZE 8192

static const struct scenario_limits one_gib_two_cpus = {1ull << 30, 2};
static const char elf_header[20] = "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\267\0";

struct fixture {
    char dir[64];
    char programs[96];
    char images[96];
    void *fdt;
};

static void write_file(const char *dir, const char *name, const void *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
}

static int node(void *fdt, const char *parent, const char *name)
{
    int n = fdt_add_subnode(fdt, fdt_path_offset(fdt, parent), name);
    assert_true(n >= 0);
    return n;
}

/* Two components running one program, and a VM with kernel and initrd. */
static void *two_components_and_a_vm(void)
{
    void *fdt = malloc(TREE_SIZE);
    assert_int_equal(fdt_create_empty_tree(fdt, TREE_SIZE), 0);
    fdt_setprop_string(fdt, 0, "compatible", "bastei,system");
    node(fdt, "/", "components");
    const char *names[] = {"net0", "net1"};
    for (int i = 0; i < 2; i++) {
        int c = node(fdt, "/components", names[i]);
        fdt_setprop_string(fdt, c, "program", "netdrv");
        fdt_setprop_u64(fdt, c, "memory", 0x10000);
    }
    node(fdt, "/", "vms");
    int vm = node(fdt, "/vms", "linux1");
    fdt_setprop_string(fdt, vm, "kernel", "Image");
    fdt_setprop_string(fdt, vm, "initrd", "initrd.cpio.gz");
    fdt_setprop_u64(fdt, vm, "memory", 0x1000000);
    return fdt;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/scenario-pack-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->programs, sizeof(f->programs), "%s/programs", f->dir);
    snprintf(f->images, sizeof(f->images), "%s/images", f->dir);
    assert_int_equal(mkdir(f->programs, 0700) | mkdir(f->images, 0700), 0);
    write_file(f->programs, "root.elf", elf_header, sizeof(elf_header));
    write_file(f->programs, "netdrv.elf", elf_header, sizeof(elf_header));
    write_file(f->programs, "vmm.elf", elf_header, sizeof(elf_header));
    write_file(f->images, "Image", "kernel!", 7);
    write_file(f->images, "initrd.cpio.gz", "initrd", 6);
    f->fdt = two_components_and_a_vm();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    static const char *const files[] = {
        "programs/root.elf",
        "programs/netdrv.elf",
        "programs/vmm.elf",
        "images/Image",
        "images/initrd.cpio.gz",
        "boot.cpio",
        "programs",
        "images",
        "",
    };
    struct fixture *f = *state;
    char path[160];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
        remove(path); /* some were never made, or removed by the test */
    }
    free(f->fdt);
    free(f);
    return 0;
}

/* Collects the fixture's files; true when files_collect() accepted them. */
static bool collect(struct fixture *f, struct scenario **s, struct file_list *list, char **out)
{
    size_t size;
    struct diag d;
    FILE *stream = open_memstream(out, &size);
    diag_init(&d, "t.dts", stream);
    *s = parse_scenario(f->fdt, &d);
    assert_non_null(*s);
    assert_true(check_scenario(*s, &one_gib_two_cpus, &d));
    struct files_config cfg = {f->programs, f->images};
    bool ok = files_collect(*s, &cfg, &d, list);
    fclose(stream);
    return ok;
}

static void files_are_found_in_tree_order_and_a_shared_program_once(void **state)
{
    struct fixture *f = *state;
    struct scenario *s;
    struct file_list list = {0};
    char *out;
    assert_true(collect(f, &s, &list, &out));
    assert_int_equal(list.count, 4);
    assert_string_equal(list.files[0].name, "netdrv.elf");
    assert_string_equal(list.files[1].name, "vmm.elf");
    assert_string_equal(list.files[2].name, "Image");
    assert_string_equal(list.files[3].name, "initrd.cpio.gz");
    files_free(&list);
    scenario_free(s);
    free(out);
}

static void archive_holds_root_dtb_and_files_where_the_kernel_reader_finds_them(void **state)
{
    struct fixture *f = *state;
    struct scenario *s;
    struct file_list list = {0};
    char *out, archive[128], root[128], err[256];
    assert_true(collect(f, &s, &list, &out));
    snprintf(archive, sizeof(archive), "%s/boot.cpio", f->dir);
    snprintf(root, sizeof(root), "%s/root.elf", f->programs);
    assert_true(
        pack_write(archive, root, NULL, f->fdt, fdt_totalsize(f->fdt), &list, err, sizeof(err)));

    FILE *in = fopen(archive, "rb");
    static uint8_t data[65536];
    size_t size = fread(data, 1, sizeof(data), in);
    fclose(in);
    struct cpio_iter it;
    struct cpio_entry e;
    const char *order[] = {"root",    "system.dtb", "netdrv.elf",
                           "vmm.elf", "Image",      "initrd.cpio.gz"};
    cpio_iter_init(&it, data, size);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        assert_int_equal(cpio_next(&it, &e), CPIO_OK);
        assert_string_equal(e.name, order[i]);
    }
    assert_int_equal(cpio_next(&it, &e), CPIO_END);
    assert_int_equal(cpio_find(data, size, "system.dtb", &e), CPIO_OK);
    assert_int_equal(e.size, fdt_totalsize(f->fdt));
    assert_memory_equal(e.data, f->fdt, e.size);
    assert_int_equal(cpio_find(data, size, "Image", &e), CPIO_OK);
    assert_memory_equal(e.data, "kernel!", 7);
    files_free(&list);
    scenario_free(s);
    free(out);
}

static void failed_pack_leaves_no_archive(void **state)
{
    struct fixture *f = *state;
    struct file_list list = {0};
    char archive[128], err[256];
    snprintf(archive, sizeof(archive), "%s/boot.cpio", f->dir);
    assert_false(pack_write(archive, "/nonexistent/root.elf", NULL, f->fdt, fdt_totalsize(f->fdt),
                            &list, err, sizeof(err)));
    assert_non_null(strstr(err, "cannot read /nonexistent/root.elf"));
    assert_int_equal(access(archive, F_OK), -1);
}

static void missing_initrd_is_reported_with_its_path(void **state)
{
    struct fixture *f = *state;
    struct scenario *s;
    struct file_list list = {0};
    char *out, path[160], expected[320];
    snprintf(path, sizeof(path), "%s/initrd.cpio.gz", f->images);
    assert_int_equal(unlink(path), 0);
    assert_false(collect(f, &s, &list, &out));
    snprintf(expected, sizeof(expected),
             "t.dts: /vms/linux1: property \"initrd\": cannot read %s: No such file or "
             "directory\n",
             path);
    assert_string_equal(out, expected);
    files_free(&list);
    scenario_free(s);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(files_are_found_in_tree_order_and_a_shared_program_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            archive_holds_root_dtb_and_files_where_the_kernel_reader_finds_them, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_pack_leaves_no_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_initrd_is_reported_with_its_path, setup, teardown),
    };
    return cmocka_run_group_tests_name("scenario_pack", tests, NULL, NULL);
}
