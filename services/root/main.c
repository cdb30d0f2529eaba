/*
 * root: the first task. The kernel starts it with every initial capability
 * (abi/bootinfo.h). It is the memory manager (each component's memory comes
 * from a budget exactly its quota, and goes back when it ends), the name
 * server, and the factory that builds components as the loader describes
 * them; it also handles every component's faults. It starts the loader, the
 * one component it knows by name, and then serves requests forever.
 */
#include "abi/ipc.h"
#include "abi/layout.h"
#include "c/print.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "root.h"
#include "root/protocol.h"

#define LOADER_QUOTA (2UL * 1024 * 1024)
#define LOADER_PRIORITY 250

struct bt_alloc root_alloc;
const struct bt_bootinfo *root_info;
bt_cptr_t root_endpoint;
struct component components[MAX_COMPONENTS];
unsigned component_count;
struct ring rings[MAX_RINGS];
unsigned ring_count;
static struct component loader;
static bt_cptr_t spare_slot; /* where the next received capability lands */

uint64_t root_window(void)
{
    static uint64_t window;
    if (window == 0) {
        /* Reserve an address with its tables by mapping a page once. */
        bt_cptr_t f = 0;
        void *p = bt_alloc_pages(&root_alloc, 1, &f);
        bt_task_unmap(f);
        window = (uint64_t)p;
    }
    return window;
}

struct component *component_by_badge(uint64_t badge)
{
    uint64_t id = (badge & ~BADGE_FAULT) - 1;
    if ((badge & ~BADGE_FAULT) == BADGE_LOADER) {
        return &loader;
    }
    return id < component_count ? &components[id] : NULL;
}

static void get_name(const struct bt_msg *m, char *name)
{
    char buf[ROOT_NAME_WORDS * 8 + 1];
    memcpy(buf, m->mr, ROOT_NAME_WORDS * 8);
    buf[ROOT_NAME_WORDS * 8] = 0;
    strncpy_bounded(name, buf, NAME_MAX);
}

/* IPC buffer words from..to as a NUL-terminated string. */
static void get_buffer_string(unsigned from, unsigned words, char *out, size_t size)
{
    char buf[BT_MSG_MAX_WORDS * 8 + 1];
    memcpy(buf, &bt_ipc_buffer()->mr[from], words * 8);
    buf[words * 8] = 0;
    strncpy_bounded(out, buf, size);
}

static bool start_loader(void)
{
    struct cpio_entry e;
    if (cpio_find((const void *)root_info->archive_vaddr, root_info->archive_size, "loader.elf",
                  &e) != CPIO_OK) {
        bt_printf("root: the boot archive has no loader (loader.elf); nothing else to start\n");
        return false;
    }
    loader = (struct component){.id = MAX_COMPONENTS,
                                .quota = LOADER_QUOTA + archive_view_bytes(),
                                .priority = LOADER_PRIORITY,
                                .is_loader = true,
                                .sees_archive = true};
    loader.events = bt_alloc_object(&root_alloc, BT_OBJ_NOTIFICATION, 0);
    strncpy_bounded(loader.name, "loader", NAME_MAX);
    strncpy_bounded(loader.program, "loader", NAME_MAX);
    return component_build(&loader);
}

/* ---- the loader's requests ---- */

static struct component *by_id(uint64_t id)
{
    return id < component_count ? &components[id] : NULL;
}

