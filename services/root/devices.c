/*
 * Device memory and interrupts for components. Root makes the frames of a
 * granted device region and claims a granted interrupt once, and keeps
 * those capabilities for as long as it runs; components get copies, so a
 * crash or restart never loses a device.
 *
 * Frames at a given physical address come out of device untyped memory,
 * which hands out memory only in order from its start: to reach an address
 * in the middle, root splits the region in halves until the half that
 * starts at the page it wants is one page, keeping the other halves for
 * later requests.
 */
#include "abi/layout.h"
#include "lib/string.h"
#include "root.h"

#define DEVICE_PIECES 256

static struct {
    bt_cptr_t cptr;
    uint64_t paddr;
    uint8_t bits;
    bool split; /* made into halves (which are pieces of their own) */
    bool used;  /* made into a frame */
} pieces[DEVICE_PIECES];
static unsigned piece_count;
static bool pieces_loaded;

static void load_device_untyped(void)
{
    for (uint64_t i = 0; i < root_info->untyped_count && piece_count < DEVICE_PIECES; i++) {
        const struct bt_untyped_desc *d = &root_info->untyped[i];
        if (d->device) {
            pieces[piece_count].cptr = d->cptr;
            pieces[piece_count].paddr = d->paddr;
            pieces[piece_count].bits = d->size_bits;
            piece_count++;
        }
    }
    pieces_loaded = true;
}

/* The smallest unsplit, unused piece containing paddr, or -1. */
static int piece_for(uint64_t paddr)
{
    int best = -1;
    for (unsigned i = 0; i < piece_count; i++) {
        uint64_t size = 1UL << pieces[i].bits;
        if (!pieces[i].split && !pieces[i].used && paddr >= pieces[i].paddr &&
            paddr - pieces[i].paddr < size && (best < 0 || pieces[i].bits < pieces[best].bits)) {
            best = (int)i;
        }
    }
    return best;
}

static bool split(int p)
{
    if (piece_count + 2 > DEVICE_PIECES) {
        return false;
    }
    bt_cptr_t halves = bt_alloc_slot(&root_alloc);
    bt_cptr_t second = bt_alloc_slot(&root_alloc);
    if (halves == 0 || second != halves + 1) {
        return false; /* retype fills consecutive slots */
    }
    unsigned bits = pieces[p].bits - 1u;
    if (bt_untyped_retype(pieces[p].cptr, BT_OBJ_UNTYPED, bits, root_alloc.cnode, halves, 2) !=
        BT_OK) {
        return false;
    }
    pieces[p].split = true;
    for (unsigned h = 0; h < 2; h++) {
        pieces[piece_count].cptr = halves + h;
        pieces[piece_count].paddr = pieces[p].paddr + ((uint64_t)h << bits);
        pieces[piece_count].bits = (uint8_t)bits;
        pieces[piece_count].split = pieces[piece_count].used = false;
        piece_count++;
    }
    return true;
}

/* One 4 KiB device frame at paddr in a new root slot, or 0. */
static bt_cptr_t frame_at(uint64_t paddr)
{
    for (;;) {
        int p = piece_for(paddr);
        if (p < 0) {
            return 0; /* not device memory, or already given out */
        }
        if (pieces[p].bits == BT_FRAME_SMALL_BITS) {
            bt_cptr_t f = bt_alloc_slot(&root_alloc);
            if (f == 0 || bt_untyped_retype(pieces[p].cptr, BT_OBJ_FRAME, BT_FRAME_SMALL_BITS,
                                            root_alloc.cnode, f, 1) != BT_OK) {
                return 0;
            }
            pieces[p].used = true;
            return f;
        }
        if (!split(p)) {
            return 0;
        }
    }
}

bool device_frames(uint64_t paddr, uint64_t size, bt_cptr_t *frames)
{
    if (!pieces_loaded) {
        load_device_untyped();
    }
    if (size == 0 || size / BT_PAGE_SIZE > MAX_DEVICE_PAGES) {
        return false;
    }
    for (uint64_t i = 0; i < size / BT_PAGE_SIZE; i++) {
        frames[i] = frame_at(paddr + i * BT_PAGE_SIZE);
        if (frames[i] == 0) {
            return false;
        }
    }
    return true;
}

bt_cptr_t device_irq(uint32_t intid, uint16_t cpu)
{
    bt_cptr_t slot = bt_alloc_slot(&root_alloc);
    if (slot == 0 || bt_irq_control_get(root_info->irq_control, intid, root_alloc.cnode, slot,
                                        BT_IRQ_LEVEL, cpu) != BT_OK) {
        return 0;
    }
    return slot;
}
