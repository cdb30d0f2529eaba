/*
 * The fuzzer's configuration: the file fuzz.conf in the boot archive, which
 * mk/fuzz.mk writes from FUZZ_SEED and FUZZ_ITERS ("seed=S iters=N").
 */
#include "c/print.h"
#include "root.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool parse_number(const char *s, size_t len, uint64_t *out)
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
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            return false;
        }
        if (d >= base || v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

static bool key_is(const char *s, size_t len, const char *key)
{
    size_t i = 0;
    for (; i < len && key[i] != 0; i++) {
        if (s[i] != key[i]) {
            return false;
        }
    }
    return i == len && key[i] == 0;
}

static bool set_key(const char *key, size_t key_len, uint64_t v, struct fuzz_config *out)
{
    if (key_is(key, key_len, "seed")) {
        out->seed = v;
    } else if (key_is(key, key_len, "iters")) {
        out->iters = v;
    } else if (key_is(key, key_len, "verbose")) {
        out->verbose = v != 0;
    } else if (key_is(key, key_len, "trace")) {
        out->trace = v != 0;
    } else {
        return false;
    }
    return true;
}

bool config_parse(const char *text, size_t len, struct fuzz_config *out, char *why, size_t why_size)
{
    size_t i = 0;
    while (i < len) {
        if (is_space(text[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && !is_space(text[i])) {
            i++;
        }
        const char *word = text + start;
        size_t word_len = i - start;
        size_t eq = 0;
        while (eq < word_len && word[eq] != '=') {
            eq++;
        }
        uint64_t v;
        if (eq == word_len || !parse_number(word + eq + 1, word_len - eq - 1, &v) ||
            !set_key(word, eq, v, out)) {
            char shown[40];
            size_t n = word_len < sizeof(shown) - 1 ? word_len : sizeof(shown) - 1;
            for (size_t k = 0; k < n; k++) {
                shown[k] = word[k];
            }
            shown[n] = 0;
            bt_snprintf(why, why_size, "cannot understand \"%s\"", shown);
            return false;
        }
    }
    return true;
}
