/*
 * ktest: faults (docs/kernel-api.md, "Faults"): the fault message (label,
 * address, pc, syndrome, sp, badge) for undefined instructions, breakpoints
 * and misaligned pcs; handlers that resume the thread unchanged or with new
 * registers; a thread without a handler is reported and stopped while the
 * rest keeps running; a fault pending on a handler that goes away.
 */
#include "ktest.h"

#define ESR_EC(esr) ((esr) >> 26)
#define EC_UNKNOWN 0x00
#define EC_PC_ALIGN 0x22
#define EC_BRK64 0x3c

/* State a faulting worker shares with root. */
struct faulter {
    uint64_t fault_pc;          /* where the faulting instruction is */
    volatile uint64_t after;    /* set if the thread ran past the fault */
    volatile uint64_t resumed;  /* set by resume_here */
    volatile uint64_t progress; /* bumped by a bystander */
};

/* Records its own address, then executes an undefined instruction. */
static void run_udf(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    __asm__ volatile("adr x9, 1f\n\t"
                     "str x9, [%0]\n\t"
                     "1: udf #0x12"
                     :
                     : "r"(&f->fault_pc)
                     : "x9", "memory");
    f->after = 1;
}

static void run_brk(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    __asm__ volatile("adr x9, 1f\n\t"
                     "str x9, [%0]\n\t"
                     "1: brk #0x7"
                     :
                     : "r"(&f->fault_pc)
                     : "x9", "memory");
    f->after = 1;
}

/* Branches to an address that is not a multiple of 4. */
static void run_misaligned_branch(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    f->fault_pc = (uint64_t)run_brk + 2;
    __asm__ volatile("br %0" ::"r"(f->fault_pc) : "memory");
}

/* Reads an address nothing maps. */
static void run_null_read(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    f->fault_pc = 1;
    (void)*(volatile uint64_t *)0x1238;
    f->after = 1;
}

/* Where a handler sends a thread it rescues. */
static void resume_here(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    f->resumed = 1;
    bt_thread_exit();
}

struct handler {
    bt_cptr_t ep, reply, thread;
    struct faulter *f;
};

/* A faulting thread at priority 100 on CPU 0 whose faults go to a fresh
 * endpoint (through a capability with badge, if not 0). */
static bool start_faulter(struct kt *kt, struct handler *h, kt_entry fn, uint64_t badge)
{
    h->ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    h->reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    h->f = kt_mem(kt, sizeof(*h->f));
    bt_cptr_t fault_cap =
        h->ep != 0 && badge != 0 ? kt_mint(kt, h->ep, BT_RIGHTS_ALL, badge) : h->ep;
    if (h->reply == 0 || h->f == NULL || fault_cap == 0) {
        return false;
    }
    h->thread = kt_thread(kt, fn, (uint64_t)h->f, 100, 0, fault_cap);
    return h->thread != 0;
}

static void undefined_instruction_is_reported_with_pc_and_syndrome(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_EQ(m.mr[1], h.f->fault_pc);
    KT_EQ(ESR_EC(m.mr[2]), EC_UNKNOWN);
    KT_EQ(m.badge, 0);
    struct bt_thread_regs regs;
    KT_OK(bt_thread_read_regs(h.thread, &regs));
    KT_EQ(regs.pc, m.mr[1]);
    KT_EQ(regs.sp, m.mr[3]);
    KT_EQ(h.f->after, 0);
}

static void fault_message_carries_the_badge_of_the_fault_endpoint(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0xfa));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_EQ(m.badge, 0xfa);
}

static void reply_without_changes_retries_the_faulting_instruction(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    uint64_t pc = m.mr[1];
    m.tag = 0; /* a fault reply: no label of the kernel's */
    KT_OK(bt_reply(h.reply, &m));
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_EQ(m.mr[1], pc);
    KT_EQ(h.f->after, 0);
}

static void handler_can_skip_the_faulting_instruction(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    struct bt_thread_regs r;
    KT_OK(bt_thread_read_regs(h.thread, &r));
    KT_OK(bt_thread_write_regs(h.thread, r.pc + 4, r.sp, r.x0, r.x1));
    m.tag = 0; /* a fault reply: no label of the kernel's */
    KT_OK(bt_reply(h.reply, &m));
    KT_ASSERT(kt_wait_word(&h.f->after, 1, 1000), "the thread did not continue after udf");
}

static void handler_can_restart_the_thread_elsewhere(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_null_read, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], 0x1238);
    KT_OK(bt_thread_write_regs(h.thread, (uint64_t)resume_here, m.mr[3], (uint64_t)h.f, 0));
    m.tag = 0; /* a fault reply: no label of the kernel's */
    KT_OK(bt_reply(h.reply, &m));
    KT_ASSERT(kt_wait_word(&h.f->resumed, 1, 1000), "the thread did not run at its new pc");
    KT_EQ(h.f->after, 0);
}

