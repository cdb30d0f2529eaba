/*
 * Root's memory: the untyped regions from boot info, carved into budgets
 * (one per component, summing exactly to its quota in power-of-two chunks)
 * and taken back whole when the component ends. Returned chunks are kept by
 * size for the next budget; the kernel resets them when they are revoked.
 */
#include "abi/layout.h"
#include "lib/string.h"
#include "root.h"

#define FREE_MAX 64

static struct {
    bt_cptr_t cptr;
    uint8_t bits;
} free_chunks[FREE_MAX];
static unsigned free_count;

/* A chunk of 2^bits bytes: a returned one, else carved from root's own. */
static bt_cptr_t chunk_get(unsigned bits)
{
    for (unsigned i = 0; i < free_count; i++) {
        if (free_chunks[i].bits == bits) {
            bt_cptr_t c = free_chunks[i].cptr;
            free_chunks[i] = free_chunks[--free_count];
            return c;
        }
    }
    return bt_alloc_object(&root_alloc, BT_OBJ_UNTYPED, bits);
}

static void chunk_put(bt_cptr_t c, unsigned bits)
{
    if (free_count < FREE_MAX) {
        free_chunks[free_count].cptr = c;
        free_chunks[free_count].bits = (uint8_t)bits;
        free_count++;
    } else {
        bt_cap_delete(root_alloc.cnode, c); /* its memory stays in its parent, unused */
        bt_alloc_free_slot(&root_alloc, c);
    }
}

bool budget_open(struct budget *b, uint64_t quota)
{
    b->count = 0;
    /* Largest chunks first: big objects (CNodes) need aligned room. */
    for (int bits = 40; bits >= 12; bits--) {
        if ((quota & (1UL << bits)) == 0) {
            continue;
        }
        bt_cptr_t c = b->count < MAX_CHUNKS ? chunk_get((unsigned)bits) : 0;
        if (c == 0) {
            budget_close(b);
            return false;
        }
        b->chunk[b->count] = c;
        b->bits[b->count] = (uint8_t)bits;
        b->count++;
    }
    return true;
}

enum bt_status budget_alloc_into(struct budget *b, unsigned type, unsigned size_bits,
                                 bt_cptr_t cnode, uint64_t index)
{
    /* Smallest chunk first (they are kept largest first): small objects
     * fill the small chunks, and the large ones keep their alignment in the
     * big chunks, where a small object placed first would waste up to the
     * size of the next large one (untyped memory is used bottom up). */
    enum bt_status st = BT_E_NOMEM;
    for (unsigned i = b->count; i-- > 0;) {
        st = bt_untyped_retype(b->chunk[i], type, size_bits, cnode, index, 1);
        if (st != BT_E_NOMEM) {
            return st;
        }
    }
    return st;
}

bt_cptr_t budget_alloc(struct budget *b, unsigned type, unsigned size_bits)
{
    bt_cptr_t slot = bt_alloc_slot(&root_alloc);
    if (slot == 0) {
        return 0;
    }
    if (budget_alloc_into(b, type, size_bits, root_alloc.cnode, slot) != BT_OK) {
        bt_alloc_free_slot(&root_alloc, slot);
        return 0;
    }
    return slot;
}

void budget_close(struct budget *b)
{
    for (unsigned i = 0; i < b->count; i++) {
        bt_cap_revoke(root_alloc.cnode, b->chunk[i]);
        chunk_put(b->chunk[i], b->bits[i]);
    }
    b->count = 0;
}

uint64_t budget_used(const struct budget *b)
{
    uint64_t used = 0;
    for (unsigned i = 0; i < b->count; i++) {
        struct bt_cap_info info;
        if (bt_cap_identify(b->chunk[i], &info) == BT_OK) {
            used += info.extra;
        }
    }
    return used;
}
