/*
 * vCPUs: see vcpu.h.
 *
 * Virtual interrupts: the VMM sets bits in the vCPU's state page; before
 * each entry into the guest the kernel moves them into an overflow bitmap
 * of its own and from there into free list registers (pending, group 1).
 * If more are pending than list registers are free, the underflow
 * maintenance interrupt (ICH_HCR_EL2.UIE) brings the CPU back when they
 * empty. The guest acknowledges and ends interrupts on the hardware's
 * virtual CPU interface without exits.
 *
 * The guest's virtual timer raises the physical PPI 27 at EL2; the kernel
 * masks the timer output (CNTV_CTL.IMASK, which the guest clears when it
 * programs the next deadline) and injects virtual INTID 27 itself.
 */
#include "object/vcpu.h"
#include "abi/errors.h"
#include "arch/aarch64/fpu.h"
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "core/cpu.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/timeout.h"
#include "lib/string.h"
#include "object/endpoint.h"
#include "object/thread.h"
#include "object/vm.h"

#define VTIMER_INTID 27
#define VIRQ_PRIORITY 0xa0
#define PSTATE_EL1H 0x3c5

void vcpu_init(struct thread *t, struct vm *vm, struct bt_vcpu_state *shared, uint64_t number)
{
    struct vcpu *v = &t->vcpu;
    memset(v, 0, sizeof(*v));
    v->is = true;
    v->vm = vm;
    v->shared = shared;
    v->vmpidr = 1UL << 31 | (number & 0xff) | ((number >> 8) & 0xff) << 8;
    vcpu_arch_reset(&v->el1, &v->gic, &v->timer);
    t->regs.pstate = PSTATE_EL1H;
}

void vcpu_load(struct thread *t)
{
    struct vcpu *v = &t->vcpu;
    struct vm *vm = v->vm;
    if (!vm->started) {
        vm->started = true;
        vm->cntvoff = timer_now(); /* the guest's clock starts at 0 */
    }
    vcpu_arch_load(&v->el1, &v->gic, &v->timer, vm->vttbr, v->vmpidr, vm->cntvoff);
    /* FP/SIMD: eager for guests (a trap would need FPEN to trap EL2 too). */
    fpu_restore(&t->fp);
    t->fp_live = true;
    fpu_set_trap(false);
    v->loaded = true;
}

void vcpu_put(struct thread *t)
{
    struct vcpu *v = &t->vcpu;
    vcpu_arch_save(&v->el1, &v->gic, &v->timer);
    v->loaded = false;
}

/* ---- virtual interrupts ---- */

static void take_shared(struct vcpu *v)
{
    struct bt_vcpu_state *s = v->shared;
    uint64_t summary = __atomic_exchange_n(&s->summary, 0, __ATOMIC_ACQ_REL);
    while (summary != 0) {
        unsigned w = (unsigned)__builtin_ctzl(summary);
        summary &= summary - 1;
        if (w < ARRAY_SIZE(v->overflow)) {
            v->overflow[w] |= __atomic_exchange_n(&s->pending[w], 0, __ATOMIC_ACQ_REL);
        }
    }
}

static bool overflow_empty(const struct vcpu *v)
{
    for (unsigned w = 0; w < ARRAY_SIZE(v->overflow); w++) {
        if (v->overflow[w] != 0) {
            return false;
        }
    }
    return true;
}

/* The list register holding intid, or -1. */
static int lr_holding(const uint64_t *lr, unsigned n, uint64_t intid)
{
    for (unsigned i = 0; i < n; i++) {
        if ((lr[i] & LR_STATE_MASK) != 0 && (lr[i] & LR_VINTID_MASK) == intid) {
            return (int)i;
        }
    }
    return -1;
}

