/*
 * ktest: register state belongs to the thread (docs/kernel-api.md,
 * "Calling convention" and "FP/SIMD"): v0-v31 and FPCR survive yields,
 * preemption and migration to another CPU; a thread of another task never
 * sees them; a system call preserves every register it does not name.
 *
 * The register work is one asm block (fp_exercise), so no compiler-generated
 * SIMD code runs between loading the pattern and checking it.
 */
#include "ktest.h"

#define FPCR_A ((1UL << 24) | (1UL << 22)) /* FZ, round towards +inf */
#define FPCR_B ((1UL << 25) | (2UL << 22)) /* DN, round towards -inf */

struct fp_run {
    uint64_t in[64], out[64]; /* q0-q31 as pairs of words */
    uint64_t fpcr_in, fpcr_out;
    bt_cptr_t ntfn;        /* if not 0: wait on it after loading */
    uint64_t yields;       /* then yield this often */
    uint64_t end;          /* then spin until the counter reaches this */
    volatile uint64_t *go; /* then spin until *go != 0 */
    volatile uint64_t loaded, done;
    uint64_t always_go;
};

#define LDP_Q(a, b, off) "ldp q" #a ", q" #b ", [%[in], #" #off "]\n\t"
#define STP_Q(a, b, off) "stp q" #a ", q" #b ", [%[out], #" #off "]\n\t"

/* Loads r->in and fpcr_in, does what r asks while the state is live,
 * stores the registers to r->out and fpcr_out. */
static void fp_exercise(struct fp_run *r)
{
    uint64_t one = 1;
    __asm__ volatile(
        LDP_Q(0, 1, 0) LDP_Q(2, 3, 32) LDP_Q(4, 5, 64) LDP_Q(6, 7, 96) LDP_Q(8, 9, 128) LDP_Q(
            10, 11, 160) LDP_Q(12, 13, 192) LDP_Q(14, 15, 224) LDP_Q(16, 17, 256) LDP_Q(18, 19, 288)
            LDP_Q(20, 21, 320) LDP_Q(22, 23, 352) LDP_Q(24, 25, 384) LDP_Q(26, 27,
                                                                           416) LDP_Q(28, 29, 448)
                LDP_Q(30, 31,
                      480) "msr fpcr, %[fpcr]\n\t"
                           "str %[one], [%[loaded]]\n\t"
                           /* wait on the notification */
                           "cbz %[ntfn], 1f\n\t"
                           "mov x0, %[ntfn]\n\t"
                           "mov x8, #16\n\t"
                           "svc #0\n"
                           "1:\n\t"
                           /* yield */
                           "mov x10, %[yields]\n"
                           "2: cbz x10, 3f\n\t"
                           "mov x8, #3\n\t"
                           "svc #0\n\t"
                           "sub x10, x10, #1\n\t"
                           "b 2b\n"
                           /* spin until the end time (reading the clock only now and then) */
                           "3: mov x10, #40000\n"
                           "5: subs x10, x10, #1\n\t"
                           "b.ne 5b\n\t"
                           "isb\n\t"
                           "mrs x9, cntvct_el0\n\t"
                           "cmp x9, %[end]\n\t"
                           "b.lo 3b\n"
                           /* spin until told to go on */
                           "4: ldr x9, [%[go]]\n\t"
                           "cbz x9, 4b\n\t" STP_Q(0, 1, 0) STP_Q(2, 3, 32) STP_Q(4, 5, 64)
                               STP_Q(6, 7, 96) STP_Q(8, 9, 128) STP_Q(10, 11, 160)
                                   STP_Q(12, 13, 192) STP_Q(14, 15, 224) STP_Q(16, 17, 256)
                                       STP_Q(18, 19, 288) STP_Q(20, 21, 320) STP_Q(22, 23, 352)
                                           STP_Q(24, 25, 384) STP_Q(26, 27, 416) STP_Q(28, 29, 448)
                                               STP_Q(30, 31, 480) "mrs x9, fpcr\n\t"
                                                                  "str x9, [%[fpcr_out]]\n\t"
        :
        : [in] "r"(r->in), [out] "r"(r->out), [fpcr] "r"(r->fpcr_in), [one] "r"(one),
          [loaded] "r"(&r->loaded), [ntfn] "r"(r->ntfn), [yields] "r"(r->yields), [end] "r"(r->end),
          [go] "r"(r->go), [fpcr_out] "r"(&r->fpcr_out)
        : "x0", "x1", "x2", "x8", "x9", "x10", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
          "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
          "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", "memory", "cc");
}

