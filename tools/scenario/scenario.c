/*
 * Memory and look-ups of the scenario model. Every array of the model is one
 * block on a list hanging off the scenario, so freeing the model is one walk
 * and parse errors half-way through leak nothing.
 */
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

struct scenario_block {
    struct scenario_block *next;
    max_align_t data[];
};

void *scenario_alloc(struct scenario *s, size_t count, size_t size)
{
    if (count != 0 && size > (SIZE_MAX - sizeof(struct scenario_block)) / count) {
        return NULL;
    }
    struct scenario_block *b = calloc(1, sizeof(*b) + count * size);
    if (b == NULL) {
        return NULL;
    }
    b->next = s->blocks;
    s->blocks = b;
    return b->data;
}

void scenario_free(struct scenario *s)
{
    if (s == NULL) {
        return;
    }
    while (s->blocks != NULL) {
        struct scenario_block *next = s->blocks->next;
        free(s->blocks);
        s->blocks = next;
    }
    free(s);
}

const struct component *scenario_find_component(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->component_count; i++) {
        if (strcmp(s->components[i].name, name) == 0) {
            return &s->components[i];
        }
    }
    return NULL;
}

const struct vm *scenario_find_vm(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->vm_count; i++) {
        if (strcmp(s->vms[i].name, name) == 0) {
            return &s->vms[i];
        }
    }
    return NULL;
}
