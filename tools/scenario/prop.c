/*
 * Typed properties of a scenario node (see prop.h). The shape checks here are
 * the only place that decides what a value of each kind looks like, and the
 * only place that words "expected ..., got ..." messages about shape.
 */
#include "prop.h"

#include <string.h>

#include <libfdt.h>

/* The number of NUL-terminated strings data holds, or -1 when it is not a
 * list of strings (no final NUL, or a control character). *empty tells
 * whether any string is empty. */
static int prop_string_count(const char *data, int len, bool *empty)
{
    int count = 0, start = 0;
    *empty = false;
    if (len == 0 || data[len - 1] != '\0') {
        return -1;
    }
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\0') {
            *empty |= i == start;
            count++;
            start = i + 1;
        } else if (c < 0x20 || c == 0x7f) {
            return -1;
        }
    }
    return count;
}

/* Describes a value for "got ...": what it looks like as strings or cells. */
static const char *prop_describe(const char *data, int len, char *buf, size_t size)
{
    bool empty;
    int strings = prop_string_count(data, len, &empty);
    if (len == 0) {
        snprintf(buf, size, "an empty property");
    } else if (strings == 1 && !empty) {
        snprintf(buf, size, "the string \"%.40s%s\"", data, strlen(data) > 40 ? "..." : "");
    } else if (strings > 1 && !empty) {
        snprintf(buf, size, "%d strings", strings);
    } else if (len == 4) {
        snprintf(buf, size, "one cell <0x%x>", fdt32_ld((const fdt32_t *)data));
    } else if (len % 4 == 0) {
        snprintf(buf, size, "%d cells", len / 4);
    } else {
        snprintf(buf, size, "%d bytes", len);
    }
    return buf;
}

static const char *prop_expected(enum prop_kind kind)
{
    switch (kind) {
    case PROP_STRING:
        return "a string";
    case PROP_STRINGS:
        return "one or more non-empty strings";
    case PROP_U32:
        return "one 32-bit cell";
    case PROP_U32_LIST:
        return "one or more 32-bit cells";
    case PROP_U64:
        return "a 64-bit value as two 32-bit cells <high low>";
    case PROP_REGIONS:
        return "one or more regions of four cells <address-high address-low size-high size-low>";
    case PROP_BOOL:
        return "no value (a boolean is true when present)";
    }
    return "?";
}

static bool prop_shape_ok(enum prop_kind kind, const char *data, int len)
{
    bool empty;
    int strings = prop_string_count(data, len, &empty);
    switch (kind) {
    case PROP_STRING:
        return strings == 1;
    case PROP_STRINGS:
        return strings >= 1 && !empty;
    case PROP_U32:
        return len == 4;
    case PROP_U32_LIST:
        return len > 0 && len % 4 == 0;
    case PROP_U64:
        return len == 8;
    case PROP_REGIONS:
        return len > 0 && len % 16 == 0;
    case PROP_BOOL:
        return len == 0;
    }
    return false;
}

static const struct prop_rule *prop_find_rule(const struct prop_rule *rules, size_t count,
                                              const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(rules[i].name, name) == 0) {
            return &rules[i];
        }
    }
    return NULL;
}

static void prop_report_unknown(struct diag *d, const void *fdt, int node, const char *name,
                                const struct prop_rule *rules, size_t count)
{
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof(list); i++) {
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 rules[i].name);
    }
    if (count == 0) {
        diag_prop(d, fdt, node, name, "unknown property (this node takes none)");
    } else {
        diag_prop(d, fdt, node, name, "unknown property (expected one of: %s)", list);
    }
}

static void prop_report_shape(struct diag *d, const void *fdt, int node, const char *name,
                              enum prop_kind kind, const char *data, int len)
{
    char got[96];
    prop_describe(data, len, got, sizeof(got));
    /* A phandle (<&label>) where a name belongs is the likely mistake. */
    const char *hint = (kind == PROP_STRING || kind == PROP_STRINGS) && len == 4
                           ? "; refer to other nodes by name, in quotes"
                           : "";
    diag_prop(d, fdt, node, name, "expected %s, got %s%s", prop_expected(kind), got, hint);
}

