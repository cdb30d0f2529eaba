/*
 * The fuzzing thread: picks a system call from a weighted table (and now and
 * then a number outside it), fills x0-x7 from the argument kinds of gen.h,
 * sometimes scribbles on its IPC buffer, makes the call and counts it.
 *
 * It runs in the sandbox task on root's text (fuzz.h): no global variables.
 * Anything may happen to it: a sibling may suspend it, move it, rewrite its
 * registers or delete its capabilities, and it may do all that to itself.
 * Root's watch (main.c) restarts it at fuzzer_main when it stops making
 * progress.
 */
#include "abi/ipc.h"
#include "abi/syscall.h"
#include "abi/vm.h"
#include "gen.h"
#include "sys/sys.h"

/* Call flags. */
#define CALL_IPC 1u /* uses the IPC buffer: sometimes randomise it first */

struct call_spec {
    uint16_t nr;
    uint8_t weight;
    uint8_t flags;
    uint16_t args[8];
};

#define T(type) ARG_T(BT_OBJ_##type)
#define OPT(kind) ((kind) | ARG_OPT)

/* Blocking calls (call, send, recv, reply_recv, wait) have small weights: a
 * blocked thread costs a restart unless a sibling happens to unblock it. So
 * do calls that may stop the caller (thread_exit, suspend). */
