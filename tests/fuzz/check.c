/*
 * The health check after fuzzing. Everything it uses is new, made of the
 * arena the sandboxes were made of (so it also shows that revoking gave all
 * of that memory back): IPC between two fresh threads, on two CPUs and on
 * one; a fresh frame mapped and touched; a fresh thread's fault delivered
 * to a handler; and every interrupt the fuzzer could claim free again. Each
 * check prints one line.
 */
#include "abi/layout.h"
#include "c/print.h"
#include "root.h"

#define CHECK_CALLS 1000
#define CHECK_VA_OFFSET (1ul << 36) /* past whatever root's allocator mapped */
#define CHECK_IRQ_FIRST 32
#define CHECK_IRQ_COUNT 96

struct ipc_pair {
    bt_cptr_t ep, reply, done;
    uint64_t result; /* written by the client: calls answered correctly */
};

static void ipc_server(uint64_t arg)
{
    struct ipc_pair *p = (struct ipc_pair *)arg;
    struct bt_msg m = {.tag = 0};
    enum bt_status st = bt_recv(p->ep, p->reply, &m);
    while (st == BT_OK) {
        /* Echo: the words in registers plus one, the long part as it came. */
        uint64_t words = BT_TAG_WORDS(m.tag);
        for (unsigned i = 0; i < BT_MSG_REG_WORDS; i++) {
            m.mr[i] += 1;
        }
        m.tag = BT_TAG(BT_TAG_LABEL(m.tag) + 1, words, 0);
        st = bt_reply_recv(p->ep, p->reply, &m);
    }
}

static void ipc_client(uint64_t arg)
{
    struct ipc_pair *p = (struct ipc_pair *)arg;
    struct bt_ipc_buffer *buf = bt_ipc_buffer();
    uint64_t good = 0;
    for (uint64_t i = 0; i < CHECK_CALLS; i++) {
        bool long_msg = i % 10 == 0;
        uint64_t words = long_msg ? BT_MSG_MAX_WORDS : BT_MSG_REG_WORDS;
        for (uint64_t w = BT_MSG_REG_WORDS; long_msg && w < words; w++) {
            buf->mr[w] = i * 100 + w;
        }
        struct bt_msg m = {.tag = BT_TAG(i, words, 0), .mr = {i, i + 1, i + 2, i + 3, i + 4}};
        if (bt_call(p->ep, &m) != BT_OK || BT_TAG_LABEL(m.tag) != i + 1 ||
            BT_TAG_WORDS(m.tag) != words || m.mr[0] != i + 1 || m.mr[4] != i + 5) {
            continue;
        }
        bool intact = true;
        for (uint64_t w = BT_MSG_REG_WORDS; long_msg && w < words; w++) {
            intact = intact && buf->mr[w] == i * 100 + w;
        }
        good += intact;
    }
    /* Some floating point, to show FP/SIMD state still belongs to threads. */
    volatile double d = (double)good;
    p->result = (uint64_t)(d * 0.5) * 2;
    bt_signal(p->done);
}

/* An allocator for the check: the arena, the admin slots, fresh addresses. */
static void check_alloc(struct fuzz_root *r, struct bt_alloc *a)
{
    *a = r->alloc;
    a->untyped_count = 1;
    a->untyped[0].cptr = r->arena;
    a->untyped[0].size_bits = ARENA_BITS;
    a->untyped[0].full = false;
    a->next_slot = r->admin;
    a->slot_end = r->admin + ADMIN_SLOTS;
    a->free_count = 0;
    a->next_vaddr = r->alloc.next_vaddr + CHECK_VA_OFFSET;
}

static bool check_arena(struct fuzz_root *r)
{
    struct bt_cap_info info;
    if (bt_cap_identify(r->arena, &info) != BT_OK || info.extra != 0) {
        bt_printf("fuzz: check FAILED: the arena still has %lu bytes in use\n", info.extra);
        return false;
    }
    bt_printf("fuzz: check: all %lu KiB of sandbox memory reclaimed by revoke\n",
              (1ul << ARENA_BITS) >> 10);
    return true;
}

static bool check_irqs(struct fuzz_root *r)
{
    bt_cptr_t slot = r->admin;
    unsigned claimed = 0;
    for (unsigned id = CHECK_IRQ_FIRST; id < CHECK_IRQ_FIRST + CHECK_IRQ_COUNT; id++) {
        enum bt_status st =
            bt_irq_control_get(r->bi->irq_control, id, r->bi->self_cnode, slot, BT_IRQ_LEVEL, 0);
        if (st == BT_E_EXISTS) {
            bt_printf("fuzz: check FAILED: interrupt %u is still claimed\n", id);
            return false;
        }
        if (st == BT_OK) {
            claimed++;
            bt_cap_delete(r->bi->self_cnode, slot);
        }
    }
    bt_printf("fuzz: check: interrupts %u-%u free again (%u claimed and released)\n",
              CHECK_IRQ_FIRST, CHECK_IRQ_FIRST + CHECK_IRQ_COUNT - 1, claimed);
    return true;
}

