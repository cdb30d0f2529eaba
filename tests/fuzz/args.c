/*
 * Argument generators: see gen.h. Each kind of argument is mostly drawn
 * from values that mean something to the kernel (populated slots of the
 * right type, empty slots, mapped and unmapped addresses, limits and
 * limits plus one) and sometimes from anything at all.
 *
 * Sandbox code: constants only in .rodata, no writable globals.
 */
#include "abi/ipc.h"
#include "abi/layout.h"
#include "abi/vm.h"
#include "gen.h"
#include "sys/sys.h"

static const uint64_t interesting[] = {
    0,
    1,
    2,
    3,
    4,
    5,
    7,
    8,
    12,
    15,
    16,
    21,
    31,
    32,
    47,
    48,
    63,
    64,
    65,
    127,
    128,
    255,
    256,
    257,
    1023,
    4095,
    4096,
    4097,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    BT_USER_VA_END - BT_PAGE_SIZE,
    BT_USER_VA_END,
    0x0000ffffffffffffull,
    0x0001000000000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffff000000000000ull,
    0xffff800000000000ull,
    0xffffffffc0000000ull, /* where the kernel image lives */
    0xfffffffffffff000ull,
    0xfffffffffffffffeull,
    0xffffffffffffffffull,
};

static const uint64_t kernel_labels[] = {
    BT_FAULT_MEMORY,       BT_FAULT_UNDEFINED, BT_FAULT_OTHER,
    BT_LABEL_NOTIFICATION, BT_LABEL_KERNEL,    0xffffffffffffull,
};

/* vCPU processor states: the three allowed (EL1h, EL1t, EL0t, with all
 * exceptions masked) first, then ones that are not (EL2, EL3, AArch32,
 * unmasked, reserved bits). */
static const uint64_t pstates[] = {
    BT_VCPU_PSTATE_EL1H, 0x3c4, 0x3c0, 0x5, 0x4, 0x0, 0x9, 0x8, 0xd, 0x10, 0x13, 0x1, 0x3c6,
    0xf0000005,
};

static uint64_t pick(uint64_t *rng, const uint64_t *set, uint64_t count)
{
    return set[fuzz_below(rng, count)];
}

static uint64_t any_value(struct fuzzer *f)
{
    uint64_t r = fuzz_below(&f->rng, 10);
    uint64_t v = pick(&f->rng, interesting, ARRAY_COUNT(interesting));
    switch (r) {
    case 0:
    case 1:
    case 2:
    case 3:
        return v;
    case 4:
        return v + fuzz_below(&f->rng, 5) - 2;
    case 5:
    case 6:
        return fuzz_below(&f->rng, 300);
    case 7:
        return f->ctl->addrs[fuzz_below(&f->rng, f->ctl->addr_count)];
    case 8:
        return 1ull << fuzz_below(&f->rng, 64);
    default:
        return fuzz_rand(&f->rng);
    }
}

/* ---- beliefs about the CNode ---- */

static unsigned type_count(const struct gen_beliefs *b, unsigned type)
{
    unsigned n = b->by_type_count[type];
    return n < GEN_PER_TYPE ? n : GEN_PER_TYPE;
}

static void list_remove(struct gen_beliefs *b, unsigned type, uint64_t slot)
{
    unsigned n = type_count(b, type);
    for (unsigned i = 0; i < n; i++) {
        if (b->by_type[type][i] == slot) {
            b->by_type[type][i] = b->by_type[type][n - 1];
            b->by_type_count[type] = (uint8_t)(n - 1);
            return;
        }
    }
}

void gen_learn(struct fuzzer *f, uint64_t slot, unsigned type)
{
    struct gen_beliefs *b = f->b;
    if (slot == 0 || slot >= f->slot_count || type >= GEN_TYPES) {
        return;
    }
    unsigned old = b->type_of[slot];
    if (old == type) {
        return;
    }
    if (old < GEN_TYPES && old != BT_OBJ_NONE) {
        list_remove(b, old, slot);
    }
    b->type_of[slot] = (uint8_t)type;
    unsigned n = type_count(b, type);
    if (type != BT_OBJ_NONE && n < GEN_PER_TYPE) {
        b->by_type[type][n] = (uint8_t)slot;
        b->by_type_count[type] = (uint8_t)(n + 1);
    }
}