static const struct call_spec calls[] = {
    {BT_SYS_DEBUG_WRITE, 8, 0, {ARG_BYTES, ARG_LEN}},
    {BT_SYS_THREAD_EXIT, 1, 0, {ARG_ANY}},
    {BT_SYS_NULL, 6, 0, {ARG_ANY, ARG_ANY}},
    {BT_SYS_YIELD, 6, 0, {ARG_ANY}},
    {BT_SYS_DEBUG_NAME, 8, 0, {T(THREAD), ARG_VADDR, ARG_NAME_LEN}},
    {BT_SYS_DEBUG_NAME, 4, 0, {T(TASK), ARG_VADDR, ARG_NAME_LEN}},
    {BT_SYS_CALL, 3, CALL_IPC, {T(ENDPOINT), ARG_TAG, ARG_ANY, ARG_ANY, ARG_ANY, ARG_ANY}},
    {BT_SYS_REPLY_RECV, 3, CALL_IPC, {T(ENDPOINT), ARG_TAG, T(REPLY), ARG_ANY, ARG_ANY}},
    {BT_SYS_SEND, 3, CALL_IPC, {T(ENDPOINT), ARG_TAG, ARG_ANY, ARG_ANY, ARG_ANY}},
    {BT_SYS_NBSEND, 40, CALL_IPC, {T(ENDPOINT), ARG_TAG, ARG_ANY, ARG_ANY, ARG_ANY, ARG_ANY}},
    {BT_SYS_RECV, 3, CALL_IPC, {T(ENDPOINT), ARG_ANY, OPT(T(REPLY))}},
    {BT_SYS_RECV, 1, 0, {T(NOTIFICATION), ARG_ANY, OPT(T(REPLY))}},
    {BT_SYS_NBRECV, 40, CALL_IPC, {T(ENDPOINT), ARG_ANY, OPT(T(REPLY))}},
    {BT_SYS_NBRECV, 10, 0, {T(NOTIFICATION), ARG_ANY, OPT(T(REPLY))}},
    {BT_SYS_REPLY, 25, CALL_IPC, {ARG_ANY, ARG_TAG, T(REPLY), ARG_ANY, ARG_ANY}},
    {BT_SYS_SIGNAL, 30, 0, {T(NOTIFICATION)}},
    {BT_SYS_WAIT, 2, 0, {T(NOTIFICATION)}},
    {BT_SYS_POLL, 25, 0, {T(NOTIFICATION)}},
    {BT_SYS_CAP_COPY, 55, 0, {T(CNODE), ARG_DST_INDEX, T(CNODE), ARG_SRC_INDEX, ARG_RIGHTS}},
    {BT_SYS_CAP_MINT,
     15,
     0,
     {T(CNODE), ARG_DST_INDEX, T(CNODE), ARG_SRC_INDEX, ARG_RIGHTS, ARG_BADGE}},
    {BT_SYS_CAP_MINT,
     15,
     0,
     {T(CNODE), ARG_DST_INDEX, T(CNODE), T(ENDPOINT), ARG_RIGHTS, ARG_BADGE}},
    {BT_SYS_CAP_MINT,
     10,
     0,
     {T(CNODE), ARG_DST_INDEX, T(CNODE), T(NOTIFICATION), ARG_RIGHTS, ARG_BADGE}},
    {BT_SYS_CAP_MOVE, 30, 0, {T(CNODE), ARG_DST_INDEX, T(CNODE), ARG_SRC_INDEX}},
    /* Untyped memory and CNodes into other CNodes (even ones made of them). */
    {BT_SYS_CAP_MOVE, 6, 0, {T(CNODE), ARG_DST_INDEX, T(CNODE), T(UNTYPED)}},
    {BT_SYS_CAP_MOVE, 4, 0, {T(CNODE), ARG_DST_INDEX, T(CNODE), T(CNODE)}},
    {BT_SYS_CAP_DELETE, 35, 0, {T(CNODE), ARG_SRC_INDEX}},
    {BT_SYS_CAP_REVOKE, 20, 0, {T(CNODE), ARG_SRC_INDEX}},
    {BT_SYS_CAP_REVOKE, 8, 0, {T(CNODE), T(UNTYPED)}}, /* memory back for retypes */
    {BT_SYS_CAP_IDENTIFY, 40, 0, {ARG_CAP}},
    {BT_SYS_UNTYPED_RETYPE,
     80,
     0,
     {T(UNTYPED), ARG_TYPE, ARG_SIZE_BITS, T(CNODE), ARG_DST_INDEX, ARG_COUNT}},
    {BT_SYS_TASK_MAP, 50, 0, {T(TASK), T(FRAME), ARG_VADDR, ARG_MAP_RIGHTS, ARG_ATTR}},
    {BT_SYS_TASK_UNMAP, 25, 0, {T(FRAME)}},
    {BT_SYS_TASK_MAP_TABLE, 40, 0, {T(TASK), T(PAGE_TABLE), ARG_VADDR}},
    {BT_SYS_TASK_UNMAP_TABLE, 20, 0, {T(PAGE_TABLE)}},
    {BT_SYS_THREAD_CONFIGURE,
     30,
     0,
     {T(THREAD), OPT(T(CNODE)), OPT(T(TASK)), OPT(T(FRAME)), ARG_VADDR, OPT(T(ENDPOINT))}},
    {BT_SYS_THREAD_WRITE_REGS, 15, 0, {T(THREAD), ARG_PC, ARG_SP, ARG_ANY, ARG_ANY}},
    {BT_SYS_THREAD_READ_REGS, 20, 0, {T(THREAD)}},
    {BT_SYS_THREAD_SET_SCHED, 25, 0, {T(THREAD), ARG_PRIORITY, ARG_CPU, ARG_PRIORITY}},
    {BT_SYS_THREAD_RESUME, 25, 0, {T(THREAD)}},
    {BT_SYS_THREAD_SUSPEND, 6, 0, {T(THREAD)}},
    {BT_SYS_THREAD_BIND_NOTIFICATION, 20, 0, {T(THREAD), OPT(T(NOTIFICATION))}},
    {BT_SYS_IRQ_CONTROL_GET,
     15,
     0,
     {T(IRQ_CONTROL), ARG_INTID, T(CNODE), ARG_DST_INDEX, ARG_IRQ_FLAGS, ARG_CPU}},
    {BT_SYS_IRQ_SET_NOTIFICATION, 15, 0, {T(IRQ), OPT(T(NOTIFICATION))}},
    {BT_SYS_IRQ_ACK, 15, 0, {T(IRQ)}},
    {BT_SYS_SYSTEM_POWER, 3, 0, {ARG_CAP, ARG_POWER_OP}},
    /* Virtual machines: guest memory, vCPUs. */
    {BT_SYS_TASK_MAP, 12, 0, {T(VM), T(FRAME), ARG_IPA, ARG_MAP_RIGHTS, ARG_ATTR}},
    {BT_SYS_TASK_MAP_TABLE, 8, 0, {T(VM), T(PAGE_TABLE), ARG_IPA}},
    {BT_SYS_VCPU_CONFIGURE, 10, 0, {T(THREAD), T(VM), T(FRAME), ARG_VCPU_NUM, T(ENDPOINT)}},
    {BT_SYS_VCPU_WRITE_REGS,
     8,
     0,
     {T(THREAD), ARG_IPA, ARG_ANY, ARG_ANY, ARG_ANY, ARG_ANY, ARG_PSTATE}},
    {BT_SYS_VCPU_READ_REG, 6, 0, {T(THREAD), ARG_VCPU_REG}},
    {BT_SYS_VCPU_KICK, 8, 0, {T(THREAD)}},
};

/* Out of every this many calls, one has a number outside the table. */
#define BAD_CALL_ONE_IN 64
#define PICK_TABLE_SIZE 1024

