/*
 * ktest environment: slots of the case's window, objects made of the case's
 * untyped memory, mappings in root's task, failure reports and time. See
 * ktest.h. Everything here runs in root's thread only (slot and address
 * counters are not shared with workers).
 */
#include <stdarg.h>

#include "c/print.h"
#include "ktest.h"
#include "lib/format.h"
#include "lib/string.h"

struct kt_env kt_env;

static const char *const status_names[] = {
    "BT_OK",     "BT_E_SYSCALL",    "BT_E_CAP",  "BT_E_TYPE",  "BT_E_RIGHTS",
    "BT_E_ARG",  "BT_E_ALIGN",      "BT_E_ADDR", "BT_E_NOMEM", "BT_E_EXISTS",
    "BT_E_BUSY", "BT_E_WOULDBLOCK", "BT_E_GONE", "BT_E_FULL",  "BT_E_NOTABLE",
};

_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == BT_STATUS_COUNT,
               "a name for every status");

const char *kt_status_name(uint64_t status)
{
    static char other[4][24];
    static unsigned next;
    if (status < BT_STATUS_COUNT) {
        return status_names[status];
    }
    if (status == KT_BLOCKED) {
        return "no return (the call blocked)";
    }
    /* Not a status at all: say what it was (a few may be live at once). */
    char *buf = other[next++ % 4];
    bt_snprintf(buf, sizeof(other[0]), "0x%lx", status);
    return buf;
}

