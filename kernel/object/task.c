/*
 * Tasks and ASIDs: see task.h. ASIDs come from a bitmap; the table from ASID
 * to task lets a frame's mapping record find its task again, and the
 * generation tells whether that task is still the one the record means.
 */
#include "object/task.h"
#include "core/panic.h"
#include "lib/string.h"

#define ASID_MAX (1u << 16)

static struct task *asid_table[ASID_MAX];
static uint32_t asid_limit; /* 2^asid_bits */
static uint32_t asid_next = 1;
static uint32_t asid_free; /* ASIDs not in use, 0 excluded */
static uint64_t next_gen = 1;

void task_asids_init(unsigned asid_bits)
{
    asid_limit = 1u << asid_bits;
    asid_free = asid_limit - 1;
}

bool task_asids_available(uint64_t n)
{
    return asid_free >= n;
}

static bool asid_alloc(uint16_t *out)
{
    /* ASID 0 stays with the kernel's identity map. */
    for (uint32_t n = 0; n < asid_limit; n++) {
        uint32_t a = asid_next;
        asid_next = asid_next + 1 < asid_limit ? asid_next + 1 : 1;
        if (a != 0 && asid_table[a] == NULL) {
            *out = (uint16_t)a;
            return true;
        }
    }
    return false;
}

bool task_init(struct task *t)
{
    if (!asid_alloc(&t->asid)) {
        return false;
    }
    t->gen = next_gen++;
    t->ttbr = task_root_pa(t) | (uint64_t)t->asid << 48;
    asid_table[t->asid] = t;
    asid_free--;
    return true;
}

struct task *task_lookup(uint16_t asid, uint64_t gen)
{
    struct task *t = asid_table[asid];
    return t != NULL && t->gen == gen ? t : NULL;
}

void task_destroy(struct task *t)
{
    if (t->asid == 0) {
        return; /* never got an ASID */
    }
    /* No thread runs in it any more (threads hold it by capability), so
     * dropping its TLB entries everywhere makes the ASID reusable. */
    dsb(ishst);
    __asm__ volatile("tlbi aside1is, %0" ::"r"((uint64_t)t->asid << 48) : "memory");
    dsb(ish);
    isb();
    asid_table[t->asid] = NULL;
    asid_free++;
    t->asid = 0;
}
