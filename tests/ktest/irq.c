/*
 * ktest: device interrupts (docs/kernel-api.md, "Interrupts") with the
 * PL031 real-time clock of QEMU virt. Root finds it in the platform device
 * tree, carves the 4 KiB device frame that holds its registers out of the
 * device untyped covering it, and makes it interrupt at once: QEMU's PL031
 * raises its (level) interrupt as soon as the match register equals the
 * current count and the interrupt is unmasked, and keeps it raised until
 * the interrupt clear register is written.
 */
#include "ktest.h"
#include "lib/dtb.h"

enum { RTC_DR = 0, RTC_MR = 1, RTC_IMSC = 4, RTC_RIS = 5, RTC_ICR = 7 }; /* word offsets */

struct rtc {
    uint64_t paddr;
    unsigned intid;
    volatile uint32_t *regs;
};

/* The PL031 node's address and interrupt (an SPI: 32 + its number). */
static bool rtc_find(struct kt *kt, struct rtc *rtc)
{
    struct dtb dt;
    const char *why = "";
    if (!dtb_init(&dt, (const void *)kt_env.bi->dtb_vaddr, (uint32_t)kt_env.bi->dtb_size, &why)) {
        kt_fail(kt, "platform device tree: %s", why);
        return false;
    }
    int node = dtb_find_compatible(&dt, -1, "arm,pl031");
    struct dtb_prop irqs;
    uint64_t size;
    if (node < 0 || !dtb_reg(&dt, node, 0, &rtc->paddr, &size) ||
        !dtb_prop(&dt, node, "interrupts", &irqs) || irqs.len < 12 || dtb_be32(irqs.data) != 0) {
        kt_fail(kt, "no PL031 with an SPI in the platform device tree");
        return false;
    }
    rtc->intid = 32 + dtb_be32(irqs.data + 4);
    return true;
}

static bt_cptr_t device_untyped_of(uint64_t paddr, unsigned *bits, uint64_t *base)
{
    const struct bt_bootinfo *bi = kt_env.bi;
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        const struct bt_untyped_desc *d = &bi->untyped[i];
        if (d->device && paddr >= d->paddr && paddr - d->paddr < (1UL << d->size_bits)) {
            *bits = d->size_bits;
            *base = d->paddr;
            return d->cptr;
        }
    }
    return 0;
}

/* The 4 KiB device frame at paddr: retyping skips the memory before it
 * with untyped objects of the sizes of the offset's bits, largest first. */
static bt_cptr_t device_frame(struct kt *kt, uint64_t paddr)
{
    unsigned bits;
    uint64_t base;
    bt_cptr_t dev = device_untyped_of(paddr, &bits, &base);
    if (dev == 0) {
        kt_fail(kt, "no device untyped covers 0x%lx", paddr);
        return 0;
    }
    bt_cap_revoke(kt_env.cnode, dev); /* start from its beginning */
    uint64_t off = paddr - base;
    for (unsigned b = bits; b-- > BT_FRAME_SMALL_BITS;) {
        if ((off & (1UL << b)) && kt_obj_from(kt, dev, BT_OBJ_UNTYPED, b) == 0) {
            return 0;
        }
    }
    bt_cptr_t frame = kt_obj_from(kt, dev, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS);
    struct bt_cap_info info;
    if (frame == 0 || bt_cap_identify(frame, &info) != BT_OK || info.paddr != paddr) {
        kt_fail(kt, "carving the device frame at 0x%lx failed", paddr);
        return 0;
    }
    return frame;
}

/* Finds the RTC, maps its registers and quiets it. */
static bool rtc_open(struct kt *kt, struct rtc *rtc)
{
    if (!rtc_find(kt, rtc)) {
        return false;
    }
    bt_cptr_t frame = device_frame(kt, rtc->paddr & ~(BT_PAGE_SIZE - 1));
    rtc->regs = frame != 0 ? kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE) : NULL;
    if (rtc->regs == NULL) {
        return false;
    }
    rtc->regs += (rtc->paddr & (BT_PAGE_SIZE - 1)) / 4;
    rtc->regs[RTC_IMSC] = 0;
    rtc->regs[RTC_ICR] = 1;
    return true;
}

/* Raises the interrupt line: match now, then unmask. */
static bool rtc_raise(struct kt *kt, struct rtc *rtc)
{
    for (int tries = 0; tries < 4; tries++) {
        rtc->regs[RTC_MR] = rtc->regs[RTC_DR];
        if (rtc->regs[RTC_RIS] & 1) {
            rtc->regs[RTC_IMSC] = 1;
            return true;
        }
    }
    kt_fail(kt, "the RTC did not match its own count");
    return false;
}