/*
 * Takes a ticket (issued < limit, atomically) and, if it got one, makes the
 * system call at once. Returns false when the tickets ran out. The only
 * instruction between taking the ticket and the svc is the branch on the
 * exclusive store's result, so a thread stopped from outside has made the
 * call it counted, except when it is stopped exactly there.
 */
static bool ticketed_call(uint64_t nr, struct bt_regs8 *r, uint64_t *issued, uint64_t limit)
{
    register uint64_t x0 __asm__("x0") = r->x[0];
    register uint64_t x1 __asm__("x1") = r->x[1];
    register uint64_t x2 __asm__("x2") = r->x[2];
    register uint64_t x3 __asm__("x3") = r->x[3];
    register uint64_t x4 __asm__("x4") = r->x[4];
    register uint64_t x5 __asm__("x5") = r->x[5];
    register uint64_t x6 __asm__("x6") = r->x[6];
    register uint64_t x7 __asm__("x7") = r->x[7];
    register uint64_t x8 __asm__("x8") = nr;
    uint64_t cur, made;
    uint32_t fail;
    __asm__ volatile("1: ldxr %[cur], [%[ctr]]\n"
                     "   cmp %[cur], %[lim]\n"
                     "   b.hs 2f\n"
                     "   add %[cur], %[cur], #1\n"
                     "   stxr %w[fail], %[cur], [%[ctr]]\n"
                     "   cbnz %w[fail], 1b\n"
                     "   svc #0\n"
                     "   mov %[made], #1\n"
                     "   b 3f\n"
                     "2: clrex\n"
                     "   mov %[made], #0\n"
                     "3:\n"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7), [cur] "=&r"(cur), [fail] "=&r"(fail), [made] "=&r"(made)
                     : [ctr] "r"(issued), [lim] "r"(limit), "r"(x8)
                     : "memory", "cc");
    r->x[0] = x0;
    r->x[1] = x1;
    r->x[2] = x2;
    r->x[3] = x3;
    r->x[4] = x4;
    r->x[5] = x5;
    r->x[6] = x6;
    r->x[7] = x7;
    return made != 0;
}

/* A server's share of receiving calls is this many times the others'. */
#define SERVER_RECEIVES 10

static bool is_receive(uint64_t nr)
{
    return nr == BT_SYS_RECV || nr == BT_SYS_REPLY_RECV || nr == BT_SYS_NBRECV ||
           nr == BT_SYS_REPLY || nr == BT_SYS_WAIT;
}

static unsigned weight(unsigned i, bool server)
{
    return calls[i].weight * (server && is_receive(calls[i].nr) ? SERVER_RECEIVES : 1);
}

/* The weighted table calls are drawn from: slot k holds the call whose
 * share of the total weight covers k. A server mostly receives, so that the
 * others' calls and sends find a partner. */
static void build_pick_table(uint8_t *table, bool server)
{
    unsigned total = 0;
    for (unsigned i = 0; i < ARRAY_COUNT(calls); i++) {
        total += weight(i, server);
    }
    unsigned i = 0, below = weight(0, server);
    for (unsigned k = 0; k < PICK_TABLE_SIZE; k++) {
        while (k * total >= below * PICK_TABLE_SIZE && i + 1 < ARRAY_COUNT(calls)) {
            below += weight(++i, server);
        }
        table[k] = (uint8_t)i;
    }
}

static bool is_self(const struct fuzzer *f, uint64_t cnode)
{
    return cnode == f->b->self_cnode;
}