static uint64_t loader_new(const struct bt_msg *m, uint64_t *id)
{
    if (component_count == MAX_COMPONENTS) {
        return BT_E_FULL;
    }
    struct component *c = &components[component_count];
    memset(c, 0, sizeof(*c));
    c->id = (int)component_count;
    get_name(m, c->name);
    get_buffer_string(5, 3, c->program, NAME_MAX);
    get_buffer_string(8, 16, c->args, BT_START_ARGS_MAX);
    c->quota = m->mr[3];
    c->priority = (uint8_t)(m->mr[4] & 0xff);
    c->cpu = (uint16_t)((m->mr[4] >> 8) & 0xff);
    c->restart = (m->mr[4] >> 16) & 1;
    c->manual = (m->mr[4] >> 17) & 1;
    if (c->quota == 0 || (c->quota & (BT_PAGE_SIZE - 1)) != 0 || c->cpu >= root_info->cpu_count) {
        return BT_E_ARG;
    }
    c->events = bt_alloc_object(&root_alloc, BT_OBJ_NOTIFICATION, 0);
    if (c->events == 0) {
        return BT_E_NOMEM;
    }
    *id = component_count++;
    return BT_OK;
}

static uint64_t loader_grant(const struct bt_msg *m, unsigned label)
{
    struct component *c = by_id(m->mr[3]);
    if (c == NULL || c->state != COMPONENT_DESCRIBED) {
        return BT_E_ARG;
    }
    char name[NAME_MAX];
    get_name(m, name);
    switch (label) {
    case ROOT_COMPONENT_ARCHIVE:
        c->sees_archive = true;
        return BT_OK;
    case ROOT_COMPONENT_STARTS:
        if (c->starts_count == MAX_STARTS) {
            return BT_E_FULL;
        }
        strncpy_bounded(c->starts[c->starts_count++], name, NAME_MAX);
        return BT_OK;
    case ROOT_COMPONENT_DEVICE: {
        uint64_t size = bt_ipc_buffer()->mr[5];
        if (c->device_count == MAX_DEVICES || size == 0 || size % BT_PAGE_SIZE != 0 ||
            size / BT_PAGE_SIZE > MAX_DEVICE_PAGES || m->mr[4] % BT_PAGE_SIZE != 0) {
            return BT_E_ARG;
        }
        struct device_grant *d = &c->devices[c->device_count++];
        strncpy_bounded(d->name, name, NAME_MAX);
        d->paddr = m->mr[4];
        d->size = size;
        return BT_OK;
    }
    case ROOT_COMPONENT_IRQ: {
        if (c->irq_count == MAX_IRQS) {
            return BT_E_FULL;
        }
        struct irq_grant *q = &c->irqs[c->irq_count++];
        strncpy_bounded(q->name, name, NAME_MAX);
        q->intid = (uint32_t)m->mr[4];
        return BT_OK;
    }
    case ROOT_COMPONENT_PROVIDES:
    case ROOT_COMPONENT_USES: {
        bool provides = label == ROOT_COMPONENT_PROVIDES;
        unsigned *n = provides ? &c->provides_count : &c->uses_count;
        if (*n == MAX_SERVICES) {
            return BT_E_FULL;
        }
        strncpy_bounded(provides ? c->provides[(*n)++] : c->uses[(*n)++], name, NAME_MAX);
        return BT_OK;
    }
    default:
        return BT_E_ARG;
    }
}

static uint64_t loader_ring(const struct bt_msg *m, struct component *client,
                            struct component *server, uint64_t size)
{
    if (size % BT_PAGE_SIZE != 0 || size / BT_PAGE_SIZE > MAX_RING_PAGES ||
        ring_count == MAX_RINGS || client->ring_ends == 64 - RING_FIRST_BIT ||
        server->ring_ends == 64 - RING_FIRST_BIT) {
        return BT_E_ARG;
    }
    if (client->ring_bytes + size >= client->quota) {
        return BT_E_NOMEM; /* it pays for its rings and still needs room to run */
    }
    struct ring *r = &rings[ring_count++];
    memset(r, 0, sizeof(*r));
    r->client = client->id;
    r->server = server->id;
    r->size = size;
    r->client_bit = (uint8_t)(RING_FIRST_BIT + client->ring_ends++);
    r->server_bit = (uint8_t)(RING_FIRST_BIT + server->ring_ends++);
    get_name(m, r->client_name);
    get_buffer_string(5, 3, r->server_name, NAME_MAX);
    if (BT_TAG_WORDS(m->tag) > 9) {
        get_buffer_string(9, RING_PARAMS_MAX / 8, r->params, RING_PARAMS_MAX);
    }
    client->ring_bytes += size;
    return BT_OK;
}