void kt_fail(struct kt *kt, const char *fmt, ...)
{
    /* The first report wins; a worker and root may race for it. */
    if (__atomic_exchange_n(&kt->failed, 1, __ATOMIC_ACQ_REL)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    format_vbuf(kt->reason, sizeof(kt->reason), fmt, ap);
    va_end(ap);
}

/* ---- slots and objects ---- */

bt_cptr_t kt_slot(struct kt *kt)
{
    if (kt->slot_next >= kt_env.slot_end) {
        kt_fail(kt, "the case used up its %lu slots", kt_env.slot_end - kt_env.slot_first);
        return 0;
    }
    return kt->slot_next++;
}

bt_cptr_t kt_obj_from(struct kt *kt, bt_cptr_t ut, unsigned type, unsigned size_bits)
{
    bt_cptr_t slot = kt_slot(kt);
    if (slot == 0) {
        return 0;
    }
    enum bt_status st = bt_untyped_retype(ut, type, size_bits, kt_env.cnode, slot, 1);
    if (st != BT_OK) {
        kt_fail(kt, "retype of type %u (%u bits) from %lu: %s", type, size_bits, ut,
                kt_status_name(st));
        return 0;
    }
    return slot;
}

bt_cptr_t kt_obj(struct kt *kt, unsigned type, unsigned size_bits)
{
    return kt_obj_from(kt, kt->ut, type, size_bits);
}

bt_cptr_t kt_mint(struct kt *kt, bt_cptr_t src, unsigned rights, uint64_t badge)
{
    bt_cptr_t slot = kt_slot(kt);
    if (slot == 0) {
        return 0;
    }
    enum bt_status st = badge != 0
                            ? bt_cap_mint(kt_env.cnode, slot, kt_env.cnode, src, rights, badge)
                            : bt_cap_copy(kt_env.cnode, slot, kt_env.cnode, src, rights);
    if (st != BT_OK) {
        kt_fail(kt, "copy of slot %lu: %s", src, kt_status_name(st));
        return 0;
    }
    return slot;
}

bt_cptr_t kt_copy(struct kt *kt, bt_cptr_t src, unsigned rights)
{
    return kt_mint(kt, src, rights, 0);
}

uint64_t kt_type_of(bt_cptr_t cap)
{
    struct bt_cap_info info;
    return bt_cap_identify(cap, &info) == BT_OK ? info.type : BT_OBJ_NONE;
}

/* ---- mappings ---- */

enum bt_status kt_map(struct kt *kt, bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr,
                      unsigned rights)
{
    /* At most three tables can be missing (levels 1-3). */
    for (int tries = 0; tries < 4; tries++) {
        uint64_t level = 0;
        enum bt_status st = bt_task_map(task, frame, vaddr, rights, BT_MAP_CACHED, &level);
        if (st != BT_E_NOTABLE) {
            return st;
        }
        bt_cptr_t table = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
        if (table == 0) {
            return BT_E_NOMEM;
        }
        st = bt_task_map_table(task, table, vaddr, &level);
        if (st != BT_OK) {
            return st;
        }
    }
    return BT_E_NOTABLE;
}

uint64_t kt_va(struct kt *kt, uint64_t size)
{
    uint64_t va = kt->va_next;
    kt->va_next += (size + 2 * BT_PAGE_SIZE - 1) & ~(BT_PAGE_SIZE - 1);
    return va;
}

void *kt_map_root(struct kt *kt, bt_cptr_t frame, unsigned rights)
{
    struct bt_cap_info info;
    if (bt_cap_identify(frame, &info) != BT_OK) {
        kt_fail(kt, "slot %lu holds no frame to map", frame);
        return NULL;
    }
    uint64_t size = 1UL << info.size_bits;
    /* Large frames need their natural alignment. */
    kt->va_next = (kt->va_next + size - 1) & ~(size - 1);
    uint64_t va = kt_va(kt, size);
    enum bt_status st = kt_map(kt, kt_env.task, frame, va, rights);
    if (st != BT_OK) {
        kt_fail(kt, "mapping slot %lu in root at 0x%lx: %s", frame, va, kt_status_name(st));
        return NULL;
    }
    return (void *)va;
}

void *kt_pages(struct kt *kt, unsigned count, bt_cptr_t *first)
{
    uint64_t va = kt_va(kt, count * BT_PAGE_SIZE);
    for (unsigned i = 0; i < count; i++) {
        bt_cptr_t f = kt_obj(kt, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
        if (f == 0) {
            return NULL;
        }
        enum bt_status st =
            kt_map(kt, kt_env.task, f, va + i * BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE);
        if (st != BT_OK) {
            kt_fail(kt, "mapping a page in root: %s", kt_status_name(st));
            return NULL;
        }
        if (i == 0 && first != NULL) {
            *first = f;
        }
    }
    return (void *)va;
}

void *kt_mem(struct kt *kt, uint64_t size)
{
    return kt_pages(kt, (unsigned)((size + BT_PAGE_SIZE - 1) / BT_PAGE_SIZE), NULL);
}

/* ---- time ----
 *
 * Waiting loops check their condition often but the clock and the kernel
 * rarely. Under QEMU's TCG, reading the counter and programming the timer
 * (which every yield does in the kernel) go through QEMU's global lock;
 * while root polled the clock and yielded in a tight loop, other CPUs
 * stalled for seconds in the kernel's idle path. Polling the clock every
 * few tens of microseconds and never yielding made that go away. */

uint64_t kt_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

uint64_t kt_ms(uint64_t ms)
{
    return ms * kt_env.ticks_per_ms;
}

/* An empty loop the compiler keeps: some tens of microseconds under TCG. */
void kt_pause(void)
{
    for (int i = 0; i < 40000; i++) {
        __asm__ volatile("" ::: "memory");
    }
}

void kt_spin_ms(uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms);
    while (kt_now() < end) {
        kt_pause();
    }
}

/* Root at the lowest priority: every other runnable thread of CPU 0 goes
 * first, and root still notices when time is up once they block. Root
 * never yields while it waits (each yield reprograms the timer, see above):
 * threads of its waiting priority get the CPU by time slices. */
static void root_lower(void)
{
    bt_thread_set_sched(kt_env.thread, KT_PRIO_SPIN, 0, BT_PRIORITY_MAX);
}

static void root_restore(void)
{
    bt_thread_set_sched(kt_env.thread, KT_ROOT_PRIO, 0, BT_PRIORITY_MAX);
}

void kt_sleep_ms(uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms);
    root_lower();
    while (kt_now() < end) {
        kt_pause();
    }
    root_restore();
}

uint64_t kt_wait_bits(bt_cptr_t ntfn, uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms), bits = 0;
    root_lower();
    while (bt_poll(ntfn, &bits) == BT_OK && bits == 0 && kt_now() < end) {
        for (int i = 0; i < 4; i++) {
            kt_pause();
        }
    }
    root_restore();
    return bits;
}

bool kt_wait_word(volatile uint64_t *word, uint64_t want, uint64_t ms)
{
    uint64_t end = kt_now() + kt_ms(ms);
    root_lower();
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != want && kt_now() < end) {
        kt_pause();
    }
    root_restore();
    return __atomic_load_n(word, __ATOMIC_ACQUIRE) == want;
}

bool kt_wait_advance(volatile uint64_t *word, uint64_t ms)
{
    uint64_t before = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    uint64_t end = kt_now() + kt_ms(ms);
    root_lower();
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == before && kt_now() < end) {
        kt_pause();
    }
    root_restore();
    return __atomic_load_n(word, __ATOMIC_ACQUIRE) != before;
}