void vcpu_prepare_entry(struct thread *t)
{
    struct vcpu *v = &t->vcpu;
    take_shared(v);
    unsigned n = vcpu_arch_lr_count();
    uint64_t lr[VCPU_MAX_LRS] = {0};
    uint64_t empty = vcpu_arch_lr_empty();
    for (uint64_t used = ~empty & ((1UL << n) - 1); used != 0; used &= used - 1) {
        unsigned i = (unsigned)__builtin_ctzl(used);
        lr[i] = vcpu_arch_lr_read(i);
    }
    unsigned injected = 0;
    if (overflow_empty(v)) {
        goto full; /* nothing to inject: the usual case */
    }
    for (unsigned w = 0; w < ARRAY_SIZE(v->overflow); w++) {
        while (v->overflow[w] != 0) {
            uint64_t intid = w * 64 + (uint64_t)__builtin_ctzl(v->overflow[w]);
            int held = lr_holding(lr, n, intid);
            int slot = held;
            for (unsigned i = 0; slot < 0 && i < n; i++) {
                if ((lr[i] & LR_STATE_MASK) == 0) {
                    slot = (int)i;
                }
            }
            if (slot < 0) {
                goto full;
            }
            if (held >= 0) {
                lr[slot] |= LR_STATE_PENDING; /* active (or pending) already: add pending */
            } else {
                lr[slot] = LR_STATE_PENDING | LR_GROUP1 | LR_PRIORITY(VIRQ_PRIORITY) | intid;
            }
            vcpu_arch_lr_write((unsigned)slot, lr[slot]);
            v->overflow[w] &= v->overflow[w] - 1;
            injected++;
        }
    }
full:
    v->shared->injected += injected;
    uint64_t hcr = vcpu_arch_hcr_read() | ICH_HCR_EN;
    hcr = overflow_empty(v) ? hcr & ~ICH_HCR_UIE : hcr | ICH_HCR_UIE;
    vcpu_arch_hcr_write(hcr);
}

static bool has_pending(struct vcpu *v)
{
    take_shared(v);
    if (!overflow_empty(v)) {
        return true;
    }
    uint64_t used = ~vcpu_arch_lr_empty() & ((1UL << vcpu_arch_lr_count()) - 1);
    for (; used != 0; used &= used - 1) {
        if (vcpu_arch_lr_read((unsigned)__builtin_ctzl(used)) & LR_STATE_PENDING) {
            return true;
        }
    }
    return false;
}

void vcpu_timer_interrupt(void)
{
    struct thread *t = this_cpu()->current;
    if (t != NULL && t->vcpu.is && t->vcpu.loaded) {
        vcpu_arch_timer_mask();
        t->vcpu.overflow[VTIMER_INTID / 64] |= 1UL << (VTIMER_INTID % 64);
    }
}

/* ---- sleeping in WFI ---- */

static void sleep_in_wfi(struct thread *t)
{
    struct vcpu *v = &t->vcpu;
    t->regs.pc += 4;
    if (has_pending(v)) {
        return;
    }
    uint64_t ctl = vcpu_arch_timer_ctl();
    if ((ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK)) {
        uint64_t deadline = sysreg_read(cntv_cval_el02) + v->vm->cntvoff;
        if (deadline <= timer_now()) {
            return; /* the timer interrupt is due now */
        }
        timeout_add(t, deadline);
    }
    t->state = THREAD_BLOCKED_WFI;
    v->shared->wfi_sleeps++;
}

void vcpu_wake(struct thread *t)
{
    if (t->state == THREAD_BLOCKED_WFI) {
        timeout_cancel(t);
        sched_wake(t);
    }
}

void vcpu_kick(struct thread *t)
{
    if (t->state == THREAD_BLOCKED_WFI) {
        vcpu_wake(t);
        return;
    }
    for (unsigned i = 0; i < cpu_count; i++) {
        if (cpus[i].current == t && &cpus[i] != this_cpu()) {
            sched_resched_cpu(i); /* its next entry takes the new interrupts */
        }
    }
}

/* ---- exits ---- */

