/*
 * loader: reads the system description (system.dtb in the boot archive) and
 * asks root to build exactly what it describes: each component with its
 * memory quota, priority, CPU, devices, interrupts, channels and services,
 * then starts them in the order written. It checks the description itself
 * (fdt_check_full, each property's length against its type) and does not
 * assume it came through the host tool: anyone can pack an archive.
 * docs/scenarios.md is the format; services/root/protocol.h the requests.
 */
#include <libfdt.h>

#include "c/print.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "root/protocol.h"
#include "start/startinfo.h"
#include "sys/sys.h"

#define MAX_COMPONENTS 32
#define NAME_MAX 24
#define RING_DEFAULT_SIZE 0x10000 /* docs/scenarios.md */

static const void *dt;
static struct {
    char name[NAME_MAX];
    int node;
    uint64_t id;
} comps[MAX_COMPONENTS];
static unsigned comp_count;
static unsigned errors;

static void complain(int node, const char *prop, const char *what)
{
    char path[128];
    if (fdt_get_path(dt, node, path, sizeof(path)) != 0) {
        strncpy_bounded(path, "?", sizeof(path));
    }
    bt_printf("loader: system.dtb: %s: %s%s%s\n", path, prop ? "property " : "", prop ? prop : "",
              what);
    errors++;
}

static uint64_t be_cells(const void *p, int cells)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < cells * 4; i++) {
        v = v << 8 | b[i];
    }
    return v;
}

/* A string property, or dflt; a property that is not a string is an error. */
static const char *prop_string(int node, const char *name, const char *dflt)
{
    int len;
    const char *v = fdt_getprop(dt, node, name, &len);
    if (v == NULL) {
        return dflt;
    }
    if (len < 1 || v[len - 1] != 0 || (size_t)len > NAME_MAX + 200) {
        complain(node, name, ": expected a string");
        return dflt;
    }
    return v;
}

static uint64_t prop_cells(int node, const char *name, int cells, uint64_t dflt)
{
    int len;
    const void *v = fdt_getprop(dt, node, name, &len);
    if (v == NULL) {
        return dflt;
    }
    if (len != cells * 4) {
        complain(node, name, cells == 1 ? ": expected one cell" : ": expected two cells");
        return dflt;
    }
    return be_cells(v, cells);
}

static bool call(struct bt_msg *m)
{
    enum bt_status st = bt_call(bt_start->root, m);
    return st == BT_OK && m->mr[0] == BT_OK;
}

static void put_name(struct bt_msg *m, const char *name)
{
    char buf[ROOT_NAME_WORDS * 8] = {0};
    strncpy_bounded(buf, name, sizeof(buf));
    memcpy(m->mr, buf, sizeof(buf));
}

static void put_buffer_string(unsigned word, unsigned words, const char *s)
{
    char buf[BT_MSG_MAX_WORDS * 8] = {0};
    strncpy_bounded(buf, s, words * 8);
    memcpy(&bt_ipc_buffer()->mr[word], buf, words * 8);
}

