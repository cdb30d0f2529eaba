/*
 * Checks that no two device grants overlap: no physical address range is
 * granted twice (to two components, or twice to one), and no IRQ is. Grants
 * are flattened into one list in tree order, and each is compared with the
 * ones before it, so the message stands at the later grant and names the
 * earlier one.
 */
#include "check.h"

#include <inttypes.h>
#include <stdlib.h>

struct check_grant {
    const struct device *dev;
    size_t index; /* into dev->regions or dev->irqs */
};

static size_t check_collect(const struct scenario *s, struct check_grant *out, bool irqs)
{
    size_t n = 0;
    for (size_t i = 0; i < s->component_count; i++) {
        const struct component *comp = &s->components[i];
        for (size_t j = 0; j < comp->device_count; j++) {
            const struct device *dev = &comp->devices[j];
            size_t count = irqs ? dev->irq_count : dev->region_count;
            for (size_t k = 0; k < count; k++) {
                if (out != NULL) {
                    out[n] = (struct check_grant){dev, k};
                }
                n++;
            }
        }
    }
    return n;
}

static bool check_overlap(const struct region *a, const struct region *b)
{
    /* parse.c made sure base + size does not wrap. */
    return a->base < b->base + b->size && b->base < a->base + a->size;
}

static void check_regions(struct check *c, const struct check_grant *g, size_t count)
{
    char path[DIAG_PATH_MAX];
    for (size_t i = 0; i < count; i++) {
        const struct region *r = &g[i].dev->regions[g[i].index];
        for (size_t j = 0; j < i; j++) {
            const struct region *o = &g[j].dev->regions[g[j].index];
            if (check_overlap(r, o)) {
                diag_prop(c->d, c->s->fdt, g[i].dev->node, "reg",
                          "region <0x%" PRIx64 ", size 0x%" PRIx64 "> overlaps <0x%" PRIx64
                          ", size 0x%" PRIx64 "> of %s",
                          r->base, r->size, o->base, o->size,
                          diag_path(c->s->fdt, g[j].dev->node, path, sizeof(path)));
                break;
            }
        }
    }
}

static void check_irqs(struct check *c, const struct check_grant *g, size_t count)
{
    char path[DIAG_PATH_MAX];
    for (size_t i = 0; i < count; i++) {
        uint32_t irq = g[i].dev->irqs[g[i].index];
        for (size_t j = 0; j < i; j++) {
            if (g[j].dev->irqs[g[j].index] == irq) {
                diag_prop(c->d, c->s->fdt, g[i].dev->node, "irqs",
                          "IRQ %u is granted twice: also to %s", irq,
                          diag_path(c->s->fdt, g[j].dev->node, path, sizeof(path)));
                break;
            }
        }
    }
}

void check_grants(struct check *c)
{
    for (int irqs = 0; irqs <= 1; irqs++) {
        size_t count = check_collect(c->s, NULL, irqs);
        struct check_grant *g = calloc(count ? count : 1, sizeof(*g));
        if (g == NULL) {
            diag_file(c->d, "out of memory");
            return;
        }
        check_collect(c->s, g, irqs);
        if (irqs) {
            check_irqs(c, g, count);
        } else {
            check_regions(c, g, count);
        }
        free(g);
    }
}
