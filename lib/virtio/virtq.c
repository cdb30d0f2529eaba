/*
 * Split virtqueues, driver side: see virtq.h. The descriptor table is
 * written here and never read back; the free list and the chains live in
 * q->link and q->chain, which the device cannot touch.
 */
#include "virtio/virtq.h"
#include "virtio/barrier.h"

static bool aligned(const void *p, uint64_t pa, uintptr_t align)
{
    return ((uintptr_t)p & (align - 1)) == 0 && (pa & (align - 1)) == 0;
}

static void zero(volatile void *p, size_t n)
{
    volatile uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        b[i] = 0;
    }
}

bool virtq_init(struct virtq *q, uint16_t size, const struct virtq_mem *mem)
{
    if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) != 0 ||
        !aligned(mem->desc, mem->desc_pa, 16) || !aligned(mem->avail, mem->avail_pa, 2) ||
        !aligned(mem->used, mem->used_pa, 4)) {
        return false;
    }
    q->size = size;
    q->broken = false;
    q->desc = mem->desc;
    q->avail = mem->avail;
    q->used = mem->used;
    q->desc_pa = mem->desc_pa;
    q->avail_pa = mem->avail_pa;
    q->used_pa = mem->used_pa;
    zero(mem->desc, virtq_desc_bytes(size));
    zero(mem->avail, virtq_avail_bytes(size));
    zero(mem->used, virtq_used_bytes(size));
    for (uint16_t i = 0; i < size; i++) {
        q->link[i] = (uint16_t)(i + 1);
        q->chain[i] = 0;
    }
    q->free_head = 0;
    q->free_count = size;
    q->avail_idx = 0;
    q->used_idx = 0;
    q->in_flight = 0;
    return true;
}

int virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned count)
{
    if (q->broken || count == 0 || count > q->free_count) {
        return -1;
    }
    for (unsigned i = 0; i < count; i++) {
        if (segs[i].len == 0) {
            return -1;
        }
    }
    uint16_t head = q->free_head;
    uint16_t d = head;
    for (unsigned i = 0; i < count; i++) {
        bool last = i + 1 == count;
        uint16_t next = q->link[d];
        q->desc[d].addr = segs[i].pa;
        q->desc[d].len = segs[i].len;
        q->desc[d].flags = (uint16_t)((segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                                      (last ? 0 : VIRTQ_DESC_F_NEXT));
        q->desc[d].next = last ? 0 : next;
        if (last) {
            q->free_head = next; /* the rest of the free list */
        } else {
            d = next;
        }
    }
    q->free_count = (uint16_t)(q->free_count - count);
    q->chain[head] = (uint16_t)count;
    q->avail->ring[q->avail_idx & (q->size - 1)] = head;
    q->avail_idx++;
    q->in_flight++;
    return head;
}

bool virtq_publish(struct virtq *q)
{
    /* The descriptors and ring entries before the index that covers them. */
    virtio_wmb();
    q->avail->idx = q->avail_idx;
    /* The index before reading the device's flag: otherwise the device could
     * set "no notify", see an old index, and go to sleep. */
    virtio_mb();
    return (q->used->flags & VIRTQ_USED_F_NO_NOTIFY) == 0;
}

/* Gives the chain at head back to the free list. */
static void release(struct virtq *q, uint16_t head)
{
    uint16_t d = head;
    for (uint16_t i = 1; i < q->chain[head]; i++) {
        d = q->link[d];
    }
    q->link[d] = q->free_head;
    q->free_head = head;
    q->free_count = (uint16_t)(q->free_count + q->chain[head]);
    q->chain[head] = 0;
    q->in_flight--;
}

bool virtq_take(struct virtq *q, uint16_t *head, uint32_t *len)
{
    if (q->broken) {
        return false;
    }
    uint16_t idx = q->used->idx;
    uint16_t ready = (uint16_t)(idx - q->used_idx);
    if (ready == 0) {
        return false;
    }
    if (ready > q->in_flight) {
        q->broken = true; /* more finished than were given */
        return false;
    }
    /* The index before the entries it covers. */
    virtio_rmb();
    volatile struct virtq_used_elem *e = &q->used->ring[q->used_idx & (q->size - 1)];
    uint32_t id = e->id;
    uint32_t n = e->len;
    if (id >= q->size || q->chain[id] == 0) {
        q->broken = true; /* not a chain in flight: a double completion or garbage */
        return false;
    }
    q->used_idx++;
    release(q, (uint16_t)id);
    *head = (uint16_t)id;
    *len = n;
    return true;
}
