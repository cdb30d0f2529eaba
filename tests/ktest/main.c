/*
 * ktest runner: finds root's resources in the boot info, runs every case of
 * every suite with fresh memory, prints one line per case and a summary,
 * then powers the machine off. See ktest.h for the framework and
 * tests/system/test_ktest.py for how the system test reads the output.
 *
 * Isolation: a case's objects are all made of one untyped that is itself
 * made of kt_env.pool, and every capability it makes lies in the slot
 * window. Afterwards the runner suspends the case's threads, revokes the
 * pool (destroying everything made of it and resetting it) and deletes
 * whatever the window still holds (copies of root's own capabilities, IRQ
 * capabilities, device frames). A revoke that leaves anything behind fails
 * the case.
 */
#include "c/print.h"
#include "ktest.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/string.h"

extern const struct kt_suite kt_suite_untyped, kt_suite_caps, kt_suite_ipc, kt_suite_ipc_caps,
    kt_suite_ipc_reply, kt_suite_notification, kt_suite_memory, kt_suite_faults, kt_suite_sched,
    kt_suite_smp, kt_suite_fp, kt_suite_irq, kt_suite_exhaustion, kt_suite_syscalls;

/* In the order they run: the basic objects first, so that when those are
 * broken the first failures point at them; the system call suite last (its
 * last case could power the machine off if the kernel is wrong). */
static const struct kt_suite *const suites[] = {
    &kt_suite_untyped,    &kt_suite_caps,         &kt_suite_ipc,    &kt_suite_ipc_caps,
    &kt_suite_ipc_reply,  &kt_suite_notification, &kt_suite_memory, &kt_suite_faults,
    &kt_suite_sched,      &kt_suite_smp,          &kt_suite_fp,     &kt_suite_irq,
    &kt_suite_exhaustion, &kt_suite_syscalls,
};

/* Slots right after the boot-time ones stay free for the runner itself. */
#define RUNNER_SLOTS 16

static struct kt current;

/* The largest RAM untyped: each case's memory is carved from it. */
static bool find_pool(const struct bt_bootinfo *bi)
{
    unsigned best = 0;
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        const struct bt_untyped_desc *d = &bi->untyped[i];
        if (!d->device && d->size_bits > best) {
            best = d->size_bits;
            kt_env.pool = d->cptr;
        }
    }
    return best > KT_CASE_UT_BITS;
}

/* Root's frame capability mapped at vaddr (program pages are among the
 * boot-time slots). */
static bt_cptr_t frame_mapped_at(uint64_t vaddr)
{
    for (bt_cptr_t s = 8; s < kt_env.bi->first_free_slot; s++) {
        struct bt_cap_info info;
        if (bt_cap_identify(s, &info) == BT_OK && info.type == BT_OBJ_FRAME &&
            info.extra == vaddr) {
            return s;
        }
    }
    return 0;
}

static bool add_segment(const struct elf_segment *seg)
{
    unsigned rights = BT_RIGHT_READ | ((seg->flags & ELF_SEG_X) ? BT_RIGHT_EXEC : 0);
    uint64_t lo = seg->vaddr & ~(BT_PAGE_SIZE - 1);
    for (uint64_t va = lo; va < seg->vaddr + seg->memsz; va += BT_PAGE_SIZE) {
        bt_cptr_t frame = frame_mapped_at(va);
        if (frame == 0 || kt_env.program_count == KT_MAX_PROGRAM_PAGES) {
            return false;
        }
        kt_env.program[kt_env.program_count].vaddr = va;
        kt_env.program[kt_env.program_count].frame = frame;
        kt_env.program[kt_env.program_count].rights = rights;
        kt_env.program_count++;
    }
    return true;
}

/* The suite's own text and read-only data, found through its ELF file in
 * the boot archive (archived as "root"). */
static bool find_program(const struct bt_bootinfo *bi)
{
    struct cpio_entry e;
    if (cpio_find((const void *)bi->archive_vaddr, bi->archive_size, "root", &e) != CPIO_OK) {
        return false;
    }
    struct elf_image img;
    char why[96];
    if (!elf_check(e.data, e.size, BT_USER_VA_MIN, BT_USER_IMAGE_END, &img, why, sizeof(why))) {
        bt_printf("ktest: own program: %s\n", why);
        return false;
    }
    for (uint32_t i = 0; i < img.segment_count; i++) {
        if ((img.segments[i].flags & ELF_SEG_W) == 0 && !add_segment(&img.segments[i])) {
            return false;
        }
    }
    return true;
}

