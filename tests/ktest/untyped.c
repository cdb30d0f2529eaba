/*
 * ktest: untyped memory and retyping (docs/kernel-api.md, "Untyped
 * memory"). Every object type is made and identified; sizes, counts, slot
 * ranges and types out of range are refused before anything is made; memory
 * runs out with BT_E_NOMEM; revoking an untyped destroys what was made of it
 * and makes the memory reusable.
 */
#include "ktest.h"

/* A child untyped of 2^bits bytes made of the case's memory. */
static bt_cptr_t small_ut(struct kt *kt, unsigned bits)
{
    return kt_obj(kt, BT_OBJ_UNTYPED, bits);
}

static uint64_t used_bytes(bt_cptr_t ut)
{
    struct bt_cap_info info = {0};
    bt_cap_identify(ut, &info);
    return info.extra;
}

static void retype_makes_every_object_type(struct kt *kt)
{
    static const struct {
        unsigned type, bits;
    } objs[] = {
        {BT_OBJ_UNTYPED, 16}, {BT_OBJ_CNODE, 4},        {BT_OBJ_TASK, 0},  {BT_OBJ_THREAD, 0},
        {BT_OBJ_ENDPOINT, 0}, {BT_OBJ_NOTIFICATION, 0}, {BT_OBJ_REPLY, 0}, {BT_OBJ_FRAME, 12},
        {BT_OBJ_FRAME, 21},   {BT_OBJ_PAGE_TABLE, 0},
    };
    for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
        bt_cptr_t s = kt_obj(kt, objs[i].type, objs[i].bits);
        KT_TRY(s != 0);
        struct bt_cap_info info;
        KT_OK(bt_cap_identify(s, &info));
        KT_EQ(info.type, objs[i].type);
        KT_EQ(info.rights, BT_RIGHTS_ALL);
        if (objs[i].type == BT_OBJ_UNTYPED || objs[i].type == BT_OBJ_CNODE ||
            objs[i].type == BT_OBJ_FRAME) {
            KT_EQ(info.size_bits, objs[i].bits);
        }
    }
}

static void retype_fills_consecutive_slots(struct kt *kt)
{
    bt_cptr_t first = kt_slot(kt);
    for (int i = 0; i < 4; i++) {
        KT_TRY(kt_slot(kt) != 0);
    }
    KT_OK(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, kt_env.cnode, first, 4));
    for (int i = 0; i < 4; i++) {
        KT_EQ(kt_type_of(first + i), BT_OBJ_ENDPOINT);
    }
    KT_EQ(kt_type_of(first + 4), BT_OBJ_NONE);
}

static void retype_aligns_objects_and_counts_used_bytes(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 16);
    KT_TRY(ut != 0);
    struct bt_cap_info uti, fi;
    KT_OK(bt_cap_identify(ut, &uti));
    KT_EQ(uti.size_bits, 16);
    KT_EQ(uti.extra, 0);
    KT_TRY(kt_obj_from(kt, ut, BT_OBJ_ENDPOINT, 0) != 0);
    KT_EQ(used_bytes(ut), 1UL << BT_ENDPOINT_BITS);
    bt_cptr_t frame = kt_obj_from(kt, ut, BT_OBJ_FRAME, 12);
    KT_TRY(frame != 0);
    KT_OK(bt_cap_identify(frame, &fi));
    /* The frame skips to the next 4 KiB boundary after the endpoint. */
    KT_EQ(fi.paddr, uti.paddr + BT_PAGE_SIZE);
    KT_EQ(used_bytes(ut), 2 * BT_PAGE_SIZE);
}

static void retype_hands_out_zeroed_memory(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 12);
    bt_cptr_t frame = ut != 0 ? kt_obj_from(kt, ut, BT_OBJ_FRAME, 12) : 0;
    KT_TRY(frame != 0);
    volatile uint64_t *p = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(p != NULL);
    for (int i = 0; i < 512; i++) {
        p[i] = 0xdeadbeef00000000UL | (uint64_t)i;
    }
    /* Revoking the untyped unmaps and destroys the frame; the same memory
     * comes back from the next retype. */
    KT_OK(bt_cap_revoke(kt_env.cnode, ut));
    KT_EQ(kt_type_of(frame), BT_OBJ_NONE);
    KT_OK(bt_untyped_retype(ut, BT_OBJ_FRAME, 12, kt_env.cnode, frame, 1));
    p = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    KT_TRY(p != NULL);
    for (int i = 0; i < 512; i++) {
        KT_ASSERT(p[i] == 0, "word %d of a retyped frame: expected 0, got 0x%lx", i, p[i]);
    }
}

