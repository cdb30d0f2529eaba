/*
 * Flattened device tree reader: see dt.h. Layout facts from the Devicetree
 * Specification v0.4, chapter 5 (header, memory reservation block, structure
 * block tokens, strings block).
 */
#include "lib/dtb.h"
#include "lib/string.h"

enum {
    TOKEN_BEGIN_NODE = 1,
    TOKEN_END_NODE = 2,
    TOKEN_PROP = 3,
    TOKEN_NOP = 4,
    TOKEN_END = 9,
};

enum { HEADER_SIZE = 40 }; /* version 17 header: ten 32-bit fields */

uint32_t dtb_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t dtb_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) {
        v = v << 32 | dtb_be32(p + 4 * i);
    }
    return v;
}

static uint32_t header_field(const uint8_t *blob, unsigned index)
{
    return dtb_be32(blob + 4 * index);
}

uint32_t dtb_header_size(const void *blob)
{
    const uint8_t *b = blob;
    if (header_field(b, 0) != DTB_MAGIC) {
        return 0;
    }
    return header_field(b, 1);
}

static uint32_t pad4(uint32_t n)
{
    return (n + 3u) & ~3u;
}

/* Length of the NUL-terminated string at p, bounded by max; max if none. */
static uint32_t bounded_strlen(const uint8_t *p, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && p[n] != 0) {
        n++;
    }
    return n;
}

static const uint8_t *sblock(const struct dtb *dt)
{
    return dt->blob + dt->struct_off;
}

/*
 * Decodes the token at structure offset off. Returns the token and sets *next
 * to the offset after it, or returns 0 if the token does not fit.
 */
static uint32_t token_at(const struct dtb *dt, uint32_t off, uint32_t *next)
{
    const uint8_t *s = sblock(dt);
    uint32_t size = dt->struct_size;
    if (off > size || size - off < 4 || (off & 3) != 0) {
        return 0;
    }
    uint32_t tag = dtb_be32(s + off);
    uint32_t p = off + 4;
    switch (tag) {
    case TOKEN_BEGIN_NODE: {
        uint32_t n = bounded_strlen(s + p, size - p);
        if (n == size - p) {
            return 0;
        }
        p += pad4(n + 1);
        break;
    }
    case TOKEN_PROP: {
        if (size - p < 8) {
            return 0;
        }
        uint32_t len = dtb_be32(s + p);
        p += 8;
        if (len > size - p) {
            return 0;
        }
        p += pad4(len);
        break;
    }
    case TOKEN_END_NODE:
    case TOKEN_NOP:
    case TOKEN_END:
        break;
    default:
        return 0;
    }
    if (p > size) {
        return 0;
    }
    *next = p;
    return tag;
}

static bool check_header(struct dtb *dt, const uint8_t *b, uint32_t max_size, const char **why)
{
    if (max_size < HEADER_SIZE) {
        *why = "blob smaller than an FDT header";
        return false;
    }
    if (header_field(b, 0) != DTB_MAGIC) {
        *why = "no FDT magic";
        return false;
    }
    uint32_t total = header_field(b, 1);
    uint32_t off_struct = header_field(b, 2);
    uint32_t off_strings = header_field(b, 3);
    uint32_t off_rsvmap = header_field(b, 4);
    uint32_t version = header_field(b, 5);
    uint32_t last_comp = header_field(b, 6);
    uint32_t size_strings = header_field(b, 8);
    uint32_t size_struct = header_field(b, 9);
    if (total < HEADER_SIZE || total > max_size) {
        *why = "totalsize out of range";
        return false;
    }
    if (version < 17 || last_comp > 17) {
        *why = "unsupported FDT version (need 17)";
        return false;
    }
    if (off_struct > total || size_struct > total - off_struct || (off_struct & 3) != 0 ||
        off_struct < HEADER_SIZE) {
        *why = "structure block outside the blob";
        return false;
    }
    if (off_strings > total || size_strings > total - off_strings || off_strings < HEADER_SIZE) {
        *why = "strings block outside the blob";
        return false;
    }
    if (off_rsvmap > total || (off_rsvmap & 7) != 0 || off_rsvmap < HEADER_SIZE) {
        *why = "memory reservation map outside the blob";
        return false;
    }
    dt->blob = b;
    dt->size = total;
    dt->struct_off = off_struct;
    dt->struct_size = size_struct;
    dt->strings_off = off_strings;
    dt->strings_size = size_strings;
    dt->rsvmap_off = off_rsvmap;
    return true;
}

static bool check_rsvmap(const struct dtb *dt, const char **why)
{
    for (uint32_t off = dt->rsvmap_off;; off += 16) {
        if (off > dt->size || dt->size - off < 16) {
            *why = "memory reservation map not terminated";
            return false;
        }
        if (dtb_cells(dt->blob + off, 2) == 0 && dtb_cells(dt->blob + off + 8, 2) == 0) {
            return true;
        }
    }
}

