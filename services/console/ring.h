/*
 * Byte rings for the console multiplexer: the output a console printed while
 * it was not on the serial line (its history), and the input typed for it
 * that its client has not read yet. Two ways to add: ring_put keeps the
 * oldest bytes (input: what does not fit is refused), ring_put_overwrite
 * keeps the newest (history: the oldest bytes make room). Either way the
 * bytes that were lost are counted in `dropped` until ring_reset.
 *
 * Pure code: the storage belongs to the caller, no allocation, no locking
 * (one thread owns each ring).
 */
#ifndef SERVICES_CONSOLE_RING_H
#define SERVICES_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
    uint8_t *buf;
    size_t size;      /* capacity in bytes, at least 1 */
    size_t start;     /* index of the oldest byte */
    size_t count;     /* bytes held */
    uint64_t dropped; /* bytes lost since the last ring_reset */
};

/* Uses buf[0..size) (size >= 1) as an empty ring. */
void ring_init(struct ring *r, uint8_t *buf, size_t size);

/* Empties the ring and clears the dropped count. */
void ring_reset(struct ring *r);

/* Adds as much of src[0..n) as fits; the rest is dropped (and counted).
 * Returns the number of bytes added. */
size_t ring_put(struct ring *r, const void *src, size_t n);

/* Adds all of src[0..n), discarding the oldest bytes (counted as dropped)
 * to make room; when n exceeds the capacity only the last size bytes stay. */
void ring_put_overwrite(struct ring *r, const void *src, size_t n);

/* Moves up to max of the oldest bytes to dst; returns how many. */
size_t ring_get(struct ring *r, void *dst, size_t max);

/* The oldest bytes that lie contiguously in the buffer: sets *p and returns
 * their count (0 when empty). ring_consume(r, n) then removes n of them. */
size_t ring_chunk(const struct ring *r, const uint8_t **p);
void ring_consume(struct ring *r, size_t n);

static inline size_t ring_count(const struct ring *r)
{
    return r->count;
}

static inline size_t ring_space(const struct ring *r)
{
    return r->size - r->count;
}

#endif
