/*
 * ktest: the kernel test suite, a root task that exercises every object,
 * system call and error of docs/kernel-api.md at EL0 (in the spirit of
 * seL4's sel4test). This header is the framework the topic files share.
 *
 * Each case is a function `void NAME(struct kt *kt)` named as a sentence. It
 * gets a fresh 16 MiB untyped (kt->ut), a window of empty slots in root's
 * CNode and a window of free addresses in root's task. Afterwards the runner
 * suspends the threads the case made, revokes the memory the untyped came
 * from and empties every slot of the window, so whatever the case created
 * disappears and the next case starts from the same state.
 *
 * The checking macros (KT_ST, KT_OK, KT_EQ, KT_ASSERT) record the first
 * failure with what was expected and what came back, and return from the
 * case; they expect the case's context to be called `kt`. Worker threads
 * report through kt_fail() (the first report wins) or through shared memory.
 */
#ifndef TESTS_KTEST_KTEST_H
#define TESTS_KTEST_KTEST_H

#include "abi/bootinfo.h"
#include "abi/layout.h"
#include "sys/sys.h"

/* Root runs the cases at this priority (its MCP stays 255). While it waits
 * for workers (kt_sleep_ms and friends) it drops to KT_PRIO_SPIN, so any
 * worker above that runs first; a worker on CPU 0 that never blocks must
 * run at KT_PRIO_SPIN, sharing the CPU with root by time slices, or root
 * would never run again. */
#define KT_ROOT_PRIO 200
#define KT_PRIO_SPIN 1
/* log2 of the untyped memory each case gets. */
#define KT_CASE_UT_BITS 24
#define KT_MAX_THREADS 48
#define KT_MAX_PROGRAM_PAGES 96
/* Where cases map frames in root's own task: an otherwise unused 512 GiB
 * (one level-0 entry), so each case's page tables are its own. */
#define KT_ROOT_WINDOW 0x0000200000000000UL
/* Where kt_task_thread puts stacks and IPC buffers in a child task. */
#define KT_CHILD_STACKS 0x0000000010000000UL
#define KT_CHILD_IPC_BUFFERS 0x0000000020000000UL
#define KT_CHILD_STACK_PAGES 2

struct kt {
    const char *name;
    volatile int failed;
    char reason[256];
    bt_cptr_t ut;                      /* this case's untyped memory */
    uint64_t slot_next;                /* next unused slot of the window */
    uint64_t va_next;                  /* next unused address of root's window */
    bt_cptr_t threads[KT_MAX_THREADS]; /* suspended before clean-up */
    unsigned thread_count;
};

struct kt_case {
    const char *name;
    void (*fn)(struct kt *kt);
    unsigned min_cpus; /* skipped (reported ok, marked) on fewer CPUs */
};

struct kt_suite {
    const struct kt_case *cases;
    unsigned count;
};

/* A table entry for case fn; _SMP ones need a second CPU. */
// clang-format off
#define KT_CASE(fn) {#fn, fn, 1}
#define KT_CASE_SMP(fn) {#fn, fn, 2}
// clang-format on
#define KT_SUITE(name, table)                                                                      \
    const struct kt_suite name = {table, sizeof(table) / sizeof((table)[0])}

/* What the runner found at start; read-only for the cases. */
struct kt_env {
    const struct bt_bootinfo *bi;
    bt_cptr_t cnode, task, thread; /* root's own */
    bt_cptr_t pool;                /* RAM untyped the cases' memory comes from */
    uint64_t slot_first, slot_end; /* the slot window */
    uint64_t ticks_per_ms;         /* of CNTVCT_EL0 */
    unsigned cpus;
    /* root's program pages that are not writable (text, read-only data),
     * so child tasks can run the suite's own functions */
    unsigned program_count;
    struct {
        uint64_t vaddr;
        bt_cptr_t frame;
        unsigned rights;
    } program[KT_MAX_PROGRAM_PAGES];
};

extern struct kt_env kt_env;

/* ---- failures ---- */

