/*
 * Capability slots and the derivation tree: see cap.h.
 */
#include "object/cap.h"
#include "arch/aarch64/sysreg.h"
#include "object/object.h"
#include "object/vspace.h"
#include "lib/string.h"

/* Revocation checks for pending interrupts this often. */
#define REVOKE_BATCH 32

bool cap_type_has_kobj(unsigned type)
{
    switch (type) {
    case BT_OBJ_CNODE:
    case BT_OBJ_TASK:
    case BT_OBJ_THREAD:
    case BT_OBJ_ENDPOINT:
    case BT_OBJ_NOTIFICATION:
    case BT_OBJ_REPLY:
    case BT_OBJ_IRQ:
    case BT_OBJ_VM:
        return true;
    default:
        return false;
    }
}

static void link_after(struct slot *s, struct slot *after)
{
    s->prev = after;
    s->next = after->next;
    if (after->next != NULL) {
        after->next->prev = s;
    }
    after->next = s;
}

void cap_insert(struct slot *dst, const struct cap *cap, struct slot *parent)
{
    dst->cap = *cap;
    dst->prev = dst->next = NULL;
    dst->depth = 0; /* dst->pad (internal slot kind) is left as it is */
    if (parent != NULL) {
        link_after(dst, parent);
        dst->depth = parent->depth + 1;
    }
    if (cap_type_has_kobj(cap->type)) {
        cap_kobj(cap)->refs++;
    }
}

void cap_move(struct slot *dst, struct slot *src)
{
    uint32_t kind = dst->pad;
    *dst = *src;
    dst->pad = kind;
    if (dst->prev != NULL) {
        dst->prev->next = dst;
    }
    if (dst->next != NULL) {
        dst->next->prev = dst;
    }
    uint32_t src_kind = src->pad;
    memset(src, 0, sizeof(*src));
    src->pad = src_kind;
}

bool cap_has_children(const struct slot *s)
{
    return s->next != NULL && s->next->depth > s->depth;
}

/* Drops what the capability itself holds, before the slot is emptied. */
static void release_cap_state(struct cap *c)
{
    switch (c->type) {
    case BT_OBJ_FRAME:
        vspace_unmap_frame(c);
        break;
    case BT_OBJ_PAGE_TABLE:
        vspace_unmap_table(c);
        break;
    default:
        break;
    }
}

void cap_delete(struct slot *s)
{
    if (slot_empty(s)) {
        return;
    }
    struct cap c = s->cap;
    uint32_t kind = s->pad; /* internal slots keep their kind when emptied */
    /* Children move up one level: they become children of s's parent. */
    for (struct slot *d = s->next; d != NULL && d->depth > s->depth; d = d->next) {
        d->depth--;
    }
    if (s->prev != NULL) {
        s->prev->next = s->next;
    }
    if (s->next != NULL) {
        s->next->prev = s->prev;
    }
    memset(s, 0, sizeof(*s));
    s->pad = kind;
    release_cap_state(&c);
    if (cap_type_has_kobj(c.type)) {
        struct kobj *o = cap_kobj(&c);
        if (--o->refs == 0) {
            object_schedule_destroy(o);
        }
    }
    if (kind != SLOT_USER) {
        object_internal_slot_deleted(s, (enum internal_slot)kind);
    }
}

static bool interrupt_pending(void)
{
    return (sysreg_read(isr_el1) & (1u << 7)) != 0; /* ISR_EL1.I */
}

static struct slot *last_descendant(struct slot *s)
{
    struct slot *last = s;
    while (last->next != NULL && last->next->depth > s->depth) {
        last = last->next;
    }
    return last;
}

/*
 * Deletes from the end of the subtree backwards, so each deleted slot has no
 * children left and nothing else in the list moves. Deleting a capability
 * never empties another slot by itself; only object_reap() does (slots inside
 * destroyed CNodes and threads), so the walk position is re-found after each
 * reap if its slot was emptied.
 */
bool cap_revoke(struct slot *s)
{
    struct slot *last = last_descendant(s);
    while (last != s) {
        for (unsigned i = 0; i < REVOKE_BATCH && last != s; i++) {
            struct slot *prev = last->prev;
            cap_delete(last);
            last = prev;
        }
        object_reap();
        if (slot_empty(s)) {
            /* s lay in a CNode made of the memory being revoked: that CNode
             * is gone, and with it everything still below s. */
            return true;
        }
        if (last != s && (slot_empty(last) || last->depth <= s->depth)) {
            last = last_descendant(s);
        }
        if (last != s && interrupt_pending()) {
            return false;
        }
    }
    return true;
}