bool prop_check_node(struct diag *d, const void *fdt, int node, const struct prop_rule *rules,
                     size_t count)
{
    unsigned before = d->errors;
    int off;
    fdt_for_each_property_offset(off, fdt, node)
    {
        const char *name;
        int len;
        const char *data = fdt_getprop_by_offset(fdt, off, &name, &len);
        /* dtc adds phandles to nodes that a label reference points at. */
        if (data == NULL || strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0) {
            continue;
        }
        const struct prop_rule *rule = prop_find_rule(rules, count, name);
        if (rule == NULL) {
            prop_report_unknown(d, fdt, node, name, rules, count);
        } else if (!prop_shape_ok(rule->kind, data, len)) {
            prop_report_shape(d, fdt, node, name, rule->kind, data, len);
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (rules[i].required && fdt_getprop(fdt, node, rules[i].name, NULL) == NULL) {
            diag_prop(d, fdt, node, rules[i].name, "required, but missing");
        }
    }
    return d->errors == before;
}

const char *prop_string(const void *fdt, int node, const char *name, const char *dflt)
{
    const char *s = fdt_getprop(fdt, node, name, NULL);
    return s != NULL ? s : dflt;
}

uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
    const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);
    return p != NULL ? fdt32_ld(p) : dflt;
}

uint64_t prop_u64(const void *fdt, int node, const char *name, uint64_t dflt)
{
    const fdt64_t *p = fdt_getprop(fdt, node, name, NULL);
    return p != NULL ? fdt64_ld(p) : dflt;
}

bool prop_bool(const void *fdt, int node, const char *name)
{
    return fdt_getprop(fdt, node, name, NULL) != NULL;
}

size_t prop_count(const void *fdt, int node, const char *name, enum prop_kind kind)
{
    int len;
    if (fdt_getprop(fdt, node, name, &len) == NULL) {
        return 0;
    }
    switch (kind) {
    case PROP_STRINGS: {
        int n = fdt_stringlist_count(fdt, node, name);
        return n > 0 ? (size_t)n : 0;
    }
    case PROP_U32_LIST:
        return (size_t)len / 4;
    case PROP_REGIONS:
        return (size_t)len / 16;
    default:
        return 1;
    }
}

const char *prop_string_at(const void *fdt, int node, const char *name, size_t i)
{
    return fdt_stringlist_get(fdt, node, name, (int)i, NULL);
}

uint32_t prop_u32_at(const void *fdt, int node, const char *name, size_t i)
{
    const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);
    return fdt32_ld(p + i);
}

void prop_region_at(const void *fdt, int node, const char *name, size_t i, uint64_t *base,
                    uint64_t *size)
{
    const fdt64_t *p = fdt_getprop(fdt, node, name, NULL);
    *base = fdt64_ld(p + 2 * i);
    *size = fdt64_ld(p + 2 * i + 1);
}

bool prop_u32_in(struct diag *d, const void *fdt, int node, const char *name, uint32_t dflt,
                 uint32_t lo, uint32_t hi, uint32_t *out)
{
    int len;
    const char *data = fdt_getprop(fdt, node, name, &len);
    *out = prop_u32(fdt, node, name, dflt);
    if (*out >= lo && *out <= hi) {
        return true;
    }
    /* Four bytes of text also make one cell: "abc" reads as 0x61626300. */
    bool empty;
    char got[96];
    if (data != NULL && prop_string_count(data, len, &empty) == 1 && !empty) {
        prop_describe(data, len, got, sizeof(got));
    } else {
        snprintf(got, sizeof(got), "%u", *out);
    }
    diag_prop(d, fdt, node, name, "expected one 32-bit cell in %u..%u, got %s", lo, hi, got);
    return false;
}
