/*
 * The vCPU threads: one kernel thread per vCPU, configured as a vCPU of
 * the VM with its own state page (mapped here too) and a badged copy of
 * the exit endpoint (badge = vCPU number, so an exit says whose it is), at
 * the VM's priority on the CPU the scenario gives it. Interrupts reach a
 * vCPU through its state page: set the bit, set the summary bit, kick.
 */
#include "c/print.h"
#include "lib/string.h"
#include "vm.h"

static bool fail(const struct vm *vm, unsigned n, const char *what, enum bt_status st)
{
    bt_printf("vmm[%s]: vCPU %u: %s (error %d)\n", vm->name, n, what, st);
    return false;
}

static void set_name(const struct vm *vm, unsigned n, bt_cptr_t thread)
{
    char name[24];
    bt_snprintf(name, sizeof(name), "%s.vcpu%u", vm->name, n);
    bt_debug_name(thread, name);
}

/* A new thread made the vCPU: scheduled, configured, named. Its exit
 * capability is minted once, from the endpoint of the handler on its CPU. */
static bool make_thread(struct vm *vm, unsigned n)
{
    struct vcpu *c = &vm->vcpu[n];
    struct bt_alloc *a = &vm->alloc;
    c->thread = vm->spare_count > 0 ? vm->spare_threads[--vm->spare_count]
                                    : bt_alloc_object(a, BT_OBJ_THREAD, BT_THREAD_BITS);
    if (c->thread == 0) {
        return fail(vm, n, "no memory for its thread", BT_E_NOMEM);
    }
    enum bt_status st = bt_thread_set_sched(c->thread, vm->cfg.priority, c->cpu, 0);
    if (st == BT_E_ARG && c->cpu != 0) {
        bt_printf("vmm[%s]: vCPU %u: CPU %u is not online; using CPU 0\n", vm->name, n, c->cpu);
        c->cpu = 0;
        st = bt_thread_set_sched(c->thread, vm->cfg.priority, 0, 0);
    }
    if (st != BT_OK) {
        return fail(vm, n, "thread_set_sched failed", st);
    }
    if (c->handler == NULL) {
        c->handler = handler_for(vm, c->cpu);
        st = bt_cap_mint(a->cnode, c->exit_cap, a->cnode, c->handler->ep, BT_RIGHT_WRITE, n);
        if (st != BT_OK) {
            return fail(vm, n, "minting its exit capability", st);
        }
    }
    st = bt_vcpu_configure(c->thread, vm->vm, c->state_frame, vm_vcpu_mpidr(n), c->exit_cap);
    if (st != BT_OK) {
        return fail(vm, n, "vcpu_configure failed", st);
    }
    set_name(vm, n, c->thread);
    c->running = false;
    c->has_run = false;
    return true;
}