static bool check_structure(const struct dtb *dt, const char **why)
{
    const uint8_t *strings = dt->blob + dt->strings_off;
    uint32_t off = 0, next;
    int depth = 0;
    bool root_seen = false;

    for (;;) {
        uint32_t tag = token_at(dt, off, &next);
        switch (tag) {
        case TOKEN_BEGIN_NODE:
            if (root_seen && depth == 0) {
                *why = "second root node";
                return false;
            }
            root_seen = true;
            if (++depth > DTB_MAX_DEPTH) {
                *why = "nodes nested too deeply";
                return false;
            }
            break;
        case TOKEN_END_NODE:
            if (depth-- <= 0) {
                *why = "unbalanced end of node";
                return false;
            }
            break;
        case TOKEN_PROP: {
            if (depth <= 0) {
                *why = "property outside any node";
                return false;
            }
            uint32_t nameoff = dtb_be32(sblock(dt) + off + 8);
            if (nameoff >= dt->strings_size ||
                bounded_strlen(strings + nameoff, dt->strings_size - nameoff) ==
                    dt->strings_size - nameoff) {
                *why = "property name outside the strings block";
                return false;
            }
            break;
        }
        case TOKEN_NOP:
            break;
        case TOKEN_END:
            if (depth != 0 || !root_seen) {
                *why = "structure block ends inside a node";
                return false;
            }
            return true;
        default:
            *why = "bad or truncated token in structure block";
            return false;
        }
        off = next;
    }
}

bool dtb_init(struct dtb *dt, const void *blob, uint32_t max_size, const char **why)
{
    const char *dummy;
    if (why == NULL) {
        why = &dummy;
    }
    if (!check_header(dt, blob, max_size, why) || !check_rsvmap(dt, why) ||
        !check_structure(dt, why)) {
        dt->blob = NULL;
        return false;
    }
    if (dtb_be32(sblock(dt)) != TOKEN_BEGIN_NODE) {
        *why = "structure block does not start with a node";
        dt->blob = NULL;
        return false;
    }
    return true;
}

int dtb_next_node(const struct dtb *dt, int node, int *depth)
{
    uint32_t off, next;
    if (node < 0) {
        *depth = -1;
        off = 0;
    } else {
        off = (uint32_t)node;
    }
    /* Step over the current node's own BEGIN_NODE, then find the next one. */
    if (node >= 0) {
        if (token_at(dt, off, &next) != TOKEN_BEGIN_NODE) {
            return -1;
        }
        off = next;
    }
    for (;;) {
        uint32_t tag = token_at(dt, off, &next);
        switch (tag) {
        case TOKEN_BEGIN_NODE:
            (*depth)++;
            return (int)off;
        case TOKEN_END_NODE:
            (*depth)--;
            break;
        case TOKEN_PROP:
        case TOKEN_NOP:
            break;
        default:
            return -1;
        }
        off = next;
    }
}

int dtb_first_child(const struct dtb *dt, int parent)
{
    int depth = 0;
    int n = dtb_next_node(dt, parent, &depth);
    return (n >= 0 && depth == 1) ? n : -1;
}

int dtb_next_sibling(const struct dtb *dt, int child)
{
    int depth = 0;
    int n = child;
    do {
        n = dtb_next_node(dt, n, &depth);
    } while (n >= 0 && depth > 0);
    return (n >= 0 && depth == 0) ? n : -1;
}

int dtb_parent(const struct dtb *dt, int node)
{
    int stack[DTB_MAX_DEPTH + 1];
    int depth = -1;
    for (int n = dtb_next_node(dt, -1, &depth); n >= 0; n = dtb_next_node(dt, n, &depth)) {
        if (depth < 0 || depth > DTB_MAX_DEPTH) {
            return -1;
        }
        stack[depth] = n;
        if (n == node) {
            return depth > 0 ? stack[depth - 1] : -1;
        }
    }
    return -1;
}

const char *dtb_name(const struct dtb *dt, int node)
{
    return (const char *)sblock(dt) + node + 4;
}

/* Does component [c, c+len) name the node (exactly, or without "@unit")? */
static bool name_matches(const char *name, const char *c, size_t len)
{
    if (strncmp(name, c, len) != 0) {
        return false;
    }
    return name[len] == 0 || (name[len] == '@' && memchr(c, '@', len) == NULL);
}

int dtb_path(const struct dtb *dt, const char *path)
{
    if (path[0] != '/') {
        return -1;
    }
    int node = 0;
    const char *p = path;
    while (*p == '/') {
        p++;
    }
    while (*p != 0) {
        const char *end = p;
        while (*end != 0 && *end != '/') {
            end++;
        }
        int child = dtb_first_child(dt, node);
        while (child >= 0 && !name_matches(dtb_name(dt, child), p, (size_t)(end - p))) {
            child = dtb_next_sibling(dt, child);
        }
        if (child < 0) {
            return -1;
        }
        node = child;
        p = end;
        while (*p == '/') {
            p++;
        }
    }
    return node;
}