static void breakpoint_is_reported_as_other_fault(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_brk, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_OTHER, &m));
    KT_EQ(m.mr[1], h.f->fault_pc);
    KT_EQ(ESR_EC(m.mr[2]), EC_BRK64);
    KT_EQ(m.mr[2] & 0xffff, 0x7);
}

static void misaligned_pc_is_reported_as_other_fault(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_misaligned_branch, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_OTHER, &m));
    KT_EQ(ESR_EC(m.mr[2]), EC_PC_ALIGN);
    KT_EQ(m.mr[1], h.f->fault_pc);
}

static void bystander(uint64_t arg)
{
    struct faulter *f = (struct faulter *)arg;
    for (;;) {
        __atomic_fetch_add(&f->progress, 1, __ATOMIC_RELAXED);
        bt_yield();
    }
}

static void thread_without_fault_handler_is_stopped_and_others_keep_running(struct kt *kt)
{
    struct faulter *f = kt_mem(kt, sizeof(*f));
    KT_TRY(f != NULL);
    /* On CPU 0 it shares priority 1 with root's sleeps (it yields). */
    unsigned cpu = kt_env.cpus > 1 ? 1 : 0;
    KT_TRY(kt_thread(kt, bystander, (uint64_t)f, cpu == 0 ? KT_PRIO_SPIN : 100, cpu, 0) != 0);
    bt_cptr_t t = kt_thread_make(kt, run_null_read, (uint64_t)f, 100, 0, 0);
    KT_TRY(t != 0);
    KT_OK(bt_debug_name(t, "ktest-no-handler"));
    KT_OK(bt_thread_resume(t));
    kt_sleep_ms(20);
    KT_ASSERT(f->fault_pc == 1, "the faulting thread did not run");
    KT_EQ(f->after, 0);
    KT_ASSERT(kt_wait_advance(&f->progress, 1000), "the other thread stopped after the fault");
    struct bt_thread_regs r;
    KT_OK(bt_thread_read_regs(t, &r));
    KT_ASSERT(r.pc >= (uint64_t)run_null_read && r.pc < (uint64_t)run_null_read + 64,
              "the stopped thread's pc 0x%lx is not at its fault", r.pc);
}

static void fault_pending_on_a_deleted_endpoint_waits_for_a_new_handler(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0));
    kt_sleep_ms(5); /* it faults and waits in the endpoint's queue */
    /* Revoke takes the thread's own copy, delete the last capability. */
    KT_OK(bt_cap_revoke(kt_env.cnode, h.ep));
    KT_OK(bt_cap_delete(kt_env.cnode, h.ep));
    bt_cptr_t ep2 = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(ep2 != 0);
    KT_OK(bt_thread_configure(h.thread, 0, 0, 0, 0, ep2));
    KT_OK(bt_thread_resume(h.thread));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, ep2, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_EQ(m.mr[1], h.f->fault_pc);
}

static void suspended_faulting_thread_faults_again_when_resumed(struct kt *kt)
{
    struct handler h;
    KT_TRY(start_faulter(kt, &h, run_udf, 0));
    struct bt_msg m;
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_OK(bt_thread_suspend(h.thread));
    m.tag = 0;                               /* a fault reply: no label of the kernel's */
    KT_ST(bt_reply(h.reply, &m), BT_E_BUSY); /* the suspend took it off the reply */
    KT_OK(bt_thread_resume(h.thread));
    KT_TRY(kt_expect_fault(kt, h.ep, h.reply, BT_FAULT_UNDEFINED, &m));
    KT_EQ(m.mr[1], h.f->fault_pc);
    KT_EQ(h.f->after, 0);
}

static void fault_endpoint_must_allow_sending(struct kt *kt)
{
    bt_cptr_t t = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro = ep != 0 ? kt_copy(kt, ep, BT_RIGHT_READ | BT_RIGHT_GRANT) : 0;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(t != 0 && ro != 0 && ntfn != 0);
    KT_ST(bt_thread_configure(t, 0, 0, 0, 0, ro), BT_E_RIGHTS);
    KT_ST(bt_thread_configure(t, 0, 0, 0, 0, ntfn), BT_E_TYPE);
    KT_OK(bt_thread_configure(t, 0, 0, 0, 0, ep));
}

static const struct kt_case cases[] = {
    KT_CASE(undefined_instruction_is_reported_with_pc_and_syndrome),
    KT_CASE(fault_message_carries_the_badge_of_the_fault_endpoint),
    KT_CASE(reply_without_changes_retries_the_faulting_instruction),
    KT_CASE(handler_can_skip_the_faulting_instruction),
    KT_CASE(handler_can_restart_the_thread_elsewhere),
    KT_CASE(breakpoint_is_reported_as_other_fault),
    KT_CASE(misaligned_pc_is_reported_as_other_fault),
    KT_CASE(thread_without_fault_handler_is_stopped_and_others_keep_running),
    KT_CASE(fault_pending_on_a_deleted_endpoint_waits_for_a_new_handler),
    KT_CASE(suspended_faulting_thread_faults_again_when_resumed),
    KT_CASE(fault_endpoint_must_allow_sending),
};

KT_SUITE(kt_suite_faults, cases);
