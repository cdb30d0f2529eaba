/*
 * Argument generators of the fuzzing threads (args.c) and what a thread
 * believes about its capability space. Beliefs start from root's hints and
 * follow the calls that succeed; they are only a bias, never trusted: the
 * kernel is the one who knows.
 *
 * Sandbox code: no global variables (see fuzz.h).
 */
#ifndef TESTS_FUZZ_GEN_H
#define TESTS_FUZZ_GEN_H

#include "fuzz.h"

#define GEN_SLOTS (1u << FUZZ_MAX_CNODE_BITS)
#define GEN_PER_TYPE 24
#define GEN_TYPE_SOME BT_OBJ_TYPE_COUNT /* occupied, type unknown */
#define GEN_TYPES (BT_OBJ_TYPE_COUNT + 1)
#define GEN_FOREIGN 8

/* Kinds of argument. Capability kinds name the object type they prefer. */
enum arg_kind {
    ARG_ZERO,
    ARG_ANY,                                  /* an interesting 64-bit value */
    ARG_CAP,                                  /* a cptr, of any type */
    ARG_CAP_TYPE,                             /* + object type: a cptr, mostly of that type */
    ARG_SRC_INDEX = ARG_CAP_TYPE + GEN_TYPES, /* slot index, mostly occupied */
    ARG_DST_INDEX,                            /* slot index, mostly empty */
    ARG_RIGHTS,
    ARG_MAP_RIGHTS,
    ARG_BADGE,
    ARG_TYPE,
    ARG_SIZE_BITS, /* for the object type in the previous argument */
    ARG_COUNT,
    ARG_VADDR,
    ARG_BYTES, /* an address debug_write may read (ARG_LEN bytes from) */
    ARG_LEN,
    ARG_NAME_LEN,
    ARG_ATTR,
    ARG_TAG,
    ARG_PRIORITY,
    ARG_CPU,
    ARG_INTID,
    ARG_IRQ_FLAGS,
    ARG_PC,
    ARG_SP,
    ARG_POWER_OP,
    ARG_IPA,      /* a guest-physical address */
    ARG_VCPU_NUM, /* vCPU number */
    ARG_PSTATE,   /* a vCPU's processor state */
    ARG_VCPU_REG, /* a vCPU register number */
    ARG_KIND_COUNT
};

#define ARG_T(type) (ARG_CAP_TYPE + (type))
/* The argument may also be 0 ("none") a quarter of the time. */
#define ARG_OPT 0x100u

/* Beliefs, shared by the threads of a sandbox (a page of the sandbox at
 * SB_BELIEF_VA). Updates race; a lost update only makes a worse guess, and
 * every read is bounded. */
struct gen_beliefs {
    uint32_t state; /* 0: fresh page, 1: being filled from the hints, 2: ready */
    uint32_t pad;
    uint64_t self_cnode;                      /* a slot believed to hold the sandbox CNode */
    uint8_t type_of[GEN_SLOTS];               /* per slot: BT_OBJ_NONE = empty */
    uint8_t by_type[GEN_TYPES][GEN_PER_TYPE]; /* slots believed of each type */
    uint8_t by_type_count[GEN_TYPES];
};

struct fuzzer {
    const struct fuzz_control *ctl;
    struct fuzz_counters *counters;
    struct fuzz_thread_counters *me;
    struct fuzz_stats *stats;
    struct gen_beliefs *b;
    uint64_t index;
    uint64_t ipcbuf_va; /* where root mapped this thread's IPC buffer */
    uint64_t rng;
    uint64_t slot_count; /* of the sandbox CNode */
    uint64_t verify;     /* a slot to identify next (a belief looked wrong) */
    /* Where this thread recently put capabilities in CNodes other than the
     * sandbox's own: (CNode cptr, index). */
    uint64_t foreign[GEN_FOREIGN][2];
    unsigned foreign_next;
};

/* Beliefs. */
/* Does the sandbox seem to hold a capability of this type? */
bool gen_have(const struct fuzzer *f, unsigned type);
/* Sets up f's view; the first thread of a sandbox fills the beliefs. */
void gen_init(struct fuzzer *f);
void gen_learn(struct fuzzer *f, uint64_t slot, unsigned type);
unsigned gen_belief(const struct fuzzer *f, uint64_t slot);
/* A capability went to slot index of another CNode. */
void gen_learn_foreign(struct fuzzer *f, uint64_t cnode, uint64_t index);

/* A value of the given kind: mostly one the call expects, or (wild) one
 * that is wrong in some way. prev is the previous argument (the object type
 * for size bits, the CNode for an index). */
uint64_t gen_arg(struct fuzzer *f, unsigned kind, uint64_t prev, bool wild);
/* A call number outside the table (or beyond the last call). */
uint64_t gen_bad_call(struct fuzzer *f);
/* Random IPC buffer contents: words, capabilities to send, receive slots. */
void gen_ipc_buffer(struct fuzzer *f);

#endif
