/*
 * bench: the kernel's micro-benchmarks, run as the root task of the test
 * kernel (which lets EL0 read the performance monitors). Every figure is
 * counted in retired instructions: the total from the generic counter
 * (QEMU -icount shift=0 with cntfrq=1 GHz makes one tick one instruction),
 * the EL2 (kernel) and EL0 (task) parts from INST_RETIRED with the PMU's
 * exception-level filters. tools/bench/kernel_bench.py runs it and collects
 * the "bench: KEY=VALUE" lines; docs/benchmarks.md explains the method.
 */
#include "abi/layout.h"
#include "alloc/alloc.h"
#include "c/print.h"

#define ROUNDS 2000

extern char _image_start[], _image_text_end[], _image_end[];

static struct bt_alloc alloc;
static const struct bt_bootinfo *info;
static bt_cptr_t ep, reply, ntfn_a, ntfn_b;
static volatile uint64_t ready;

struct sample {
    uint64_t total, el2, el0;
};

static inline uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

static void pmu_start(void)
{
    /* Counter 0: INST_RETIRED (0x08) at EL2 only (P and U exclude EL1 and
     * EL0, NSH includes EL2). Counter 1: at EL0 only. */
    __asm__ volatile("msr pmevtyper0_el0, %0" ::"r"(0x08UL | 1UL << 31 | 1UL << 30 | 1UL << 27));
    __asm__ volatile("msr pmevtyper1_el0, %0" ::"r"(0x08UL | 1UL << 31));
    __asm__ volatile("msr pmcntenset_el0, %0" ::"r"(3UL));
    __asm__ volatile("msr pmcr_el0, %0; isb" ::"r"(1UL));
}

static struct sample sample_now(void)
{
    struct sample s;
    __asm__ volatile("isb; mrs %0, pmevcntr0_el0" : "=r"(s.el2)::"memory");
    __asm__ volatile("mrs %0, pmevcntr1_el0" : "=r"(s.el0)::"memory");
    s.total = counter();
    return s;
}

/* Prints KEY=per-op (total), and the EL2 and EL0 parts, one decimal. */
static void report(const char *key, struct sample a, struct sample b, uint64_t ops)
{
    uint64_t t = b.total - a.total, k = b.el2 - a.el2, u = b.el0 - a.el0;
    bt_printf("bench: %s_insns=%lu.%lu\n", key, t / ops, t * 10 / ops % 10);
    bt_printf("bench: %s_el2_insns=%lu.%lu\n", key, k / ops, k * 10 / ops % 10);
    bt_printf("bench: %s_el0_insns=%lu.%lu\n", key, u / ops, u * 10 / ops % 10);
}

/* ---- the operations, as tight as user code gets ---- */

static inline void null_syscall(void)
{
    register uint64_t x8 __asm__("x8") = BT_SYS_NULL;
    register uint64_t x0 __asm__("x0") = 0;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
}

static inline void call_short(bt_cptr_t cap)
{
    register uint64_t x0 __asm__("x0") = cap;
    register uint64_t x1 __asm__("x1") = BT_TAG(1, 1, 0);
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 42;
    register uint64_t x8 __asm__("x8") = BT_SYS_CALL;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     : "r"(x8)
                     : "x4", "x5", "x6", "x7", "memory");
}

/* A server that answers every call with the same short message, forever. */
static void echo_server(uint64_t arg)
{
    (void)arg;
    register uint64_t x0 __asm__("x0") = ep;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x2 __asm__("x2") = reply;
    register uint64_t x8 __asm__("x8") = BT_SYS_RECV;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2)
                     : "r"(x8)
                     : "x3", "x4", "x5", "x6", "x7", "memory");
    for (;;) {
        x0 = ep;
        x1 = BT_TAG(0, 1, 0);
        x2 = reply;
        x8 = BT_SYS_REPLY_RECV;
        __asm__ volatile("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2)
                         : "r"(x8)
                         : "x3", "x4", "x5", "x6", "x7", "memory");
    }
}

static void notify_partner(uint64_t arg)
{
    (void)arg;
    for (;;) {
        bt_wait(ntfn_a, NULL);
        bt_signal(ntfn_b);
    }
}

static void yielder(uint64_t arg)
{
    (void)arg;
    ready = 1;
    for (;;) {
        bt_yield();
    }
}

/* ---- a second task running this same program ---- */

/* Maps every frame of this program's image (found by its mapped address)
 * into task, text read-execute and the rest read-write. */