static uint64_t get_reg(const struct thread *t, unsigned r)
{
    return r == 31 ? 0 : t->regs.x[r];
}

static void set_reg(struct thread *t, unsigned r, uint64_t v)
{
    if (r != 31) {
        t->regs.x[r] = v;
    }
}

/* Sends the exit to the VMM as a call on the exit endpoint. */
static void to_vmm(struct thread *t, uint64_t label, uint64_t m0, uint64_t m1, uint64_t m2,
                   uint64_t m3, uint64_t m4)
{
    t->fault_label = label;
    t->fault_msg[0] = m0;
    t->fault_msg[1] = m1;
    t->fault_msg[2] = m2;
    t->fault_msg[3] = m3;
    t->fault_msg[4] = m4;
    struct slot *fs = &t->fault_slot;
    if (slot_empty(fs) || fs->cap.type != BT_OBJ_ENDPOINT ||
        (fs->cap.rights & BT_RIGHT_WRITE) == 0) {
        printk("kernel: vCPU %s stopped: it exited (label 0x%lx) with no exit endpoint\n",
               thread_name(t), label);
        thread_stop(t);
        return;
    }
    t->vcpu.shared->exits++;
    endpoint_send((struct endpoint *)fs->cap.obj, t, fs->cap.badge, SEND_CALL | SEND_FAULT, true);
}

/* Debug (op0 2) and PMU (op0 3, CRn 9, CRm 12-14) registers: read as zero,
 * writes ignored, so a guest finds neither. */
static bool emulate_sysreg(struct thread *t, uint64_t iss)
{
    unsigned op0 = (iss >> 20) & 3, crn = (iss >> 10) & 15, crm = (iss >> 1) & 15;
    bool pmu = op0 == 3 && crn == 9 && crm >= 12;
    if (op0 != 2 && !pmu) {
        return false;
    }
    if (iss & 1) {
        set_reg(t, (iss >> 5) & 31, 0);
    }
    t->regs.pc += 4;
    return true;
}

static void data_abort(struct thread *t, uint64_t esr, uint64_t far, uint64_t ipa)
{
    bool isv = esr & (1u << 24), s1ptw = esr & (1u << 7);
    if (!isv || s1ptw) {
        to_vmm(t, BT_VM_EXIT_ABORT, ipa, esr, far, t->regs.pc, 0);
        return;
    }
    unsigned width = 1u << ((esr >> 22) & 3);
    unsigned reg = (esr >> 16) & 31;
    bool write = esr & (1u << 6);
    uint32_t access = width | (write ? BT_VM_MMIO_WRITE : 0) | reg << 16 |
                      (esr & (1u << 21) ? 1u << 24 : 0) | (esr & (1u << 15) ? 1u << 25 : 0);
    t->vcpu.access = access;
    uint64_t value = write ? get_reg(t, reg) : 0;
    if (write && width < 8) {
        value &= (1UL << (width * 8)) - 1;
    }
    to_vmm(t, BT_VM_EXIT_MMIO, ipa, access & 0x1f010fu, value, t->regs.pc, 0);
}