static bool check_ipc(struct bt_alloc *a, unsigned server_cpu)
{
    static struct ipc_pair pair;
    pair = (struct ipc_pair){
        .ep = bt_alloc_object(a, BT_OBJ_ENDPOINT, 0),
        .reply = bt_alloc_object(a, BT_OBJ_REPLY, 0),
        .done = bt_alloc_object(a, BT_OBJ_NOTIFICATION, 0),
    };
    bt_cptr_t server = bt_alloc_thread(a, ipc_server, (uint64_t)&pair, 150, server_cpu, 0);
    bt_cptr_t client = bt_alloc_thread(a, ipc_client, (uint64_t)&pair, 150, 0, 0);
    uint64_t bits = 0;
    if (pair.ep == 0 || pair.reply == 0 || pair.done == 0 || server == 0 || client == 0 ||
        bt_wait(pair.done, &bits) != BT_OK || pair.result != CHECK_CALLS) {
        bt_printf("fuzz: check FAILED: IPC between fresh threads on CPUs 0 and %u: %lu of %u\n",
                  server_cpu, pair.result, CHECK_CALLS);
        return false;
    }
    bt_thread_suspend(server);
    bt_printf("fuzz: check: IPC between two fresh threads on CPUs 0 and %u: %u calls "
              "answered, long messages intact\n",
              server_cpu, CHECK_CALLS);
    return true;
}

static bool check_memory(struct bt_alloc *a)
{
    bt_cptr_t frame = 0;
    uint64_t *p = bt_alloc_pages(a, 1, &frame);
    bt_cptr_t copy = bt_alloc_slot(a);
    if (p == NULL || copy == 0) {
        bt_printf("fuzz: check FAILED: cannot map a fresh frame\n");
        return false;
    }
    bool zero = true, same = true;
    for (unsigned i = 0; i < BT_PAGE_SIZE / 8; i++) {
        zero = zero && p[i] == 0;
        p[i] = 0x5a5a000000000000ul + i;
    }
    /* The same frame again, through a copy of its capability elsewhere. */
    uint64_t va = a->next_vaddr;
    a->next_vaddr += 2 * BT_PAGE_SIZE;
    if (bt_cap_copy(a->cnode, copy, a->cnode, frame, BT_RIGHT_READ) != BT_OK ||
        bt_alloc_map(a, a->task, copy, va, BT_RIGHT_READ, BT_MAP_CACHED) != BT_OK) {
        bt_printf("fuzz: check FAILED: cannot map the frame a second time\n");
        return false;
    }
    const uint64_t *q = (const uint64_t *)va;
    for (unsigned i = 0; i < BT_PAGE_SIZE / 8; i++) {
        same = same && q[i] == 0x5a5a000000000000ul + i;
    }
    if (!zero || !same) {
        bt_printf("fuzz: check FAILED: fresh frame %s\n", zero ? "reads back wrong" : "not zeroed");
        return false;
    }
    bt_printf("fuzz: check: fresh frame mapped at %p and %p: zeroed, written, read back\n",
              (void *)p, (void *)q);
    return true;
}

static void faulting_thread(uint64_t arg)
{
    *(volatile uint64_t *)arg = 1;
}

static bool check_fault(struct fuzz_root *r, struct bt_alloc *a)
{
    bt_cptr_t ep = bt_alloc_object(a, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = bt_alloc_object(a, BT_OBJ_REPLY, 0);
    uint64_t addr = 0x7ff0dead0000ul;
    bt_cptr_t t =
        ep != 0 ? bt_alloc_thread(a, faulting_thread, addr, 150, (unsigned)r->bi->cpu_count - 1, ep)
                : 0;
    struct bt_msg m = {.tag = 0};
    if (t == 0 || reply == 0 || bt_recv(ep, reply, &m) != BT_OK ||
        BT_TAG_LABEL(m.tag) != BT_FAULT_MEMORY || m.mr[0] != addr) {
        bt_printf("fuzz: check FAILED: a fresh thread's fault did not arrive as expected\n");
        return false;
    }
    bt_thread_suspend(t);
    bt_printf("fuzz: check: a fresh thread on CPU %lu ran and its fault at %p reached its "
              "handler\n",
              r->bi->cpu_count - 1, (void *)addr);
    return true;
}

bool check_system(struct fuzz_root *r)
{
    struct bt_alloc a;
    bt_thread_bind_notification(r->bi->self_thread, 0);
    if (!check_arena(r) || !check_irqs(r)) {
        return false;
    }
    check_alloc(r, &a);
    return check_ipc(&a, (unsigned)r->bi->cpu_count - 1) && check_ipc(&a, 0) && check_memory(&a) &&
           check_fault(r, &a);
}