static bool create(struct vm *vm, unsigned n)
{
    struct bt_alloc *a = &vm->alloc;
    struct vcpu *c = &vm->vcpu[n];
    bt_cptr_t page_frame = 0;
    c->state = bt_alloc_pages(a, 1, &page_frame);
    c->state_frame = bt_alloc_slot(a);
    c->exit_cap = bt_alloc_slot(a);
    if (c->state == NULL || c->state_frame == 0 || c->exit_cap == 0) {
        return fail(vm, n, "out of memory or capability slots", BT_E_NOMEM);
    }
    /* The kernel gets its own capability to the page; ours is mapped. */
    enum bt_status st =
        bt_cap_copy(a->cnode, c->state_frame, a->cnode, page_frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    if (st != BT_OK) {
        return fail(vm, n, "copying its state page capability", st);
    }
    c->cpu = vm->cfg.cpus[n % vm->cfg.cpu_count];
    c->handler = NULL;
    return make_thread(vm, n);
}

/* A vCPU that has run has the guest state of that run (MMU, caches,
 * vector base, timer...). The kernel resets it only when a thread is
 * configured as a vCPU, and configures a thread only once, so a fresh
 * start (PSCI CPU_ON after CPU_OFF, SYSTEM_RESET) gets a fresh thread:
 * one of the spares made at start, then 2 KiB of the quota each time. */
static bool refresh(struct vm *vm, unsigned n)
{
    struct vcpu *c = &vm->vcpu[n];
    if (!c->has_run) {
        return true;
    }
    bt_cap_delete(vm->alloc.cnode, c->thread);
    bt_alloc_free_slot(&vm->alloc, c->thread);
    return make_thread(vm, n);
}

bool vcpu_create_all(struct vm *vm)
{
    for (unsigned n = 0; n < vm->cfg.vcpu_count; n++) {
        if (!create(vm, n)) {
            return false;
        }
    }
    /* Spares for restarts, made now: guest RAM may use up the rest. */
    unsigned spares = VMM_SPARE_THREADS_PER_VCPU * vm->cfg.vcpu_count;
    vm->spare_count = 0;
    while (vm->spare_count < spares && vm->spare_count < VMM_SPARE_THREADS_MAX) {
        bt_cptr_t t = bt_alloc_object(&vm->alloc, BT_OBJ_THREAD, BT_THREAD_BITS);
        if (t == 0) {
            break;
        }
        vm->spare_threads[vm->spare_count++] = t;
    }
    return true;
}

bool vcpu_start(struct vm *vm, unsigned n, uint64_t pc, uint64_t x0)
{
    struct vcpu *c = &vm->vcpu[n];
    if (!refresh(vm, n)) {
        return false;
    }
    enum bt_status st = bt_vcpu_write_regs(c->thread, pc, x0, 0, 0, 0, BT_VCPU_PSTATE_EL1H);
    if (st != BT_OK) {
        return fail(vm, n, "vcpu_write_regs failed", st);
    }
    st = bt_thread_resume(c->thread);
    if (st != BT_OK) {
        return fail(vm, n, "thread_resume failed", st);
    }
    c->running = true;
    c->has_run = true;
    return true;
}

void vcpu_stop(struct vm *vm, unsigned n)
{
    struct vcpu *c = &vm->vcpu[n];
    if (c->running) {
        bt_thread_suspend(c->thread);
        c->running = false;
    }
}

void vcpu_stop_all(struct vm *vm)
{
    for (unsigned n = 0; n < vm->cfg.vcpu_count; n++) {
        vcpu_stop(vm, n);
    }
}

void vcpu_reset_all(struct vm *vm)
{
    vcpu_stop_all(vm);
    for (unsigned n = 0; n < vm->cfg.vcpu_count; n++) {
        struct vcpu *c = &vm->vcpu[n];
        /* Interrupts handed over and not taken belong to the old run. */
        __atomic_store_n(&c->state->summary, 0, __ATOMIC_RELAXED);
        for (unsigned w = 0; w < BT_VCPU_MAX_INTID / 64; w++) {
            __atomic_store_n(&c->state->pending[w], 0, __ATOMIC_RELAXED);
        }
    }
}

void vcpu_inject(void *vmp, unsigned vcpu, unsigned intid)
{
    struct vm *vm = vmp;
    if (vcpu >= vm->cfg.vcpu_count || intid >= BT_VCPU_MAX_INTID) {
        return;
    }
    struct vcpu *c = &vm->vcpu[vcpu];
    __atomic_fetch_or(&c->state->pending[intid / 64], 1ull << (intid % 64), __ATOMIC_RELEASE);
    __atomic_fetch_or(&c->state->summary, 1ull << (intid / 64), __ATOMIC_RELEASE);
    /* A vCPU whose exit is being answered takes it when it resumes. */
    if (c->running && (int)vcpu != vm->exiting) {
        bt_vcpu_kick(c->thread);
    }
}

void vcpu_retract(void *vmp, unsigned vcpu, unsigned intid)
{
    struct vm *vm = vmp;
    if (vcpu < vm->cfg.vcpu_count && intid < BT_VCPU_MAX_INTID) {
        __atomic_fetch_and(&vm->vcpu[vcpu].state->pending[intid / 64], ~(1ull << (intid % 64)),
                           __ATOMIC_RELEASE);
    }
}