/* Updates beliefs after a call that returned (see gen.h). */
static void learn(struct fuzzer *f, unsigned spec_index, uint64_t nr, const uint64_t *a,
                  const struct bt_regs8 *r)
{
    uint64_t st = r->x[0];
    switch (nr) {
    case BT_SYS_CAP_IDENTIFY:
        if (st == BT_OK) {
            gen_learn(f, a[0], (unsigned)r->x[1]);
        } else if (st == BT_E_CAP) {
            gen_learn(f, a[0], BT_OBJ_NONE);
        }
        break;
    case BT_SYS_UNTYPED_RETYPE:
        if (st == BT_OK && is_self(f, a[3])) {
            for (uint64_t i = 0; i < a[5] && i < 16; i++) {
                gen_learn(f, a[4] + i, (unsigned)a[1]);
            }
        } else if (st == BT_OK) {
            gen_learn_foreign(f, a[3], a[4]);
        }
        break;
    case BT_SYS_CAP_COPY:
    case BT_SYS_CAP_MINT:
    case BT_SYS_CAP_MOVE:
        if (st == BT_OK && is_self(f, a[0])) {
            unsigned t = is_self(f, a[2]) ? gen_belief(f, a[3]) : GEN_TYPE_SOME;
            gen_learn(f, a[1], t == BT_OBJ_NONE ? GEN_TYPE_SOME : t);
        } else if (st == BT_OK) {
            gen_learn_foreign(f, a[0], a[1]);
        }
        if (st == BT_OK && nr == BT_SYS_CAP_MOVE && is_self(f, a[2])) {
            if (a[3] == f->b->self_cnode && is_self(f, a[0])) {
                f->b->self_cnode = a[1]; /* the CNode's own capability moved */
            }
            gen_learn(f, a[3], BT_OBJ_NONE);
        }
        break;
    case BT_SYS_CAP_DELETE:
        if (st == BT_OK && is_self(f, a[0])) {
            gen_learn(f, a[1], BT_OBJ_NONE);
        }
        break;
    case BT_SYS_IRQ_CONTROL_GET:
        if (st == BT_OK && is_self(f, a[2])) {
            gen_learn(f, a[3], BT_OBJ_IRQ);
        }
        break;
    default:
        break;
    }
    /* A capability was missing or of another type than believed: look at
     * one of the call's capability arguments next time. */
    if ((st == BT_E_CAP || st == BT_E_TYPE) && fuzz_chance(&f->rng, 1, 2)) {
        const struct call_spec *spec = &calls[spec_index];
        unsigned caps[8], n = 0;
        for (unsigned i = 0; i < 8; i++) {
            unsigned k = spec->args[i] & ~ARG_OPT;
            if (k >= ARG_CAP_TYPE && k < ARG_CAP_TYPE + GEN_TYPES && a[i] != 0) {
                caps[n++] = i;
            }
        }
        if (n > 0) {
            f->verify = a[caps[fuzz_below(&f->rng, n)]];
        }
    }
}

static void count(struct fuzzer *f, uint64_t nr, uint64_t status)
{
    unsigned c = nr < FUZZ_STAT_CALLS ? (unsigned)nr : FUZZ_STAT_CALLS - 1;
    unsigned s = status < FUZZ_STAT_STATUSES ? (unsigned)status : FUZZ_STAT_STATUSES - 1;
    f->stats->count[c][s]++;
    __atomic_store_n(&f->me->progress, f->me->progress + 1, __ATOMIC_RELEASE);
}

/* Appends v in hex to buf at *at (no globals: this runs in the sandbox). */
static void put_hex(char *buf, unsigned *at, uint64_t v)
{
    char digits[16];
    unsigned n = 0;
    do {
        unsigned d = v & 0xf;
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v >>= 4;
    } while (v != 0);
    while (n > 0) {
        buf[(*at)++] = digits[--n];
    }
}

/* With trace on, each call is printed before it is made (a kernel that
 * dies in it shows the call last), its status after. */
static void trace_call(const struct fuzzer *f, uint64_t nr, const struct bt_regs8 *r, bool after)
{
    char line[256];
    unsigned at = 0;
    line[at++] = 'f';
    line[at++] = 'z';
    put_hex(line, &at, f->index);
    line[at++] = ' ';
    if (after) {
        line[at++] = '=';
        line[at++] = ' ';
        put_hex(line, &at, r->x[0]);
    } else {
        put_hex(line, &at, nr);
        for (unsigned i = 0; i < 8; i++) {
            line[at++] = ' ';
            put_hex(line, &at, r->x[i]);
        }
    }
    line[at++] = '\n';
    bt_debug_write(line, at);
}

/* A call from the table; one that needs a capability of a type the
 * sandbox seems not to have is mostly passed over. */
static unsigned pick_call(struct fuzzer *f, const uint8_t *table)
{
    unsigned i = 0;
    for (int tries = 0; tries < 4; tries++) {
        i = table[fuzz_below(&f->rng, PICK_TABLE_SIZE)];
        bool have = true;
        for (unsigned a = 0; a < 8 && have; a++) {
            unsigned k = calls[i].args[a];
            if (k >= ARG_CAP_TYPE && k < ARG_CAP_TYPE + GEN_TYPES) { /* not ARG_OPT ones */
                have = gen_have(f, k - ARG_CAP_TYPE);
            }
        }
        if (have || fuzz_chance(&f->rng, 1, 10)) {
            break;
        }
    }
    return i;
}

/* Sets a virtual interrupt pending in the state page of root's vCPU, as a
 * VMM would (vcpu_kick, in the table, makes it take it at once). */
