/*
 * Host tests of the scenario checks and packer (tools/scenario), on device
 * trees built here with libfdt, so each case states exactly the tree it
 * means. The corpus in tests/scenarios covers the same ground end to end
 * through dtc and the command line; these cases pin down boundaries, the
 * order of messages, the model the packer works from, and what the kernel's
 * own cpio reader finds in a packed archive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/cpio.h"
#include "scenario/files.h"
#include "scenario/scenario.h"

#define TREE_SIZE 16384
#define GIB (1ull << 30)

static const struct scenario_limits one_gib_two_cpus = {GIB, 2};

/* What one validation printed, and whether it accepted the tree. */
struct result {
    char *out;
    size_t size;
    bool ok;
};

static int at(void *fdt, const char *path)
{
    int node = fdt_path_offset(fdt, path);
    assert_true(node >= 0);
    return node;
}

static int add(void *fdt, const char *parent, const char *name)
{
    int node = fdt_add_subnode(fdt, at(fdt, parent), name);
    assert_true(node >= 0);
    return node;
}

static void set_u64(void *fdt, const char *path, const char *prop, uint64_t value)
{
    assert_int_equal(fdt_setprop_u64(fdt, at(fdt, path), prop, value), 0);
}

static void set_u32(void *fdt, const char *path, const char *prop, uint32_t value)
{
    assert_int_equal(fdt_setprop_u32(fdt, at(fdt, path), prop, value), 0);
}

static void set_string(void *fdt, const char *path, const char *prop, const char *value)
{
    assert_int_equal(fdt_setprop_string(fdt, at(fdt, path), prop, value), 0);
}

static void set_region(void *fdt, const char *path, uint64_t base, uint64_t size)
{
    int node = at(fdt, path);
    assert_int_equal(fdt_appendprop_u64(fdt, node, "reg", base), 0);
    assert_int_equal(fdt_appendprop_u64(fdt, node, "reg", size), 0);
}

/* A valid scenario: console (with the UART), shell (a channel to console),
 * and a VM with a virtio console served by console. libfdt adds a node as
 * its parent's first child, so siblings are added last to first. */
static void *base_tree(void)
{
    void *fdt = malloc(TREE_SIZE);
    assert_int_equal(fdt_create_empty_tree(fdt, TREE_SIZE), 0);
    set_string(fdt, "/", "compatible", "bastei,system");
    add(fdt, "/", "vms");
    add(fdt, "/vms", "linux1");
    set_string(fdt, "/vms/linux1", "kernel", "Image");
    set_u64(fdt, "/vms/linux1", "memory", 0x8000000);
    add(fdt, "/vms/linux1", "virtio");
    add(fdt, "/vms/linux1/virtio", "cons");
    set_string(fdt, "/vms/linux1/virtio/cons", "type", "console");
    set_string(fdt, "/vms/linux1/virtio/cons", "server", "console");
    add(fdt, "/", "components");
    add(fdt, "/components", "shell");
    set_string(fdt, "/components/shell", "program", "shell");
    set_u64(fdt, "/components/shell", "memory", 0x100000);
    add(fdt, "/components/shell", "channels");
    add(fdt, "/components/shell/channels", "console");
    set_string(fdt, "/components/shell/channels/console", "server", "console");
    add(fdt, "/components", "console");
    set_string(fdt, "/components/console", "program", "console");
    set_u64(fdt, "/components/console", "memory", 0x100000);
    add(fdt, "/components/console", "devices");
    add(fdt, "/components/console/devices", "uart");
    set_region(fdt, "/components/console/devices/uart", 0x9000000, 0x1000);
    set_u32(fdt, "/components/console/devices/uart", "irqs", 33);
    return fdt;
}

/* Checks fdt as the tool does; the model is kept in *model if asked for. */
static struct result validate_with(void *fdt, const struct scenario_limits *limits,
                                   struct scenario **model)
{
    struct result r = {NULL, 0, false};
    struct diag d;
    FILE *out = open_memstream(&r.out, &r.size);
    diag_init(&d, "t.dts", out);
    assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    struct scenario *s = parse_scenario(fdt, &d);
    r.ok = s != NULL && check_scenario(s, limits, &d);
    fclose(out);
    if (model != NULL) {
        *model = s;
    } else {
        scenario_free(s);
    }
    return r;
}

static struct result validate(void *fdt)
{
    return validate_with(fdt, &one_gib_two_cpus, NULL);
}

static void expect_rejected(void *fdt, const char *message)
{
    struct result r = validate(fdt);
    if (r.ok || strcmp(r.out, message) != 0) {
        fail_msg("expected exactly:\n%sgot (%s):\n%s", message, r.ok ? "accepted" : "rejected",
                 r.out);
    }
    free(r.out);
    free(fdt);
}

