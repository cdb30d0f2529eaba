/*
 * Host tests of the PSCI decoder (services/vmm/psci.c): version and
 * features, CPU_ON with good and bad targets and entry points, CPU_OFF,
 * AFFINITY_INFO, system off and reset, and NOT_SUPPORTED for everything
 * else (other SMCCC calls and random function IDs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmm/psci.h"

#define RAM 0x40000000ull
#define RAM_SIZE 0x10000000ull

static struct psci p;

static int setup(void **state)
{
    (void)state;
    psci_init(&p, 2, RAM, RAM_SIZE);
    return 0;
}

static struct psci_result call(unsigned caller, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t x[4] = {fn, a1, a2, a3};
    return psci_call(&p, caller, x);
}

static void assert_answer(struct psci_result r, int64_t value)
{
    assert_int_equal(r.action, PSCI_ANSWER);
    assert_int_equal(r.value, value);
}

static void version_is_1_0_and_features_name_what_is_implemented(void **state)
{
    (void)state;
    assert_answer(call(0, PSCI_VERSION, 0, 0, 0), 0x10000);
    assert_answer(call(0, PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0), PSCI_SUCCESS);
    assert_answer(call(0, PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0), PSCI_SUCCESS);
    assert_answer(call(0, PSCI_FEATURES, PSCI_CPU_SUSPEND_32, 0, 0), PSCI_NOT_SUPPORTED);
    assert_answer(call(0, PSCI_FEATURES, 0x80000000, 0, 0), PSCI_NOT_SUPPORTED); /* SMCCC_VERSION */
    assert_answer(call(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), PSCI_TOS_NOT_PRESENT);
}

static void cpu_on_starts_an_off_vcpu_once(void **state)
{
    (void)state;
    struct psci_result r = call(0, PSCI_CPU_ON_64, 1, RAM + 0x1000, 0xc0ffee);
    assert_int_equal(r.action, PSCI_START_CPU);
    assert_int_equal(r.value, PSCI_SUCCESS);
    assert_int_equal(r.target, 1);
    assert_int_equal(r.entry, RAM + 0x1000);
    assert_int_equal(r.context, 0xc0ffee);
    assert_answer(call(0, PSCI_CPU_ON_64, 1, RAM + 0x1000, 0), PSCI_ALREADY_ON);
    assert_answer(call(0, PSCI_CPU_ON_64, 0, RAM, 0), PSCI_ALREADY_ON);
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_ON);
}

static void cpu_on_refuses_targets_that_do_not_exist(void **state)
{
    (void)state;
    uint64_t bad[] = {2, 31, 0xff, 0x100, 0x10000, 0x100000000ull, ~0ull};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_answer(call(0, PSCI_CPU_ON_64, bad[i], RAM, 0), PSCI_INVALID_PARAMETERS);
    }
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_OFF);
}

static void cpu_on_refuses_entry_points_outside_ram(void **state)
{
    (void)state;
    uint64_t bad[] = {0, RAM - 4, RAM + RAM_SIZE, ~0ull & ~3ull, RAM + 2, 0x9000000};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_answer(call(0, PSCI_CPU_ON_64, 1, bad[i], 0), PSCI_INVALID_ADDRESS);
    }
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_OFF);
}

static void smc32_cpu_on_uses_the_low_halves(void **state)
{
    (void)state;
    struct psci_result r =
        call(0, PSCI_CPU_ON_32, 0xdead000000000001ull, 0xffffffff00000000ull | (RAM + 8), 7);
    assert_int_equal(r.action, PSCI_START_CPU);
    assert_int_equal(r.target, 1);
    assert_int_equal(r.entry, RAM + 8);
}

static void cpu_off_stops_the_caller_and_it_can_be_started_again(void **state)
{
    (void)state;
    assert_int_equal(call(0, PSCI_CPU_ON_64, 1, RAM, 0).action, PSCI_START_CPU);
    struct psci_result r = call(1, PSCI_CPU_OFF, 0, 0, 0);
    assert_int_equal(r.action, PSCI_STOP_CALLER);
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_OFF);
    assert_int_equal(call(0, PSCI_CPU_ON_64, 1, RAM, 0).action, PSCI_START_CPU);
}

static void a_failed_start_leaves_the_vcpu_off(void **state)
{
    (void)state;
    assert_int_equal(call(0, PSCI_CPU_ON_64, 1, RAM, 0).action, PSCI_START_CPU);
    psci_start_failed(&p, 1);
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_OFF);
    psci_start_failed(&p, 1000); /* ignored */
}

static void affinity_info_checks_target_and_level(void **state)
{
    (void)state;
    assert_answer(call(1, PSCI_AFFINITY_INFO_32, 0, 0, 0), PSCI_AFF_ON);
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 0, 1, 0), PSCI_INVALID_PARAMETERS);
    assert_answer(call(0, PSCI_AFFINITY_INFO_64, 9, 0, 0), PSCI_INVALID_PARAMETERS);
}

static void system_off_and_reset_are_actions(void **state)
{
    (void)state;
    assert_int_equal(call(1, PSCI_SYSTEM_OFF, 0, 0, 0).action, PSCI_POWER_OFF);
    assert_int_equal(call(0, PSCI_SYSTEM_RESET, 0, 0, 0).action, PSCI_RESET);
    /* The upper half of x0 is not part of the function ID. */
    assert_int_equal(call(0, 0xffffffff00000000ull | PSCI_SYSTEM_OFF, 0, 0, 0).action,
                     PSCI_POWER_OFF);
}

static void unknown_functions_are_not_supported(void **state)
{
    (void)state;
    uint64_t fns[] = {0,          1,          0x80000000, 0x80008000, 0x84000005, 0x84000007,
                      0x8400000b, 0x8400000e, 0xc4000001, 0xc400000c, 0xc6000000, 0xffffffff};
    for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        assert_answer(call(0, fns[i], 1, 2, 3), PSCI_NOT_SUPPORTED);
    }
    srand(7);
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t fn = (uint64_t)rand() << 32 | (uint32_t)rand();
        struct psci_result r = call((unsigned)rand() % 2, fn, (uint64_t)rand(),
                                    (uint64_t)rand() << 20, (uint64_t)rand());
        assert_true(r.action == PSCI_ANSWER || (fn & 0xffffffff) == PSCI_CPU_OFF ||
                    (fn & 0xffffffff) == PSCI_SYSTEM_OFF ||
                    (fn & 0xffffffff) == PSCI_SYSTEM_RESET || r.action == PSCI_START_CPU);
        assert_true(r.target < 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(version_is_1_0_and_features_name_what_is_implemented, setup),
        cmocka_unit_test_setup(cpu_on_starts_an_off_vcpu_once, setup),
        cmocka_unit_test_setup(cpu_on_refuses_targets_that_do_not_exist, setup),
        cmocka_unit_test_setup(cpu_on_refuses_entry_points_outside_ram, setup),
        cmocka_unit_test_setup(smc32_cpu_on_uses_the_low_halves, setup),
        cmocka_unit_test_setup(cpu_off_stops_the_caller_and_it_can_be_started_again, setup),
        cmocka_unit_test_setup(a_failed_start_leaves_the_vcpu_off, setup),
        cmocka_unit_test_setup(affinity_info_checks_target_and_level, setup),
        cmocka_unit_test_setup(system_off_and_reset_are_actions, setup),
        cmocka_unit_test_setup(unknown_functions_are_not_supported, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
