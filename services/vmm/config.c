/*
 * The VM's node in the scenario: see config.h.
 */
#include <libfdt.h>

#include "config.h"

/* Big-endian cells at p, read byte by byte (no alignment assumed). */
static uint64_t be_cells(const uint8_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells * 4; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static bool is_string(const char *v, int len)
{
    if (len < 1 || v[len - 1] != 0) {
        return false;
    }
    for (int i = 0; i < len - 1; i++) {
        if (v[i] == 0) {
            return false;
        }
    }
    return true;
}

/* A string property: *out = its value or dflt. False if it is not one. */
static bool read_string(const void *fdt, int node, const char *name, const char *dflt,
                        const char **out)
{
    int len;
    const char *v = fdt_getprop(fdt, node, name, &len);
    *out = dflt;
    if (v == NULL) {
        return true;
    }
    if (!is_string(v, len)) {
        return false;
    }
    *out = v;
    return true;
}

/* A property of exactly cells cells: *out = its value or dflt. */
static bool read_cells(const void *fdt, int node, const char *name, int cells, uint64_t dflt,
                       uint64_t *out)
{
    int len;
    const uint8_t *v = fdt_getprop(fdt, node, name, &len);
    *out = dflt;
    if (v == NULL) {
        return true;
    }
    if (len != cells * 4) {
        return false;
    }
    *out = be_cells(v, cells);
    return true;
}

static const char *read_cpus(const void *fdt, int node, struct vm_config *cfg)
{
    int len;
    const uint8_t *v = fdt_getprop(fdt, node, "cpus", &len);
    if (v == NULL) {
        cfg->cpus[0] = 0;
        cfg->cpu_count = 1;
        return NULL;
    }
    if (len <= 0 || len % 4 != 0 || len / 4 > CONFIG_MAX_CPUS) {
        return "property \"cpus\": expected a list of 1 to 256 CPU numbers";
    }
    cfg->cpu_count = (unsigned)len / 4;
    for (unsigned i = 0; i < cfg->cpu_count; i++) {
        uint64_t c = be_cells(v + 4 * i, 1);
        if (c >= CONFIG_MAX_CPUS) {
            return "property \"cpus\": a CPU number is out of range";
        }
        cfg->cpus[i] = (unsigned)c;
    }
    return NULL;
}

static unsigned count_virtio(const void *fdt, int node)
{
    int virtio = fdt_subnode_offset(fdt, node, "virtio");
    int dev;
    unsigned n = 0;
    if (virtio < 0) {
        return 0;
    }
    fdt_for_each_subnode(dev, fdt, virtio)
    {
        n++;
    }
    return n;
}

const char *config_read(const void *fdt, const char *name, struct vm_config *cfg)
{
    int vms = fdt_path_offset(fdt, "/vms");
    int node = vms < 0 ? vms : fdt_subnode_offset(fdt, vms, name);
    uint64_t vcpus, priority;
    if (node < 0) {
        return "no node /vms/NAME for this VM in system.dtb";
    }
    if (!read_string(fdt, node, "kernel", NULL, &cfg->kernel) || cfg->kernel == NULL) {
        return "property \"kernel\": expected a file name";
    }
    if (!read_string(fdt, node, "initrd", NULL, &cfg->initrd)) {
        return "property \"initrd\": expected a file name";
    }
    if (!read_string(fdt, node, "bootargs", "", &cfg->bootargs)) {
        return "property \"bootargs\": expected a string";
    }
    if (!read_cells(fdt, node, "memory", 2, 0, &cfg->memory) || cfg->memory == 0 ||
        (cfg->memory & 0xfff) != 0 || cfg->memory > (1ull << 39)) {
        return "property \"memory\": expected a non-zero 64-bit multiple of 4 KiB";
    }
    if (!read_cells(fdt, node, "vcpus", 1, 1, &vcpus) || vcpus == 0 || vcpus > VM_MAX_VCPUS) {
        return "property \"vcpus\": expected one cell in 1..32";
    }
    if (!read_cells(fdt, node, "priority", 1, 100, &priority) || priority > 255) {
        return "property \"priority\": expected one cell in 0..255";
    }
    cfg->vcpu_count = (unsigned)vcpus;
    cfg->priority = (unsigned)priority;
    cfg->virtio_count = count_virtio(fdt, node);
    return read_cpus(fdt, node, cfg);
}
