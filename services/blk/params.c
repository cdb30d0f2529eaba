/*
 * Port parameters: see params.h. The parser measures the string first
 * (never reading past BLK_PARAMS_MAX + 1 bytes), then walks it word by
 * word with explicit lengths, checking every number for overflow.
 */
#include "params.h"
#include "protocol.h"

static bool word_is(const char *w, unsigned len, const char *lit)
{
    unsigned i = 0;
    for (; i < len && lit[i] != 0; i++) {
        if (w[i] != lit[i]) {
            return false;
        }
    }
    return i == len && lit[i] == 0;
}

static bool starts_with(const char *w, unsigned len, const char *prefix, unsigned *plen)
{
    unsigned i = 0;
    for (; prefix[i] != 0; i++) {
        if (i >= len || w[i] != prefix[i]) {
            return false;
        }
    }
    *plen = i;
    return true;
}

static int digit(char c, unsigned base)
{
    int v = -1;
    if (c >= '0' && c <= '9') {
        v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
    }
    return v >= 0 && (unsigned)v < base ? v : -1;
}

/* A whole number, all of s[0..len): "0x" hex or decimal, at least one
 * digit, no sign, no overflow. */
static bool number(const char *s, unsigned len, uint64_t *out)
{
    unsigned base = 10;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (len == 0) {
        return false;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++) {
        int d = digit(s[i], base);
        if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base) {
            return false;
        }
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return true;
}

static bool parse_range(const char *v, unsigned len, struct blk_params *p, const char **why)
{
    unsigned plus = 0;
    while (plus < len && v[plus] != '+') {
        plus++;
    }
    if (plus == len || !number(v, plus, &p->offset) ||
        !number(v + plus + 1, len - plus - 1, &p->length)) {
        *why = "range: expected OFFSET+LENGTH";
        return false;
    }
    if (p->length == 0 || p->offset % BLK_SECTOR_SIZE != 0 || p->length % BLK_SECTOR_SIZE != 0) {
        *why = "range: offset and length must be multiples of 512, length non-zero";
        return false;
    }
    if (p->offset + p->length < p->offset) {
        *why = "range: offset + length overflows";
        return false;
    }
    return true;
}

static bool parse_word(const char *w, unsigned len, struct blk_params *p, bool *seen_ro,
                       const char **why)
{
    unsigned k;
    uint64_t n;
    if (word_is(w, len, "ro")) {
        if (*seen_ro) {
            *why = "ro given twice";
            return false;
        }
        *seen_ro = p->read_only = true;
        return true;
    }
    if (p->kind != BLK_WHOLE_DISK &&
        (starts_with(w, len, "partition=", &k) || starts_with(w, len, "range=", &k))) {
        *why = "more than one of partition and range";
        return false;
    }
    if (starts_with(w, len, "partition=", &k)) {
        if (!number(w + k, len - k, &n) || n < 1 || n > BLK_PARTITION_MAX) {
            *why = "partition: expected a number 1..128";
            return false;
        }
        p->kind = BLK_PARTITION;
        p->partition = (unsigned)n;
        return true;
    }
    if (starts_with(w, len, "range=", &k)) {
        p->kind = BLK_RANGE;
        return parse_range(w + k, len - k, p, why);
    }
    *why = "unknown parameter (a block port knows ro, partition and range)";
    return false;
}

bool blk_params_parse(const char *s, struct blk_params *p, const char **why)
{
    *p = (struct blk_params){.kind = BLK_WHOLE_DISK};
    unsigned len = 0;
    while (len <= BLK_PARAMS_MAX && s[len] != 0) {
        len++;
    }
    if (len > BLK_PARAMS_MAX) {
        *why = "parameters too long";
        return false;
    }
    bool seen_ro = false;
    for (unsigned i = 0; i < len;) {
        unsigned start = i;
        while (i < len && s[i] != ' ') {
            i++;
        }
        if (i == start) {
            *why = "empty word (a leading space, or two in a row)";
            return false;
        }
        if (!parse_word(s + start, i - start, p, &seen_ro, why)) {
            return false;
        }
        if (i < len && ++i == len) {
            *why = "trailing space";
            return false;
        }
    }
    *why = "";
    return true;
}