static void inject(struct fuzzer *f)
{
    struct bt_vcpu_state *vs = (struct bt_vcpu_state *)SB_VCPU_STATE_VA;
    uint64_t intid = fuzz_chance(&f->rng, 3, 4) ? fuzz_below(&f->rng, 96)
                                                : fuzz_below(&f->rng, BT_VCPU_MAX_INTID);
    __atomic_fetch_or(&vs->pending[intid / 64], 1ull << (intid % 64), __ATOMIC_RELEASE);
    __atomic_fetch_or(&vs->summary, 1ull << (intid / 64), __ATOMIC_RELEASE);
}

static unsigned spec_of(uint64_t nr)
{
    unsigned i = 0;
    while (i + 1 < ARRAY_COUNT(calls) && calls[i].nr != nr) {
        i++;
    }
    return i;
}

static void fuzz_loop(struct fuzzer *f, bool server)
{
    uint8_t table[PICK_TABLE_SIZE];
    const unsigned identify = spec_of(BT_SYS_CAP_IDENTIFY);
    build_pick_table(table, server);
    for (;;) {
        unsigned spec_index = pick_call(f, table);
        if (f->verify != 0) {
            spec_index = identify;
        }
        const struct call_spec *spec = &calls[spec_index];
        uint64_t nr = spec->nr;
        /* Most calls are well formed (as far as the beliefs go); the others
         * get one or a few wild arguments, so that each check of the kernel
         * is reached on its own. */
        uint64_t a[8];
        uint64_t prev = 0;
        uint32_t wild = 0;
        if (fuzz_chance(&f->rng, 2, 5)) {
            unsigned n = fuzz_chance(&f->rng, 3, 4) ? 1 : 2 + (unsigned)fuzz_below(&f->rng, 2);
            for (unsigned i = 0; i < n; i++) {
                wild |= 1u << fuzz_below(&f->rng, 8);
            }
        }
        for (unsigned i = 0; i < 8; i++) {
            bool w = (wild >> i) & 1;
            if (spec->args[i] != ARG_ZERO) {
                a[i] = gen_arg(f, spec->args[i], prev, w);
            } else {
                a[i] = w ? fuzz_rand(&f->rng) : 0;
            }
            prev = a[i];
        }
        if (f->verify != 0) {
            a[0] = f->verify;
            f->verify = 0;
        } else if (fuzz_chance(&f->rng, 1, BAD_CALL_ONE_IN)) {
            nr = gen_bad_call(f);
        }
        if ((spec->flags & CALL_IPC) && fuzz_chance(&f->rng, 1, 3)) {
            gen_ipc_buffer(f);
        }
        if (f->ctl->vcpu_state && fuzz_chance(&f->rng, 1, 64)) {
            inject(f);
        }
        struct bt_regs8 r;
        for (unsigned i = 0; i < 8; i++) {
            r.x[i] = a[i];
        }
        /* Saved before the call, so that a restart after a call that never
         * returns goes on with the next one. */
        f->me->rng = f->rng;
        if (f->ctl->trace) {
            trace_call(f, nr, &r, false);
        }
        if (!ticketed_call(nr, &r, &f->counters->issued, f->ctl->limit)) {
            return;
        }
        if (f->ctl->trace) {
            trace_call(f, nr, &r, true);
        }
        count(f, nr, r.x[0]);
        if (f->me->progress % FUZZ_HEARTBEAT_CALLS == 0) {
            __asm__ volatile("brk %0" ::"i"(FUZZ_HEARTBEAT));
        }
        if (nr == spec->nr) {
            learn(f, spec_index, nr, a, &r);
        }
    }
}

void fuzzer_main(uint64_t index, uint64_t role)
{
    struct fuzzer f;
    f.ctl = (const struct fuzz_control *)FUZZ_CONTROL_VA;
    f.counters = (struct fuzz_counters *)FUZZ_COUNTERS_VA;
    f.index = index % FUZZ_MAX_THREADS;
    f.me = &f.counters->thread[f.index];
    f.stats = (struct fuzz_stats *)FUZZ_STATS_VA(f.index);
    f.b = (struct gen_beliefs *)SB_BELIEF_VA;
    f.verify = 0;
    f.foreign_next = 0;
    for (unsigned i = 0; i < GEN_FOREIGN; i++) {
        f.foreign[i][0] = 0;
    }
    f.ipcbuf_va = SB_IPCBUF_VA(f.index);
    f.rng = f.me->rng;
    gen_init(&f);
    fuzz_loop(&f, role == FUZZ_ROLE_SERVER);
    for (;;) {
        bt_thread_exit();
    }
}