void kt_fail(struct kt *kt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *kt_status_name(uint64_t status);

/* A status (or any value naming one) must equal want. */
#define KT_ST(expr, want)                                                                          \
    do {                                                                                           \
        uint64_t got_ = (uint64_t)(expr);                                                          \
        if (got_ != (uint64_t)(want)) {                                                            \
            kt_fail(kt, "%s: expected %s, got %s", #expr, kt_status_name(want),                    \
                    kt_status_name(got_));                                                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KT_OK(expr) KT_ST(expr, BT_OK)

/* A number must equal want. */
#define KT_EQ(expr, want)                                                                          \
    do {                                                                                           \
        uint64_t got_ = (uint64_t)(expr), want_ = (uint64_t)(want);                                \
        if (got_ != want_) {                                                                       \
            kt_fail(kt, "%s: expected 0x%lx, got 0x%lx", #expr, want_, got_);                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KT_ASSERT(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            kt_fail(kt, __VA_ARGS__);                                                              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* For helpers that report their own failure and return false/0. */
#define KT_TRY(expr)                                                                               \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            if (!kt->failed) {                                                                     \
                kt_fail(kt, "%s failed", #expr);                                                   \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- slots, objects and memory (env.c) ---- */

/* An empty slot of root's CNode, or 0 (failure recorded). */
bt_cptr_t kt_slot(struct kt *kt);
/* A new object made of kt->ut (or of ut) in a fresh slot, or 0. */
bt_cptr_t kt_obj(struct kt *kt, unsigned type, unsigned size_bits);
bt_cptr_t kt_obj_from(struct kt *kt, bt_cptr_t ut, unsigned type, unsigned size_bits);
/* A copy (or badged copy) of root's capability src in a fresh slot, or 0. */
bt_cptr_t kt_copy(struct kt *kt, bt_cptr_t src, unsigned rights);
bt_cptr_t kt_mint(struct kt *kt, bt_cptr_t src, unsigned rights, uint64_t badge);
/* The capability's type, or BT_OBJ_NONE if the slot is empty. */
uint64_t kt_type_of(bt_cptr_t cap);

/* Maps frame into task at vaddr, adding page tables made of kt->ut. */
enum bt_status kt_map(struct kt *kt, bt_cptr_t task, bt_cptr_t frame, uint64_t vaddr,
                      unsigned rights);
/* A fresh address range of root's window (with an unmapped guard page). */
uint64_t kt_va(struct kt *kt, uint64_t size);
/* Maps frame into root at a fresh address; NULL on failure. */
void *kt_map_root(struct kt *kt, bt_cptr_t frame, unsigned rights);
/* count fresh zeroed frames mapped read-write in root; *first (if not NULL)
 * gets the first frame's slot, the others follow. NULL on failure. */
void *kt_pages(struct kt *kt, unsigned count, bt_cptr_t *first);
/* Zeroed memory for a case's shared state (threads may outlive a failed
 * check, so it must not be on root's stack). */
void *kt_mem(struct kt *kt, uint64_t size);

/* ---- time (env.c) ---- */

uint64_t kt_now(void);
uint64_t kt_ms(uint64_t ms); /* in counter ticks */
/* Some tens of microseconds of doing nothing: what loops that watch the
 * clock do between readings (see env.c on why). */
void kt_pause(void);
/* Busy-waits without leaving the CPU. */
void kt_spin_ms(uint64_t ms);
/* Lets every other thread of this CPU run for ms: root drops to
 * KT_PRIO_SPIN meanwhile. */
void kt_sleep_ms(uint64_t ms);
/* Waits up to ms for bits on ntfn, letting other threads of this CPU run;
 * returns the bits (0: timed out). */
uint64_t kt_wait_bits(bt_cptr_t ntfn, uint64_t ms);
/* Waits up to ms (as kt_sleep_ms) until *word == want. */
bool kt_wait_word(volatile uint64_t *word, uint64_t want, uint64_t ms);
/* Waits up to ms (as kt_sleep_ms) until *word changes. */
bool kt_wait_advance(volatile uint64_t *word, uint64_t ms);

/* ---- threads and tasks (threads.c) ---- */

typedef void (*kt_entry)(uint64_t arg);

/* A thread of root's task (root's CNode) running entry(arg) on a fresh
 * stack with a fresh IPC buffer at priority prio on cpu, with MCP 0 and the
 * fault endpoint fault_ep (0: none). _make leaves it inactive. 0 on failure. */
bt_cptr_t kt_thread_make(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio, unsigned cpu,
                         bt_cptr_t fault_ep);
bt_cptr_t kt_thread(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio, unsigned cpu,
                    bt_cptr_t fault_ep);
/* As kt_thread, but without an IPC buffer (bt_ipc_buffer() is NULL there). */
bt_cptr_t kt_thread_without_buffer(struct kt *kt, kt_entry entry, uint64_t arg, unsigned prio,
                                   unsigned cpu);

/* A task of its own with a CNode of 2^cnode_bits slots. With program, the
 * suite's text and read-only data are mapped in it at their addresses, so
 * its threads can run functions of the suite that touch no global data. */
struct kt_task {
    bt_cptr_t task;
    bt_cptr_t cnode;
    unsigned thread_count;
};
bool kt_task_make(struct kt *kt, struct kt_task *ct, unsigned cnode_bits, bool program);
/* A thread in ct (its CNode and task) as kt_thread; fault_ep is root's cptr. */
bt_cptr_t kt_task_thread_make(struct kt *kt, struct kt_task *ct, kt_entry entry, uint64_t arg,
                              unsigned prio, unsigned cpu, bt_cptr_t fault_ep);
bt_cptr_t kt_task_thread(struct kt *kt, struct kt_task *ct, kt_entry entry, uint64_t arg,
                         unsigned prio, unsigned cpu, bt_cptr_t fault_ep);
/* Puts a copy of root's src (with a badge if badge != 0) at index of ct's
 * CNode. */
bool kt_task_put(struct kt *kt, struct kt_task *ct, uint64_t index, bt_cptr_t src, unsigned rights,
                 uint64_t badge);
/* A fresh frame mapped at vaddr in ct with rights, and read-write in root
 * (returned; NULL on failure). */
void *kt_task_share(struct kt *kt, struct kt_task *ct, uint64_t vaddr, unsigned rights);

/* ---- calls that might block (threads.c) ---- */

/* Makes system call nr with registers r in a worker thread (priority 100,
 * CPU 0) and waits up to ms for it to return, so a call that should fail
 * but blocks cannot hang the suite. Returns x0, or KT_BLOCKED. */
#define KT_BLOCKED 0xb10cedUL
uint64_t kt_syscall_in_worker(struct kt *kt, uint64_t nr, const struct bt_regs8 *r, uint64_t ms);

/* ---- receiving with a time limit (threads.c) ---- */

/* nbrecv on ep until a message comes or ms pass, letting other threads of
 * this CPU run meanwhile; BT_E_WOULDBLOCK when nothing came. */
enum bt_status kt_recv_within(bt_cptr_t ep, bt_cptr_t reply, struct bt_msg *m, uint64_t ms);
/* Receives one message on ep within a second (binding callers to reply) and
 * checks it is a fault with the given label; fills m. */
bool kt_expect_fault(struct kt *kt, bt_cptr_t ep, bt_cptr_t reply, uint64_t label,
                     struct bt_msg *m);

#endif