static void rtc_lower(struct rtc *rtc)
{
    rtc->regs[RTC_IMSC] = 0;
    rtc->regs[RTC_ICR] = 1;
}

/* Claims the RTC's interrupt for cpu, signalled through a badged copy of
 * ntfn. */
static bt_cptr_t claim(struct kt *kt, struct rtc *rtc, bt_cptr_t ntfn, unsigned cpu)
{
    bt_cptr_t irq = kt_slot(kt);
    bt_cptr_t badged = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x40) : 0;
    if (irq == 0 || (ntfn != 0 && badged == 0)) {
        return 0;
    }
    enum bt_status st = bt_irq_control_get(kt_env.bi->irq_control, rtc->intid, kt_env.cnode, irq,
                                           BT_IRQ_LEVEL, cpu);
    if (st == BT_OK && badged != 0) {
        st = bt_irq_set_notification(irq, badged);
    }
    if (st != BT_OK) {
        kt_fail(kt, "claiming interrupt %u: %s", rtc->intid, kt_status_name(st));
        return 0;
    }
    return irq;
}

static void device_interrupt_signals_its_notification_until_acked(struct kt *kt, unsigned cpu)
{
    struct rtc rtc;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0 && rtc_open(kt, &rtc));
    bt_cptr_t irq = claim(kt, &rtc, ntfn, cpu);
    KT_TRY(irq != 0);
    for (int round = 0; round < 3; round++) {
        KT_TRY(rtc_raise(kt, &rtc));
        uint64_t bits = kt_wait_bits(ntfn, 1000);
        rtc_lower(&rtc);
        KT_ASSERT(bits == 0x40, "round %d: expected bits 0x40, got 0x%lx", round, bits);
        KT_OK(bt_irq_ack(irq));
    }
}

static void device_interrupt_is_delivered_to_its_notification(struct kt *kt)
{
    device_interrupt_signals_its_notification_until_acked(kt, 0);
}

static void device_interrupt_routed_to_another_cpu_is_delivered(struct kt *kt)
{
    device_interrupt_signals_its_notification_until_acked(kt, kt_env.cpus - 1);
}

static void interrupt_is_not_delivered_again_before_ack(struct kt *kt)
{
    struct rtc rtc;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0 && rtc_open(kt, &rtc));
    bt_cptr_t irq = claim(kt, &rtc, ntfn, 0);
    KT_TRY(irq != 0 && rtc_raise(kt, &rtc));
    KT_EQ(kt_wait_bits(ntfn, 1000), 0x40);
    /* The line stays raised, but the interrupt waits for its ack. */
    uint64_t again = kt_wait_bits(ntfn, 50);
    if (again != 0) {
        rtc_lower(&rtc);
    }
    KT_ASSERT(again == 0, "the unacknowledged interrupt was delivered again");
    KT_OK(bt_irq_ack(irq));
    uint64_t bits = kt_wait_bits(ntfn, 1000);
    rtc_lower(&rtc);
    KT_ASSERT(bits == 0x40, "after the ack the raised line was not delivered (bits 0x%lx)", bits);
    KT_OK(bt_irq_ack(irq));
}

static void claiming_a_claimed_interrupt_fails_with_exists(struct kt *kt)
{
    struct rtc rtc;
    KT_TRY(rtc_find(kt, &rtc));
    bt_cptr_t irq = claim(kt, &rtc, 0, 0);
    bt_cptr_t again = kt_slot(kt);
    KT_TRY(irq != 0 && again != 0);
    KT_ST(
        bt_irq_control_get(kt_env.bi->irq_control, rtc.intid, kt_env.cnode, again, BT_IRQ_LEVEL, 0),
        BT_E_EXISTS);
    KT_EQ(kt_type_of(again), BT_OBJ_NONE);
}

