/*
 * The guest's device tree: see guest_dt.h. Cells are written big-endian
 * through libfdt's cpu_to_fdt32; every call's error ends the build (the
 * first error is returned, so a buffer that is too small says NOSPACE).
 */
#include <libfdt.h>

#include "guest_dt.h"
#include "layout.h"

/* Interrupt specifier cells (the GIC binding): type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH 4

struct dt {
    void *fdt;
    int err;
};

static void check(struct dt *d, int err)
{
    if (d->err == 0 && err < 0) {
        d->err = err;
    }
}

static void prop_u32(struct dt *d, const char *name, uint32_t v)
{
    check(d, fdt_property_u32(d->fdt, name, v));
}

static void prop_u64(struct dt *d, const char *name, uint64_t v)
{
    check(d, fdt_property_u64(d->fdt, name, v));
}

static void prop_string(struct dt *d, const char *name, const char *s)
{
    check(d, fdt_property_string(d->fdt, name, s));
}

/* A property of n 32-bit cells. */
static void prop_cells(struct dt *d, const char *name, const uint32_t *cells, int n)
{
    fdt32_t be[16];
    for (int i = 0; i < n && i < 16; i++) {
        be[i] = cpu_to_fdt32(cells[i]);
    }
    check(d, fdt_property(d->fdt, name, be, n * (int)sizeof(fdt32_t)));
}

/* reg = <address size> with two cells each. */
static void prop_reg(struct dt *d, uint64_t base, uint64_t size)
{
    uint32_t c[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                     (uint32_t)size};
    prop_cells(d, "reg", c, 4);
}

static void begin(struct dt *d, const char *name)
{
    check(d, fdt_begin_node(d->fdt, name));
}

static void end(struct dt *d)
{
    check(d, fdt_end_node(d->fdt));
}

static void node_name(char *buf, size_t size, const char *prefix, uint64_t unit)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    while (*prefix != 0 && n + 1 < size) {
        buf[n++] = *prefix++;
    }
    char digits[16];
    int k = 0;
    do {
        digits[k++] = hex[unit & 0xf];
        unit >>= 4;
    } while (unit != 0);
    if (n + 1 < size) {
        buf[n++] = '@';
    }
    while (k > 0 && n + 1 < size) {
        buf[n++] = digits[--k];
    }
    buf[n] = 0;
}

static void chosen(struct dt *d, const struct guest_dt_params *p)
{
    begin(d, "chosen");
    prop_string(d, "bootargs", p->bootargs != NULL ? p->bootargs : "");
    prop_string(d, "stdout-path", GUEST_DT_UART_PATH);
    if (p->initrd_end > p->initrd_start) {
        prop_u64(d, "linux,initrd-start", p->initrd_start);
        prop_u64(d, "linux,initrd-end", p->initrd_end);
    }
    end(d);
    begin(d, "aliases");
    prop_string(d, "serial0", GUEST_DT_UART_PATH);
    end(d);
}

static void memory(struct dt *d, const struct guest_dt_params *p)
{
    char name[32];
    node_name(name, sizeof(name), "memory", p->ram_base);
    begin(d, name);
    prop_string(d, "device_type", "memory");
    prop_reg(d, p->ram_base, p->ram_size);
    end(d);
}

static void cpus(struct dt *d, const struct guest_dt_params *p)
{
    begin(d, "cpus");
    prop_u32(d, "#address-cells", 1);
    prop_u32(d, "#size-cells", 0);
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        char name[32];
        node_name(name, sizeof(name), "cpu", vm_vcpu_mpidr(i));
        begin(d, name);
        prop_string(d, "device_type", "cpu");
        prop_string(d, "compatible", "arm,armv8");
        prop_u32(d, "reg", (uint32_t)vm_vcpu_mpidr(i));
        prop_string(d, "enable-method", "psci");
        end(d);
    }
    end(d);
    begin(d, "psci");
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
    check(d, fdt_property(d->fdt, "compatible", psci_compat, sizeof(psci_compat)));
    prop_string(d, "method", "hvc");
    end(d);
}

