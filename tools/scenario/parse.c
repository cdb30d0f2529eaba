/*
 * Reads a compiled scenario into the model, node by node. Each node's
 * properties go through prop_check_node() first (unknown, missing, wrong
 * shape), then its values are read and checked on their own: ranges, names,
 * alignment. Whatever spans several nodes is check.c's job.
 *
 * Every problem is reported, in tree order; the model is returned only when
 * there was none, so check.c never sees a half-read node. This file holds
 * the root, /machine and the helpers all nodes use; components and VMs are
 * in parse_component.c and parse_vm.c.
 */
#include "parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#define NAME_RULE "1..23 letters, digits, \"-\" or \"_\", starting with a letter"
#define FILE_RULE "1..63 letters, digits, \".\", \"-\", \"_\" or \"+\", not starting with \".\""
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

bool parse_is_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= SCENARIO_NAME_MAX && strchr(LETTERS, s[0]) != NULL &&
           strspn(s, LETTERS DIGITS "-_") == n;
}

static bool parse_is_file_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= SCENARIO_FILE_NAME_MAX && s[0] != '.' &&
           strspn(s, LETTERS DIGITS ".-_+") == n;
}

const char *parse_node_name(struct parse *p, int node)
{
    const char *name = fdt_get_name(p->fdt, node, NULL);
    if (!parse_is_name(name)) {
        diag_node(p->d, p->fdt, node, "node name \"%s\": expected " NAME_RULE, name);
    }
    return name;
}

const char *parse_name_prop(struct parse *p, int node, const char *prop, const char *dflt)
{
    const char *value = prop_string(p->fdt, node, prop, dflt);
    if (value != NULL && !parse_is_name(value)) {
        diag_prop(p->d, p->fdt, node, prop, "expected a name (" NAME_RULE "), got \"%s\"", value);
    }
    return value;
}

const char *parse_file_prop(struct parse *p, int node, const char *prop)
{
    const char *value = prop_string(p->fdt, node, prop, NULL);
    if (value != NULL && !parse_is_file_name(value)) {
        diag_prop(p->d, p->fdt, node, prop, "expected a file name (" FILE_RULE "), got \"%s\"",
                  value);
    }
    return value;
}

void parse_no_children(struct parse *p, int node, const char *what)
{
    int child;
    fdt_for_each_subnode(child, p->fdt, node)
    {
        diag_node(p->d, p->fdt, child, "unknown node (%s has no sub-nodes)", what);
    }
}

size_t parse_count_children(const void *fdt, int node)
{
    size_t count = 0;
    int child;
    fdt_for_each_subnode(child, fdt, node)
    {
        count++;
    }
    return count;
}

void *parse_alloc(struct parse *p, size_t count, size_t size)
{
    void *mem = scenario_alloc(p->s, count == 0 ? 1 : count, size);
    if (mem == NULL && !p->out_of_memory) {
        diag_file(p->d, "out of memory");
        p->out_of_memory = true;
    }
    return mem;
}

uint64_t parse_size(struct parse *p, int node, const char *prop, uint64_t dflt)
{
    char text[DIAG_SIZE_MAX];
    uint64_t size = prop_u64(p->fdt, node, prop, dflt);
    if (size == 0 || size % SCENARIO_PAGE != 0) {
        diag_prop(p->d, p->fdt, node, prop,
                  "expected a non-zero multiple of 4 KiB, got 0x%" PRIx64 " (%s)", size,
                  diag_size(size, text, sizeof(text)));
    }
    return size;
}

uint64_t parse_ring_size(struct parse *p, int node)
{
    uint64_t size = parse_size(p, node, "size", SCENARIO_DEFAULT_RING_SIZE);
    if (size > SCENARIO_MAX_RING_SIZE) {
        diag_prop(p->d, p->fdt, node, "size", "a ring has at most 2 MiB, got 0x%" PRIx64, size);
    }
    return size;
}

bool parse_start(struct parse *p, int node)
{
    const char *start = prop_string(p->fdt, node, "start", "boot");
    if (strcmp(start, "manual") != 0 && strcmp(start, "boot") != 0) {
        diag_prop(p->d, p->fdt, node, "start", "expected \"boot\" or \"manual\", got \"%s\"",
                  start);
    }
    return strcmp(start, "manual") != 0;
}