static void retype_into_an_occupied_slot_fails_with_exists_and_makes_nothing(struct kt *kt)
{
    bt_cptr_t first = kt_slot(kt);
    kt_slot(kt);
    bt_cptr_t third = kt_slot(kt);
    KT_TRY(third != 0);
    KT_OK(bt_untyped_retype(kt->ut, BT_OBJ_NOTIFICATION, 0, kt_env.cnode, third, 1));
    uint64_t before = used_bytes(kt->ut);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, kt_env.cnode, first, 3), BT_E_EXISTS);
    KT_EQ(kt_type_of(first), BT_OBJ_NONE);
    KT_EQ(kt_type_of(first + 1), BT_OBJ_NONE);
    KT_EQ(kt_type_of(third), BT_OBJ_NOTIFICATION);
    KT_EQ(used_bytes(kt->ut), before);
}

static void retype_beyond_the_untyped_fails_with_nomem(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 12); /* room for 64 endpoints */
    KT_TRY(ut != 0);
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 7);
    KT_TRY(cn != 0);
    KT_ST(bt_untyped_retype(ut, BT_OBJ_ENDPOINT, 0, cn, 1, 65), BT_E_NOMEM);
    KT_EQ(used_bytes(ut), 0);
    KT_ST(bt_untyped_retype(ut, BT_OBJ_FRAME, 21, cn, 1, 1), BT_E_NOMEM);
    KT_OK(bt_untyped_retype(ut, BT_OBJ_ENDPOINT, 0, cn, 1, 64));
    KT_ST(bt_untyped_retype(ut, BT_OBJ_ENDPOINT, 0, cn, 65, 1), BT_E_NOMEM);
}

static void retype_count_outside_1_to_256_fails_with_arg(struct kt *kt)
{
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 9);
    KT_TRY(cn != 0);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 1, 0), BT_E_ARG);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 1, 257), BT_E_ARG);
    KT_OK(bt_untyped_retype(kt->ut, BT_OBJ_NOTIFICATION, 0, cn, 1, 256));
    bt_cptr_t probe = kt_slot(kt);
    KT_TRY(probe != 0);
    KT_OK(bt_cap_copy(kt_env.cnode, probe, cn, 256, BT_RIGHTS_ALL));
    KT_EQ(kt_type_of(probe), BT_OBJ_NOTIFICATION);
}

static void retype_with_sizes_out_of_range_fails_with_arg(struct kt *kt)
{
    static const struct {
        unsigned type, bits;
    } bad[] = {
        {BT_OBJ_FRAME, 13}, {BT_OBJ_FRAME, 20},  {BT_OBJ_FRAME, 0},    {BT_OBJ_CNODE, 1},
        {BT_OBJ_CNODE, 17}, {BT_OBJ_UNTYPED, 3}, {BT_OBJ_UNTYPED, 48}, {BT_OBJ_UNTYPED, 64},
    };
    bt_cptr_t s = kt_slot(kt);
    KT_TRY(s != 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum bt_status st = bt_untyped_retype(kt->ut, bad[i].type, bad[i].bits, kt_env.cnode, s, 1);
        KT_ASSERT(st == BT_E_ARG, "retype of type %u with %u size bits: expected BT_E_ARG, got %s",
                  bad[i].type, bad[i].bits, kt_status_name(st));
    }
    KT_EQ(used_bytes(kt->ut), 0);
}

/* "size bits (...; ignored for fixed-size types)" */
static void retype_ignores_size_bits_of_fixed_size_objects(struct kt *kt)
{
    static const unsigned sizes[] = {0, 7, 63, 64, 1000};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        bt_cptr_t s = kt_slot(kt);
        KT_TRY(s != 0);
        enum bt_status st =
            bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, sizes[i], kt_env.cnode, s, 1);
        KT_ASSERT(st == BT_OK, "endpoint retype with %u size bits: expected BT_OK, got %s",
                  sizes[i], kt_status_name(st));
        KT_EQ(kt_type_of(s), BT_OBJ_ENDPOINT);
    }
}

static void retype_of_types_not_made_from_memory_fails_with_arg(struct kt *kt)
{
    static const unsigned bad[] = {BT_OBJ_NONE,   BT_OBJ_IRQ_CONTROL, BT_OBJ_IRQ,
                                   BT_OBJ_SYSTEM, BT_OBJ_TYPE_COUNT,  99};
    bt_cptr_t s = kt_slot(kt);
    KT_TRY(s != 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum bt_status st = bt_untyped_retype(kt->ut, bad[i], 0, kt_env.cnode, s, 1);
        KT_ASSERT(st == BT_E_ARG, "retype of type %u: expected BT_E_ARG, got %s", bad[i],
                  kt_status_name(st));
    }
}

static void retype_outside_the_destination_cnode_fails_with_arg(struct kt *kt)
{
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 3); /* slots 0-7 */
    KT_TRY(cn != 0);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 0, 1), BT_E_ARG);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 8, 1), BT_E_ARG);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 6, 3), BT_E_ARG);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 1UL << 40, 1), BT_E_ARG);
    KT_OK(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, cn, 1, 7));
}

