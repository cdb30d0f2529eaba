/*
 * The system-call fuzzer: what root (main.c, sandbox.c, check.c) and the
 * fuzzing threads (fuzzer.c, args.c) share. README.md explains the design.
 *
 * The fuzzing threads run in a sandbox task of their own, on root's program
 * text mapped read-only, so they use no global variables: everything they
 * know is on their stack or in the control and statistics pages, which root
 * maps at the same addresses in its own task and in every sandbox.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/caps.h"

#define FUZZ_MAX_THREADS 4
#define FUZZ_MAX_HINTS 96
#define FUZZ_MAX_ADDRS 40
#define FUZZ_MAX_CNODE_BITS 8
/* Fuzzing threads run at FUZZ_PRIORITY, as do root's watchers, and may give
 * at most FUZZ_MCP, to themselves too: what they make can never starve
 * them, root (255) or the watchers. A fuzzing thread sent into a loop by a
 * sibling shares its CPU with a watcher; one that lowered itself starves
 * until root restarts it. */
#define FUZZ_PRIORITY 100
#define FUZZ_MCP 99
/* Every this many calls a fuzzing thread executes "brk #FUZZ_HEARTBEAT":
 * root, its fault handler, looks after the sandbox and resumes it. */
#define FUZZ_HEARTBEAT_CALLS 512
#define FUZZ_HEARTBEAT 0x4242
/* Call numbers up to here are counted one by one in the statistics; the
 * rest share the last bucket. */
#define FUZZ_STAT_CALLS 72
#define FUZZ_STAT_STATUSES 16

/* Addresses, the same in root and in each sandbox task. The control page
 * is read-only for the sandbox; the counters page is writable (a fuzzing
 * thread running stray code could scribble on it, see main.c). */
#define FUZZ_CONTROL_VA 0x50000000UL
#define FUZZ_COUNTERS_VA 0x50002000UL
#define FUZZ_STATS_PAGES 2 /* per thread */
#define FUZZ_STATS_VA(i) (0x50010000UL + (uint64_t)(i)*0x2000UL)
/* Sandbox only. */
#define SB_STACK_VA(i) (0x20000000UL + (uint64_t)(i)*0x10000UL)
#define SB_STACK_PAGES 2
#define SB_IPCBUF_VA(i) (0x30000000UL + (uint64_t)(i)*0x2000UL)
#define SB_SCRATCH_VA 0x40000000UL
#define SB_SCRATCH_PAGES 6            /* every other one mapped: holes between */
#define SB_BELIEF_VA 0x40100000UL     /* the threads' shared beliefs (gen.h) */
#define SB_CODE_VA 0x40180000UL       /* a page of random instructions, executable */
#define SB_VCPU_STATE_VA 0x40190000UL /* the state page of root's vCPU, if any */
/* Where root fills that page (in its own task). */
#define FUZZ_CODE_FILL_VA 0x50020000UL

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What a fuzzing thread is told about a slot of the sandbox CNode. */
struct fuzz_hint {
    uint16_t slot;
    uint8_t type; /* enum bt_object_type */
    uint8_t pad;
};

/* The control page: root's description of the sandbox. */
struct fuzz_control {
    uint64_t limit; /* no ticket is handed out at or beyond this */
    uint64_t cnode_bits;
    uint64_t self_cnode; /* the sandbox CNode's slot for itself (0: none) */
    uint64_t trace;      /* print every call before making it */
    uint64_t vcpu_state; /* root's vCPU's state page is at SB_VCPU_STATE_VA */
    uint64_t hint_count;
    struct fuzz_hint hints[FUZZ_MAX_HINTS];
    uint64_t addr_count;
    uint64_t addrs[FUZZ_MAX_ADDRS]; /* interesting addresses in the sandbox */
};

_Static_assert(sizeof(struct fuzz_control) <= 4096, "the control page is one page");

/* One fuzzing thread's counters. */
struct fuzz_thread_counters {
    uint64_t progress; /* calls that returned; root watches it move */
    uint64_t rng;      /* PRNG state, so a restarted thread continues its stream */
    uint64_t pad[6];
};

/* The counters page, written by the fuzzing threads. */
struct fuzz_counters {
    uint64_t issued; /* calls made by all threads (tickets taken, see fuzzer.c) */
    uint64_t pad[7];
    struct fuzz_thread_counters thread[FUZZ_MAX_THREADS];
};

_Static_assert(sizeof(struct fuzz_counters) <= 4096, "the counters page is one page");

/* Per thread: how often each call returned each status (call
 * numbers from FUZZ_STAT_CALLS - 1 and statuses from FUZZ_STAT_STATUSES - 1
 * up share the last bucket). */
struct fuzz_stats {
    uint32_t count[FUZZ_STAT_CALLS][FUZZ_STAT_STATUSES];
};

_Static_assert(sizeof(struct fuzz_stats) <= FUZZ_STATS_PAGES * 4096, "statistics fit their pages");

#define FUZZ_ROLE_ANY 0
#define FUZZ_ROLE_SERVER 1 /* mostly receives (on endpoints the others call) */

/* The fuzzing thread's entry: x0 = its index, x1 = its role. Never
 * returns; ends with thread_exit when the tickets run out. */
void fuzzer_main(uint64_t index, uint64_t role);

/* A deterministic PRNG (splitmix64): good enough and one word of state. */
static inline uint64_t fuzz_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the bias is irrelevant here). */
static inline uint64_t fuzz_below(uint64_t *state, uint64_t n)
{
    return fuzz_rand(state) % n;
}

/* True with probability num/den. */
static inline bool fuzz_chance(uint64_t *state, uint64_t num, uint64_t den)
{
    return fuzz_below(state, den) < num;
}

static inline uint64_t fuzz_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

#endif
