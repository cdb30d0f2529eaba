/*
 * ktest: the system call interface itself (docs/kernel-api.md, "Calling
 * convention", "Debugging" and "System power"): unknown call numbers,
 * the debugging calls' argument checks, and a power call that must refuse
 * (and so must not power the machine off).
 */
#include "ktest.h"

static void unknown_system_call_numbers_fail_with_syscall(struct kt *kt)
{
    static const uint64_t numbers[] = {5,  6,  7,  18, 23, 30,  31,  33,         39,        44,  47,
                                       55, 59, 61, 62, 99, 255, 256, 0xffffffff, 1UL << 32, ~0UL};
    for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        struct bt_regs8 r = {{1, 2, 3, 4, 5, 6, 7, 8}};
        bt_syscall_raw(numbers[i], &r);
        KT_ASSERT(r.x[0] == BT_E_SYSCALL, "system call %lu: expected BT_E_SYSCALL, got %s",
                  numbers[i], kt_status_name(r.x[0]));
        KT_ASSERT(r.x[1] == 2 && r.x[7] == 8, "system call %lu changed x1 or x7", numbers[i]);
    }
}

static void null_and_yield_return_ok(struct kt *kt)
{
    KT_OK(bt_null());
    KT_OK(bt_yield());
}

static void debug_write_checks_length_and_address(struct kt *kt)
{
    /* A string across a page boundary is fine. */
    char *pages = kt_mem(kt, 2 * BT_PAGE_SIZE);
    KT_TRY(pages != NULL);
    char *s = pages + BT_PAGE_SIZE - 3;
    s[0] = 'k', s[1] = 't', s[2] = ':', s[3] = ' ', s[4] = '\n';
    KT_OK(bt_debug_write(s, 0));
    KT_ST(bt_debug_write(pages, BT_DEBUG_WRITE_MAX + 1), BT_E_ARG);
    KT_ST(bt_debug_write((const char *)0x1000, 4), BT_E_ADDR);
    KT_ST(bt_debug_write((const char *)0xffffffffc0000000UL, 4), BT_E_ADDR);
    /* The last bytes lie in the unmapped page after the allocation. */
    KT_ST(bt_debug_write(pages + BT_PAGE_SIZE + 100, BT_PAGE_SIZE), BT_E_ADDR);
}

static void debug_name_checks_its_arguments(struct kt *kt)
{
    bt_cptr_t thread = kt_obj(kt, BT_OBJ_THREAD, 0);
    bt_cptr_t task = kt_obj(kt, BT_OBJ_TASK, 0);
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    KT_TRY(thread != 0 && task != 0 && ep != 0);
    KT_OK(bt_debug_name(thread, "ktest-thread"));
    KT_OK(bt_debug_name(task, "ktest-task"));
    KT_ST(bt_debug_name(thread, "a-name-of-24-characters!"), BT_E_ARG);
    KT_ST(bt_debug_name(ep, "endpoint"), BT_E_TYPE);
    KT_ST(bt_debug_name(0, "nothing"), BT_E_CAP);
    struct bt_regs8 r = {{thread, 0x1000, 8, 0, 0, 0, 0, 0}};
    bt_syscall_raw(BT_SYS_DEBUG_NAME, &r);
    KT_ST(r.x[0], BT_E_ADDR);
}

static void system_power_refuses_unknown_operations_and_other_capabilities(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro = kt_copy(kt, kt_env.bi->system, BT_RIGHT_READ);
    KT_TRY(ep != 0 && ro != 0);
    KT_ST(bt_system_power(kt_env.bi->system, 2), BT_E_ARG);
    KT_ST(bt_system_power(kt_env.bi->system, ~0u), BT_E_ARG);
    KT_ST(bt_system_power(ep, BT_POWER_OFF), BT_E_TYPE);
    KT_ST(bt_system_power(ro, BT_POWER_OFF), BT_E_RIGHTS);
    KT_ST(bt_system_power(0, BT_POWER_OFF), BT_E_CAP);
}

static void capability_pointers_outside_the_cspace_fail_with_cap(struct kt *kt)
{
    static const uint64_t bad[] = {0, 1UL << 16, 1UL << 40, ~0UL};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t bits;
        struct bt_msg m = {0};
        KT_ASSERT(bt_signal(bad[i]) == BT_E_CAP, "signal on cptr 0x%lx is not BT_E_CAP", bad[i]);
        KT_ASSERT(bt_poll(bad[i], &bits) == BT_E_CAP, "poll on cptr 0x%lx is not BT_E_CAP", bad[i]);
        KT_ASSERT(bt_nbsend(bad[i], &m) == BT_E_CAP, "nbsend on cptr 0x%lx is not BT_E_CAP",
                  bad[i]);
        KT_ASSERT(bt_thread_resume(bad[i]) == BT_E_CAP, "resume of cptr 0x%lx is not BT_E_CAP",
                  bad[i]);
    }
}

static const struct kt_case cases[] = {
    KT_CASE(unknown_system_call_numbers_fail_with_syscall),
    KT_CASE(null_and_yield_return_ok),
    KT_CASE(debug_write_checks_length_and_address),
    KT_CASE(debug_name_checks_its_arguments),
    KT_CASE(capability_pointers_outside_the_cspace_fail_with_cap),
    /* Last of all: a kernel that wrongly accepts one of these powers off. */
    KT_CASE(system_power_refuses_unknown_operations_and_other_capabilities),
};

KT_SUITE(kt_suite_syscalls, cases);
