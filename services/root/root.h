/*
 * Root's internal model: components as the loader describes them (their
 * spec, kept so a crashed component can be rebuilt exactly), what root
 * built for each, and root's own memory. Root is single-threaded: one
 * service loop, no locks.
 */
#ifndef SERVICES_ROOT_ROOT_H
#define SERVICES_ROOT_ROOT_H

#include "abi/bootinfo.h"
#include "abi/startinfo.h"
#include "alloc/alloc.h"
#include "sys/sys.h"

#define MAX_COMPONENTS 32
#define MAX_DEVICES 8
#define MAX_IRQS 8
#define MAX_CHANNELS 16
#define MAX_SERVED 16
#define MAX_SERVICES 8
#define MAX_STARTS 8
#define MAX_CHUNKS 24
#define NAME_MAX 24
#define MAX_RINGS 32
#define MAX_RING_PAGES 512 /* 2 MiB */
/* Events notification bits: interrupts take bits 0.., ring ends bits 16... */
#define RING_FIRST_BIT 16
#define RING_PARAMS_MAX 128

/* Badges on root's endpoint: a component's id + 1, with FAULT for the copy
 * its threads report faults through. */
#define BADGE_FAULT (1UL << 16)
#define BADGE_LOADER 0xffffUL

#define MAX_DEVICE_PAGES 16

struct device_grant {
    char name[NAME_MAX];
    uint64_t paddr, size;
    bt_cptr_t frames[MAX_DEVICE_PAGES]; /* root's frames for the region */
};

struct irq_grant {
    char name[NAME_MAX];
    uint32_t intid;
    bt_cptr_t irq; /* root's IRQ capability */
};

struct channel_grant {
    char name[NAME_MAX]; /* at the client */
    int server;
    uint64_t badge;
};

struct served_channel {
    char name[NAME_MAX]; /* at the server */
    uint64_t badge;
};

/* A "ring" channel: shared memory and a signal each way. Root makes it
 * once, of its own memory, and keeps it, so it survives restarts of either
 * end; its size is taken from the client's quota. */
struct ring {
    int client, server;
    char client_name[NAME_MAX], server_name[NAME_MAX];
    uint64_t size;
    uint8_t client_bit, server_bit; /* in each end's events notification */
    char params[RING_PARAMS_MAX];   /* what both ends see of its properties */
    bt_cptr_t frames[MAX_RING_PAGES];
};

/* Memory charged to one component: untyped chunks that sum to its quota. */
struct budget {
    bt_cptr_t chunk[MAX_CHUNKS];
    uint8_t bits[MAX_CHUNKS];
    unsigned count;
};

enum component_state {
    COMPONENT_DESCRIBED, /* spec only, while the loader describes it */
    COMPONENT_WAITING,   /* declared with start = "manual": waits for ROOT_START */
    COMPONENT_RUNNING,
    COMPONENT_STOPPED, /* crashed (no restart) or exited: nothing held */
};

struct component {
    int id;
    char name[NAME_MAX];
    char program[NAME_MAX];
    char args[BT_START_ARGS_MAX];
    uint64_t quota;
    uint8_t priority;
    uint16_t cpu;
    bool restart;
    bool manual;
    bool is_loader;    /* may describe components */
    bool sees_archive; /* the boot archive is mapped into it, read-only */
    enum component_state state;
    struct device_grant devices[MAX_DEVICES];
    unsigned device_count;
    struct irq_grant irqs[MAX_IRQS];
    unsigned irq_count;
    struct channel_grant channels[MAX_CHANNELS];
    unsigned channel_count;
    struct served_channel served[MAX_SERVED];
    unsigned served_count;
    char provides[MAX_SERVICES][NAME_MAX];
    unsigned provides_count;
    char uses[MAX_SERVICES][NAME_MAX];
    unsigned uses_count;
    char starts[MAX_STARTS][NAME_MAX]; /* what it may start (ROOT_START) */
    unsigned starts_count;
    bt_cptr_t endpoint; /* root-owned, if it serves channels: survives restarts */
    /* Root-owned too, so that the capabilities its peers and interrupts
     * signal it through survive its restarts. */
    bt_cptr_t events;
    uint64_t ring_bytes; /* the rings it is the client of: out of its quota */
    unsigned ring_ends;  /* rings it takes part in: bits RING_FIRST_BIT.. */

    /* What exists while it runs (root's copies, all made of the budget). */
    struct budget budget;
    bt_cptr_t cnode, task, thread;
    uint64_t stack_bottom;
    unsigned crashes;
    bool no_memory; /* the last build failed for want of memory */
};

extern struct bt_alloc root_alloc;
extern const struct bt_bootinfo *root_info;
extern bt_cptr_t root_endpoint;
extern struct component components[MAX_COMPONENTS];
extern unsigned component_count;
extern struct ring rings[MAX_RINGS];
extern unsigned ring_count;

/* A page-sized window in root's own address space for filling frames. */
uint64_t root_window(void);

/* pool.c: root's memory and budgets */
bool budget_open(struct budget *b, uint64_t quota);
/* A new object made of the budget, in a new slot of root's CNode. */
bt_cptr_t budget_alloc(struct budget *b, unsigned type, unsigned size_bits);
/* ... or in slot index of the CNode root names with cnode. */
enum bt_status budget_alloc_into(struct budget *b, unsigned type, unsigned size_bits,
                                 bt_cptr_t cnode, uint64_t index);
/* Destroys everything made of the budget and returns its memory. */
void budget_close(struct budget *b);
uint64_t budget_used(const struct budget *b);

/* devices.c: device memory and interrupts, claimed once, kept by root */
/* Root's frames for [paddr, paddr+size) (at most MAX_DEVICE_PAGES pages),
 * made on first use; false if the range is not device memory or is taken. */
bool device_frames(uint64_t paddr, uint64_t size, bt_cptr_t *frames);
bt_cptr_t device_irq(uint32_t intid, uint16_t cpu);

/* names.c: the name server */
enum bt_status names_register(struct component *c, const char *name, bt_cptr_t cap);
enum bt_status names_lookup(struct component *c, const char *name, bt_cptr_t *cap);
void names_forget(struct component *c);

/* build.c: making and unmaking components */
bool component_build(struct component *c);
uint64_t archive_view_bytes(void);
void component_unbuild(struct component *c);

/* faults.c */
void fault_handle(struct component *c, const struct bt_msg *m);
void component_exit(struct component *c, int code);

struct component *component_by_badge(uint64_t badge);

#endif
