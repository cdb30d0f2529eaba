/*
 * What a component finds at start: its name, its own capabilities, and
 * every capability, mapping and badge the system description grants it,
 * each under the name the scenario gives it (docs/scenarios.md). Root maps
 * this read-only into each component and starts its first thread with
 * x0 = its address. lib/start's bt_start_find() looks names up.
 */
#ifndef ABI_STARTINFO_H
#define ABI_STARTINFO_H

#include <stdint.h>

#include "abi/caps.h"

#define BT_STARTINFO_MAGIC 0x6f666e4974726153ull /* "StartInfo" */
#define BT_START_NAME_MAX 24
#define BT_START_MAX_ENTRIES 48
#define BT_START_STRINGS 768 /* room for the entries' parameter strings */
#define BT_START_ARGS_MAX 128

enum bt_start_kind {
    BT_START_CAP = 1,    /* a capability: cptr (type as the kernel reports) */
    BT_START_MEMORY = 2, /* a mapping: vaddr, size (a device region, or a ring) */
    BT_START_BADGE = 3,  /* a server learns a client channel: value = its badge */
    BT_START_IRQ = 4,    /* an IRQ capability (cptr) signalling the component's
                            events notification with bit value (a mask) */
    BT_START_RING = 5,   /* a ring: vaddr/size of its memory, cptr = the
                            notification to signal the peer, value = the bit
                            the peer's signals set on the events notification */
};

/*
 * A ring's parameters (bt_start_entry.params), which both ends see: words
 * separated by one space, each a flag or key=value, in this order, from
 * the scenario's properties of the channel or virtio device:
 *   ro                     read-only                        (read-only)
 *   partition=N            partition N (1..128) of the disk (partition)
 *   range=0xOFF+0xLEN      that byte range of the disk      (range)
 *   mac=52:54:00:00:00:01  the port's MAC address           (mac)
 *   peers=a,b              the only ports it may reach      (peers)
 * A server parses them as untrusted input all the same.
 */

struct bt_start_entry {
    char name[BT_START_NAME_MAX];
    uint32_t kind; /* enum bt_start_kind */
    uint32_t cptr;
    uint64_t vaddr;
    uint64_t size;
    uint64_t value;
    uint32_t params; /* offset in bt_startinfo.strings of its parameters; 0: none */
    uint32_t reserved;
};

struct bt_startinfo {
    uint64_t magic;
    char name[BT_START_NAME_MAX]; /* the component's name */
    char args[BT_START_ARGS_MAX]; /* the scenario's args property, or "" */
    bt_cptr_t self_cnode;
    bt_cptr_t self_task;
    bt_cptr_t self_thread;
    bt_cptr_t root;   /* root's service: memory, names, exit (services/root/protocol.h) */
    bt_cptr_t events; /* a notification bound to the first thread: IRQs, rings */
    uint64_t cnode_size_bits;
    bt_cptr_t first_free_slot;
    uint64_t ipc_buffer_vaddr;
    uint64_t cpu_count;
    uint64_t timer_frequency;
    uint64_t entry_count;
    struct bt_start_entry entries[BT_START_MAX_ENTRIES];
    char strings[BT_START_STRINGS]; /* NUL-terminated; offset 0 is "" */
};

_Static_assert(sizeof(struct bt_startinfo) <= 4096, "start info fits one page");

#endif