static void gic_and_timer(struct dt *d, const struct guest_dt_params *p)
{
    char name[32];
    node_name(name, sizeof(name), "intc", VM_GICD_BASE);
    begin(d, name);
    prop_string(d, "compatible", "arm,gic-v3");
    prop_u32(d, "#interrupt-cells", 3);
    check(d, fdt_property(d->fdt, "interrupt-controller", NULL, 0));
    uint64_t gicr_size = VM_GICR_STRIDE * p->vcpu_count;
    uint32_t reg[8] = {0, (uint32_t)VM_GICD_BASE, 0, (uint32_t)VM_GICD_SIZE,
                       0, (uint32_t)VM_GICR_BASE, 0, (uint32_t)gicr_size};
    prop_cells(d, "reg", reg, 8);
    prop_u32(d, "#redistributor-regions", 1);
    prop_u32(d, "phandle", GUEST_DT_PHANDLE_GIC);
    end(d);

    begin(d, "timer");
    prop_string(d, "compatible", "arm,armv8-timer");
    /* Secure and non-secure physical, virtual, hypervisor timers. */
    uint32_t irqs[12] = {GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14, IRQ_LEVEL_HIGH,
                         GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10, IRQ_LEVEL_HIGH};
    prop_cells(d, "interrupts", irqs, 12);
    check(d, fdt_property(d->fdt, "always-on", NULL, 0));
    end(d);
}

static void uart(struct dt *d)
{
    begin(d, "apb-pclk");
    prop_string(d, "compatible", "fixed-clock");
    prop_u32(d, "#clock-cells", 0);
    prop_u32(d, "clock-frequency", VM_UART_CLOCK_HZ);
    prop_string(d, "clock-output-names", "clk24mhz");
    prop_u32(d, "phandle", GUEST_DT_PHANDLE_CLOCK);
    end(d);

    begin(d, GUEST_DT_UART_PATH + 1);
    static const char compat[] = "arm,pl011\0arm,primecell";
    check(d, fdt_property(d->fdt, "compatible", compat, sizeof(compat)));
    prop_reg(d, VM_UART_BASE, VM_UART_SIZE);
    uint32_t irq[3] = {GIC_SPI, VM_UART_INTID - 32, IRQ_LEVEL_HIGH};
    prop_cells(d, "interrupts", irq, 3);
    uint32_t clocks[2] = {GUEST_DT_PHANDLE_CLOCK, GUEST_DT_PHANDLE_CLOCK};
    prop_cells(d, "clocks", clocks, 2);
    static const char clock_names[] = "uartclk\0apb_pclk";
    check(d, fdt_property(d->fdt, "clock-names", clock_names, sizeof(clock_names)));
    end(d);
}

static void virtio(struct dt *d, const struct guest_dt_params *p)
{
    for (unsigned i = 0; i < p->virtio_count && i < VM_VIRTIO_SLOTS; i++) {
        char name[40];
        uint64_t base = VM_VIRTIO_BASE + i * VM_VIRTIO_SIZE;
        node_name(name, sizeof(name), "virtio_mmio", base);
        begin(d, name);
        prop_string(d, "compatible", "virtio,mmio");
        prop_reg(d, base, VM_VIRTIO_SIZE);
        uint32_t irq[3] = {GIC_SPI, VM_VIRTIO_INTID - 32 + i, IRQ_EDGE_RISING};
        prop_cells(d, "interrupts", irq, 3);
        check(d, fdt_property(d->fdt, "dma-coherent", NULL, 0));
        end(d);
    }
}

int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p)
{
    struct dt d = {.fdt = buf, .err = 0};
    if (size > 0x7fffffff || p->vcpu_count == 0) {
        return -FDT_ERR_BADVALUE;
    }
    check(&d, fdt_create(buf, (int)size));
    if (d.err != 0) {
        return d.err; /* not even a header fits: touch nothing more */
    }
    check(&d, fdt_finish_reservemap(buf));
    begin(&d, "");
    prop_u32(&d, "#address-cells", 2);
    prop_u32(&d, "#size-cells", 2);
    prop_string(&d, "compatible", "linux,dummy-virt");
    prop_string(&d, "model", "Bastei VM");
    prop_u32(&d, "interrupt-parent", GUEST_DT_PHANDLE_GIC);
    chosen(&d, p);
    memory(&d, p);
    cpus(&d, p);
    gic_and_timer(&d, p);
    uart(&d);
    virtio(&d, p);
    end(&d);
    check(&d, fdt_finish(buf));
    return d.err;
}