static const char *env_init(const struct bt_bootinfo *bi)
{
    if (bi->magic != BT_BOOTINFO_MAGIC) {
        return "boot info has no magic";
    }
    kt_env.bi = bi;
    kt_env.cnode = bi->self_cnode;
    kt_env.task = bi->self_task;
    kt_env.thread = bi->self_thread;
    kt_env.cpus = (unsigned)bi->cpu_count;
    kt_env.ticks_per_ms = bi->timer_frequency / 1000;
    kt_env.slot_first = bi->first_free_slot + RUNNER_SLOTS;
    kt_env.slot_end = 1UL << bi->cnode_size_bits;
    if (kt_env.ticks_per_ms == 0) {
        return "timer frequency below 1 kHz";
    }
    if (!find_pool(bi)) {
        return "no RAM untyped larger than 16 MiB";
    }
    if (!find_program(bi)) {
        return "cannot find the suite's own program pages";
    }
    return NULL;
}

static bool setup(struct kt *kt, const struct kt_case *c)
{
    memset(kt, 0, sizeof(*kt));
    kt->name = c->name;
    kt->slot_next = kt_env.slot_first;
    kt->va_next = KT_ROOT_WINDOW;
    bt_cptr_t ut = kt_slot(kt);
    enum bt_status st =
        bt_untyped_retype(kt_env.pool, BT_OBJ_UNTYPED, KT_CASE_UT_BITS, kt_env.cnode, ut, 1);
    if (st != BT_OK) {
        kt_fail(kt, "setup: retype of the case's untyped: %s", kt_status_name(st));
        return false;
    }
    kt->ut = ut;
    return true;
}

/* Undoes whatever the case made; a failure here fails the case. */
static void teardown(struct kt *kt)
{
    for (unsigned i = 0; i < kt->thread_count; i++) {
        bt_thread_suspend(kt->threads[i]);
    }
    bt_thread_set_sched(kt_env.thread, KT_ROOT_PRIO, 0, BT_PRIORITY_MAX);
    enum bt_status st = bt_cap_revoke(kt_env.cnode, kt_env.pool);
    if (st != BT_OK) {
        kt_fail(kt, "cleanup: revoking the memory pool: %s", kt_status_name(st));
    }
    for (uint64_t s = kt_env.slot_first; s < kt->slot_next; s++) {
        bt_cap_delete(kt_env.cnode, s);
    }
    struct bt_cap_info info;
    if (bt_cap_identify(kt_env.pool, &info) != BT_OK || info.extra != 0) {
        kt_fail(kt, "cleanup: the revoked pool still has 0x%lx bytes in use", info.extra);
    }
    for (uint64_t s = kt_env.slot_first; s < kt->slot_next; s++) {
        if (kt_type_of(s) != BT_OBJ_NONE) {
            kt_fail(kt, "cleanup: slot %lu still holds a type %lu capability", s, kt_type_of(s));
            break;
        }
    }
}

/* Runs one case; returns whether it passed. */
static bool run_case(const struct kt_case *c)
{
    struct kt *kt = &current;
    if (kt_env.cpus < c->min_cpus) {
        bt_printf("ktest: %s ok (skipped: needs %u CPUs)\n", c->name, c->min_cpus);
        return true;
    }
    if (setup(kt, c)) {
        c->fn(kt);
    }
    teardown(kt);
    if (kt->failed) {
        bt_printf("ktest: %s FAILED: %s\n", c->name, kt->reason);
        return false;
    }
    bt_printf("ktest: %s ok\n", c->name);
    return true;
}

int main(uint64_t arg)
{
    const struct bt_bootinfo *bi = (const struct bt_bootinfo *)arg;
    const char *why = env_init(bi);
    if (why != NULL) {
        bt_printf("ktest: cannot start: %s\n", why);
        bt_system_power(bi->system, BT_POWER_OFF);
        return 1;
    }
    bt_printf("ktest: %u CPUs, pool untyped %lu, %lu slots for cases\n", kt_env.cpus, kt_env.pool,
              kt_env.slot_end - kt_env.slot_first);
    bt_thread_set_sched(kt_env.thread, KT_ROOT_PRIO, 0, BT_PRIORITY_MAX);
    unsigned passed = 0, failed = 0;
    uint64_t start = kt_now();
    for (unsigned s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        for (unsigned i = 0; i < suites[s]->count; i++) {
            if (run_case(&suites[s]->cases[i])) {
                passed++;
            } else {
                failed++;
            }
        }
    }
    bt_printf("ktest: ran %u cases in %lu ms\n", passed + failed,
              (kt_now() - start) / kt_env.ticks_per_ms);
    bt_printf("ktest: %u passed, %u failed\n", passed, failed);
    bt_system_power(bi->system, BT_POWER_OFF);
    return 0;
}
