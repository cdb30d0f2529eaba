/*
 * vmtest: the kernel's virtual machine support, tested from a root task
 * acting as a tiny VMM (no services): a VM with 2 MiB of RAM, one vCPU
 * running guest.S, and every kind of exit answered and checked. Prints one
 * line per step ("vmtest: NAME ok" or "FAILED"), then a summary, and
 * powers off.
 */
#include "abi/vm.h"
#include "alloc/alloc.h"
#include "c/print.h"
#include "lib/string.h"

#define GUEST_RAM 0x40000000UL
#define INJECTED_INTID 40

extern char guest_start[], guest_end[], guest_reset_probe[];

static struct bt_alloc alloc;
static unsigned passed, failed;

static void check(const char *name, bool ok, uint64_t got)
{
    if (ok) {
        passed++;
        bt_printf("vmtest: %s ok\n", name);
    } else {
        failed++;
        bt_printf("vmtest: %s FAILED (got 0x%lx)\n", name, got);
    }
}

static enum bt_status map_vm(bt_cptr_t vm, bt_cptr_t frame, uint64_t ipa, unsigned rights)
{
    for (int tries = 0; tries < 4; tries++) {
        uint64_t level;
        enum bt_status st = bt_task_map(vm, frame, ipa, rights, BT_MAP_CACHED, &level);
        if (st != BT_E_NOTABLE) {
            return st;
        }
        bt_cptr_t table = bt_alloc_object(&alloc, BT_OBJ_PAGE_TABLE, 0);
        if (table == 0 || bt_task_map_table(vm, table, ipa, &level) != BT_OK) {
            return BT_E_NOMEM;
        }
    }
    return BT_E_NOTABLE;
}

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    bt_alloc_init_root(&alloc, bi);
    bt_cptr_t vm = bt_alloc_object(&alloc, BT_OBJ_VM, 0);
    bt_cptr_t ram = bt_alloc_object(&alloc, BT_OBJ_FRAME, BT_FRAME_LARGE_BITS);
    bt_cptr_t ram_here = bt_alloc_slot(&alloc);
    bt_cptr_t vcpu = bt_alloc_object(&alloc, BT_OBJ_THREAD, 0);
    bt_cptr_t state_frame = 0;
    struct bt_vcpu_state *state = bt_alloc_pages(&alloc, 1, &state_frame);
    bt_cptr_t ep = bt_alloc_object(&alloc, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t exit_ep = bt_alloc_slot(&alloc);
    bt_cptr_t reply = bt_alloc_object(&alloc, BT_OBJ_REPLY, 0);
    check("objects_created", vm && ram && vcpu && state && ep && reply, 0);

    /* Guest RAM: mapped in the VM and (a copy of the capability) here. */
    uint64_t here = 0x200000000UL;
    bt_cap_copy(alloc.cnode, ram_here, alloc.cnode, ram, BT_RIGHTS_ALL);
    enum bt_status st = bt_alloc_map(&alloc, alloc.task, ram_here, here,
                                     BT_RIGHT_READ | BT_RIGHT_WRITE, BT_MAP_CACHED);
    memcpy((void *)here, guest_start, (size_t)(guest_end - guest_start));
    enum bt_status st2 = map_vm(vm, ram, GUEST_RAM, BT_RIGHTS_ALL & ~BT_RIGHT_GRANT);
    check("ram_mapped", st == BT_OK && st2 == BT_OK, (uint64_t)st << 8 | st2);

    bt_cap_mint(alloc.cnode, exit_ep, alloc.cnode, ep, BT_RIGHT_WRITE, 0x77);
    st = bt_vcpu_configure(vcpu, vm, state_frame, 0, exit_ep);
    check("vcpu_configured", st == BT_OK, st);
    st = bt_vcpu_write_regs(vcpu, GUEST_RAM, 0, 0, 0, 0, BT_VCPU_PSTATE_EL1H);
    check("vcpu_registers", st == BT_OK, st);
    bt_thread_set_sched(vcpu, 100, 0, 0);
    st = bt_thread_resume(vcpu);
    check("vcpu_started", st == BT_OK, st);

    struct bt_msg m;
    st = bt_recv(ep, reply, &m);
    for (int exits = 0; st == BT_OK && exits < 64; exits++) {
        uint64_t label = BT_TAG_LABEL(m.tag);
        struct bt_msg r = {.tag = BT_TAG(BT_VM_RESUME, 4, 0)};
        if (m.badge != 0x77) {
            check("exit_badge", false, m.badge);
        }
        if (label == BT_VM_EXIT_HVC) {
            uint64_t step = m.mr[0], value = m.mr[1];
            switch (step) {
            case 1:
                if (value == 0x1234) {
                    r.mr[0] = 0x5678;
                } else {
                    check("hvc_round_trip", value == 0x5678, value);
                }
                break;
            case 2:
                check("mmio_read", value == 0xcafef00d, value);
                break;
            case 3:
                break;
            case 4:
                check("virtual_timer_interrupt", value == 27, value);
                check("wfi_slept", state->wfi_sleeps > 0, state->wfi_sleeps);
                break;
            case 5:
                if (value == 0) {
                    /* Inject INTID 40 through the state page. */
                    __atomic_fetch_or(&state->pending[INJECTED_INTID / 64],
                                      1UL << (INJECTED_INTID % 64), __ATOMIC_RELEASE);
                    __atomic_fetch_or(&state->summary, 1UL << (INJECTED_INTID / 64),
                                      __ATOMIC_RELEASE);
                } else {
                    check("injected_interrupt", value == INJECTED_INTID, value);
                }
                break;
            case 6:
                /* ESR of the injected abort: EC 0x25 (data abort, same EL),
                 * fault status 0x10 (synchronous external abort). */
                check("abort_injected", (value >> 26) == 0x25 && (value & 0x3f) == 0x10, value);
                break;
            case 7:
                /* Reset: configuring a vCPU again is refused while it is
                 * active (here: waiting for this reply), and resets its
                 * guest state once it is stopped. */
                st = bt_vcpu_configure(vcpu, vm, state_frame, 0, exit_ep);
                check("reconfigure_refused_while_active", st == BT_E_BUSY, st);
                bt_thread_suspend(vcpu);
                st = bt_vcpu_configure(vcpu, vm, state_frame, 0, exit_ep);
                check("vcpu_reconfigured", st == BT_OK, st);
                bt_vcpu_write_regs(vcpu, GUEST_RAM + (uint64_t)(guest_reset_probe - guest_start),
                                   0, 0, 0, 0, BT_VCPU_PSTATE_EL1H);
                bt_thread_resume(vcpu);
                st = bt_recv(ep, reply, &m);
                continue;
            case 8:
                /* The guest had set VBAR_EL1; after the reset it reads 0. */
                check("vcpu_reset", value == 0, value);
                bt_printf("vmtest: %u passed, %u failed\n", passed, failed);
                bt_thread_suspend(vcpu);
                bt_system_power(bi->system, BT_POWER_OFF);
                return 0;
            default:
                check("known_step", false, step);
            }
        } else if (label == BT_VM_EXIT_MMIO) {
            uint64_t ipa = m.mr[0], access = m.mr[1];
            if (ipa == 0x09000000) {
                check("mmio_read_decoded",
                      BT_VM_MMIO_WIDTH(access) == 4 && !(access & BT_VM_MMIO_WRITE) &&
                          BT_VM_MMIO_REG(access) == 23,
                      access);
                r.mr[0] = 0xcafef00d;
            } else if (ipa == 0x09000008) {
                check("mmio_write_decoded",
                      BT_VM_MMIO_WIDTH(access) == 8 && (access & BT_VM_MMIO_WRITE) &&
                          m.mr[2] == 0x1122334455667788UL,
                      m.mr[2]);
            } else {
                r.tag = BT_TAG(BT_VM_INJECT_ABORT, 0, 0);
            }
        } else {
            check("expected_exit", false, label);
            bt_printf("vmtest: unexpected exit: ipa 0x%lx esr 0x%lx far 0x%lx pc 0x%lx\n", m.mr[0],
                      m.mr[1], m.mr[2], m.mr[3]);
            if (++exits > 3) {
                break;
            }
            r.tag = BT_TAG(BT_VM_INJECT_ABORT, 0, 0);
        }
        st = bt_reply_recv(ep, reply, &r);
        m = r;
    }
    bt_printf("vmtest: the guest stopped answering (status %d)\n", st);
    bt_printf("vmtest: %u passed, %u failed\n", passed, failed + 1);
    bt_system_power(bi->system, BT_POWER_OFF);
    return 1;
}