bool gen_have(const struct fuzzer *f, unsigned type)
{
    return type < GEN_TYPES && type_count(f->b, type) > 0;
}

unsigned gen_belief(const struct fuzzer *f, uint64_t slot)
{
    return slot < f->slot_count ? f->b->type_of[slot] : BT_OBJ_NONE;
}

void gen_init(struct fuzzer *f)
{
    struct gen_beliefs *b = f->b;
    f->slot_count = 1ull << f->ctl->cnode_bits;
    if (f->slot_count > GEN_SLOTS) {
        f->slot_count = GEN_SLOTS;
    }
    /* The first thread fills them; the others go on with what is there (a
     * thread that waited for a filler stopped halfway would wait forever,
     * and yielding to wait costs whole time slices of the others). */
    uint32_t fresh = 0;
    if (!__atomic_compare_exchange_n(&b->state, &fresh, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        return;
    }
    b->self_cnode = f->ctl->self_cnode;
    /* The bytes debug_write may print: something visible. */
    for (unsigned i = 0; i < SB_SCRATCH_PAGES; i += 2) {
        *(volatile char *)(SB_SCRATCH_VA + i * BT_PAGE_SIZE + BT_PAGE_SIZE - 1) = '.';
    }
    uint64_t n = f->ctl->hint_count < FUZZ_MAX_HINTS ? f->ctl->hint_count : FUZZ_MAX_HINTS;
    for (uint64_t i = 0; i < n; i++) {
        gen_learn(f, f->ctl->hints[i].slot, f->ctl->hints[i].type);
    }
    __atomic_store_n(&b->state, 2, __ATOMIC_RELEASE);
}

/* A slot believed occupied (of any type), or a random one. */
static uint64_t occupied_slot(struct fuzzer *f)
{
    for (int tries = 0; tries < 6; tries++) {
        uint64_t s = 1 + fuzz_below(&f->rng, f->slot_count - 1);
        if (f->b->type_of[s] != BT_OBJ_NONE) {
            return s;
        }
    }
    return fuzz_below(&f->rng, f->slot_count);
}

static uint64_t empty_slot(struct fuzzer *f)
{
    for (int tries = 0; tries < 6; tries++) {
        uint64_t s = 1 + fuzz_below(&f->rng, f->slot_count - 1);
        if (f->b->type_of[s] == BT_OBJ_NONE) {
            return s;
        }
    }
    return fuzz_below(&f->rng, f->slot_count);
}

/* Slot indexes that are wrong in some way. */
static uint64_t bad_index(struct fuzzer *f)
{
    static const uint64_t set[] = {0, 1ull << 16, 1ull << 32, 1ull << 63, ~0ull};
    switch (fuzz_below(&f->rng, 4)) {
    case 0:
        return f->slot_count;
    case 1:
        return f->slot_count + fuzz_below(&f->rng, 64);
    case 2:
        return pick(&f->rng, set, ARRAY_COUNT(set));
    default:
        return any_value(f);
    }
}

static uint64_t cap_of_type(struct fuzzer *f, unsigned type)
{
    unsigned r = (unsigned)fuzz_below(&f->rng, 100);
    unsigned n = type < GEN_TYPES ? type_count(f->b, type) : 0;
    if (r < 70 && n > 0) {
        return f->b->by_type[type][fuzz_below(&f->rng, n)];
    }
    if (r < 90) {
        return occupied_slot(f);
    }
    if (r < 95) {
        return fuzz_below(&f->rng, f->slot_count);
    }
    return bad_index(f);
}

/* ---- the other kinds ---- */

static uint64_t size_bits_for(struct fuzzer *f, uint64_t type)
{
    if (fuzz_chance(&f->rng, 1, 5)) {
        return fuzz_below(&f->rng, 5) == 0 ? any_value(f) : fuzz_below(&f->rng, 66);
    }
    switch (type) {
    case BT_OBJ_UNTYPED:
        return BT_UNTYPED_MIN_BITS + fuzz_below(&f->rng, 18);
    case BT_OBJ_CNODE:
        return BT_CNODE_MIN_BITS + fuzz_below(&f->rng, 8);
    case BT_OBJ_FRAME:
        return fuzz_chance(&f->rng, 1, 6) ? BT_FRAME_LARGE_BITS : BT_FRAME_SMALL_BITS;
    default:
        return fuzz_below(&f->rng, 3) == 0 ? fuzz_below(&f->rng, 64) : 0;
    }
}

static uint64_t vaddr(struct fuzzer *f)
{
    uint64_t r = fuzz_below(&f->rng, 20);
    if (r < 10) {
        return f->ctl->addrs[fuzz_below(&f->rng, f->ctl->addr_count)];
    }
    if (r < 13) { /* a page somewhere in the task range */
        return fuzz_below(&f->rng, BT_USER_VA_END) & ~(BT_PAGE_SIZE - 1);
    }
    if (r < 15) { /* a 2 MiB boundary near the scratch pages, for large frames */
        return SB_SCRATCH_VA + (fuzz_below(&f->rng, 4) << 21);
    }
    if (r < 17) { /* misaligned */
        return f->ctl->addrs[fuzz_below(&f->rng, f->ctl->addr_count)] + 1 +
               fuzz_below(&f->rng, BT_PAGE_SIZE - 1);
    }
    return any_value(f);
}

/* Addresses for debug_write, which prints what it reads: the last byte of
 * a mapped scratch page (the next page is a hole, so no more than that byte
 * is readable) or addresses that cannot be read at all. */
static uint64_t bytes_addr(struct fuzzer *f)
{
    static const uint64_t unreadable[] = {0,
                                          BT_USER_VA_MIN,
                                          SB_SCRATCH_VA + BT_PAGE_SIZE,
                                          SB_SCRATCH_VA + 3 * BT_PAGE_SIZE + 2,
                                          BT_USER_VA_END - 1,
                                          BT_USER_VA_END,
                                          0xffff000000000000ull,
                                          0xffffffffc0000000ull,
                                          0xffffffffffffffffull};
    if (fuzz_chance(&f->rng, 1, 3)) {
        uint64_t page = 2 * fuzz_below(&f->rng, SB_SCRATCH_PAGES / 2);
        return SB_SCRATCH_VA + page * BT_PAGE_SIZE + BT_PAGE_SIZE - 1;
    }
    return pick(&f->rng, unreadable, ARRAY_COUNT(unreadable));
}

static uint64_t tag(struct fuzzer *f)
{
    if (fuzz_chance(&f->rng, 1, 10)) {
        return fuzz_rand(&f->rng);
    }
    uint64_t label;
    uint64_t r = fuzz_below(&f->rng, 10);
    if (r < 5) {
        label = fuzz_below(&f->rng, 16);
    } else if (r < 6) {
        label = pick(&f->rng, kernel_labels, ARRAY_COUNT(kernel_labels));
    } else {
        label = fuzz_rand(&f->rng) & 0xffffffffffffull;
    }
    uint64_t words;
    r = fuzz_below(&f->rng, 10);
    if (r < 5) {
        words = fuzz_below(&f->rng, BT_MSG_REG_WORDS + 1);
    } else if (r < 8) {
        words = BT_MSG_REG_WORDS + 1 + fuzz_below(&f->rng, BT_MSG_MAX_WORDS - BT_MSG_REG_WORDS);
    } else {
        words = BT_MSG_MAX_WORDS + 1 + fuzz_below(&f->rng, 127 - BT_MSG_MAX_WORDS);
    }
    uint64_t caps = fuzz_chance(&f->rng, 1, 2) ? 0 : fuzz_below(&f->rng, 4);
    return BT_TAG(label, words, caps);
}

/* Guest-physical addresses: where root maps guest memory, the GIC's and
 * the UART's addresses of the virt machine, the top of the 40-bit space. */
static uint64_t guest_addr(struct fuzzer *f)
{
    static const uint64_t set[] = {0,
                                   0x1000,
                                   0x2000,
                                   0x200000,
                                   0x8000000,
                                   0x8010000,
                                   0x9000000,
                                   0x40000000,
                                   0x40200000,
                                   0x80000000,
                                   (1ull << BT_VM_IPA_BITS) - 0x1000};
    if (fuzz_chance(&f->rng, 1, 4)) {
        return fuzz_below(&f->rng, 1ull << BT_VM_IPA_BITS) & ~(BT_PAGE_SIZE - 1);
    }
    return pick(&f->rng, set, ARRAY_COUNT(set));
}

static uint64_t small_or_any(struct fuzzer *f, uint64_t below, unsigned any_in_ten)
{
    return fuzz_below(&f->rng, 10) < any_in_ten ? any_value(f) : fuzz_below(&f->rng, below);
}

static uint64_t intid(struct fuzzer *f)
{
    static const uint64_t set[] = {0,  16, 27, 30, 31,   32,   33,   34,
                                   35, 39, 48, 79, 1019, 1020, 1023, 1024};
    uint64_t r = fuzz_below(&f->rng, 10);
    if (r < 5) {
        return 32 + fuzz_below(&f->rng, 64);
    }
    if (r < 9) {
        return pick(&f->rng, set, ARRAY_COUNT(set));
    }
    return any_value(f);
}

static uint64_t code_addr(struct fuzzer *f)
{
    uint64_t r = fuzz_below(&f->rng, 20);
    if (r == 0) { /* somewhere in the program text: runs whatever is there */
        return BT_USER_IMAGE_BASE + (fuzz_below(&f->rng, 0x8000) & ~3ull);
    }
    if (r < 4) {
        return f->ctl->addrs[fuzz_below(&f->rng, f->ctl->addr_count)] + fuzz_below(&f->rng, 4);
    }
    return any_value(f);
}

static uint64_t stack_addr(struct fuzzer *f)
{
    if (fuzz_chance(&f->rng, 1, 2)) {
        uint64_t i = fuzz_below(&f->rng, FUZZ_MAX_THREADS);
        return SB_STACK_VA(i) + SB_STACK_PAGES * BT_PAGE_SIZE - 16 * fuzz_below(&f->rng, 4) -
               (fuzz_chance(&f->rng, 1, 8) ? 8 : 0);
    }
    return any_value(f);
}

/* An index in the CNode the previous argument names: ours (believed empty
 * or occupied) or another, smaller one. */
void gen_learn_foreign(struct fuzzer *f, uint64_t cnode, uint64_t index)
{
    f->foreign[f->foreign_next][0] = cnode;
    f->foreign[f->foreign_next][1] = index;
    f->foreign_next = (f->foreign_next + 1) % GEN_FOREIGN;
}

static uint64_t index_in(struct fuzzer *f, uint64_t cnode, bool want_empty)
{
    if (cnode != f->b->self_cnode) {
        unsigned i = (unsigned)fuzz_below(&f->rng, GEN_FOREIGN);
        if (!want_empty && f->foreign[i][0] == cnode && fuzz_chance(&f->rng, 2, 3)) {
            return f->foreign[i][1];
        }
        return 1 + fuzz_below(&f->rng, 15);
    }
    return want_empty ? empty_slot(f) : occupied_slot(f);
}

/* A value of the kind the call expects (which may still fail: beliefs go
 * stale, memory runs out, objects are busy). */
static uint64_t clean_arg(struct fuzzer *f, unsigned kind, uint64_t prev)
{
    if (kind >= ARG_CAP_TYPE && kind < ARG_CAP_TYPE + GEN_TYPES) {
        unsigned type = kind - ARG_CAP_TYPE;
        unsigned n = type_count(f->b, type);
        return n > 0 && fuzz_chance(&f->rng, 19, 20) ? f->b->by_type[type][fuzz_below(&f->rng, n)]
                                                     : occupied_slot(f);
    }
    switch (kind) {
    case ARG_ZERO:
        return 0;
    case ARG_CAP:
        return occupied_slot(f);
    case ARG_SRC_INDEX:
        return index_in(f, prev, false);
    case ARG_DST_INDEX:
        return index_in(f, prev, true);
    case ARG_RIGHTS:
        return fuzz_chance(&f->rng, 1, 2) ? BT_RIGHTS_ALL : fuzz_below(&f->rng, 16);
    case ARG_MAP_RIGHTS: /* read, and maybe write and execute */
        return BT_RIGHT_READ | (fuzz_below(&f->rng, 4) << 1);
    case ARG_BADGE:
        return fuzz_chance(&f->rng, 1, 2) ? 1 + fuzz_below(&f->rng, 8) : fuzz_rand(&f->rng);
    case ARG_TYPE:
        return fuzz_chance(&f->rng, 1, 12)
                   ? BT_OBJ_VM
                   : BT_OBJ_UNTYPED + fuzz_below(&f->rng, BT_OBJ_PAGE_TABLE);
    case ARG_SIZE_BITS:
        return size_bits_for(f, prev);
    case ARG_COUNT: { /* sometimes many: long derivation lists to revoke */
        uint64_t r = fuzz_below(&f->rng, 10);
        return r < 7 ? 1 : r < 9 ? 2 + fuzz_below(&f->rng, 7) : 9 + fuzz_below(&f->rng, 56);
    }
    case ARG_VADDR:
        return fuzz_chance(&f->rng, 1, 2) ? f->ctl->addrs[fuzz_below(&f->rng, f->ctl->addr_count)]
                                          : SB_SCRATCH_VA + (fuzz_below(&f->rng, 1024) << 12);
    case ARG_BYTES:
        return bytes_addr(f);
    case ARG_LEN: /* 0 reads nothing, 2 or more run into the hole */
        return 2 * fuzz_below(&f->rng, 2);
    case ARG_NAME_LEN:
        return fuzz_below(&f->rng, 24);
    case ARG_ATTR:
        return fuzz_below(&f->rng, 2);
    case ARG_TAG:
        return BT_TAG(fuzz_below(&f->rng, 16), fuzz_below(&f->rng, BT_MSG_MAX_WORDS + 1),
                      fuzz_below(&f->rng, BT_MSG_MAX_CAPS + 1));
    case ARG_PRIORITY: /* a thread set below the watchers starves until restarted */
        return fuzz_chance(&f->rng, 2, 3) ? FUZZ_MCP : fuzz_below(&f->rng, FUZZ_MCP);
    case ARG_CPU:
        return fuzz_below(&f->rng, 2);
    case ARG_INTID:
        return 32 + fuzz_below(&f->rng, 64);
    case ARG_IRQ_FLAGS:
        return fuzz_below(&f->rng, 2);
    case ARG_PC: /* a fresh start of the fuzzing loop, or random instructions */
        return fuzz_chance(&f->rng, 1, 2) ? (uint64_t)fuzzer_main
                                          : SB_CODE_VA + 4 * fuzz_below(&f->rng, 1024);
    case ARG_SP:
        return SB_STACK_VA(fuzz_below(&f->rng, FUZZ_MAX_THREADS)) + SB_STACK_PAGES * BT_PAGE_SIZE;
    case ARG_POWER_OP:
        return fuzz_below(&f->rng, 2);
    case ARG_IPA:
        return guest_addr(f);
    case ARG_VCPU_NUM:
        return fuzz_below(&f->rng, 4);
    case ARG_PSTATE:
        return pick(&f->rng, pstates, 3);
    case ARG_VCPU_REG:
        return fuzz_below(&f->rng, 35);
    default:
        return fuzz_below(&f->rng, FUZZ_MAX_THREADS);
    }
}

/* A value meant to be wrong in some way, or anything at all. */
static uint64_t wild_arg(struct fuzzer *f, unsigned kind, uint64_t prev)
{
    if (kind != ARG_BYTES && fuzz_chance(&f->rng, 1, 4)) {
        return any_value(f);
    }
    if (kind >= ARG_CAP_TYPE && kind < ARG_CAP_TYPE + GEN_TYPES) {
        return cap_of_type(f, kind - ARG_CAP_TYPE);
    }
    switch (kind) {
    case ARG_CAP:
    case ARG_SRC_INDEX:
    case ARG_DST_INDEX:
        return fuzz_chance(&f->rng, 1, 2) ? fuzz_below(&f->rng, f->slot_count) : bad_index(f);
    case ARG_RIGHTS:
    case ARG_MAP_RIGHTS:
        return fuzz_chance(&f->rng, 1, 2) ? fuzz_below(&f->rng, 16) : any_value(f);
    case ARG_TYPE:
        return small_or_any(f, BT_OBJ_TYPE_COUNT + 1, 3);
    case ARG_SIZE_BITS:
        return fuzz_chance(&f->rng, 1, 2) ? fuzz_below(&f->rng, 66) : any_value(f);
    case ARG_VADDR:
        return vaddr(f);
    case ARG_BYTES:
        return bytes_addr(f);
    case ARG_TAG:
        return tag(f);
    case ARG_PRIORITY:
        return small_or_any(f, 256, 3);
    case ARG_INTID:
        return intid(f);
    case ARG_PC:
        return code_addr(f);
    case ARG_SP:
        return stack_addr(f);
    case ARG_IPA:
        return fuzz_chance(&f->rng, 1, 2)
                   ? (1ull << BT_VM_IPA_BITS) - (fuzz_below(&f->rng, 2) << 12)
                   : vaddr(f);
    case ARG_PSTATE:
        return fuzz_chance(&f->rng, 2, 3) ? pick(&f->rng, pstates, ARRAY_COUNT(pstates))
                                          : any_value(f);
    case ARG_VCPU_NUM:
        return small_or_any(f, 1u << 17, 5);
    default:
        return clean_arg(f, kind, prev) + fuzz_below(&f->rng, 3) - 1;
    }
}

uint64_t gen_arg(struct fuzzer *f, unsigned kind, uint64_t prev, bool wild)
{
    if ((kind & ARG_OPT) && fuzz_chance(&f->rng, 1, 4)) {
        return 0;
    }
    kind &= ~ARG_OPT;
    return wild ? wild_arg(f, kind, prev) : clean_arg(f, kind, prev);
}

uint64_t gen_bad_call(struct fuzzer *f)
{
    /* Holes in the table, the first number past it, and far away. (Not
     * 0x7f00: only the test kernel has it, and it panics on purpose.) */
    static const uint64_t set[] = {
        5,  6,  7,  18, 19, 20, 21,  22,  23,     30,     31,     33,         39,         44,   47,
        55, 59, 61, 62, 63, 64, 255, 256, 0x7eff, 0x7f01, 0xffff, 1ull << 32, 1ull << 63, ~0ull};
    if (fuzz_chance(&f->rng, 1, 8)) {
        return fuzz_rand(&f->rng);
    }
    return pick(&f->rng, set, ARRAY_COUNT(set));
}

void gen_ipc_buffer(struct fuzzer *f)
{
    /* Only where root put it: a sibling may have pointed TPIDRRO_EL0
     * anywhere (thread_configure), even at a page that matters. */
    struct bt_ipc_buffer *b = bt_ipc_buffer();
    if ((uint64_t)b != f->ipcbuf_va) {
        return;
    }
    unsigned words = (unsigned)fuzz_below(&f->rng, 8);
    for (unsigned i = 0; i < words; i++) {
        b->mr[fuzz_below(&f->rng, BT_MSG_MAX_WORDS)] = any_value(f);
    }
    for (unsigned i = 0; i < BT_MSG_MAX_CAPS; i++) {
        b->send_caps[i] = fuzz_chance(&f->rng, 9, 10) ? occupied_slot(f) : any_value(f);
        b->recv_slots[i] = fuzz_chance(&f->rng, 1, 4) ? 0 : empty_slot(f);
    }
}