static void retype_needs_an_untyped_and_a_writable_cnode(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro_cnode = kt_copy(kt, kt_env.cnode, BT_RIGHT_READ);
    bt_cptr_t s = kt_slot(kt);
    KT_TRY(ep != 0 && ro_cnode != 0 && s != 0);
    KT_ST(bt_untyped_retype(ep, BT_OBJ_ENDPOINT, 0, kt_env.cnode, s, 1), BT_E_TYPE);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, ep, 1, 1), BT_E_TYPE);
    KT_ST(bt_untyped_retype(kt->ut, BT_OBJ_ENDPOINT, 0, ro_cnode, s, 1), BT_E_RIGHTS);
    KT_ST(bt_untyped_retype(s, BT_OBJ_ENDPOINT, 0, kt_env.cnode, s, 1), BT_E_CAP);
    KT_EQ(kt_type_of(s), BT_OBJ_NONE);
}

/* A device untyped of at least a page that is not the RTC's. */
static bt_cptr_t some_device_untyped(void)
{
    const struct bt_bootinfo *bi = kt_env.bi;
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        const struct bt_untyped_desc *d = &bi->untyped[i];
        if (d->device && d->size_bits >= 12 && d->paddr + (1UL << d->size_bits) <= 0x09000000) {
            return d->cptr;
        }
    }
    return 0;
}

static void device_untyped_makes_frames_but_no_kernel_objects(struct kt *kt)
{
    bt_cptr_t dev = some_device_untyped();
    KT_ASSERT(dev != 0, "the boot info lists no device untyped below the UART");
    bt_cptr_t s = kt_slot(kt);
    KT_TRY(s != 0);
    static const unsigned refused[] = {BT_OBJ_ENDPOINT, BT_OBJ_NOTIFICATION, BT_OBJ_THREAD,
                                       BT_OBJ_TASK,     BT_OBJ_CNODE,        BT_OBJ_PAGE_TABLE,
                                       BT_OBJ_REPLY};
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        unsigned bits = refused[i] == BT_OBJ_CNODE ? 4 : 0;
        enum bt_status st = bt_untyped_retype(dev, refused[i], bits, kt_env.cnode, s, 1);
        KT_ASSERT(st == BT_E_TYPE, "device retype of type %u: expected BT_E_TYPE, got %s",
                  refused[i], kt_status_name(st));
    }
    enum bt_status st = bt_untyped_retype(dev, BT_OBJ_FRAME, 12, kt_env.cnode, s, 1);
    bt_cap_revoke(kt_env.cnode, dev); /* the device untyped is root's: reset it */
    KT_ST(st, BT_OK);
}

static void revoked_untyped_can_be_retyped_again(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 12);
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 4);
    KT_TRY(ut != 0 && cn != 0);
    KT_OK(bt_untyped_retype(ut, BT_OBJ_FRAME, 12, cn, 1, 1));
    KT_ST(bt_untyped_retype(ut, BT_OBJ_FRAME, 12, cn, 2, 1), BT_E_NOMEM);
    KT_OK(bt_cap_revoke(kt_env.cnode, ut));
    KT_EQ(used_bytes(ut), 0);
    /* Slot 1 was emptied by the revoke, so it can take the new frame. */
    KT_OK(bt_untyped_retype(ut, BT_OBJ_FRAME, 12, cn, 1, 1));
}

static void recv_waiter(uint64_t arg)
{
    volatile uint64_t *out = (volatile uint64_t *)arg;
    struct bt_msg m = {0};
    out[1] = 1;
    out[0] = bt_recv(out[2], 0, &m);
    out[1] = 2;
}

static void revoking_an_untyped_wakes_waiters_on_its_objects_with_gone(struct kt *kt)
{
    volatile uint64_t *shared = kt_mem(kt, 64);
    bt_cptr_t ut = small_ut(kt, 12);
    bt_cptr_t ep = ut != 0 ? kt_obj_from(kt, ut, BT_OBJ_ENDPOINT, 0) : 0;
    KT_TRY(shared != NULL && ep != 0);
    shared[0] = 0xff;
    shared[2] = ep;
    KT_TRY(kt_thread(kt, recv_waiter, (uint64_t)shared, 100, 0, 0) != 0);
    KT_ASSERT(kt_wait_word(&shared[1], 1, 1000), "the waiter did not start");
    kt_sleep_ms(5); /* let it block in recv */
    KT_OK(bt_cap_revoke(kt_env.cnode, ut));
    KT_EQ(kt_type_of(ep), BT_OBJ_NONE);
    KT_ASSERT(kt_wait_word(&shared[1], 2, 1000), "the waiter's recv did not end");
    KT_ST(shared[0], BT_E_GONE);
}