static int find_component(const char *name)
{
    for (unsigned i = 0; i < comp_count; i++) {
        if (strcmp(comps[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Asks root for a component; false (counted as an error) if refused. */
static bool describe_as(int node, const char *name, const char *program, uint64_t memory,
                        uint64_t flags, const char *args)
{
    struct bt_msg m = {.tag = BT_TAG(ROOT_COMPONENT_NEW, 24, 0)};
    put_name(&m, name);
    m.mr[3] = memory;
    m.mr[4] = flags;
    put_buffer_string(5, 3, program);
    put_buffer_string(8, 16, args);
    if (!call(&m)) {
        bt_printf("loader: root refused %s (error %lu)\n", name, m.mr[0]);
        errors++;
        return false;
    }
    strncpy_bounded(comps[comp_count].name, name, NAME_MAX);
    comps[comp_count].node = node;
    comps[comp_count].id = m.mr[1];
    comp_count++;
    return true;
}

/* priority | cpu << 8 | restart << 16 | manual << 17, as root takes them. */
static uint64_t start_flags(int node, bool restart)
{
    uint64_t priority = prop_cells(node, "priority", 1, 100);
    const char *start = prop_string(node, "start", "boot");
    int cpus_len;
    const void *cpus = fdt_getprop(dt, node, "cpus", &cpus_len);
    uint64_t cpu = cpus != NULL && cpus_len >= 4 ? be_cells(cpus, 1) : 0;
    if (priority > 255) {
        complain(node, "priority", ": expected 0..255");
    }
    return (priority & 0xff) | (cpu & 0xff) << 8 | (uint64_t)restart << 16 |
           (uint64_t)(strcmp(start, "manual") == 0) << 17;
}

static void describe(int node)
{
    const char *name = fdt_get_name(dt, node, NULL);
    const char *program = prop_string(node, "program", NULL);
    uint64_t memory = prop_cells(node, "memory", 2, 0);
    if (program == NULL || memory == 0 || comp_count == MAX_COMPONENTS) {
        complain(node, NULL, ": needs a program and a memory quota");
        return;
    }
    describe_as(node, name, program, memory,
                start_flags(node, fdt_getprop(dt, node, "restart", NULL) != NULL),
                prop_string(node, "args", ""));
}

/* A VM is its monitor: a component named after the VM that runs the vmm
 * program, with the guest's memory added to its own quota, and the boot
 * archive to find the guest in. It reads the rest of its node itself. */
static void describe_vm(int node)
{
    const char *name = fdt_get_name(dt, node, NULL);
    const char *vmm = prop_string(node, "vmm", "vmm");
    uint64_t memory = prop_cells(node, "memory", 2, 0);
    uint64_t vmm_memory = prop_cells(node, "vmm-memory", 2, 0x400000);
    if (memory == 0 || vmm_memory == 0 || memory + vmm_memory < memory ||
        comp_count == MAX_COMPONENTS) {
        complain(node, NULL, ": needs guest memory and a monitor's memory");
        return;
    }
    if (!describe_as(node, name, vmm, memory + vmm_memory, start_flags(node, false), "")) {
        return;
    }
    uint64_t id = comps[comp_count - 1].id;
    struct bt_msg m = {.tag = BT_TAG(ROOT_COMPONENT_ARCHIVE, 4, 0)};
    m.mr[3] = id;
    if (!call(&m)) {
        bt_printf("loader: root refused %s the boot archive (error %lu)\n", name, m.mr[0]);
        errors++;
    }
}

static void grant(uint64_t id, unsigned label, const char *name, uint64_t a, uint64_t word5)
{
    struct bt_msg m = {.tag = BT_TAG(label, word5 != 0 ? 6 : 5, 0)};
    put_name(&m, name);
    m.mr[3] = id;
    m.mr[4] = a;
    bt_ipc_buffer()->mr[5] = word5;
    if (!call(&m)) {
        bt_printf("loader: root refused %s for a component (error %lu)\n", name, m.mr[0]);
        errors++;
    }
}

static void grant_devices(uint64_t id, int node)
{
    int devices = fdt_subnode_offset(dt, node, "devices");
    int dev;
    if (devices < 0) {
        return;
    }
    fdt_for_each_subnode(dev, dt, devices)
    {
        const char *name = fdt_get_name(dt, dev, NULL);
        int len;
        const uint8_t *reg = fdt_getprop(dt, dev, "reg", &len);
        for (int off = 0; reg != NULL && off + 16 <= len; off += 16) {
            grant(id, ROOT_COMPONENT_DEVICE, name, be_cells(reg + off, 2),
                  be_cells(reg + off + 8, 2));
        }
        const uint8_t *irqs = fdt_getprop(dt, dev, "irqs", &len);
        for (int off = 0; irqs != NULL && off + 4 <= len; off += 4) {
            grant(id, ROOT_COMPONENT_IRQ, name, be_cells(irqs + off, 1), 0);
        }
    }
}

static void grant_services(uint64_t id, int node, const char *prop, unsigned label)
{
    int len;
    const char *list = fdt_getprop(dt, node, prop, &len);
    for (int off = 0; list != NULL && off < len;) {
        const char *s = list + off;
        grant(id, label, s, 0, 0);
        off += (int)strnlen(s, (size_t)(len - off)) + 1;
    }
}

/* A ring's parameters (abi/startinfo.h) from the port properties of its
 * node (docs/scenarios.md). */
static void port_params(int node, char *out, size_t size)
{
    size_t n = 0;
    int len;
    out[0] = 0;
#define PARAM(...) (n += (size_t)bt_snprintf(out + n, n < size ? size - n : 0, __VA_ARGS__))
    if (fdt_getprop(dt, node, "read-only", NULL) != NULL) {
        PARAM("ro ");
    }
    if (fdt_getprop(dt, node, "partition", NULL) != NULL) {
        PARAM("partition=%lu ", prop_cells(node, "partition", 1, 0));
    }
    const uint8_t *range = fdt_getprop(dt, node, "range", &len);
    if (range != NULL && len == 16) {
        PARAM("range=0x%lx+0x%lx ", be_cells(range, 2), be_cells(range + 8, 2));
    } else if (range != NULL) {
        complain(node, "range", ": expected one <offset size> pair");
    }
    const char *mac = prop_string(node, "mac", NULL);
    if (mac != NULL) {
        PARAM("mac=%s ", mac);
    }
    const char *peers = fdt_getprop(dt, node, "peers", &len);
    for (int off = 0; peers != NULL && off < len;) {
        const char *peer = peers + off;
        PARAM("%s%s", off == 0 ? "peers=" : ",", peer);
        off += (int)strnlen(peer, (size_t)(len - off)) + 1;
        if (off >= len) {
            PARAM(" ");
        }
    }
#undef PARAM
    if (n + 1 >= size) { /* bt_snprintf stops one short of the end */
        complain(node, NULL, ": its port properties are too long");
        out[0] = 0;
    } else if (n > 0) {
        out[n - 1] = 0; /* the last space */
    }
}

/* A channel from comps[client] to the component named server: IPC if
 * ring_size is 0, else a ring of that many bytes. */
static void channel(unsigned client, int node, const char *prop, const char *name,
                    const char *server, const char *name_at_server, uint64_t ring_size)
{
    int s = find_component(server);
    if (s < 0) {
        complain(node, prop, ": no such component");
        return;
    }
    struct bt_msg m = {.tag = BT_TAG(ROOT_COMPONENT_CHANNEL, ring_size != 0 ? 25 : 9, 0)};
    put_name(&m, name);
    m.mr[3] = comps[client].id;
    m.mr[4] = comps[s].id;
    put_buffer_string(5, 3, name_at_server);
    bt_ipc_buffer()->mr[8] = ring_size;
    if (ring_size != 0) {
        char params[16 * 8];
        port_params(node, params, sizeof(params));
        put_buffer_string(9, 16, params);
    }
    if (!call(&m)) {
        bt_printf("loader: root refused channel %s (error %lu)\n", name, m.mr[0]);
        errors++;
    }
}

static void grant_channels(unsigned client, int node)
{
    int channels = fdt_subnode_offset(dt, node, "channels");
    int ch;
    if (channels < 0) {
        return;
    }
    fdt_for_each_subnode(ch, dt, channels)
    {
        const char *type = prop_string(ch, "type", "ipc");
        bool ring = strcmp(type, "ring") == 0;
        if (!ring && strcmp(type, "ipc") != 0) {
            complain(ch, "type", ": expected \"ipc\" or \"ring\"");
            continue;
        }
        channel(client, ch, "server", fdt_get_name(dt, ch, NULL), prop_string(ch, "server", ""),
                prop_string(ch, "name-at-server", comps[client].name),
                ring ? prop_cells(ch, "size", 2, RING_DEFAULT_SIZE) : 0);
    }
}

/* A VM's monitor: its serial console's channel, which the server sees
 * under the VM's name, and a ring to the server of each virtio device. */
static void grant_vm(unsigned client, int node)
{
    const char *console = prop_string(node, "console", NULL);
    if (console != NULL) {
        channel(client, node, "console", "console", console, comps[client].name, 0);
    }
    int virtio = fdt_subnode_offset(dt, node, "virtio");
    int dev;
    if (virtio < 0) {
        return;
    }
    fdt_for_each_subnode(dev, dt, virtio)
    {
        channel(client, dev, "server", fdt_get_name(dt, dev, NULL), prop_string(dev, "server", ""),
                prop_string(dev, "name-at-server", comps[client].name),
                prop_cells(dev, "size", 2, RING_DEFAULT_SIZE));
    }
}

static const void *find_description(size_t *size)
{
    const struct bt_start_entry *a = bt_start_find("archive", BT_START_MEMORY);
    struct cpio_entry e;
    if (a == NULL || cpio_find((const void *)a->vaddr, a->size, "system.dtb", &e) != CPIO_OK) {
        bt_printf("loader: no system.dtb in the boot archive; nothing to start\n");
        return NULL;
    }
    int err = fdt_check_full(e.data, e.size);
    if (err != 0) {
        bt_printf("loader: system.dtb is not a valid device tree: %s\n", fdt_strerror(err));
        return NULL;
    }
    *size = e.size;
    return e.data;
}

int main(void)
{
    size_t size;
    dt = find_description(&size);
    if (dt == NULL) {
        return 1;
    }
    int components = fdt_path_offset(dt, "/components");
    int vms = fdt_path_offset(dt, "/vms");
    int node;
    if (components >= 0) {
        fdt_for_each_subnode(node, dt, components)
        {
            describe(node);
        }
    }
    unsigned vm_first = comp_count;
    if (vms >= 0) {
        fdt_for_each_subnode(node, dt, vms)
        {
            describe_vm(node);
        }
    }
    for (unsigned i = 0; i < comp_count; i++) {
        int n = comps[i].node;
        if (i >= vm_first) {
            grant_vm(i, n);
            continue;
        }
        grant_devices(comps[i].id, n);
        grant_services(comps[i].id, n, "provides", ROOT_COMPONENT_PROVIDES);
        grant_services(comps[i].id, n, "uses", ROOT_COMPONENT_USES);
        grant_services(comps[i].id, n, "starts", ROOT_COMPONENT_STARTS);
        grant_channels(i, n);
    }
    if (errors != 0) {
        bt_printf("loader: %u problem(s) in system.dtb; starting nothing\n", errors);
        return 1;
    }
    /* Components first, then VMs, each in the order written. */
    unsigned started = 0;
    for (unsigned i = 0; i < comp_count; i++) {
        struct bt_msg m = {.tag = BT_TAG(ROOT_COMPONENT_START, 4, 0)};
        m.mr[3] = comps[i].id;
        started += call(&m);
    }
    bt_printf("loader: started %u of %u components and VMs\n", started, comp_count);
    return 0;
}