static void map_image_into(bt_cptr_t task)
{
    for (bt_cptr_t s = 1; s < info->first_free_slot; s++) {
        struct bt_cap_info ci;
        if (bt_cap_identify(s, &ci) != BT_OK || ci.type != BT_OBJ_FRAME ||
            ci.extra < (uint64_t)_image_start || ci.extra >= (uint64_t)_image_end) {
            continue;
        }
        bt_cptr_t copy = bt_alloc_slot(&alloc);
        bt_cap_copy(alloc.cnode, copy, alloc.cnode, s, BT_RIGHTS_ALL);
        unsigned rights = ci.extra < (uint64_t)_image_text_end ? BT_RIGHT_READ | BT_RIGHT_EXEC
                                                               : BT_RIGHT_READ | BT_RIGHT_WRITE;
        bt_alloc_map(&alloc, task, copy, ci.extra, rights, BT_MAP_CACHED);
    }
}

/* A thread in a new task that shares this program's memory. */
static bt_cptr_t thread_in_new_task(void (*entry)(uint64_t), unsigned prio, unsigned cpu)
{
    bt_cptr_t task = bt_alloc_object(&alloc, BT_OBJ_TASK, 0);
    bt_cptr_t thread = bt_alloc_object(&alloc, BT_OBJ_THREAD, 0);
    map_image_into(task);
    uint64_t stack_top = 0x7f0000000000UL, buf_va = 0x7f0000100000UL;
    bt_cptr_t stack = bt_alloc_object(&alloc, BT_OBJ_FRAME, 12);
    bt_cptr_t buf = bt_alloc_object(&alloc, BT_OBJ_FRAME, 12);
    bt_alloc_map(&alloc, task, stack, stack_top - BT_PAGE_SIZE, BT_RIGHT_READ | BT_RIGHT_WRITE,
                 BT_MAP_CACHED);
    bt_alloc_map(&alloc, task, buf, buf_va, BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED);
    bt_thread_configure(thread, alloc.cnode, task, buf, buf_va, 0);
    bt_thread_write_regs(thread, (uint64_t)entry, stack_top, 0, 0);
    bt_thread_set_sched(thread, prio, cpu, 0);
    bt_thread_resume(thread);
    return thread;
}

/* ---- measurements ---- */

static void measure_null(void)
{
    struct sample a = sample_now();
    for (int i = 0; i < ROUNDS; i++) {
        null_syscall();
    }
    report("null_syscall", a, sample_now(), ROUNDS);
}

static void measure_call(const char *key, bt_cptr_t server)
{
    call_short(ep); /* the first call finds the server waiting */
    struct sample a = sample_now();
    for (int i = 0; i < ROUNDS; i++) {
        call_short(ep);
    }
    report(key, a, sample_now(), ROUNDS);
    bt_thread_suspend(server);
}

static void measure_notification(void)
{
    bt_cptr_t partner = bt_alloc_thread(&alloc, notify_partner, 0, 200, 0, 0);
    bt_signal(ntfn_a);
    bt_wait(ntfn_b, NULL);
    struct sample a = sample_now();
    for (int i = 0; i < ROUNDS; i++) {
        bt_signal(ntfn_a);
        bt_wait(ntfn_b, NULL);
    }
    /* One round trip is two signal-to-wake-up hand-overs. */
    report("notification_signal_wait", a, sample_now(), 2 * ROUNDS);
    bt_thread_suspend(partner);
}

static void measure_thread_switch(void)
{
    bt_cptr_t self = info->self_thread;
    bt_thread_set_sched(self, 100, 0, 255);
    bt_cptr_t other = bt_alloc_thread(&alloc, yielder, 0, 100, 0, 0);
    while (!ready) {
        bt_yield();
    }
    struct sample a = sample_now();
    for (int i = 0; i < ROUNDS; i++) {
        bt_yield();
    }
    /* Each yield here switches to the other thread and it yields back. */
    report("thread_switch", a, sample_now(), 2 * ROUNDS);
    bt_thread_suspend(other);
    bt_thread_set_sched(self, 255, 0, 255);
}

int main(uint64_t arg)
{
    info = (const struct bt_bootinfo *)arg;
    bt_alloc_init_root(&alloc, info);
    ep = bt_alloc_object(&alloc, BT_OBJ_ENDPOINT, 0);
    reply = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
    ntfn_a = bt_alloc_object(&alloc, BT_OBJ_NOTIFICATION, 0);
    ntfn_b = bt_alloc_object(&alloc, BT_OBJ_NOTIFICATION, 0);
    pmu_start();
    bt_printf("bench: cpus=%lu\n", info->cpu_count);

    measure_null();
    measure_call("ipc_call_reply", thread_in_new_task(echo_server, 254, 0));
    measure_call("ipc_call_reply_same_task", bt_alloc_thread(&alloc, echo_server, 0, 254, 0, 0));
    if (info->cpu_count > 1) {
        measure_call("ipc_call_reply_cross_cpu", thread_in_new_task(echo_server, 254, 1));
    }
    measure_notification();
    measure_thread_switch();
    bt_printf("bench: done\n");
    bt_system_power(info->system, BT_POWER_OFF);
    return 0;
}
