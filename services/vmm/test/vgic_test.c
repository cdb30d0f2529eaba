/*
 * Host tests of the emulated GICv3 (services/vmm/devices/vgic*.c): the
 * identification Linux checks, the distributor and redistributor state,
 * when an interrupt is handed to a vCPU (enabled, group enabled, routed),
 * the guest's SGIs through ICC_SGI1R_EL1, and random register traffic that
 * must never break the model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/devices/vgic.h"
#include "vmm/sysreg.h"

#define MAX_EVENTS 4096

static struct {
    unsigned vcpu, intid;
    bool retract;
} events[MAX_EVENTS];
static unsigned event_count;

static void on_inject(void *ctx, unsigned vcpu, unsigned intid)
{
    (void)ctx;
    if (event_count < MAX_EVENTS) {
        events[event_count].vcpu = vcpu;
        events[event_count].intid = intid;
        events[event_count].retract = false;
        event_count++;
    }
}

static void on_retract(void *ctx, unsigned vcpu, unsigned intid)
{
    (void)ctx;
    if (event_count < MAX_EVENTS) {
        events[event_count].vcpu = vcpu;
        events[event_count].intid = intid;
        events[event_count].retract = true;
        event_count++;
    }
}

static struct vgic gic;

static void setup(unsigned vcpus)
{
    event_count = 0;
    vgic_init(&gic, vcpus, on_inject, on_retract, NULL);
}

static uint64_t rd(bool (*h)(void *, struct mmio_access *), uint64_t off, unsigned width)
{
    struct mmio_access a = {.offset = off, .width = width, .write = false};
    assert_true(h(&gic, &a));
    return a.value;
}

static void wr(bool (*h)(void *, struct mmio_access *), uint64_t off, unsigned width, uint64_t v)
{
    struct mmio_access a = {.offset = off, .width = width, .write = true, .value = v};
    assert_true(h(&gic, &a));
}

#define DIST vgic_dist_access
#define REDIST vgic_redist_access
#define SGI_FRAME 0x10000

static void assert_injected(unsigned index, unsigned vcpu, unsigned intid)
{
    assert_true(index < event_count);
    assert_false(events[index].retract);
    assert_int_equal(events[index].vcpu, vcpu);
    assert_int_equal(events[index].intid, intid);
}

/* What Linux's gic_dist_init does, in short. */
static void linux_dist_init(void)
{
    wr(DIST, 0x0000, 4, 0);
    for (unsigned w = 1; w < VGIC_WORDS; w++) {
        wr(DIST, 0x0080 + 4 * w, 4, ~0u);
        wr(DIST, 0x0380 + 4 * w, 4, ~0u);
        wr(DIST, 0x0180 + 4 * w, 4, ~0u);
    }
    for (unsigned i = 32; i < VGIC_NR_IRQS; i += 4) {
        wr(DIST, 0x0400 + i, 4, 0xa0a0a0a0);
    }
    for (unsigned i = 32; i < VGIC_NR_IRQS; i++) {
        wr(DIST, 0x6000 + 8 * i, 8, 0);
    }
    wr(DIST, 0x0000, 4, 0x10 | 0x2 | 0x1);
}

