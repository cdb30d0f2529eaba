/*
 * Host tests of the guest device tree (services/vmm/guest_dt.c), read back
 * with the host's libfdt: a valid tree with the memory, the cpus and PSCI,
 * the GICv3 with a redistributor per vCPU, the timer's PPIs, the PL011 and
 * its clock, /chosen, and the virtio slots; and NOSPACE for small buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "vmm/guest_dt.h"
#include "vmm/layout.h"

static uint8_t buf[0x10000];

static const struct guest_dt_params two_cpus = {
    .ram_base = VM_RAM_BASE,
    .ram_size = 0x10000000,
    .vcpu_count = 2,
    .bootargs = "console=ttyAMA0 quiet",
    .initrd_start = 0x4f000000,
    .initrd_end = 0x4f113a8b,
};

static int build(const struct guest_dt_params *p)
{
    int err = guest_dt_build(buf, sizeof(buf), p);
    assert_int_equal(err, 0);
    assert_int_equal(fdt_check_full(buf, sizeof(buf)), 0);
    return err;
}

static int node(const char *path)
{
    int n = fdt_path_offset(buf, path);
    assert_true(n >= 0);
    return n;
}

static const void *prop(const char *path, const char *name, int *len)
{
    const void *v = fdt_getprop(buf, node(path), name, len);
    assert_non_null(v);
    return v;
}

static uint32_t cell(const void *v, int i)
{
    return fdt32_ld((const fdt32_t *)v + i);
}

static void check_cells(const char *path, const char *name, const uint32_t *want, int n)
{
    int len;
    const void *v = prop(path, name, &len);
    assert_int_equal(len, n * 4);
    for (int i = 0; i < n; i++) {
        assert_int_equal(cell(v, i), want[i]);
    }
}

static void memory_covers_guest_ram(void **state)
{
    (void)state;
    build(&two_cpus);
    assert_string_equal(prop("/memory@40000000", "device_type", NULL), "memory");
    uint32_t reg[4] = {0, 0x40000000, 0, 0x10000000};
    check_cells("/memory@40000000", "reg", reg, 4);
    assert_int_equal(cell(prop("/", "#address-cells", NULL), 0), 2);
    assert_int_equal(cell(prop("/", "#size-cells", NULL), 0), 2);
}

static void each_vcpu_is_a_psci_cpu(void **state)
{
    (void)state;
    build(&two_cpus);
    assert_string_equal(prop("/cpus/cpu@0", "enable-method", NULL), "psci");
    assert_int_equal(cell(prop("/cpus/cpu@1", "reg", NULL), 0), 1);
    assert_int_equal(fdt_path_offset(buf, "/cpus/cpu@2"), -FDT_ERR_NOTFOUND);
    int len;
    const char *compat = prop("/psci", "compatible", &len);
    assert_int_equal(fdt_stringlist_count(buf, node("/psci"), "compatible"), 2);
    assert_string_equal(compat, "arm,psci-1.0");
    assert_string_equal(compat + strlen(compat) + 1, "arm,psci-0.2");
    assert_string_equal(prop("/psci", "method", NULL), "hvc");
}

static void the_gic_has_a_redistributor_per_vcpu(void **state)
{
    (void)state;
    build(&two_cpus);
    const char *gic = "/intc@8000000";
    assert_string_equal(prop(gic, "compatible", NULL), "arm,gic-v3");
    assert_int_equal(cell(prop(gic, "#interrupt-cells", NULL), 0), 3);
    int len;
    prop(gic, "interrupt-controller", &len);
    assert_int_equal(len, 0);
    uint32_t reg[8] = {0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x40000};
    check_cells(gic, "reg", reg, 8);
    assert_int_equal(fdt_get_phandle(buf, node(gic)), GUEST_DT_PHANDLE_GIC);
    assert_int_equal(cell(prop("/", "interrupt-parent", NULL), 0), GUEST_DT_PHANDLE_GIC);
}

static void the_timer_names_its_four_ppis(void **state)
{
    (void)state;
    build(&two_cpus);
    assert_string_equal(prop("/timer", "compatible", NULL), "arm,armv8-timer");
    uint32_t irqs[12] = {1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4};
    check_cells("/timer", "interrupts", irqs, 12);
    int len;
    prop("/timer", "always-on", &len);
    assert_int_equal(len, 0);
}

static void the_uart_is_a_pl011_on_spi_1_with_its_clock(void **state)
{
    (void)state;
    build(&two_cpus);
    const char *uart = GUEST_DT_UART_PATH;
    assert_string_equal(prop(uart, "compatible", NULL), "arm,pl011");
    assert_int_equal(fdt_node_check_compatible(buf, node(uart), "arm,primecell"), 0);
    uint32_t reg[4] = {0, 0x09000000, 0, 0x1000};
    check_cells(uart, "reg", reg, 4);
    uint32_t irq[3] = {0, 1, 4};
    check_cells(uart, "interrupts", irq, 3);
    uint32_t clocks[2] = {GUEST_DT_PHANDLE_CLOCK, GUEST_DT_PHANDLE_CLOCK};
    check_cells(uart, "clocks", clocks, 2);
    assert_int_equal(fdt_stringlist_search(buf, node(uart), "clock-names", "apb_pclk"), 1);
    int clk = fdt_node_offset_by_phandle(buf, GUEST_DT_PHANDLE_CLOCK);
    assert_true(clk >= 0);
    assert_string_equal(fdt_getprop(buf, clk, "compatible", NULL), "fixed-clock");
    assert_int_equal(cell(fdt_getprop(buf, clk, "clock-frequency", NULL), 0), 24000000);
}

static void chosen_has_bootargs_stdout_and_the_initrd(void **state)
{
    (void)state;
    build(&two_cpus);
    assert_string_equal(prop("/chosen", "bootargs", NULL), "console=ttyAMA0 quiet");
    assert_string_equal(prop("/chosen", "stdout-path", NULL), GUEST_DT_UART_PATH);
    assert_string_equal(prop("/aliases", "serial0", NULL), GUEST_DT_UART_PATH);
    int len;
    const void *start = prop("/chosen", "linux,initrd-start", &len);
    assert_int_equal(len, 8);
    assert_int_equal(fdt64_ld(start), 0x4f000000);
    assert_int_equal(fdt64_ld(prop("/chosen", "linux,initrd-end", NULL)), 0x4f113a8b);
}

static void without_an_initrd_chosen_names_none(void **state)
{
    (void)state;
    struct guest_dt_params p = two_cpus;
    p.initrd_start = p.initrd_end = 0;
    p.bootargs = NULL;
    build(&p);
    assert_null(fdt_getprop(buf, node("/chosen"), "linux,initrd-start", NULL));
    assert_string_equal(prop("/chosen", "bootargs", NULL), "");
}

static void virtio_slots_are_described_in_order(void **state)
{
    (void)state;
    struct guest_dt_params p = two_cpus;
    p.virtio_count = 2;
    build(&p);
    assert_string_equal(prop("/virtio_mmio@a000200", "compatible", NULL), "virtio,mmio");
    uint32_t irq[3] = {0, 17, 1};
    check_cells("/virtio_mmio@a000200", "interrupts", irq, 3);
    assert_int_equal(fdt_path_offset(buf, "/virtio_mmio@a000400"), -FDT_ERR_NOTFOUND);
    build(&two_cpus);
    assert_int_equal(fdt_path_offset(buf, "/virtio_mmio@a000000"), -FDT_ERR_NOTFOUND);
}

static void thirty_two_vcpus_fit(void **state)
{
    (void)state;
    struct guest_dt_params p = two_cpus;
    p.vcpu_count = VM_MAX_VCPUS;
    build(&p);
    assert_true(fdt_path_offset(buf, "/cpus/cpu@1f") >= 0);
    assert_true(fdt_totalsize(buf) < 0x4000);
}

static void a_small_buffer_says_nospace_and_zero_vcpus_is_refused(void **state)
{
    (void)state;
    uint8_t small[512];
    assert_int_equal(guest_dt_build(small, sizeof(small), &two_cpus), -FDT_ERR_NOSPACE);
    assert_int_equal(guest_dt_build(small, 8, &two_cpus), -FDT_ERR_NOSPACE);
    struct guest_dt_params p = two_cpus;
    p.vcpu_count = 0;
    assert_true(guest_dt_build(buf, sizeof(buf), &p) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memory_covers_guest_ram),
        cmocka_unit_test(each_vcpu_is_a_psci_cpu),
        cmocka_unit_test(the_gic_has_a_redistributor_per_vcpu),
        cmocka_unit_test(the_timer_names_its_four_ppis),
        cmocka_unit_test(the_uart_is_a_pl011_on_spi_1_with_its_clock),
        cmocka_unit_test(chosen_has_bootargs_stdout_and_the_initrd),
        cmocka_unit_test(without_an_initrd_chosen_names_none),
        cmocka_unit_test(virtio_slots_are_described_in_order),
        cmocka_unit_test(thirty_two_vcpus_fit),
        cmocka_unit_test(a_small_buffer_says_nospace_and_zero_vcpus_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
