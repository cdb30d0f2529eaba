/*
 * ELF loading into another task: see load.h.
 */
#include "elf/load.h"
#include "abi/layout.h"
#include "lib/format.h"
#include "lib/string.h"

static bool load_page(const uint8_t *file, const struct elf_segment *seg, uint64_t va,
                      const struct elf_load_ops *ops, char *why, size_t why_size)
{
    bt_cptr_t frame = ops->new_frame(ops->ctx);
    if (frame == 0) {
        format_buf(why, why_size, "out of memory loading the program");
        return false;
    }
    if (bt_task_map(ops->self_task, frame, ops->window, BT_RIGHT_READ | BT_RIGHT_WRITE,
                    BT_MAP_CACHED, NULL) != BT_OK) {
        format_buf(why, why_size, "cannot map a page to fill it");
        return false;
    }
    uint8_t *page = (uint8_t *)ops->window;
    uint64_t from = MAX(va, seg->vaddr), to = MIN(va + BT_PAGE_SIZE, seg->vaddr + seg->filesz);
    if (from < to) {
        memcpy(page + (from - va), file + seg->offset + (from - seg->vaddr), to - from);
    }
    bt_task_unmap(frame);
    unsigned rights = BT_RIGHT_READ | (seg->flags & ELF_SEG_W ? BT_RIGHT_WRITE : 0) |
                      (seg->flags & ELF_SEG_X ? BT_RIGHT_EXEC : 0);
    enum bt_status st = ops->map_target(ops->ctx, frame, va, rights);
    if (st != BT_OK) {
        format_buf(why, why_size, "cannot map the program at 0x%lx (error %d)", va, st);
        return false;
    }
    ops->done_frame(ops->ctx, frame);
    return true;
}

bool elf_load(const void *file, size_t size, const struct elf_load_ops *ops, uint64_t *entry,
              char *why, size_t why_size)
{
    struct elf_image img;
    if (!elf_check(file, size, BT_USER_VA_MIN, BT_USER_IMAGE_END, &img, why, why_size)) {
        return false;
    }
    for (uint32_t i = 0; i < img.segment_count; i++) {
        const struct elf_segment *seg = &img.segments[i];
        uint64_t lo = ALIGN_DOWN(seg->vaddr, BT_PAGE_SIZE);
        uint64_t hi = ALIGN_UP(seg->vaddr + seg->memsz, BT_PAGE_SIZE);
        for (uint64_t va = lo; va < hi; va += BT_PAGE_SIZE) {
            if (!load_page(file, seg, va, ops, why, why_size)) {
                return false;
            }
        }
    }
    *entry = img.entry;
    return true;
}