static void the_distributor_identifies_as_a_gicv3_with_affinity_routing(void **state)
{
    (void)state;
    setup(2);
    assert_int_equal(rd(DIST, 0xffe8, 4) & 0xf0, 0x30);
    uint64_t typer = rd(DIST, 0x0004, 4);
    assert_int_equal(typer & 0x1f, VGIC_NR_IRQS / 32 - 1);
    assert_int_equal((typer >> 19) & 0x1f, 9);
    assert_int_equal(rd(DIST, 0x0000, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
    wr(DIST, 0x0000, 4, ~0u);
    assert_int_equal(rd(DIST, 0x0000, 4),
                     GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
}

static void an_spi_is_handed_over_only_when_enabled(void **state)
{
    (void)state;
    setup(2);
    linux_dist_init();
    assert_int_equal(event_count, 0);
    vgic_raise(&gic, 0, 33);
    assert_int_equal(event_count, 0);
    assert_int_equal(rd(DIST, 0x0204, 4), 1u << 1); /* pending, not delivered */
    wr(DIST, 0x0104, 4, 1u << 1);                   /* ISENABLER1: enable 33 */
    assert_int_equal(event_count, 1);
    assert_injected(0, 0, 33);
    assert_int_equal(rd(DIST, 0x0204, 4), 0);
    assert_int_equal(rd(DIST, 0x0104, 4), 1u << 1);
    vgic_raise(&gic, 1, 33);
    assert_int_equal(event_count, 2);
    assert_injected(1, 0, 33);
    wr(DIST, 0x0184, 4, 1u << 1); /* ICENABLER1 */
    vgic_raise(&gic, 0, 33);
    assert_int_equal(event_count, 2);
}

static void a_disabled_group_holds_interrupts_back(void **state)
{
    (void)state;
    setup(1);
    wr(DIST, 0x0084, 4, ~0u); /* all SPIs group 1 */
    wr(DIST, 0x0104, 4, ~0u);
    wr(DIST, 0x0000, 4, GICD_CTLR_ENABLE_G0); /* only group 0 enabled */
    vgic_raise(&gic, 0, 40);
    assert_int_equal(event_count, 0);
    wr(DIST, 0x0000, 4, GICD_CTLR_ENABLE_G1);
    assert_int_equal(event_count, 1);
    assert_injected(0, 0, 40);
}

static void spis_follow_their_route(void **state)
{
    (void)state;
    setup(3);
    linux_dist_init();
    wr(DIST, 0x6000 + 8 * 50, 8, 2); /* Aff0 = 2 */
    wr(DIST, 0x0104, 4, 1u << (50 - 32));
    vgic_raise(&gic, 0, 50);
    assert_injected(0, 2, 50);
    wr(DIST, 0x6000 + 8 * 50, 8, 7); /* no vCPU 7: stays pending */
    vgic_raise(&gic, 0, 50);
    assert_int_equal(event_count, 1);
    assert_int_equal(vgic_spi_target(&gic, 50), -1);
    wr(DIST, 0x6000 + 8 * 50, 4, 1); /* the low half alone: to vCPU 1 */
    assert_int_equal(event_count, 2);
    assert_injected(1, 1, 50);
    wr(DIST, 0x6000 + 8 * 50 + 4, 4, 0x5); /* Aff3 = 5: nobody */
    assert_int_equal(rd(DIST, 0x6000 + 8 * 50, 8), 0x500000001ull);
    assert_int_equal(vgic_spi_target(&gic, 50), -1);
    wr(DIST, 0x6000 + 8 * 50, 8, 1u << 31); /* IRM: any vCPU */
    assert_int_equal(vgic_spi_target(&gic, 50), 0);
}

static void clearing_a_pending_spi_takes_it_back(void **state)
{
    (void)state;
    setup(2);
    linux_dist_init();
    wr(DIST, 0x0204, 4, 1u << 3); /* ISPENDR: 35 pending, not enabled */
    assert_int_equal(rd(DIST, 0x0204, 4), 1u << 3);
    wr(DIST, 0x0284, 4, 1u << 3); /* ICPENDR */
    assert_int_equal(rd(DIST, 0x0204, 4), 0);
    assert_int_equal(event_count, 2); /* retracted from each vCPU */
    assert_true(events[0].retract && events[1].retract);
    assert_int_equal(events[0].intid, 35);
    wr(DIST, 0x0104, 4, 1u << 3);
    assert_int_equal(event_count, 2); /* nothing was left to deliver */
}

static void local_interrupt_words_of_the_distributor_are_reserved(void **state)
{
    (void)state;
    setup(1);
    wr(DIST, 0x0100, 4, ~0u);
    wr(DIST, 0x0200, 4, ~0u);
    wr(DIST, 0x0400, 4, 0xffffffff);
    assert_int_equal(rd(DIST, 0x0100, 4), 0);
    assert_int_equal(rd(DIST, 0x0200, 4), 0);
    assert_int_equal(rd(DIST, 0x0400, 4), 0);
    assert_int_equal(rd(DIST, 0x6000, 8), 0);
    assert_int_equal(event_count, 0);
}

static void priorities_are_bytes(void **state)
{
    (void)state;
    setup(1);
    wr(DIST, 0x0400 + 33, 1, 0x80);
    wr(DIST, 0x0400 + 34, 2, 0x9070);
    assert_int_equal(rd(DIST, 0x0420, 4), 0x90708000u);
    assert_int_equal(rd(DIST, 0x0400 + 35, 1), 0x90);
    wr(REDIST, SGI_FRAME + 0x0400 + 27, 1, 0xa0);
    assert_int_equal(rd(REDIST, SGI_FRAME + 0x0418, 4), 0xa0000000u);
}

static void each_redistributor_names_its_vcpu_and_the_last_says_so(void **state)
{
    (void)state;
    setup(3);
    for (unsigned v = 0; v < 3; v++) {
        uint64_t base = v * VM_GICR_STRIDE;
        uint64_t typer = rd(REDIST, base + 0x0008, 8);
        assert_int_equal(typer >> 32, vm_vcpu_mpidr(v));
        assert_int_equal((typer >> 8) & 0xffff, v);
        assert_int_equal((typer >> 4) & 1, v == 2);
        assert_int_equal(rd(REDIST, base + 0x000c, 4), typer >> 32);
        assert_int_equal(rd(REDIST, base + 0x0008, 4), (uint32_t)typer);
        assert_int_equal(rd(REDIST, base + 0xffe8, 4) & 0xf0, 0x30);
    }
}

static void a_redistributor_wakes_when_told(void **state)
{
    (void)state;
    setup(2);
    uint64_t waker = VM_GICR_STRIDE + 0x0014;
    assert_int_equal(rd(REDIST, waker, 4), 0x6); /* asleep out of reset */
    wr(REDIST, waker, 4, 0);
    assert_int_equal(rd(REDIST, waker, 4), 0);
    assert_int_equal(rd(REDIST, 0x0014, 4), 0x6); /* vCPU 0's is separate */
}

static void sgis_reach_enabled_targets_of_the_list(void **state)
{
    (void)state;
    setup(3);
    linux_dist_init();
    for (unsigned v = 0; v < 3; v++) {
        wr(REDIST, v * VM_GICR_STRIDE + SGI_FRAME + 0x0080, 4, ~0u);
        wr(REDIST, v * VM_GICR_STRIDE + SGI_FRAME + 0x0100, 4, 0xffff);
    }
    /* INTID 5 to vCPUs 0 and 2 (target list bits 0 and 2). */
    vgic_sgi1r(&gic, 1, 5ull << 24 | 0x5);
    assert_int_equal(event_count, 2);
    assert_injected(0, 0, 5);
    assert_injected(1, 2, 5);
    /* IRM: everyone but the sender. */
    vgic_sgi1r(&gic, 1, 1ull << 40 | 3ull << 24);
    assert_int_equal(event_count, 4);
    assert_injected(2, 0, 3);
    assert_injected(3, 2, 3);
    /* Aff1 = 1 names no vCPU. */
    vgic_sgi1r(&gic, 0, 1ull << 16 | 0x7);
    assert_int_equal(event_count, 4);
}

static void a_disabled_sgi_waits_until_enabled(void **state)
{
    (void)state;
    setup(2);
    linux_dist_init();
    wr(REDIST, VM_GICR_STRIDE + SGI_FRAME + 0x0080, 4, ~0u);
    vgic_sgi1r(&gic, 0, 1ull << 24 | 0x2);
    assert_int_equal(event_count, 0);
    assert_int_equal(rd(REDIST, VM_GICR_STRIDE + SGI_FRAME + 0x0200, 4), 1u << 1);
    wr(REDIST, VM_GICR_STRIDE + SGI_FRAME + 0x0100, 4, 1u << 1);
    assert_int_equal(event_count, 1);
    assert_injected(0, 1, 1);
    assert_int_equal(rd(REDIST, VM_GICR_STRIDE + SGI_FRAME + 0x0100, 4), 1u << 1);
}

static void the_range_selector_reaches_vcpus_above_15(void **state)
{
    (void)state;
    setup(20);
    linux_dist_init();
    wr(REDIST, 18 * VM_GICR_STRIDE + SGI_FRAME + 0x0080, 4, ~0u);
    wr(REDIST, 18 * VM_GICR_STRIDE + SGI_FRAME + 0x0100, 4, ~0u);
    vgic_sgi1r(&gic, 0, 1ull << 44 | 2ull << 24 | 1u << 2); /* RS 1, bit 2: Aff0 18 */
    assert_int_equal(event_count, 1);
    assert_injected(0, 18, 2);
    vgic_sgi1r(&gic, 0, 2ull << 44 | 0xffff); /* RS 2: Aff0 32-47, nobody */
    assert_int_equal(event_count, 1);
}

static void sgis_are_edge_and_ppi_configuration_is_kept(void **state)
{
    (void)state;
    setup(1);
    assert_int_equal(rd(REDIST, SGI_FRAME + 0x0c00, 4), 0xaaaaaaaau);
    wr(REDIST, SGI_FRAME + 0x0c00, 4, 0);
    assert_int_equal(rd(REDIST, SGI_FRAME + 0x0c00, 4), 0xaaaaaaaau);
    wr(REDIST, SGI_FRAME + 0x0c04, 4, 0xffffffff);
    assert_int_equal(rd(REDIST, SGI_FRAME + 0x0c04, 4), 0xaaaaaaaau);
}

static void reset_forgets_everything(void **state)
{
    (void)state;
    setup(2);
    linux_dist_init();
    wr(DIST, 0x0204, 4, ~0u);
    vgic_reset(&gic);
    assert_int_equal(rd(DIST, 0x0000, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
    assert_int_equal(rd(DIST, 0x0204, 4), 0);
    assert_int_equal(rd(DIST, 0x0084, 4), 0);
    assert_int_equal(gic.vcpu_count, 2);
}

static void trapped_sgi_register_writes_are_recognised(void **state)
{
    (void)state;
    /* MSR ICC_SGI1R_EL1, x7: op0 3, op2 5, op1 0, CRn 12, Rt 7, CRm 11. */
    uint64_t iss = 3u << 20 | 5u << 17 | 0u << 14 | 12u << 10 | 7u << 5 | 11u << 1;
    assert_int_equal(sysreg_of_iss(iss), SYSREG_ICC_SGI1R_EL1);
    assert_true(sysreg_is_sgi(sysreg_of_iss(iss)));
    assert_false(sysreg_iss_is_read(iss));
    assert_true(sysreg_iss_is_read(iss | 1));
    uint64_t sgi0r = (iss & ~(7ull << 17)) | 7u << 17;
    assert_true(sysreg_is_sgi(sysreg_of_iss(sgi0r)));
    /* ICC_PMR_EL1 (op0 3, op1 0, CRn 4, CRm 6, op2 0) is not an SGI. */
    uint64_t pmr = 3u << 20 | 0u << 17 | 4u << 10 | 6u << 1;
    assert_false(sysreg_is_sgi(sysreg_of_iss(pmr)));
}

/* A hostile guest: random offsets, widths and values in both windows and
 * random SGIs. Whatever it does, hand-overs name real vCPUs and INTIDs
 * (AddressSanitizer watches the arrays). */
static void random_register_traffic_never_breaks_the_model(void **state)
{
    (void)state;
    srand(12345);
    for (unsigned round = 0; round < 20; round++) {
        unsigned vcpus = 1 + (unsigned)rand() % VM_MAX_VCPUS;
        setup(vcpus);
        for (unsigned i = 0; i < 20000; i++) {
            static const unsigned widths[] = {1, 2, 4, 8};
            unsigned width = widths[rand() % 4];
            uint64_t value = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^ (uint64_t)rand();
            bool write = rand() % 2;
            struct mmio_access a = {.width = width, .write = write, .value = value};
            switch (rand() % 4) {
            case 0:
                a.offset = (uint64_t)rand() % (VM_GICD_SIZE - 8);
                assert_true(vgic_dist_access(&gic, &a));
                break;
            case 1:
                a.offset = (uint64_t)rand() % (0x1000);
                assert_true(vgic_dist_access(&gic, &a));
                break;
            case 2:
                a.offset = (uint64_t)rand() % (VM_GICR_STRIDE * vcpus - 8);
                assert_true(vgic_redist_access(&gic, &a));
                break;
            default:
                vgic_sgi1r(&gic, (unsigned)rand() % vcpus, value);
                vgic_raise(&gic, (unsigned)rand() % 40, (unsigned)rand() % 2000);
                break;
            }
            if (event_count > MAX_EVENTS / 2) {
                for (unsigned e = 0; e < event_count; e++) {
                    assert_true(events[e].vcpu < vcpus);
                    assert_true(events[e].intid < VGIC_NR_IRQS);
                }
                event_count = 0;
            }
        }
        for (unsigned e = 0; e < event_count; e++) {
            assert_true(events[e].vcpu < vcpus);
            assert_true(events[e].intid < VGIC_NR_IRQS);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_distributor_identifies_as_a_gicv3_with_affinity_routing),
        cmocka_unit_test(an_spi_is_handed_over_only_when_enabled),
        cmocka_unit_test(a_disabled_group_holds_interrupts_back),
        cmocka_unit_test(spis_follow_their_route),
        cmocka_unit_test(clearing_a_pending_spi_takes_it_back),
        cmocka_unit_test(local_interrupt_words_of_the_distributor_are_reserved),
        cmocka_unit_test(priorities_are_bytes),
        cmocka_unit_test(each_redistributor_names_its_vcpu_and_the_last_says_so),
        cmocka_unit_test(a_redistributor_wakes_when_told),
        cmocka_unit_test(sgis_reach_enabled_targets_of_the_list),
        cmocka_unit_test(a_disabled_sgi_waits_until_enabled),
        cmocka_unit_test(the_range_selector_reaches_vcpus_above_15),
        cmocka_unit_test(sgis_are_edge_and_ppi_configuration_is_kept),
        cmocka_unit_test(reset_forgets_everything),
        cmocka_unit_test(trapped_sgi_register_writes_are_recognised),
        cmocka_unit_test(random_register_traffic_never_breaks_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