void vcpu_exit(struct thread *t, uint64_t esr, uint64_t far)
{
    uint64_t ec = esr >> ESR_EC_SHIFT;
    uint64_t ipa = (sysreg_read(hpfar_el2) >> 4) << 12 | (far & 0xfff);
    uint64_t *x = t->regs.x;
    t->vcpu.exit_esr = esr;
    t->vcpu.exit_far = far;
    switch (ec) {
    case ESR_EC_WFX:
        if (esr & 1) {
            t->regs.pc += 4; /* WFE is not trapped; nothing to wait for here */
        } else {
            sleep_in_wfi(t);
        }
        break;
    case ESR_EC_HVC64:
        to_vmm(t, BT_VM_EXIT_HVC, x[0], x[1], x[2], x[3], x[4]);
        break;
    case ESR_EC_SMC64:
        to_vmm(t, BT_VM_EXIT_SMC, x[0], x[1], x[2], x[3], x[4]);
        break;
    case ESR_EC_SYSREG: {
        uint64_t iss = esr & 0x1ffffff;
        if (!emulate_sysreg(t, iss)) {
            to_vmm(t, BT_VM_EXIT_SYSREG, iss, (iss & 1) ? 0 : get_reg(t, (iss >> 5) & 31), 0,
                   t->regs.pc, 0);
        }
        break;
    }
    case ESR_EC_DABT_LOW:
        data_abort(t, esr, far, ipa);
        break;
    case ESR_EC_IABT_LOW:
        to_vmm(t, BT_VM_EXIT_ABORT, ipa, esr, far, t->regs.pc, 0);
        break;
    default:
        to_vmm(t, BT_VM_EXIT_OTHER, 0, esr, far, t->regs.pc, 0);
        break;
    }
}

/* The guest takes a synchronous external abort at the access that exited:
 * the exception entry the hardware would have made to its EL1. */
static void inject_abort(struct thread *t)
{
    struct vcpu *v = &t->vcpu;
    uint64_t pstate = t->regs.pstate;
    bool from_el1 = (pstate & 0xc) == 0x4;
    bool instruction = (v->exit_esr >> ESR_EC_SHIFT) == ESR_EC_IABT_LOW;
    uint64_t ec = instruction ? (from_el1 ? 0x21 : 0x20) : (from_el1 ? 0x25 : 0x24);
    uint64_t iss = 0x10 | (instruction ? 0 : (v->exit_esr & (1u << 6))); /* SEA, WnR */
    v->el1.esr = ec << ESR_EC_SHIFT | 1UL << 25 | iss;
    v->el1.far = v->exit_far;
    v->el1.elr = t->regs.pc;
    v->el1.spsr = pstate;
    uint64_t offset = from_el1 ? ((pstate & 1) ? 0x200 : 0x0) : 0x400;
    t->regs.pc = v->el1.vbar + offset;
    t->regs.pstate = PSTATE_EL1H;
}

static uint64_t loaded_value(uint32_t access, uint64_t value)
{
    unsigned width = BT_VM_MMIO_WIDTH(access);
    if (width < 8) {
        value &= (1UL << (width * 8)) - 1;
        if ((access & (1u << 24)) && (value >> (width * 8 - 1)) & 1) {
            value |= ~0UL << (width * 8); /* sign-extend */
        }
    }
    if (!(access & (1u << 25))) {
        value &= 0xffffffffUL; /* a W register */
    }
    return value;
}

void vcpu_resume(struct thread *t, uint64_t tag, const uint64_t *mr)
{
    uint64_t label = BT_TAG_LABEL(tag);
    if (label == BT_VM_INJECT_ABORT) {
        inject_abort(t);
        return;
    }
    if (label != BT_VM_RESUME) {
        return; /* BT_VM_RESUME_AS_IS, and anything unknown */
    }
    switch (t->fault_label) {
    case BT_VM_EXIT_MMIO:
        if (!(t->vcpu.access & BT_VM_MMIO_WRITE)) {
            set_reg(t, BT_VM_MMIO_REG(t->vcpu.access), loaded_value(t->vcpu.access, mr[0]));
        }
        t->regs.pc += 4;
        break;
    case BT_VM_EXIT_SMC:
        t->regs.pc += 4; /* the SMC trap returns to the SMC itself */
        /* fall through */
    case BT_VM_EXIT_HVC:
        for (unsigned i = 0; i < 4; i++) {
            t->regs.x[i] = mr[i];
        }
        break;
    case BT_VM_EXIT_SYSREG:
        if (t->fault_msg[0] & 1) {
            set_reg(t, (t->fault_msg[0] >> 5) & 31, mr[0]);
        }
        t->regs.pc += 4;
        break;
    default:
        break;
    }
}