static void interrupt_is_free_again_once_its_last_capability_is_deleted(struct kt *kt)
{
    struct rtc rtc;
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0 && rtc_open(kt, &rtc));
    bt_cptr_t irq = claim(kt, &rtc, ntfn, 0);
    bt_cptr_t copy = irq != 0 ? kt_copy(kt, irq, BT_RIGHTS_ALL) : 0;
    bt_cptr_t slot = kt_slot(kt);
    KT_TRY(copy != 0 && slot != 0);
    /* Raised and delivered, not acknowledged: deleting must still free it. */
    KT_TRY(rtc_raise(kt, &rtc));
    KT_EQ(kt_wait_bits(ntfn, 1000), 0x40);
    KT_OK(bt_cap_delete(kt_env.cnode, irq));
    KT_ST(
        bt_irq_control_get(kt_env.bi->irq_control, rtc.intid, kt_env.cnode, slot, BT_IRQ_LEVEL, 0),
        BT_E_EXISTS);
    KT_OK(bt_cap_delete(kt_env.cnode, copy));
    kt_sleep_ms(5); /* masked: the raised line must not reach anyone */
    KT_OK(
        bt_irq_control_get(kt_env.bi->irq_control, rtc.intid, kt_env.cnode, slot, BT_IRQ_LEVEL, 0));
    bt_cptr_t badged = kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x2);
    KT_TRY(badged != 0);
    KT_OK(bt_irq_set_notification(slot, badged));
    /* It may have fired before it had a notification; then it waits for
     * an ack, after which the raised line fires again. */
    KT_OK(bt_irq_ack(slot));
    uint64_t bits = kt_wait_bits(ntfn, 1000);
    rtc_lower(&rtc);
    KT_ASSERT(bits == 0x2, "the claimed-again interrupt: expected bits 0x2, got 0x%lx", bits);
    KT_OK(bt_irq_ack(slot));
}

static void irq_control_get_refuses_what_is_not_a_spi(struct kt *kt)
{
    bt_cptr_t slot = kt_slot(kt);
    KT_TRY(slot != 0);
    static const uint64_t bad[] = {0, 16, 27, 31, 1020, 5000, (1UL << 32) + 34};
    bt_cptr_t ctl = kt_env.bi->irq_control;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct bt_regs8 r = {{ctl, bad[i], kt_env.cnode, slot, BT_IRQ_LEVEL, 0, 0, 0}};
        bt_syscall_raw(BT_SYS_IRQ_CONTROL_GET, &r);
        KT_ASSERT(r.x[0] == BT_E_ARG, "claiming interrupt %lu: expected BT_E_ARG, got %s", bad[i],
                  kt_status_name(r.x[0]));
    }
    KT_ST(bt_irq_control_get(ctl, 34, kt_env.cnode, slot, 2, 0), BT_E_ARG);
    KT_ST(bt_irq_control_get(ctl, 34, kt_env.cnode, slot, BT_IRQ_LEVEL, kt_env.cpus), BT_E_ARG);
    KT_EQ(kt_type_of(slot), BT_OBJ_NONE);
}

static void irq_calls_need_the_right_capabilities(struct kt *kt)
{
    struct rtc rtc;
    KT_TRY(rtc_find(kt, &rtc));
    const unsigned id = rtc.intid;
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t ro = ntfn != 0 ? kt_copy(kt, ntfn, BT_RIGHT_READ) : 0;
    bt_cptr_t slot = kt_slot(kt);
    KT_TRY(ep != 0 && ro != 0 && slot != 0);
    bt_cptr_t ctl = kt_env.bi->irq_control;
    KT_ST(bt_irq_control_get(ep, id, kt_env.cnode, slot, BT_IRQ_LEVEL, 0), BT_E_TYPE);
    KT_ST(bt_irq_control_get(kt_env.bi->system, id, kt_env.cnode, slot, BT_IRQ_LEVEL, 0),
          BT_E_TYPE);
    KT_ST(bt_irq_control_get(ctl, id, kt_env.cnode, ep, BT_IRQ_LEVEL, 0), BT_E_EXISTS);
    KT_ST(bt_irq_control_get(ctl, id, kt_env.cnode, 0, BT_IRQ_LEVEL, 0), BT_E_ARG);
    KT_ST(bt_irq_set_notification(ep, ntfn), BT_E_TYPE);
    KT_ST(bt_irq_ack(ntfn), BT_E_TYPE);
    KT_OK(bt_irq_control_get(ctl, id, kt_env.cnode, slot, BT_IRQ_LEVEL, 0));
    KT_ST(bt_irq_set_notification(slot, ro), BT_E_RIGHTS);
    KT_ST(bt_irq_set_notification(slot, ep), BT_E_TYPE);
    KT_OK(bt_irq_set_notification(slot, 0));
    KT_OK(bt_irq_ack(slot)); /* nothing pending: harmless */
}

static const struct kt_case cases[] = {
    KT_CASE(device_interrupt_is_delivered_to_its_notification),
    KT_CASE_SMP(device_interrupt_routed_to_another_cpu_is_delivered),
    KT_CASE(interrupt_is_not_delivered_again_before_ack),
    KT_CASE(claiming_a_claimed_interrupt_fails_with_exists),
    KT_CASE(interrupt_is_free_again_once_its_last_capability_is_deleted),
    KT_CASE(irq_control_get_refuses_what_is_not_a_spi),
    KT_CASE(irq_calls_need_the_right_capabilities),
};

KT_SUITE(kt_suite_irq, cases);
