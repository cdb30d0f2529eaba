/*
 * ktest: capability operations (docs/kernel-api.md, "Capabilities and
 * capability spaces"): copy with fewer rights, mint with a badge, move,
 * delete, revoke (recursive, and removing the mappings of revoked frames),
 * identify, and the errors for empty, out-of-range and occupied slots.
 */
#include "ktest.h"

static uint64_t rights_of(bt_cptr_t cap)
{
    struct bt_cap_info info = {0};
    bt_cap_identify(cap, &info);
    return info.rights;
}

static uint64_t badge_of(bt_cptr_t cap)
{
    struct bt_cap_info info = {0};
    bt_cap_identify(cap, &info);
    return info.badge;
}

static void copy_with_fewer_rights_cannot_widen(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro = ep != 0 ? kt_copy(kt, ep, BT_RIGHT_READ) : 0;
    bt_cptr_t wide = ro != 0 ? kt_copy(kt, ro, BT_RIGHTS_ALL) : 0;
    KT_TRY(wide != 0);
    KT_EQ(rights_of(ro), BT_RIGHT_READ);
    KT_EQ(rights_of(wide), BT_RIGHT_READ);
    struct bt_msg m = {.tag = BT_TAG(1, 0, 0)};
    KT_ST(bt_nbsend(wide, &m), BT_E_RIGHTS);
    KT_ST(bt_nbsend(ep, &m), BT_E_WOULDBLOCK);
}

static void copy_of_an_empty_slot_fails_with_cap(struct kt *kt)
{
    bt_cptr_t empty = kt_slot(kt), dst = kt_slot(kt);
    KT_TRY(dst != 0);
    KT_ST(bt_cap_copy(kt_env.cnode, dst, kt_env.cnode, empty, BT_RIGHTS_ALL), BT_E_CAP);
    KT_ST(bt_cap_mint(kt_env.cnode, dst, kt_env.cnode, empty, BT_RIGHTS_ALL, 1), BT_E_CAP);
    KT_ST(bt_cap_move(kt_env.cnode, dst, kt_env.cnode, empty), BT_E_CAP);
    KT_EQ(kt_type_of(dst), BT_OBJ_NONE);
}

static void copy_into_an_occupied_slot_fails_with_exists(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ep != 0 && ntfn != 0);
    KT_ST(bt_cap_copy(kt_env.cnode, ntfn, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_EXISTS);
    KT_ST(bt_cap_mint(kt_env.cnode, ntfn, kt_env.cnode, ep, BT_RIGHTS_ALL, 3), BT_E_EXISTS);
    KT_ST(bt_cap_move(kt_env.cnode, ntfn, kt_env.cnode, ep), BT_E_EXISTS);
    KT_EQ(kt_type_of(ntfn), BT_OBJ_NOTIFICATION);
    KT_EQ(kt_type_of(ep), BT_OBJ_ENDPOINT);
}