bool dtb_prop(const struct dtb *dt, int node, const char *name, struct dtb_prop *out)
{
    uint32_t off, next;
    if (node < 0 || token_at(dt, (uint32_t)node, &off) != TOKEN_BEGIN_NODE) {
        return false;
    }
    const char *strings = (const char *)dt->blob + dt->strings_off;
    for (;;) {
        uint32_t tag = token_at(dt, off, &next);
        if (tag == TOKEN_NOP) {
            off = next;
            continue;
        }
        if (tag != TOKEN_PROP) {
            return false;
        }
        const uint8_t *p = sblock(dt) + off;
        uint32_t nameoff = dtb_be32(p + 8);
        if (strcmp(strings + nameoff, name) == 0) {
            out->len = dtb_be32(p + 4);
            out->data = p + 12;
            return true;
        }
        off = next;
    }
}

const char *dtb_prop_string(const struct dtb *dt, int node, const char *name)
{
    struct dtb_prop prop;
    if (!dtb_prop(dt, node, name, &prop) || prop.len == 0 || prop.data[prop.len - 1] != 0) {
        return NULL;
    }
    return (const char *)prop.data;
}

bool dtb_prop_u32(const struct dtb *dt, int node, const char *name, uint32_t *out)
{
    struct dtb_prop prop;
    if (!dtb_prop(dt, node, name, &prop) || prop.len != 4) {
        return false;
    }
    *out = dtb_be32(prop.data);
    return true;
}

bool dtb_compatible(const struct dtb *dt, int node, const char *compat)
{
    struct dtb_prop prop;
    if (!dtb_prop(dt, node, "compatible", &prop)) {
        return false;
    }
    size_t want = strlen(compat);
    uint32_t i = 0;
    while (i < prop.len) {
        const char *s = (const char *)prop.data + i;
        uint32_t n = bounded_strlen(prop.data + i, prop.len - i);
        if (n == want && memcmp(s, compat, n) == 0) {
            return true;
        }
        i += n + 1;
    }
    return false;
}

int dtb_find_compatible(const struct dtb *dt, int from, const char *compat)
{
    int depth = 0;
    for (int n = dtb_next_node(dt, from, &depth); n >= 0; n = dtb_next_node(dt, n, &depth)) {
        if (dtb_compatible(dt, n, compat)) {
            return n;
        }
    }
    return -1;
}

int dtb_find_phandle(const struct dtb *dt, uint32_t ph)
{
    int depth = 0;
    for (int n = dtb_next_node(dt, -1, &depth); n >= 0; n = dtb_next_node(dt, n, &depth)) {
        uint32_t v;
        if (dtb_prop_u32(dt, n, "phandle", &v) && v == ph) {
            return n;
        }
    }
    return -1;
}

static uint32_t cells_of_parent(const struct dtb *dt, int node, const char *name, uint32_t dflt)
{
    int parent = dtb_parent(dt, node);
    uint32_t v;
    if (parent >= 0 && dtb_prop_u32(dt, parent, name, &v)) {
        return v;
    }
    return dflt;
}

uint32_t dtb_address_cells(const struct dtb *dt, int node)
{
    return cells_of_parent(dt, node, "#address-cells", 2);
}

uint32_t dtb_size_cells(const struct dtb *dt, int node)
{
    return cells_of_parent(dt, node, "#size-cells", 1);
}

bool dtb_reg(const struct dtb *dt, int node, uint32_t index, uint64_t *addr, uint64_t *size)
{
    struct dtb_prop prop;
    uint32_t ac = dtb_address_cells(dt, node);
    uint32_t sc = dtb_size_cells(dt, node);
    if (ac < 1 || ac > 2 || sc > 2 || !dtb_prop(dt, node, "reg", &prop)) {
        return false;
    }
    uint32_t entry = 4 * (ac + sc);
    if (index >= prop.len / entry) {
        return false;
    }
    const uint8_t *p = prop.data + index * entry;
    *addr = dtb_cells(p, ac);
    *size = dtb_cells(p + 4 * ac, sc);
    return true;
}

bool dtb_mem_rsv(const struct dtb *dt, uint32_t index, uint64_t *addr, uint64_t *size)
{
    /* dtb_init checked that the map is terminated inside the blob. */
    uint32_t off = dt->rsvmap_off;
    for (uint32_t i = 0;; i++, off += 16) {
        uint64_t a = dtb_cells(dt->blob + off, 2);
        uint64_t s = dtb_cells(dt->blob + off + 8, 2);
        if (a == 0 && s == 0) {
            return false;
        }
        if (i == index) {
            *addr = a;
            *size = s;
            return true;
        }
    }
}
