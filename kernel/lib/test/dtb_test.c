/*
 * Host tests of the kernel's device tree reader (kernel/lib/dtb.c), checked
 * against Debian's libfdt on trees built with libfdt's sequential writer, and
 * against corrupt blobs under AddressSanitizer (every blob sits in a heap
 * buffer of exactly its size, so any overread is caught).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/dtb.h"

#define BLOB_MAX 8192

static void *finish(void *buf)
{
    assert_int_equal(fdt_finish(buf), 0);
    uint32_t size = fdt_totalsize(buf);
    void *exact = malloc(size);
    memcpy(exact, buf, size);
    free(buf);
    return exact;
}

static void prop_cells(void *fdt, const char *name, int count, ...)
{
    uint32_t cells[16];
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++) {
        cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
    }
    va_end(ap);
    assert_int_equal(fdt_property(fdt, name, cells, 4 * count), 0);
}

/* A tree shaped like QEMU virt's: memory, cpus, GIC, UART, chosen. */
static void *virt_like_tree(void)
{
    void *fdt = malloc(BLOB_MAX);
    assert_int_equal(fdt_create(fdt, BLOB_MAX), 0);
    assert_int_equal(fdt_add_reservemap_entry(fdt, 0x48000000, 0x1000), 0);
    assert_int_equal(fdt_finish_reservemap(fdt), 0);
    assert_int_equal(fdt_begin_node(fdt, ""), 0);
    prop_cells(fdt, "#address-cells", 1, 2);
    prop_cells(fdt, "#size-cells", 1, 2);
    assert_int_equal(fdt_property_string(fdt, "model", "test-virt"), 0);

    assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
    assert_int_equal(fdt_property_string(fdt, "stdout-path", "/pl011@9000000"), 0);
    prop_cells(fdt, "linux,initrd-start", 1, 0x48000000);
    prop_cells(fdt, "linux,initrd-end", 2, 0, 0x48100000);
    assert_int_equal(fdt_end_node(fdt), 0);

    assert_int_equal(fdt_begin_node(fdt, "memory@40000000"), 0);
    assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
    prop_cells(fdt, "reg", 4, 0, 0x40000000, 0, 0x40000000);
    assert_int_equal(fdt_end_node(fdt), 0);

    assert_int_equal(fdt_begin_node(fdt, "cpus"), 0);
    prop_cells(fdt, "#address-cells", 1, 1);
    prop_cells(fdt, "#size-cells", 1, 0);
    for (uint32_t i = 0; i < 2; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu@%u", i);
        assert_int_equal(fdt_begin_node(fdt, name), 0);
        assert_int_equal(fdt_property_string(fdt, "device_type", "cpu"), 0);
        prop_cells(fdt, "reg", 1, i);
        assert_int_equal(fdt_end_node(fdt), 0);
    }
    assert_int_equal(fdt_end_node(fdt), 0);

    assert_int_equal(fdt_begin_node(fdt, "intc@8000000"), 0);
    static const char compat[] = "arm,gic-v3\0arm,gic-other";
    assert_int_equal(fdt_property(fdt, "compatible", compat, sizeof(compat)), 0);
    prop_cells(fdt, "reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
    prop_cells(fdt, "phandle", 1, 0x8003);
    assert_int_equal(fdt_end_node(fdt), 0);

    assert_int_equal(fdt_begin_node(fdt, "pl011@9000000"), 0);
    static const char uart[] = "arm,pl011\0arm,primecell";
    assert_int_equal(fdt_property(fdt, "compatible", uart, sizeof(uart)), 0);
    prop_cells(fdt, "reg", 4, 0, 0x9000000, 0, 0x1000);
    assert_int_equal(fdt_end_node(fdt), 0);

    assert_int_equal(fdt_end_node(fdt), 0);
    return finish(fdt);
}

static void walk_matches_libfdt(void **state)
{
    (void)state;
    void *blob = virt_like_tree();
    struct dtb f;
    const char *why = NULL;
    assert_true(dtb_init(&f, blob, fdt_totalsize(blob), &why));

    int depth = 0, ref_depth = 0;
    int n = dtb_next_node(&f, -1, &depth);
    int ref = 0; /* libfdt's root */
    assert_int_equal(n, ref);
    assert_int_equal(depth, 0);
    for (;;) {
        n = dtb_next_node(&f, n, &depth);
        ref = fdt_next_node(blob, ref, &ref_depth);
        if (ref < 0 || ref_depth < 0) { /* libfdt's end of the tree */
            assert_int_equal(n, -1);
            break;
        }
        assert_int_equal(n, ref);
        assert_int_equal(depth, ref_depth);
        assert_string_equal(dtb_name(&f, n), fdt_get_name(blob, ref, NULL));
    }
    free(blob);
}

static void path_lookup_matches_libfdt(void **state)
{
    (void)state;
    void *blob = virt_like_tree();
    struct dtb f;
    assert_true(dtb_init(&f, blob, fdt_totalsize(blob), NULL));
    static const char *const paths[] = {
        "/", "/chosen", "/cpus", "/cpus/cpu@1", "/cpus/cpu@0", "/intc@8000000", "/memory@40000000"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        assert_int_equal(dtb_path(&f, paths[i]), fdt_path_offset(blob, paths[i]));
    }
    /* Without a unit address, as libfdt also allows. */
    assert_int_equal(dtb_path(&f, "/memory"), fdt_path_offset(blob, "/memory"));
    assert_int_equal(dtb_path(&f, "/nonexistent"), -1);
    assert_int_equal(dtb_path(&f, "/cpus/cpu@7"), -1);
    assert_int_equal(dtb_path(&f, "relative"), -1);
    free(blob);
}

static void reg_uses_parent_cells(void **state)
{
    (void)state;
    void *blob = virt_like_tree();
    struct dtb f;
    assert_true(dtb_init(&f, blob, fdt_totalsize(blob), NULL));
    uint64_t addr, size;
    int gic = dtb_find_compatible(&f, -1, "arm,gic-v3");
    assert_int_equal(gic, fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3"));
    assert_true(dtb_reg(&f, gic, 1, &addr, &size));
    assert_int_equal(addr, 0x80a0000);
    assert_int_equal(size, 0xf60000);
    assert_false(dtb_reg(&f, gic, 2, &addr, &size));
    int cpu1 = dtb_path(&f, "/cpus/cpu@1");
    assert_true(dtb_reg(&f, cpu1, 0, &addr, &size));
    assert_int_equal(addr, 1);
    assert_int_equal(size, 0);
    assert_int_equal(dtb_parent(&f, cpu1), dtb_path(&f, "/cpus"));
    assert_int_equal(dtb_parent(&f, 0), -1);
    assert_true(dtb_compatible(&f, gic, "arm,gic-other"));
    assert_false(dtb_compatible(&f, gic, "arm,gic"));
    assert_int_equal(dtb_find_phandle(&f, 0x8003), gic);
    free(blob);
}

static void properties_and_reservations(void **state)
{
    (void)state;
    void *blob = virt_like_tree();
    struct dtb f;
    assert_true(dtb_init(&f, blob, fdt_totalsize(blob), NULL));
    int chosen = dtb_path(&f, "/chosen");
    assert_string_equal(dtb_prop_string(&f, chosen, "stdout-path"), "/pl011@9000000");
    /* Cells not ending in a NUL byte are no string. */
    assert_null(dtb_prop_string(&f, dtb_path(&f, "/cpus/cpu@1"), "reg"));
    uint32_t v;
    assert_true(dtb_prop_u32(&f, chosen, "linux,initrd-start", &v));
    assert_int_equal(v, 0x48000000);
    assert_false(dtb_prop_u32(&f, chosen, "linux,initrd-end", &v)); /* two cells */
    struct dtb_prop p;
    assert_true(dtb_prop(&f, chosen, "linux,initrd-end", &p));
    assert_int_equal(dtb_cells(p.data, 2), 0x48100000);
    uint64_t addr, size;
    assert_true(dtb_mem_rsv(&f, 0, &addr, &size));
    assert_int_equal(addr, 0x48000000);
    assert_int_equal(size, 0x1000);
    assert_false(dtb_mem_rsv(&f, 1, &addr, &size));
    free(blob);
}

static void *copy_exact(const void *blob, size_t size)
{
    void *c = malloc(size);
    memcpy(c, blob, size);
    return c;
}

static void set_be32(void *blob, size_t off, uint32_t v)
{
    uint32_t be = cpu_to_fdt32(v);
    memcpy((uint8_t *)blob + off, &be, 4);
}

static void rejects(void *blob, uint32_t size, const char *expect)
{
    struct dtb f;
    const char *why = NULL;
    assert_false(dtb_init(&f, blob, size, &why));
    assert_non_null(why);
    if (expect != NULL && strstr(why, expect) == NULL) {
        fail_msg("expected \"%s\" in \"%s\"", expect, why);
    }
}

static void corrupt_headers_are_rejected(void **state)
{
    (void)state;
    void *good = virt_like_tree();
    uint32_t size = fdt_totalsize(good);
    struct {
        size_t off;
        uint32_t value;
        const char *expect;
    } cases[] = {
        {0, 0x12345678, "magic"},
        {4, size + 1, "totalsize"},
        {8, size, "structure block"},  /* off_dt_struct at the end */
        {36, size, "structure block"}, /* size_dt_struct too large */
        {12, size + 4, "strings block"},
        {16, 3, "reservation"},
        {20, 16, "version"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        void *bad = copy_exact(good, size);
        set_be32(bad, cases[i].off, cases[i].value);
        rejects(bad, size, cases[i].expect);
        free(bad);
    }
    rejects(good, 39, "smaller than");
    free(good);
}

static void truncated_structure_is_rejected(void **state)
{
    (void)state;
    void *good = virt_like_tree();
    uint32_t size = fdt_totalsize(good);
    uint32_t off_struct = fdt_off_dt_struct(good);
    uint32_t size_struct = fdt_size_dt_struct(good);
    /* Every shorter structure block ends inside a node or inside a token. */
    for (uint32_t cut = 0; cut < size_struct; cut += 4) {
        void *bad = copy_exact(good, size);
        set_be32(bad, 36, cut);
        rejects(bad, size, NULL);
        free(bad);
    }
    /* A property name offset outside the strings block. */
    void *bad = copy_exact(good, size);
    int chosen = fdt_path_offset(bad, "/chosen");
    int prop = fdt_first_property_offset(bad, chosen);
    set_be32(bad, off_struct + (uint32_t)prop + 8, 0x7fffffff);
    rejects(bad, size, "property name");
    free(bad);
    free(good);
}

static void deep_nesting_is_rejected(void **state)
{
    (void)state;
    void *fdt = malloc(BLOB_MAX);
    assert_int_equal(fdt_create(fdt, BLOB_MAX), 0);
    assert_int_equal(fdt_finish_reservemap(fdt), 0);
    assert_int_equal(fdt_begin_node(fdt, ""), 0);
    for (int i = 0; i < DTB_MAX_DEPTH + 1; i++) {
        assert_int_equal(fdt_begin_node(fdt, "n"), 0);
    }
    for (int i = 0; i < DTB_MAX_DEPTH + 2; i++) {
        assert_int_equal(fdt_end_node(fdt), 0);
    }
    void *blob = finish(fdt);
    rejects(blob, fdt_totalsize(blob), "nested");
    free(blob);
}

/* Random corruption: whatever fdt_init accepts must be walkable without any
 * access outside the blob (AddressSanitizer watches). */
static void random_corruption_never_reads_outside(void **state)
{
    (void)state;
    void *good = virt_like_tree();
    uint32_t size = fdt_totalsize(good);
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int round = 0; round < 20000; round++) {
        uint8_t *bad = copy_exact(good, size);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            bad[(seed >> 33) % size] ^= (uint8_t)(1u << ((seed >> 20) % 8));
        }
        struct dtb f;
        if (dtb_init(&f, bad, size, NULL)) {
            int depth = 0;
            for (int n = dtb_next_node(&f, -1, &depth); n >= 0; n = dtb_next_node(&f, n, &depth)) {
                uint64_t a, s;
                dtb_reg(&f, n, 0, &a, &s);
                dtb_compatible(&f, n, "arm,gic-v3");
                dtb_prop_string(&f, n, "device_type");
                dtb_parent(&f, n);
            }
            dtb_path(&f, "/cpus/cpu@1");
        }
        free(bad);
    }
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walk_matches_libfdt),
        cmocka_unit_test(path_lookup_matches_libfdt),
        cmocka_unit_test(reg_uses_parent_cells),
        cmocka_unit_test(properties_and_reservations),
        cmocka_unit_test(corrupt_headers_are_rejected),
        cmocka_unit_test(truncated_structure_is_rejected),
        cmocka_unit_test(deep_nesting_is_rejected),
        cmocka_unit_test(random_corruption_never_reads_outside),
    };
    return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
