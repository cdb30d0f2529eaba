/*
 * Root's side of the fuzzer: its state (main.c), the sandbox it builds for
 * the fuzzing threads (sandbox.c), the configuration from the boot archive
 * (config.c) and the health check that follows the fuzzing (check.c).
 */
#ifndef TESTS_FUZZ_ROOT_H
#define TESTS_FUZZ_ROOT_H

#include "abi/bootinfo.h"
#include "alloc/alloc.h"
#include "fuzz.h"

/* Root's slots [admin, admin + ADMIN_SLOTS) hold its capabilities to the
 * current sandbox; they are emptied when the sandbox is torn down. */
#define ADMIN_SLOTS 512
#define MAX_TEXT_PAGES 64
/* Every sandbox is made of this untyped memory, revoked between sandboxes. */
#define ARENA_BITS 24

struct fuzz_config {
    uint64_t seed;
    uint64_t iters;
    bool verbose;
    bool trace;
};

/* Parses "seed=S iters=N verbose=V trace=T" (decimal or 0x hex, in any order,
 * separated by white space); absent keys keep their value in *out. Returns
 * false with a reason in why on anything else. */
bool config_parse(const char *text, size_t len, struct fuzz_config *out, char *why,
                  size_t why_size);

struct text_page {
    uint64_t vaddr;
    bt_cptr_t frame; /* root's capability */
    unsigned rights;
};

struct sandbox {
    unsigned number;
    unsigned thread_count;
    bool fragile;    /* the sandbox holds the only capabilities to its CNode and task */
    bt_cptr_t cnode; /* root's capabilities (admin slots); 0 once given away */
    bt_cptr_t task;
    bt_cptr_t thread[FUZZ_MAX_THREADS];
    bt_cptr_t ipcbuf[FUZZ_MAX_THREADS];
    bt_cptr_t fault_ep[FUZZ_MAX_THREADS];
    unsigned cpu[FUZZ_MAX_THREADS];
    unsigned role[FUZZ_MAX_THREADS];
    bt_cptr_t code_frame;  /* the page of random instructions (admin slot) */
    uint64_t start_issued; /* calls made before this sandbox */
    uint64_t budget;       /* calls until the next rebuild */
    /* The watch (main.c): progress last seen, when it last moved, and how
     * often the thread was restarted since. */
    uint64_t seen[FUZZ_MAX_THREADS];
    uint64_t since[FUZZ_MAX_THREADS];
    uint64_t turns[FUZZ_MAX_THREADS]; /* its CPU's watcher's turns, at since */
    unsigned strikes[FUZZ_MAX_THREADS];
};

struct fuzz_root {
    const struct bt_bootinfo *bi;
    struct bt_alloc alloc;
    struct fuzz_config config;
    uint64_t rng; /* root's own choices */
    bt_cptr_t arena;
    bt_cptr_t admin;
    uint64_t admin_next;
    bt_cptr_t fault_ep; /* fuzzing threads' faults arrive here, badged */
    bt_cptr_t events;   /* notification bound to root's thread: the watchers' ticks */
    bt_cptr_t reply;
    bt_cptr_t control_frame, counters_frame, stats_frame[FUZZ_MAX_THREADS][FUZZ_STATS_PAGES];
    struct fuzz_control *control;
    struct fuzz_counters *counters;
    struct text_page text[MAX_TEXT_PAGES];
    unsigned text_count;
    struct sandbox sb;
    /* Totals for the report. */
    uint64_t start; /* counter value when fuzzing began */
    uint64_t sandboxes, restarts, faults, heartbeats, corruptions;
    uint64_t lost, gave_up; /* sandboxes given up: a thread could not run, or stayed stuck */
};

/* Finds root's own text and read-only data frames (to share with sandboxes). */
bool sandbox_find_text(struct fuzz_root *r);
/* Builds sandbox number n and starts its threads. False if root could not
 * (a bug in root or in the kernel: the caller gives up). */
bool sandbox_build(struct fuzz_root *r, unsigned n);
/* Destroys everything the sandbox was and made, by revoking the arena. */
void sandbox_destroy(struct fuzz_root *r);
/* Starts fuzzing thread i afresh at fuzzer_main; false if it cannot run. */
bool sandbox_restart(struct fuzz_root *r, unsigned i);

/* The health check after fuzzing: prints what it checked; true if healthy. */
bool check_system(struct fuzz_root *r);

#endif
