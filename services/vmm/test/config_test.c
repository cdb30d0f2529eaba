/*
 * Host tests of reading the VM's node of the scenario (services/vmm/
 * config.c): every property with its default, and properties of the wrong
 * type or out of range refused with the property's name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "vmm/config.h"

static uint8_t tree[8192];

enum variant {
    FULL,
    MINIMAL,
    MEMORY_ONE_CELL,
    VCPUS_TOO_MANY,
    PRIORITY_TOO_HIGH,
    KERNEL_NOT_STRING,
    NO_KERNEL,
    CPUS_EMPTY,
};

/* /vms/linux1 (and a second VM, to be sure the right node is read). */
static void make_tree(enum variant v)
{
    void *t = tree;
    assert_int_equal(fdt_create(t, sizeof(tree)), 0);
    assert_int_equal(fdt_finish_reservemap(t), 0);
    assert_int_equal(fdt_begin_node(t, ""), 0);
    fdt_property_string(t, "compatible", "bastei,system");
    fdt_begin_node(t, "vms");
    fdt_begin_node(t, "other");
    fdt_property_string(t, "kernel", "Other");
    fdt_property_u64(t, "memory", 0x1000000);
    fdt_end_node(t);
    fdt_begin_node(t, "linux1");
    if (v == KERNEL_NOT_STRING) {
        fdt_property_u32(t, "kernel", 7);
    } else if (v != NO_KERNEL) {
        fdt_property_string(t, "kernel", "Image");
    }
    if (v == MEMORY_ONE_CELL) {
        fdt_property_u32(t, "memory", 0x10000000);
    } else {
        fdt_property_u64(t, "memory", 0x10000000);
    }
    if (v == FULL) {
        fdt_property_string(t, "initrd", "initrd.cpio.gz");
        fdt_property_string(t, "bootargs", "console=ttyAMA0");
        fdt_property_u32(t, "vcpus", 2);
        fdt_property_u32(t, "priority", 50);
        fdt32_t cpus[2] = {cpu_to_fdt32(1), cpu_to_fdt32(0)};
        fdt_property(t, "cpus", cpus, sizeof(cpus));
        fdt_begin_node(t, "virtio");
        fdt_begin_node(t, "console");
        fdt_end_node(t);
        fdt_begin_node(t, "root");
        fdt_end_node(t);
        fdt_end_node(t);
    }
    if (v == VCPUS_TOO_MANY) {
        fdt_property_u32(t, "vcpus", 33);
    }
    if (v == PRIORITY_TOO_HIGH) {
        fdt_property_u32(t, "priority", 256);
    }
    if (v == CPUS_EMPTY) {
        fdt_property(t, "cpus", NULL, 0);
    }
    fdt_end_node(t);
    fdt_end_node(t);
    fdt_end_node(t);
    assert_int_equal(fdt_finish(t), 0);
    assert_int_equal(fdt_check_full(t, sizeof(tree)), 0);
}

static void every_property_is_read(void **state)
{
    (void)state;
    struct vm_config c;
    make_tree(FULL);
    assert_null(config_read(tree, "linux1", &c));
    assert_string_equal(c.kernel, "Image");
    assert_string_equal(c.initrd, "initrd.cpio.gz");
    assert_string_equal(c.bootargs, "console=ttyAMA0");
    assert_int_equal(c.memory, 0x10000000);
    assert_int_equal(c.vcpu_count, 2);
    assert_int_equal(c.priority, 50);
    assert_int_equal(c.cpu_count, 2);
    assert_int_equal(c.cpus[0], 1);
    assert_int_equal(c.cpus[1], 0);
    assert_int_equal(c.virtio_count, 2);
}

static void absent_properties_take_their_defaults(void **state)
{
    (void)state;
    struct vm_config c;
    make_tree(MINIMAL);
    assert_null(config_read(tree, "linux1", &c));
    assert_null(c.initrd);
    assert_string_equal(c.bootargs, "");
    assert_int_equal(c.vcpu_count, 1);
    assert_int_equal(c.priority, 100);
    assert_int_equal(c.cpu_count, 1);
    assert_int_equal(c.cpus[0], 0);
    assert_int_equal(c.virtio_count, 0);
    assert_null(config_read(tree, "other", &c));
    assert_string_equal(c.kernel, "Other");
}

static void wrong_types_and_ranges_name_the_property(void **state)
{
    (void)state;
    struct {
        enum variant v;
        const char *property;
    } cases[] = {
        {MEMORY_ONE_CELL, "\"memory\""},     {VCPUS_TOO_MANY, "\"vcpus\""},
        {PRIORITY_TOO_HIGH, "\"priority\""}, {KERNEL_NOT_STRING, "\"kernel\""},
        {NO_KERNEL, "\"kernel\""},           {CPUS_EMPTY, "\"cpus\""},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vm_config c;
        make_tree(cases[i].v);
        const char *why = config_read(tree, "linux1", &c);
        assert_non_null(why);
        assert_non_null(strstr(why, cases[i].property));
    }
}

static void a_vm_without_a_node_is_refused(void **state)
{
    (void)state;
    struct vm_config c;
    make_tree(FULL);
    assert_non_null(config_read(tree, "linux2", &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_property_is_read),
        cmocka_unit_test(absent_properties_take_their_defaults),
        cmocka_unit_test(wrong_types_and_ranges_name_the_property),
        cmocka_unit_test(a_vm_without_a_node_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
