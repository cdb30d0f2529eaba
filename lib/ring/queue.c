/*
 * Descriptor queues in shared memory: see queue.h.
 */
#include "ring/queue.h"

static uint32_t load_acquire(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

bool bt_queue_attach(struct bt_queue *q, void *mem, uint32_t capacity, bool producer)
{
    q->sh = mem;
    q->capacity = capacity;
    q->producer = producer;
    q->broken = capacity == 0 || (capacity & (capacity - 1)) != 0;
    /* Our own index as published: checked against the peer's on first use. */
    q->own = q->broken ? 0 : load_acquire(producer ? &q->sh->prod : &q->sh->cons);
    return !q->broken;
}

void bt_queue_reset(struct bt_queue *q)
{
    store_release(&q->sh->prod, 0);
    store_release(&q->sh->cons, 0);
    q->own = 0;
    q->broken = q->capacity == 0 || (q->capacity & (q->capacity - 1)) != 0;
}

/* Entries in the queue, from our index and the peer's (read once). */
static uint32_t filled(struct bt_queue *q)
{
    uint32_t peer = load_acquire(q->producer ? &q->sh->cons : &q->sh->prod);
    uint32_t n = q->producer ? q->own - peer : peer - q->own;
    if (n > q->capacity) {
        q->broken = true;
        return 0;
    }
    return n;
}

bool bt_queue_push(struct bt_queue *q, const struct bt_desc *d)
{
    if (q->broken || !q->producer) {
        return false;
    }
    uint32_t n = filled(q);
    if (q->broken || n == q->capacity) {
        return false;
    }
    q->sh->desc[q->own & (q->capacity - 1)] = *d;
    q->own++;
    store_release(&q->sh->prod, q->own);
    return true;
}

uint32_t bt_queue_count(struct bt_queue *q)
{
    if (q->broken || q->producer) {
        return 0;
    }
    return filled(q);
}

bool bt_queue_pop(struct bt_queue *q, struct bt_desc *d)
{
    if (bt_queue_count(q) == 0) {
        return false;
    }
    /* Copied out once: whatever the producer writes there now is not seen. */
    volatile const struct bt_desc *src = &q->sh->desc[q->own & (q->capacity - 1)];
    d->offset = src->offset;
    d->len = src->len;
    d->cookie = src->cookie;
    q->own++;
    store_release(&q->sh->cons, q->own);
    return true;
}