static void slot_index_zero_or_past_the_cnode_fails_with_arg(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(dst != 0);
    uint64_t end = kt_env.slot_end;
    KT_ST(bt_cap_copy(kt_env.cnode, 0, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_ARG);
    KT_ST(bt_cap_copy(kt_env.cnode, end, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_ARG);
    KT_ST(bt_cap_copy(kt_env.cnode, 1UL << 50, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_ARG);
    KT_ST(bt_cap_copy(kt_env.cnode, dst, kt_env.cnode, 0, BT_RIGHTS_ALL), BT_E_ARG);
    KT_ST(bt_cap_copy(kt_env.cnode, dst, kt_env.cnode, end, BT_RIGHTS_ALL), BT_E_ARG);
    KT_ST(bt_cap_delete(kt_env.cnode, 0), BT_E_ARG);
    KT_ST(bt_cap_revoke(kt_env.cnode, end), BT_E_ARG);
}

static void slot_operations_need_a_writable_cnode_capability(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ro = kt_copy(kt, kt_env.cnode, BT_RIGHT_READ);
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(ep != 0 && ro != 0 && dst != 0);
    KT_ST(bt_cap_copy(ro, dst, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_RIGHTS);
    KT_ST(bt_cap_delete(ro, ep), BT_E_RIGHTS);
    KT_ST(bt_cap_copy(ep, dst, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_TYPE);
    KT_ST(bt_cap_copy(dst, 1, kt_env.cnode, ep, BT_RIGHTS_ALL), BT_E_CAP);
    KT_EQ(kt_type_of(ep), BT_OBJ_ENDPOINT);
}

static void mint_sets_the_badge_identify_reports(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ep != 0 && ntfn != 0);
    bt_cptr_t bep = kt_mint(kt, ep, BT_RIGHT_WRITE, 0x1234);
    bt_cptr_t bntfn = kt_mint(kt, ntfn, BT_RIGHTS_ALL, 0xabcdef);
    KT_TRY(bep != 0 && bntfn != 0);
    KT_EQ(badge_of(ep), 0);
    KT_EQ(badge_of(bep), 0x1234);
    KT_EQ(rights_of(bep), BT_RIGHT_WRITE);
    KT_EQ(badge_of(bntfn), 0xabcdef);
}

static void mint_of_a_badged_capability_fails_with_busy(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t bep = ep != 0 ? kt_mint(kt, ep, BT_RIGHTS_ALL, 7) : 0;
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(bep != 0 && dst != 0);
    KT_ST(bt_cap_mint(kt_env.cnode, dst, kt_env.cnode, bep, BT_RIGHTS_ALL, 9), BT_E_BUSY);
    KT_EQ(kt_type_of(dst), BT_OBJ_NONE);
    /* A plain copy keeps the badge. */
    KT_OK(bt_cap_copy(kt_env.cnode, dst, kt_env.cnode, bep, BT_RIGHTS_ALL));
    KT_EQ(badge_of(dst), 7);
}

static void mint_of_objects_other_than_endpoints_and_notifications_fails_with_type(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(frame != 0 && reply != 0 && dst != 0);
    KT_ST(bt_cap_mint(kt_env.cnode, dst, kt_env.cnode, frame, BT_RIGHTS_ALL, 1), BT_E_TYPE);
    KT_ST(bt_cap_mint(kt_env.cnode, dst, kt_env.cnode, reply, BT_RIGHTS_ALL, 1), BT_E_TYPE);
    KT_ST(bt_cap_mint(kt_env.cnode, dst, kt_env.cnode, kt_env.cnode, BT_RIGHTS_ALL, 1), BT_E_TYPE);
    KT_EQ(kt_type_of(dst), BT_OBJ_NONE);
}

static void move_carries_the_capability_and_empties_the_source(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t b = ntfn != 0 ? kt_mint(kt, ntfn, BT_RIGHT_WRITE, 0x40) : 0;
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(b != 0 && dst != 0);
    KT_OK(bt_cap_move(kt_env.cnode, dst, kt_env.cnode, b));
    KT_EQ(kt_type_of(b), BT_OBJ_NONE);
    KT_EQ(badge_of(dst), 0x40);
    KT_EQ(rights_of(dst), BT_RIGHT_WRITE);
    KT_ST(bt_signal(b), BT_E_CAP);
    KT_OK(bt_signal(dst));
    uint64_t bits = 0;
    KT_OK(bt_poll(ntfn, &bits));
    KT_EQ(bits, 0x40);
}

static void moved_capability_keeps_its_place_in_the_derivation_tree(struct kt *kt)
{
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t child = ep != 0 ? kt_copy(kt, ep, BT_RIGHTS_ALL) : 0;
    bt_cptr_t dst = kt_slot(kt);
    KT_TRY(child != 0 && dst != 0);
    KT_OK(bt_cap_move(kt_env.cnode, dst, kt_env.cnode, child));
    KT_OK(bt_cap_revoke(kt_env.cnode, ep));
    KT_EQ(kt_type_of(dst), BT_OBJ_NONE);
    KT_EQ(kt_type_of(ep), BT_OBJ_ENDPOINT);
}

static void deleted_capability_is_gone_and_its_slot_reports_cap(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    KT_TRY(ntfn != 0);
    KT_OK(bt_cap_delete(kt_env.cnode, ntfn));
    KT_EQ(kt_type_of(ntfn), BT_OBJ_NONE);
    uint64_t bits;
    KT_ST(bt_signal(ntfn), BT_E_CAP);
    KT_ST(bt_poll(ntfn, &bits), BT_E_CAP);
    KT_ST(bt_cap_delete(kt_env.cnode, ntfn), BT_E_CAP);
    KT_ST(bt_cap_revoke(kt_env.cnode, ntfn), BT_E_CAP);
}

static void deleting_one_copy_leaves_the_object_to_the_others(struct kt *kt)
{
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t copy = ntfn != 0 ? kt_copy(kt, ntfn, BT_RIGHTS_ALL) : 0;
    KT_TRY(copy != 0);
    KT_OK(bt_cap_delete(kt_env.cnode, ntfn));
    KT_OK(bt_signal(copy));
    uint64_t bits = 0;
    KT_OK(bt_poll(copy, &bits));
    KT_EQ(bits, 1);
}

static void deleting_a_capability_moves_its_children_up(struct kt *kt)
{
    bt_cptr_t a = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t b = a != 0 ? kt_copy(kt, a, BT_RIGHTS_ALL) : 0;
    bt_cptr_t c = b != 0 ? kt_copy(kt, b, BT_RIGHTS_ALL) : 0;
    bt_cptr_t d = c != 0 ? kt_copy(kt, a, BT_RIGHTS_ALL) : 0; /* b's younger sibling */
    KT_TRY(d != 0);
    KT_OK(bt_cap_delete(kt_env.cnode, b));
    KT_EQ(kt_type_of(c), BT_OBJ_ENDPOINT);
    /* c is now a child of a, a sibling of d: not d's. */
    KT_OK(bt_cap_revoke(kt_env.cnode, d));
    KT_EQ(kt_type_of(c), BT_OBJ_ENDPOINT);
    KT_OK(bt_cap_revoke(kt_env.cnode, a));
    KT_EQ(kt_type_of(c), BT_OBJ_NONE);
    KT_EQ(kt_type_of(d), BT_OBJ_NONE);
}

static void revoke_deletes_every_descendant_but_not_the_capability(struct kt *kt)
{
    bt_cptr_t a = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t b = a != 0 ? kt_copy(kt, a, BT_RIGHTS_ALL) : 0;
    bt_cptr_t c = b != 0 ? kt_mint(kt, b, BT_RIGHTS_ALL, 4) : 0;
    bt_cptr_t d = c != 0 ? kt_copy(kt, c, BT_RIGHT_WRITE) : 0;
    bt_cptr_t e = d != 0 ? kt_copy(kt, a, BT_RIGHT_READ) : 0;
    KT_TRY(e != 0);
    KT_OK(bt_cap_revoke(kt_env.cnode, a));
    const bt_cptr_t gone[] = {b, c, d, e};
    for (unsigned i = 0; i < 4; i++) {
        KT_ASSERT(kt_type_of(gone[i]) == BT_OBJ_NONE,
                  "descendant %u (slot %lu) survived the revoke of its ancestor", i, gone[i]);
    }
    KT_OK(bt_signal(a));
}

static void revoke_of_a_middle_capability_spares_its_siblings(struct kt *kt)
{
    bt_cptr_t a = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t b = a != 0 ? kt_copy(kt, a, BT_RIGHTS_ALL) : 0;
    bt_cptr_t c = b != 0 ? kt_copy(kt, b, BT_RIGHTS_ALL) : 0;
    bt_cptr_t d = c != 0 ? kt_copy(kt, a, BT_RIGHTS_ALL) : 0;
    KT_TRY(d != 0);
    KT_OK(bt_cap_revoke(kt_env.cnode, b));
    KT_EQ(kt_type_of(c), BT_OBJ_NONE);
    KT_EQ(kt_type_of(b), BT_OBJ_ENDPOINT);
    KT_EQ(kt_type_of(d), BT_OBJ_ENDPOINT);
}

static void identify_of_slot_zero_empty_or_outside_fails_with_cap(struct kt *kt)
{
    struct bt_cap_info info;
    bt_cptr_t empty = kt_slot(kt);
    KT_TRY(empty != 0);
    KT_ST(bt_cap_identify(0, &info), BT_E_CAP);
    KT_ST(bt_cap_identify(empty, &info), BT_E_CAP);
    KT_ST(bt_cap_identify(kt_env.slot_end, &info), BT_E_CAP);
    KT_ST(bt_cap_identify(1UL << 40, &info), BT_E_CAP);
    KT_ST(bt_cap_identify(~0UL, &info), BT_E_CAP);
}

static void copy_of_a_mapped_frame_is_unmapped(struct kt *kt)
{
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(frame != 0);
    void *p = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    bt_cptr_t copy = p != NULL ? kt_copy(kt, frame, BT_RIGHTS_ALL) : 0;
    KT_TRY(copy != 0);
    struct bt_cap_info fi, ci;
    KT_OK(bt_cap_identify(frame, &fi));
    KT_OK(bt_cap_identify(copy, &ci));
    KT_EQ(fi.extra, (uint64_t)p);
    KT_EQ(ci.extra, 0);
    KT_EQ(ci.paddr, fi.paddr);
}

static void capabilities_can_be_placed_in_another_cnode(struct kt *kt)
{
    bt_cptr_t cn = kt_obj(kt, BT_OBJ_CNODE, 4);
    bt_cptr_t ntfn = kt_obj(kt, BT_OBJ_NOTIFICATION, 0);
    bt_cptr_t back = kt_slot(kt);
    KT_TRY(cn != 0 && ntfn != 0 && back != 0);
    KT_OK(bt_cap_mint(cn, 5, kt_env.cnode, ntfn, BT_RIGHT_WRITE, 0x8));
    KT_ST(bt_cap_copy(cn, 5, kt_env.cnode, ntfn, BT_RIGHTS_ALL), BT_E_EXISTS);
    KT_ST(bt_cap_copy(cn, 16, kt_env.cnode, ntfn, BT_RIGHTS_ALL), BT_E_ARG);
    KT_OK(bt_cap_move(kt_env.cnode, back, cn, 5));
    KT_EQ(badge_of(back), 0x8);
    KT_ST(bt_cap_delete(cn, 5), BT_E_CAP);
}

/* Runs in a child task: reads the word at va and reports it to root (slot
 * 1 of its CNode) until the read faults. */
static void child_reader(uint64_t va)
{
    for (;;) {
        struct bt_msg m = {.tag = BT_TAG(1, 1, 0)};
        m.mr[0] = *(volatile uint64_t *)va;
        bt_call(1, &m);
    }
}

static void revoking_a_frame_removes_the_mappings_of_its_copies(struct kt *kt)
{
    const uint64_t va = 0x40000000;
    struct kt_task ct;
    KT_TRY(kt_task_make(kt, &ct, 4, true));
    bt_cptr_t ep = kt_obj(kt, BT_OBJ_ENDPOINT, 0);
    bt_cptr_t reply = kt_obj(kt, BT_OBJ_REPLY, 0);
    bt_cptr_t frame = kt_obj(kt, BT_OBJ_FRAME, 12);
    KT_TRY(ep != 0 && reply != 0 && frame != 0);
    volatile uint64_t *mine = kt_map_root(kt, frame, BT_RIGHT_READ | BT_RIGHT_WRITE);
    bt_cptr_t copy = mine != NULL ? kt_copy(kt, frame, BT_RIGHT_READ) : 0;
    KT_TRY(copy != 0 && kt_task_put(kt, &ct, 1, ep, BT_RIGHT_WRITE, 0));
    *mine = 0x5eed;
    KT_OK(kt_map(kt, ct.task, copy, va, BT_RIGHT_READ));
    KT_TRY(kt_task_thread(kt, &ct, child_reader, va, 100, 0, ep) != 0);
    struct bt_msg m;
    KT_OK(kt_recv_within(ep, reply, &m, 1000));
    KT_EQ(m.mr[0], 0x5eed);
    KT_OK(bt_cap_revoke(kt_env.cnode, frame));
    KT_EQ(kt_type_of(copy), BT_OBJ_NONE);
    struct bt_cap_info info;
    KT_OK(bt_cap_identify(frame, &info));
    KT_EQ(info.extra, (uint64_t)mine); /* the revoked capability's own mapping stays */
    KT_OK(bt_reply(reply, &m));
    KT_TRY(kt_expect_fault(kt, ep, reply, BT_FAULT_MEMORY, &m));
    KT_EQ(m.mr[0], va);
}

static void root_starts_with_the_documented_capabilities(struct kt *kt)
{
    static const struct {
        bt_cptr_t slot;
        uint64_t type;
    } want[] = {
        {1, BT_OBJ_CNODE},       {2, BT_OBJ_TASK},  {3, BT_OBJ_THREAD}, {4, BT_OBJ_FRAME},
        {5, BT_OBJ_IRQ_CONTROL}, {6, BT_OBJ_FRAME}, {7, BT_OBJ_SYSTEM},
    };
    const struct bt_bootinfo *bi = kt_env.bi;
    KT_EQ(bi->self_cnode, 1);
    KT_EQ(bi->self_task, 2);
    KT_EQ(bi->self_thread, 3);
    KT_EQ(bi->self_ipc_buffer, 4);
    KT_EQ(bi->irq_control, 5);
    KT_EQ(bi->system, 7);
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        KT_ASSERT(kt_type_of(want[i].slot) == want[i].type, "slot %lu: expected type %lu, got %lu",
                  want[i].slot, want[i].type, kt_type_of(want[i].slot));
    }
    struct bt_cap_info info;
    KT_OK(bt_cap_identify(1, &info));
    KT_EQ(info.size_bits, bi->cnode_size_bits);
    KT_OK(bt_cap_identify(4, &info));
    KT_EQ(info.extra, bi->ipc_buffer_vaddr);
    KT_EQ((uint64_t)bt_ipc_buffer(), bi->ipc_buffer_vaddr);
    KT_OK(bt_cap_identify(6, &info));
    KT_EQ(info.extra, BT_ROOT_BOOTINFO);
    KT_EQ((uint64_t)bi, BT_ROOT_BOOTINFO);
}

static void boot_info_lists_the_untyped_capabilities_as_they_are(struct kt *kt)
{
    const struct bt_bootinfo *bi = kt_env.bi;
    KT_ASSERT(bi->untyped_count > 0 && bi->untyped_count <= BT_BOOTINFO_MAX_UNTYPED,
              "the boot info lists %lu untyped regions", bi->untyped_count);
    KT_ASSERT(bi->first_free_slot > 7 && bi->first_free_slot < kt_env.slot_end,
              "first free slot %lu", bi->first_free_slot);
    KT_EQ(kt_type_of(bi->first_free_slot), BT_OBJ_NONE);
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        const struct bt_untyped_desc *d = &bi->untyped[i];
        struct bt_cap_info info;
        KT_OK(bt_cap_identify(d->cptr, &info));
        KT_ASSERT(info.type == BT_OBJ_UNTYPED && info.size_bits == d->size_bits &&
                      info.paddr == d->paddr,
                  "untyped %lu (slot %u): the boot info says %u bits at 0x%lx, the capability "
                  "type %lu, %lu bits at 0x%lx",
                  i, d->cptr, d->size_bits, d->paddr, info.type, info.size_bits, info.paddr);
        KT_ASSERT((d->paddr & ((1UL << d->size_bits) - 1)) == 0,
                  "untyped %lu at 0x%lx is not aligned to its size", i, d->paddr);
    }
}

static const struct kt_case cases[] = {
    KT_CASE(root_starts_with_the_documented_capabilities),
    KT_CASE(boot_info_lists_the_untyped_capabilities_as_they_are),
    KT_CASE(copy_with_fewer_rights_cannot_widen),
    KT_CASE(copy_of_an_empty_slot_fails_with_cap),
    KT_CASE(copy_into_an_occupied_slot_fails_with_exists),
    KT_CASE(slot_index_zero_or_past_the_cnode_fails_with_arg),
    KT_CASE(slot_operations_need_a_writable_cnode_capability),
    KT_CASE(mint_sets_the_badge_identify_reports),
    KT_CASE(mint_of_a_badged_capability_fails_with_busy),
    KT_CASE(mint_of_objects_other_than_endpoints_and_notifications_fails_with_type),
    KT_CASE(move_carries_the_capability_and_empties_the_source),
    KT_CASE(moved_capability_keeps_its_place_in_the_derivation_tree),
    KT_CASE(deleted_capability_is_gone_and_its_slot_reports_cap),
    KT_CASE(deleting_one_copy_leaves_the_object_to_the_others),
    KT_CASE(deleting_a_capability_moves_its_children_up),
    KT_CASE(revoke_deletes_every_descendant_but_not_the_capability),
    KT_CASE(revoke_of_a_middle_capability_spares_its_siblings),
    KT_CASE(identify_of_slot_zero_empty_or_outside_fails_with_cap),
    KT_CASE(copy_of_a_mapped_frame_is_unmapped),
    KT_CASE(capabilities_can_be_placed_in_another_cnode),
    KT_CASE(revoking_a_frame_removes_the_mappings_of_its_copies),
};

KT_SUITE(kt_suite_caps, cases);