static void base_scenario_is_accepted_with_its_defaults(void **state)
{
    (void)state;
    void *fdt = base_tree();
    struct scenario *s;
    struct result r = validate_with(fdt, &one_gib_two_cpus, &s);
    assert_true(r.ok);
    assert_string_equal(r.out, "");
    const struct component *console = scenario_find_component(s, "console");
    assert_int_equal(console->priority, SCENARIO_DEFAULT_PRIORITY);
    assert_int_equal(console->cpu_count, 1);
    assert_int_equal(console->cpus[0], 0);
    assert_true(console->start_at_boot);
    assert_false(console->restart);
    const struct channel *ch = &scenario_find_component(s, "shell")->channels[0];
    assert_int_equal(ch->type, CHANNEL_IPC);
    assert_string_equal(ch->name_at_server, "shell");
    const struct vm *vm = scenario_find_vm(s, "linux1");
    assert_int_equal(vm->vcpus, 1);
    assert_string_equal(vm->vmm, "vmm");
    assert_string_equal(vm->bootargs, "");
    assert_null(vm->initrd);
    assert_int_equal(vm->vmm_memory, SCENARIO_DEFAULT_VMM_MEMORY);
    assert_string_equal(vm->vdevs[0].name_at_server, "linux1");
    assert_int_equal(vm->vdevs[0].size, SCENARIO_DEFAULT_RING_SIZE);
    scenario_free(s);
    free(r.out);
    free(fdt);
}

static void priority_over_255_names_file_node_property_and_value(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_u32(fdt, "/components/console", "priority", 300);
    expect_rejected(fdt, "t.dts: /components/console: property \"priority\": expected one "
                         "32-bit cell in 0..255, got 300\n");
}

static void text_that_fills_one_cell_is_named_as_text(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_string(fdt, "/components/console", "priority", "abc");
    expect_rejected(fdt, "t.dts: /components/console: property \"priority\": expected one "
                         "32-bit cell in 0..255, got the string \"abc\"\n");
}

static void every_problem_is_reported_in_tree_order(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_u32(fdt, "/vms/linux1", "vcpus", 99);
    set_string(fdt, "/components/shell", "start", "never");
    set_u32(fdt, "/components/console", "memory", 4096);
    expect_rejected(fdt,
                    "t.dts: /components/console: property \"memory\": expected a 64-bit value as "
                    "two 32-bit cells <high low>, got one cell <0x1000>\n"
                    "t.dts: /components/shell: property \"start\": expected \"boot\" or "
                    "\"manual\", got \"never\"\n"
                    "t.dts: /vms/linux1: property \"vcpus\": expected one 32-bit cell in 1..32, "
                    "got 99\n");
}

static void cross_checks_wait_until_every_node_is_well_formed(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_string(fdt, "/components/shell/channels/console", "server", "nobody");
    set_string(fdt, "/components/shell", "colour", "blue");
    expect_rejected(fdt, "t.dts: /components/shell: property \"colour\": unknown property "
                         "(expected one of: program, memory, priority, cpus, start, restart, "
                         "provides, uses, args, starts)\n");
}

static void memory_above_4_gib_takes_two_cells(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_u64(fdt, "/vms/linux1", "memory", 5 * GIB);
    struct scenario_limits eight_gib = {8 * GIB, 2};
    struct scenario *s;
    struct result r = validate_with(fdt, &eight_gib, &s);
    assert_true(r.ok);
    assert_int_equal(scenario_find_vm(s, "linux1")->memory, 5 * GIB);
    scenario_free(s);
    free(r.out);
    expect_rejected(fdt, "t.dts: /vms/linux1: property \"memory\": 5 GiB brings the memory of "
                         "components and VMs to 5122 MiB, more than the machine's 1 GiB\n");
}

static void total_memory_may_fill_the_machine_exactly(void **state)
{
    (void)state;
    void *fdt = base_tree();
    /* 1 + 1 MiB of components, 4 MiB of VMM: the guest gets the rest. */
    set_u64(fdt, "/vms/linux1", "memory", GIB - (6u << 20));
    struct result r = validate(fdt);
    assert_true(r.ok);
    free(r.out);
    set_u64(fdt, "/vms/linux1", "memory", GIB - (6u << 20) + SCENARIO_PAGE);
    expect_rejected(fdt, "t.dts: /vms/linux1: property \"vmm-memory\": 4 MiB brings the memory "
                         "of components and VMs to 1048580 KiB, more than the machine's 1 GiB\n");
}

static void declared_machine_bounds_cpus(void **state)
{
    (void)state;
    void *fdt = base_tree();
    add(fdt, "/", "machine");
    set_u32(fdt, "/machine", "cpus", 1);
    set_u32(fdt, "/components/shell", "cpus", 1);
    struct scenario_limits four = {GIB, 4};
    struct result r = validate_with(fdt, &four, NULL);
    assert_false(r.ok);
    assert_string_equal(r.out, "t.dts: /components/shell: property \"cpus\": CPU 1 does not "
                               "exist: /machine's 1 CPUs are 0..0\n");
    free(r.out);
    free(fdt);
}

