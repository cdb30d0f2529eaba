/*
 * The MMIO dispatch table: see mmio.h. A linear scan: a VM has a handful of
 * windows, and the most used one (the UART, the GIC) could be moved to the
 * front if it ever shows in a profile.
 */
#include <stddef.h>

#include "mmio.h"

void mmio_init(struct mmio_table *t)
{
    t->count = 0;
}

static bool overlaps(const struct mmio_region *r, uint64_t base, uint64_t size)
{
    return base < r->base + r->size && r->base < base + size;
}

bool mmio_register(struct mmio_table *t, uint64_t base, uint64_t size, mmio_handler handler,
                   void *dev, const char *name)
{
    if (size == 0 || base + size < base || handler == NULL || t->count == MMIO_MAX_REGIONS) {
        return false;
    }
    for (unsigned i = 0; i < t->count; i++) {
        if (overlaps(&t->region[i], base, size)) {
            return false;
        }
    }
    t->region[t->count++] = (struct mmio_region){
        .base = base, .size = size, .handler = handler, .dev = dev, .name = name};
    return true;
}

const struct mmio_region *mmio_find(const struct mmio_table *t, uint64_t addr, unsigned width)
{
    for (unsigned i = 0; i < t->count; i++) {
        const struct mmio_region *r = &t->region[i];
        if (addr >= r->base && addr - r->base < r->size) {
            /* The whole access must lie inside the window. */
            return width <= r->size - (addr - r->base) ? r : NULL;
        }
    }
    return NULL;
}

static uint64_t width_mask(unsigned width)
{
    return width == 8 ? ~0ull : (1ull << (width * 8)) - 1;
}

enum mmio_result mmio_dispatch(const struct mmio_table *t, uint64_t addr, unsigned width,
                               bool write, uint64_t *value, unsigned vcpu)
{
    if (width != 1 && width != 2 && width != 4 && width != 8) {
        return MMIO_BAD_WIDTH;
    }
    const struct mmio_region *r = mmio_find(t, addr, width);
    if (r == NULL) {
        return MMIO_UNCLAIMED;
    }
    struct mmio_access a = {
        .offset = addr - r->base,
        .width = width,
        .write = write,
        .value = write ? *value & width_mask(width) : 0,
        .vcpu = vcpu,
    };
    if (!r->handler(r->dev, &a)) {
        return MMIO_REFUSED;
    }
    if (!write) {
        *value = a.value & width_mask(width);
    }
    return MMIO_DONE;
}