static void untyped_and_page_table_capabilities_cannot_be_copied(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 16);
    bt_cptr_t pt = kt_obj(kt, BT_OBJ_PAGE_TABLE, 0);
    bt_cptr_t s = kt_slot(kt);
    KT_TRY(ut != 0 && pt != 0 && s != 0);
    KT_ST(bt_cap_copy(kt_env.cnode, s, kt_env.cnode, ut, BT_RIGHTS_ALL), BT_E_TYPE);
    KT_ST(bt_cap_copy(kt_env.cnode, s, kt_env.cnode, pt, BT_RIGHTS_ALL), BT_E_TYPE);
    KT_ST(bt_cap_mint(kt_env.cnode, s, kt_env.cnode, ut, BT_RIGHTS_ALL, 5), BT_E_TYPE);
    KT_EQ(kt_type_of(s), BT_OBJ_NONE);
    /* Moving keeps the single capability single: allowed. */
    KT_OK(bt_cap_move(kt_env.cnode, s, kt_env.cnode, ut));
    KT_EQ(kt_type_of(s), BT_OBJ_UNTYPED);
    KT_EQ(kt_type_of(ut), BT_OBJ_NONE);
}

static void revoking_a_parent_untyped_destroys_its_child_untyped(struct kt *kt)
{
    bt_cptr_t parent = small_ut(kt, 16);
    bt_cptr_t child = parent != 0 ? kt_obj_from(kt, parent, BT_OBJ_UNTYPED, 14) : 0;
    bt_cptr_t ep = child != 0 ? kt_obj_from(kt, child, BT_OBJ_ENDPOINT, 0) : 0;
    KT_TRY(ep != 0);
    KT_OK(bt_cap_revoke(kt_env.cnode, parent));
    KT_EQ(kt_type_of(child), BT_OBJ_NONE);
    KT_EQ(kt_type_of(ep), BT_OBJ_NONE);
    KT_ST(bt_signal(ep), BT_E_CAP);
}

static void revoking_thousands_of_objects_completes(struct kt *kt)
{
    bt_cptr_t ut = small_ut(kt, 20);
    bt_cptr_t cn = ut != 0 ? kt_obj_from(kt, ut, BT_OBJ_CNODE, 12) : 0;
    KT_TRY(cn != 0);
    /* 4095 notifications, each with a copy in root's CNode for every 16th. */
    for (uint64_t i = 1; i < 4096; i += 256) {
        uint64_t n = i + 256 <= 4096 ? 256 : 4096 - i;
        KT_OK(bt_untyped_retype(ut, BT_OBJ_NOTIFICATION, 0, cn, i, n));
    }
    bt_cptr_t probe = kt_slot(kt);
    KT_TRY(probe != 0);
    KT_OK(bt_cap_copy(kt_env.cnode, probe, cn, 4095, BT_RIGHTS_ALL));
    KT_OK(bt_cap_revoke(kt_env.cnode, ut));
    KT_EQ(used_bytes(ut), 0);
    KT_EQ(kt_type_of(cn), BT_OBJ_NONE);
    KT_EQ(kt_type_of(probe), BT_OBJ_NONE);
    /* All of it is free again: the same CNode fits once more. */
    KT_TRY(kt_obj_from(kt, ut, BT_OBJ_CNODE, 12) != 0);
}

static const struct kt_case cases[] = {
    KT_CASE(retype_makes_every_object_type),
    KT_CASE(retype_fills_consecutive_slots),
    KT_CASE(retype_aligns_objects_and_counts_used_bytes),
    KT_CASE(retype_hands_out_zeroed_memory),
    KT_CASE(retype_into_an_occupied_slot_fails_with_exists_and_makes_nothing),
    KT_CASE(retype_beyond_the_untyped_fails_with_nomem),
    KT_CASE(retype_count_outside_1_to_256_fails_with_arg),
    KT_CASE(retype_with_sizes_out_of_range_fails_with_arg),
    KT_CASE(retype_ignores_size_bits_of_fixed_size_objects),
    KT_CASE(retype_of_types_not_made_from_memory_fails_with_arg),
    KT_CASE(retype_outside_the_destination_cnode_fails_with_arg),
    KT_CASE(retype_needs_an_untyped_and_a_writable_cnode),
    KT_CASE(device_untyped_makes_frames_but_no_kernel_objects),
    KT_CASE(revoked_untyped_can_be_retyped_again),
    KT_CASE(revoking_an_untyped_wakes_waiters_on_its_objects_with_gone),
    KT_CASE(untyped_and_page_table_capabilities_cannot_be_copied),
    KT_CASE(revoking_a_parent_untyped_destroys_its_child_untyped),
    KT_CASE(revoking_thousands_of_objects_completes),
};

KT_SUITE(kt_suite_untyped, cases);