uint32_t *parse_cpus(struct parse *p, int node, size_t *count)
{
    /* Whether each CPU exists depends on the machine: check.c's part. */
    size_t n = prop_count(p->fdt, node, "cpus", PROP_U32_LIST);
    uint32_t *cpus = parse_alloc(p, n, sizeof(*cpus));
    *count = n == 0 ? 1 : n;
    for (size_t i = 0; cpus != NULL && i < n; i++) {
        cpus[i] = prop_u32_at(p->fdt, node, "cpus", i);
        for (size_t j = 0; j < i; j++) {
            if (cpus[j] == cpus[i]) {
                diag_prop(p->d, p->fdt, node, "cpus", "CPU %u is listed twice", cpus[i]);
            }
        }
    }
    return cpus;
}

const char **parse_names(struct parse *p, int node, const char *prop, const char *what,
                         size_t *count)
{
    *count = prop_count(p->fdt, node, prop, PROP_STRINGS);
    const char **names = parse_alloc(p, *count, sizeof(*names));
    for (size_t i = 0; names != NULL && i < *count; i++) {
        names[i] = prop_string_at(p->fdt, node, prop, i);
        if (!parse_is_name(names[i])) {
            diag_prop(p->d, p->fdt, node, prop, "expected %s names (" NAME_RULE "), got \"%s\"",
                      what, names[i]);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(names[j], names[i]) == 0) {
                diag_prop(p->d, p->fdt, node, prop, "%s \"%s\" is listed twice", what, names[i]);
            }
        }
    }
    return names;
}

const char **parse_services(struct parse *p, int node, const char *prop, size_t *count)
{
    return parse_names(p, node, prop, "service", count);
}

static void parse_machine(struct parse *p, int node)
{
    static const struct prop_rule rules[] = {
        {"memory", PROP_U64, false},
        {"cpus", PROP_U32, false},
    };
    p->s->machine_node = node;
    parse_no_children(p, node, "/machine");
    if (!prop_check_node(p->d, p->fdt, node, rules, PARSE_COUNT(rules))) {
        return;
    }
    if (prop_bool(p->fdt, node, "memory")) {
        p->s->machine_memory = parse_size(p, node, "memory", 0);
    }
    if (prop_bool(p->fdt, node, "cpus")) {
        prop_u32_in(p->d, p->fdt, node, "cpus", 0, 1, 256, &p->s->machine_cpus);
    }
}

static void parse_root(struct parse *p)
{
    static const struct prop_rule rules[] = {
        {"compatible", PROP_STRING, true},
        {"model", PROP_STRING, false},
        {"root", PROP_STRING, false},
    };
    if (fdt_num_mem_rsv(p->fdt) != 0) {
        diag_file(p->d, "/memreserve/ has no meaning in a scenario");
    }
    if (prop_check_node(p->d, p->fdt, 0, rules, PARSE_COUNT(rules))) {
        const char *compatible = prop_string(p->fdt, 0, "compatible", "");
        if (strcmp(compatible, "bastei,system") != 0) {
            diag_prop(p->d, p->fdt, 0, "compatible", "expected \"bastei,system\", got \"%s\"",
                      compatible);
        }
        if (prop_bool(p->fdt, 0, "root")) {
            p->s->root_program = parse_name_prop(p, 0, "root", NULL);
        }
    }
    int child;
    fdt_for_each_subnode(child, p->fdt, 0)
    {
        const char *name = fdt_get_name(p->fdt, child, NULL);
        if (strcmp(name, "machine") == 0) {
            parse_machine(p, child);
        } else if (strcmp(name, "components") == 0) {
            parse_components(p, child);
        } else if (strcmp(name, "vms") == 0) {
            parse_vms(p, child);
        } else {
            diag_node(p->d, p->fdt, child, "unknown node (expected machine, components or vms)");
        }
    }
}

struct scenario *parse_scenario(const void *fdt, struct diag *d)
{
    struct parse p = {calloc(1, sizeof(struct scenario)), d, fdt, false};
    if (p.s == NULL) {
        diag_file(d, "out of memory");
        return NULL;
    }
    p.s->fdt = fdt;
    p.s->machine_node = -1;
    unsigned before = d->errors;
    parse_root(&p);
    if (d->errors != before) {
        scenario_free(p.s);
        return NULL;
    }
    return p.s;
}
