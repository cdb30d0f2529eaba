/*
 * Byte rings: see ring.h. Indexes wrap with a comparison, not a mask, so any
 * capacity works.
 */
#include "ring.h"
#include "lib/string.h"

void ring_init(struct ring *r, uint8_t *buf, size_t size)
{
    r->buf = buf;
    r->size = size;
    ring_reset(r);
}

void ring_reset(struct ring *r)
{
    r->start = 0;
    r->count = 0;
    r->dropped = 0;
}

/* Copies n bytes (n <= free space) behind the newest byte. */
static void append(struct ring *r, const uint8_t *src, size_t n)
{
    size_t end = r->start + r->count;
    if (end >= r->size) {
        end -= r->size;
    }
    size_t first = r->size - end < n ? r->size - end : n;
    memcpy(r->buf + end, src, first);
    memcpy(r->buf, src + first, n - first);
    r->count += n;
}

size_t ring_put(struct ring *r, const void *src, size_t n)
{
    size_t fit = n < ring_space(r) ? n : ring_space(r);
    append(r, src, fit);
    r->dropped += n - fit;
    return fit;
}

void ring_put_overwrite(struct ring *r, const void *src, size_t n)
{
    const uint8_t *s = src;
    if (n > r->size) {
        /* Only the last size bytes can stay: everything held and the head
         * of src are lost. */
        r->dropped += r->count + (n - r->size);
        r->start = 0;
        r->count = 0;
        s += n - r->size;
        n = r->size;
    }
    if (n > ring_space(r)) {
        size_t lose = n - ring_space(r);
        ring_consume(r, lose);
        r->dropped += lose;
    }
    append(r, s, n);
}

size_t ring_chunk(const struct ring *r, const uint8_t **p)
{
    *p = r->buf + r->start;
    size_t to_end = r->size - r->start;
    return r->count < to_end ? r->count : to_end;
}

void ring_consume(struct ring *r, size_t n)
{
    if (n > r->count) {
        n = r->count;
    }
    r->start += n;
    if (r->start >= r->size) {
        r->start -= r->size;
    }
    r->count -= n;
    if (r->count == 0) {
        r->start = 0;
    }
}

size_t ring_get(struct ring *r, void *dst, size_t max)
{
    uint8_t *d = dst;
    size_t done = 0;
    while (done < max && r->count > 0) {
        const uint8_t *p;
        size_t n = ring_chunk(r, &p);
        if (n > max - done) {
            n = max - done;
        }
        memcpy(d + done, p, n);
        ring_consume(r, n);
        done += n;
    }
    return done;
}