/* Stores v0-v31 and FPCR without loading anything first. */
static void fp_peek(uint64_t *out, uint64_t *fpcr)
{
    __asm__ volatile(STP_Q(0, 1, 0) STP_Q(2, 3, 32) STP_Q(4, 5, 64) STP_Q(6, 7, 96) STP_Q(8, 9, 128)
                         STP_Q(10, 11, 160) STP_Q(12, 13, 192) STP_Q(14, 15, 224) STP_Q(16, 17, 256)
                             STP_Q(18, 19, 288) STP_Q(20, 21, 320) STP_Q(22, 23, 352)
                                 STP_Q(24, 25, 384) STP_Q(26, 27, 416) STP_Q(28, 29, 448)
                                     STP_Q(30, 31, 480) "mrs x9, fpcr\n\t"
                                                        "str x9, [%[fpcr]]\n\t"
                     :
                     : [out] "r"(out), [fpcr] "r"(fpcr)
                     : "x9", "memory");
}

static void fp_thread(uint64_t arg)
{
    struct fp_run *r = (struct fp_run *)arg;
    fp_exercise(r);
    __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

/* A run for thread `id` with a pattern no other id shares. */
static struct fp_run *new_run(struct kt *kt, uint64_t id)
{
    struct fp_run *r = kt_mem(kt, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    for (uint64_t i = 0; i < 64; i++) {
        r->in[i] = (id << 56) | (i << 40) | (0x5a5a5a5aUL ^ (i * 0x01010101UL));
    }
    r->fpcr_in = id & 1 ? FPCR_A : FPCR_B;
    r->always_go = 1;
    r->go = &r->always_go;
    return r;
}

static bool check_run(struct kt *kt, const char *who, const struct fp_run *r)
{
    for (unsigned i = 0; i < 64; i++) {
        if (r->out[i] != r->in[i]) {
            kt_fail(kt, "%s: v%u (word %u): expected 0x%lx, got 0x%lx", who, i / 2, i % 2, r->in[i],
                    r->out[i]);
            return false;
        }
    }
    if (r->fpcr_out != r->fpcr_in) {
        kt_fail(kt, "%s: fpcr: expected 0x%lx, got 0x%lx", who, r->fpcr_in, r->fpcr_out);
        return false;
    }
    return true;
}

/* Two threads on one CPU at one priority, each with its own pattern. */
static void run_pair(struct kt *kt, unsigned cpu, uint64_t yields, uint64_t spin_ms)
{
    struct fp_run *a = new_run(kt, 1), *b = new_run(kt, 2);
    KT_TRY(a != NULL && b != NULL);
    a->yields = b->yields = yields;
    a->end = b->end = spin_ms != 0 ? kt_now() + kt_ms(spin_ms) : 0;
    KT_TRY(kt_thread(kt, fp_thread, (uint64_t)a, 100, cpu, 0) != 0);
    KT_TRY(kt_thread(kt, fp_thread, (uint64_t)b, 100, cpu, 0) != 0);
    KT_ASSERT(kt_wait_word(&a->done, 1, 3000) && kt_wait_word(&b->done, 1, 3000),
              "the FP threads did not finish");
    KT_TRY(check_run(kt, "thread A", a) && check_run(kt, "thread B", b));
}

static void fp_registers_survive_yields_between_threads(struct kt *kt)
{
    run_pair(kt, 0, 50, 0);
}

static void fp_registers_survive_preemption_by_time_slice(struct kt *kt)
{
    run_pair(kt, 0, 0, 100);
}

static void fp_registers_survive_migration_to_another_cpu(struct kt *kt)
{
    struct fp_run *r = new_run(kt, 3);
    volatile uint64_t *go = kt_mem(kt, sizeof(*go));
    KT_TRY(r != NULL && go != NULL);
    r->go = go;
    bt_cptr_t t = kt_thread(kt, fp_thread, (uint64_t)r, 100, 1, 0);
    KT_TRY(t != 0);
    KT_ASSERT(kt_wait_word(&r->loaded, 1, 1000), "the FP thread did not start on CPU 1");
    /* Meanwhile something else uses FP on CPU 0 (root's wait lets it). */
    KT_OK(bt_thread_set_sched(t, 100, 0, 0));
    struct fp_run *other = new_run(kt, 4);
    KT_TRY(other != NULL && kt_thread(kt, fp_thread, (uint64_t)other, 150, 0, 0) != 0);
    *go = 1;
    KT_ASSERT(kt_wait_word(&r->done, 1, 1000), "the moved FP thread did not finish on CPU 0");
    KT_TRY(check_run(kt, "moved thread", r) && check_run(kt, "other thread", other));
}

struct peek {
    uint64_t regs[64];
    uint64_t fpcr;
    volatile uint64_t done;
};

/* Child task: looks at its FP registers before ever setting them. */
static void child_peek(uint64_t va)
{
    struct peek *p = (struct peek *)va;
    fp_peek(p->regs, &p->fpcr);
    p->done = 1;
}

static void fp_state_is_never_visible_to_another_task(struct kt *kt)
{
    struct fp_run *a = new_run(kt, 5);
    KT_TRY(a != NULL);
    a->ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(a->ntfn != 0 && kt_thread(kt, fp_thread, (uint64_t)a, 100, 0, 0) != 0);
    /* A loads its pattern on CPU 0 and blocks with it live. */
    KT_ASSERT(kt_wait_word(&a->loaded, 1, 1000), "the FP thread did not start");
    struct kt_task ct;
    KT_TRY(kt_task_make(kt, &ct, 2, true));
    const uint64_t va = 0x30000000;
    struct peek *p = kt_task_share(kt, &ct, va, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(p != NULL && kt_task_thread(kt, &ct, child_peek, va, 100, 0, 0) != 0);
    KT_ASSERT(kt_wait_word(&p->done, 1, 1000), "the peeking thread did not finish");
    for (unsigned i = 0; i < 64; i++) {
        KT_ASSERT(p->regs[i] != a->in[i], "another task sees v%u = 0x%lx of thread A", i / 2,
                  p->regs[i]);
        KT_ASSERT(p->regs[i] == 0, "a new thread's v%u (word %u) is 0x%lx, not 0", i / 2, i % 2,
                  p->regs[i]);
    }
    KT_ASSERT(p->fpcr != a->fpcr_in, "another task sees thread A's fpcr 0x%lx", p->fpcr);
    KT_OK(bt_signal(a->ntfn));
    KT_ASSERT(kt_wait_word(&a->done, 1, 1000), "the FP thread did not finish");
    KT_TRY(check_run(kt, "thread A", a));
}

static void system_call_preserves_root_fp_registers(struct kt *kt)
{
    struct fp_run *r = new_run(kt, 6);
    KT_TRY(r != NULL);
    r->yields = 3; /* three kernel entries with the state live */
    fp_exercise(r);
    KT_TRY(check_run(kt, "root", r));
}

/* Sets x1-x7 and x9-x28 to known values, makes a null system call and
 * stores them (and x0, x8) to out. */
static void null_call_with_patterns(uint64_t *out)
{
    register uint64_t x0 __asm__("x0") = (uint64_t)out;
    __asm__ volatile("mov x30, x0\n\t"
                     "mov x1, #0x101\n\tmov x2, #0x102\n\tmov x3, #0x103\n\tmov x4, #0x104\n\t"
                     "mov x5, #0x105\n\tmov x6, #0x106\n\tmov x7, #0x107\n\t"
                     "mov x9, #0x109\n\tmov x10, #0x10a\n\tmov x11, #0x10b\n\t"
                     "mov x12, #0x10c\n\tmov x13, #0x10d\n\tmov x14, #0x10e\n\t"
                     "mov x15, #0x10f\n\tmov x16, #0x110\n\tmov x17, #0x111\n\t"
                     "mov x18, #0x112\n\tmov x19, #0x113\n\tmov x20, #0x114\n\t"
                     "mov x21, #0x115\n\tmov x22, #0x116\n\tmov x23, #0x117\n\t"
                     "mov x24, #0x118\n\tmov x25, #0x119\n\tmov x26, #0x11a\n\t"
                     "mov x27, #0x11b\n\tmov x28, #0x11c\n\t"
                     "mov x8, #2\n\t"
                     "svc #0\n\t"
                     "stp x1, x2, [x30, #0]\n\tstp x3, x4, [x30, #16]\n\t"
                     "stp x5, x6, [x30, #32]\n\tstp x7, x8, [x30, #48]\n\t"
                     "stp x9, x10, [x30, #64]\n\tstp x11, x12, [x30, #80]\n\t"
                     "stp x13, x14, [x30, #96]\n\tstp x15, x16, [x30, #112]\n\t"
                     "stp x17, x18, [x30, #128]\n\tstp x19, x20, [x30, #144]\n\t"
                     "stp x21, x22, [x30, #160]\n\tstp x23, x24, [x30, #176]\n\t"
                     "stp x25, x26, [x30, #192]\n\tstp x27, x28, [x30, #208]\n\t"
                     "str x0, [x30, #224]\n\t"
                     : "+r"(x0)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
                       "x24", "x25", "x26", "x27", "x28", "x30", "memory");
}

static void system_call_preserves_every_register_it_does_not_name(struct kt *kt)
{
    /* out[i] is x(i + 1) for x1-x28; x0 follows. */
    uint64_t *out = kt_mem(kt, 29 * sizeof(uint64_t));
    KT_TRY(out != NULL);
    null_call_with_patterns(out);
    KT_ST(out[28], BT_OK);
    for (unsigned i = 0; i < 28; i++) {
        uint64_t want = i + 1 == 8 ? BT_SYS_NULL : 0x100 + i + 1;
        KT_ASSERT(out[i] == want, "x%u after a null call: expected 0x%lx, got 0x%lx", i + 1, want,
                  out[i]);
    }
}

static const struct kt_case cases[] = {
    KT_CASE(fp_registers_survive_yields_between_threads),
    KT_CASE(fp_registers_survive_preemption_by_time_slice),
    KT_CASE_SMP(fp_registers_survive_migration_to_another_cpu),
    KT_CASE(fp_state_is_never_visible_to_another_task),
    KT_CASE(system_call_preserves_root_fp_registers),
    KT_CASE(system_call_preserves_every_register_it_does_not_name),
};

KT_SUITE(kt_suite_fp, cases);