static uint64_t loader_channel(const struct bt_msg *m)
{
    struct component *client = by_id(m->mr[3]);
    struct component *server = by_id(m->mr[4]);
    if (client == NULL || server == NULL || client == server ||
        client->state != COMPONENT_DESCRIBED || server->state != COMPONENT_DESCRIBED) {
        return BT_E_ARG;
    }
    uint64_t ring_size = BT_TAG_WORDS(m->tag) > 8 ? bt_ipc_buffer()->mr[8] : 0;
    if (ring_size != 0) {
        return loader_ring(m, client, server, ring_size);
    }
    if (client->channel_count == MAX_CHANNELS || server->served_count == MAX_SERVED) {
        return BT_E_ARG;
    }
    if (server->endpoint == 0) {
        /* Root's own memory: the endpoint outlives the server's restarts. */
        server->endpoint = bt_alloc_object(&root_alloc, BT_OBJ_ENDPOINT, 0);
        if (server->endpoint == 0) {
            return BT_E_NOMEM;
        }
    }
    struct channel_grant *ch = &client->channels[client->channel_count++];
    struct served_channel *sv = &server->served[server->served_count++];
    get_name(m, ch->name);
    get_buffer_string(5, 3, sv->name, NAME_MAX);
    ch->server = server->id;
    ch->badge = sv->badge = server->served_count; /* 1, 2, ...: distinct per server */
    return BT_OK;
}

static uint64_t loader_start(const struct bt_msg *m)
{
    struct component *c = by_id(m->mr[3]);
    if (c == NULL || c->state != COMPONENT_DESCRIBED) {
        return BT_E_ARG;
    }
    if (c->manual) {
        /* Built only when started: its memory is taken then. */
        c->state = COMPONENT_WAITING;
        bt_printf("root: %s waits to be started\n", c->name);
        return BT_OK;
    }
    return component_build(c) ? BT_OK : BT_E_NOMEM;
}

/* ROOT_START: c asks to start the component named in the message. */
static uint64_t start_by_name(struct component *c, const struct bt_msg *m, struct bt_msg *reply)
{
    char name[NAME_MAX];
    get_name(m, name);
    bool allowed = false;
    for (unsigned i = 0; i < c->starts_count; i++) {
        allowed |= strcmp(c->starts[i], name) == 0;
    }
    struct component *t = NULL;
    for (unsigned i = 0; i < component_count; i++) {
        if (strcmp(components[i].name, name) == 0) {
            t = &components[i];
        }
    }
    if (!allowed) {
        return BT_E_RIGHTS;
    }
    if (t == NULL || t->state == COMPONENT_DESCRIBED) {
        return BT_E_ARG;
    }
    if (t->state == COMPONENT_RUNNING) {
        return BT_E_BUSY;
    }
    bt_printf("root: %s starts %s\n", c->name, t->name);
    t->crashes = 0;
    if (!component_build(t)) {
        reply->mr[1] = t->quota;
        return t->no_memory ? BT_E_NOMEM : BT_E_GONE;
    }
    return BT_OK;
}

static uint64_t loader_request(const struct bt_msg *m, struct bt_msg *reply)
{
    unsigned label = (unsigned)BT_TAG_LABEL(m->tag);
    switch (label) {
    case ROOT_COMPONENT_NEW:
        return loader_new(m, &reply->mr[1]);
    case ROOT_COMPONENT_CHANNEL:
        return loader_channel(m);
    case ROOT_COMPONENT_START:
        return loader_start(m);
    default:
        return loader_grant(m, label);
    }
}

/* ---- every component's requests ---- */