static void region_that_wraps_past_2_64_is_rejected(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_region(fdt, "/components/console/devices/uart", 0xfffffffffffff000ull, 0x2000);
    expect_rejected(fdt, "t.dts: /components/console/devices/uart: property \"reg\": region "
                         "<0xfffffffffffff000, size 0x2000>: expected a non-zero size, base and "
                         "size multiples of 4 KiB, and an end below 2^64\n");
}

static void adjacent_regions_do_not_overlap(void **state)
{
    (void)state;
    void *fdt = base_tree();
    add(fdt, "/components/shell", "devices");
    add(fdt, "/components/shell/devices", "rtc");
    set_region(fdt, "/components/shell/devices/rtc", 0x9001000, 0x1000);
    set_region(fdt, "/components/shell/devices/rtc", 0x8fff000, 0x1000);
    struct result r = validate(fdt);
    assert_true(r.ok);
    free(r.out);
    set_region(fdt, "/components/shell/devices/rtc", 0x9001000, 0x1000);
    expect_rejected(fdt, "t.dts: /components/shell/devices/rtc: property \"reg\": region "
                         "<0x9001000, size 0x1000> overlaps <0x9001000, size 0x1000> of "
                         "/components/shell/devices/rtc\n");
}

static void irq_listed_twice_in_one_device_is_granted_twice(void **state)
{
    (void)state;
    void *fdt = base_tree();
    assert_int_equal(
        fdt_appendprop_u32(fdt, at(fdt, "/components/console/devices/uart"), "irqs", 33), 0);
    expect_rejected(fdt, "t.dts: /components/console/devices/uart: property \"irqs\": IRQ 33 is "
                         "granted twice: also to /components/console/devices/uart\n");
}

static void name_at_server_may_not_clash_with_a_device_of_the_server(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_string(fdt, "/components/shell/channels/console", "name-at-server", "uart");
    expect_rejected(fdt, "t.dts: /components/shell/channels/console: property \"name-at-server\": "
                         "duplicate name \"uart\" in component \"console\": also "
                         "/components/console/devices/uart\n");
}

static void virtio_rings_are_paid_from_vmm_memory(void **state)
{
    (void)state;
    void *fdt = base_tree();
    set_u64(fdt, "/vms/linux1/virtio/cons", "size", 0x200000);
    struct result r = validate(fdt);
    assert_true(r.ok);
    free(r.out);
    set_u64(fdt, "/vms/linux1", "vmm-memory", 0x100000);
    expect_rejected(fdt, "t.dts: /vms/linux1/virtio/cons: property \"size\": the rings of the "
                         "virtio devices of \"linux1\" need 2 MiB, more than its vmm-memory of "
                         "1 MiB, which pays for them\n");
}

/* Random byte flips in a valid blob: whatever fdt_check_full() lets through
 * must be parsed and checked without reading outside the blob. */
static void corrupted_blobs_are_rejected_or_checked_safely(void **state)
{
    (void)state;
    void *base = base_tree();
    assert_int_equal(fdt_pack(base), 0);
    size_t size = fdt_totalsize(base);
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        uint8_t *blob = malloc(size);
        memcpy(blob, base, size);
        for (int flips = 1 + round % 4; flips > 0; flips--) {
            seed = seed * 1103515245u + 12345u;
            blob[(seed >> 8) % size] ^= (uint8_t)(1u << ((seed >> 4) % 8));
        }
        if (fdt_check_full(blob, size) == 0) {
            char *out = NULL;
            size_t out_size = 0;
            struct diag d;
            FILE *f = open_memstream(&out, &out_size);
            diag_init(&d, "t.dts", f);
            struct scenario *s = parse_scenario(blob, &d);
            if (s != NULL) {
                check_scenario(s, &one_gib_two_cpus, &d);
            }
            scenario_free(s);
            fclose(f);
            free(out);
        }
        free(blob);
    }
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_scenario_is_accepted_with_its_defaults),
        cmocka_unit_test(priority_over_255_names_file_node_property_and_value),
        cmocka_unit_test(text_that_fills_one_cell_is_named_as_text),
        cmocka_unit_test(every_problem_is_reported_in_tree_order),
        cmocka_unit_test(cross_checks_wait_until_every_node_is_well_formed),
        cmocka_unit_test(memory_above_4_gib_takes_two_cells),
        cmocka_unit_test(total_memory_may_fill_the_machine_exactly),
        cmocka_unit_test(declared_machine_bounds_cpus),
        cmocka_unit_test(region_that_wraps_past_2_64_is_rejected),
        cmocka_unit_test(adjacent_regions_do_not_overlap),
        cmocka_unit_test(irq_listed_twice_in_one_device_is_granted_twice),
        cmocka_unit_test(name_at_server_may_not_clash_with_a_device_of_the_server),
        cmocka_unit_test(virtio_rings_are_paid_from_vmm_memory),
        cmocka_unit_test(corrupted_blobs_are_rejected_or_checked_safely),
    };
    return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
