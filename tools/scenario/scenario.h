/*
 * A scenario (system description), as read from its compiled device tree:
 * the model that the checks and the packer work on. docs/scenarios.md is the
 * contract for what each field means; this header mirrors it.
 *
 * Strings point into the device tree blob, which must outlive the model.
 * Every object keeps its node offset so messages can name its path.
 *
 * parse_scenario() checks each node on its own (known nodes and properties,
 * types, ranges, names); check_scenario() checks what spans nodes (names,
 * references, overlapping grants, totals against the machine). Both report
 * every problem they find, in tree order, and say through their result
 * whether there was any.
 */
#ifndef TOOLS_SCENARIO_SCENARIO_H
#define TOOLS_SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define SCENARIO_NAME_MAX                                                                          \
    23                            /* components, VMs, devices, channels, services:                 \
                                     the start info's names hold 23 bytes */
#define SCENARIO_FILE_NAME_MAX 63 /* VM kernel and initrd file names */
#define SCENARIO_PAGE 4096u
#define SCENARIO_DEFAULT_PRIORITY 100u
#define SCENARIO_DEFAULT_RING_SIZE 0x10000u
#define SCENARIO_MAX_RING_SIZE 0x200000u /* root maps rings page by page */
#define SCENARIO_DEFAULT_VMM_MEMORY 0x400000u
#define SCENARIO_MAX_VCPUS 32u
#define SCENARIO_IRQ_MIN 32u   /* GIC SPIs: the first shared interrupt ID */
#define SCENARIO_IRQ_MAX 1019u /* and the last */

struct region {
    uint64_t base;
    uint64_t size;
};

/* A hardware device granted to a component: MMIO regions and IRQs. */
struct device {
    int node;
    const char *name;
    struct region *regions;
    size_t region_count;
    uint32_t *irqs;
    size_t irq_count;
};

/* What a ring tells its server about the client (docs/scenarios.md). */
struct port {
    bool read_only;     /* disk */
    uint32_t partition; /* disk: 1..128, 0 for none */
    bool has_range;     /* disk: a byte range instead */
    struct region range;
    const char *mac;    /* network: NULL for none */
    const char **peers; /* network: the only ports it may reach */
    size_t peer_count;
};

enum channel_type { CHANNEL_IPC, CHANNEL_RING };

/* A channel a component (the client) has to a server component. */
struct channel {
    int node;
    const char *name;           /* the client's name for it */
    const char *server;         /* the serving component */
    const char *name_at_server; /* the server's name for it */
    enum channel_type type;
    uint64_t size; /* ring bytes (CHANNEL_RING) */
    struct port port;
};

struct component {
    int node;
    const char *name;
    const char *program;
    uint64_t memory;
    uint32_t priority;
    uint32_t *cpus;
    size_t cpu_count;
    bool start_at_boot;
    bool restart;
    const char **provides;
    size_t provide_count;
    const char **uses;
    size_t use_count;
    const char **starts; /* components and VMs it may start at run time */
    size_t start_count;
    struct device *devices;
    size_t device_count;
    struct channel *channels;
    size_t channel_count;
};

enum vdev_type { VDEV_BLK, VDEV_NET, VDEV_CONSOLE };

/* A virtio device of a VM, backed by a server component over a ring. */
struct vdev {
    int node;
    const char *name;
    enum vdev_type type;
    const char *server;
    const char *name_at_server;
    uint64_t size;
    struct port port;
};

struct vm {
    int node;
    const char *name;
    const char *kernel;
    const char *initrd; /* NULL: none */
    const char *bootargs;
    const char *vmm;     /* the program of its monitor */
    const char *console; /* the component serving its serial console; NULL: none */
    uint64_t memory;
    uint64_t vmm_memory;
    uint32_t vcpus;
    uint32_t priority;
    uint32_t *cpus;
    size_t cpu_count;
    bool start_at_boot;
    struct vdev *vdevs;
    size_t vdev_count;
};

/* The longest args string a component may get (abi/startinfo.h). */
#define SCENARIO_ARGS_MAX 128

struct scenario {
    const void *fdt;
    const char *root_program; /* "root" property; NULL: the default root */
    int machine_node;         /* -1: no /machine */
    uint64_t machine_memory;  /* 0: not stated */
    uint32_t machine_cpus;    /* 0: not stated */
    struct component *components;
    size_t component_count;
    struct vm *vms;
    size_t vm_count;
    struct scenario_block *blocks; /* every allocation, freed together */
};

/* What the scenario will run on (the command line's --machine-*). */
struct scenario_limits {
    uint64_t memory;
    uint32_t cpus;
};

/* Returns the model of a tree that fdt_check_full() accepted, or NULL when
 * any node is malformed (each problem reported to d). */
struct scenario *parse_scenario(const void *fdt, struct diag *d);

/* Checks what spans nodes. Returns true when the scenario is consistent. */
bool check_scenario(const struct scenario *s, const struct scenario_limits *limits, struct diag *d);

/* Zeroed memory that lives as long as s; NULL when out of memory. */
void *scenario_alloc(struct scenario *s, size_t count, size_t size);
void scenario_free(struct scenario *s);

const struct component *scenario_find_component(const struct scenario *s, const char *name);
const struct vm *scenario_find_vm(const struct scenario *s, const char *name);

#endif