/* Returns false when the caller is gone and must not be replied to. */
static bool component_request(struct component *c, const struct bt_msg *m, struct bt_msg *reply)
{
    char name[NAME_MAX];
    switch (BT_TAG_LABEL(m->tag)) {
    case ROOT_ALLOC:
        if (m->mr[3] == BT_OBJ_UNTYPED) {
            reply->mr[0] = BT_E_TYPE;
        } else {
            reply->mr[0] = budget_alloc_into(&c->budget, (unsigned)m->mr[3], (unsigned)m->mr[4],
                                             c->cnode, m->mr[0]);
        }
        return true;
    case ROOT_NAME_REGISTER:
        get_name(m, name);
        if (BT_TAG_CAPS(m->tag) != 1) {
            reply->mr[0] = BT_E_CAP;
            return true;
        }
        reply->mr[0] = names_register(c, name, spare_slot);
        if (reply->mr[0] == BT_OK) {
            spare_slot = 0; /* kept: the name server holds it now */
        } else {
            bt_cap_delete(root_alloc.cnode, spare_slot);
        }
        return true;
    case ROOT_NAME_LOOKUP: {
        bt_cptr_t cap = 0;
        get_name(m, name);
        reply->mr[0] = names_lookup(c, name, &cap);
        if (reply->mr[0] == BT_OK) {
            bt_ipc_buffer()->send_caps[0] = cap;
            reply->tag = BT_TAG(0, 1, 1);
        }
        return true;
    }
    case ROOT_START:
        reply->mr[0] = start_by_name(c, m, reply);
        return true;
    case ROOT_MEMORY_INFO:
        reply->mr[0] = BT_OK;
        reply->mr[1] = c->quota;
        reply->mr[2] = budget_used(&c->budget);
        return true;
    case ROOT_EXIT:
        component_exit(c, (int)m->mr[3]);
        return false;
    default:
        reply->mr[0] = BT_E_ARG;
        return true;
    }
}

static bool dispatch(const struct bt_msg *m, struct bt_msg *reply)
{
    struct component *c = component_by_badge(m->badge);
    reply->tag = BT_TAG(0, 3, 0);
    reply->mr[0] = BT_E_ARG;
    if (c == NULL) {
        return true;
    }
    if (m->badge & BADGE_FAULT) {
        fault_handle(c, m);
        return false;
    }
    if (c->is_loader && BT_TAG_LABEL(m->tag) >= ROOT_COMPONENT_NEW) {
        reply->mr[0] = loader_request(m, reply);
        return true;
    }
    return component_request(c, m, reply);
}

int main(uint64_t arg)
{
    root_info = (const struct bt_bootinfo *)arg;
    bt_alloc_init_root(&root_alloc, root_info);
    bt_debug_puts("root: started\n");
    root_endpoint = bt_alloc_object(&root_alloc, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply_obj = bt_alloc_object(&root_alloc, BT_OBJ_REPLY, 0);
    if (root_endpoint == 0 || reply_obj == 0 || !start_loader()) {
        bt_thread_exit();
    }
    struct bt_msg m = {0}, reply;
    bool answer = false;
    for (;;) {
        struct bt_cap_info info;
        if (spare_slot == 0) {
            spare_slot = bt_alloc_slot(&root_alloc);
        } else if (bt_cap_identify(spare_slot, &info) == BT_OK) {
            bt_cap_delete(root_alloc.cnode, spare_slot); /* sent along unasked */
        }
        bt_ipc_buffer()->recv_slots[0] = spare_slot;
        enum bt_status st = answer ? bt_reply_recv(root_endpoint, reply_obj, &reply)
                                   : bt_recv(root_endpoint, reply_obj, &reply);
        bt_ipc_buffer()->send_caps[0] = 0;
        if (st != BT_OK) {
            answer = false;
            continue;
        }
        m = reply;
        answer = dispatch(&m, &reply);
    }
}
