/*
 * Memory barriers between a driver and a virtio device that shares its
 * memory (the rings and buffers), and between that memory and the device's
 * registers. A virtio device is coherent with the CPUs (it is a hypervisor's
 * code, or hardware that the spec requires to be), so ordering is all a
 * driver needs: stores to a ring before the index that publishes them, the
 * published index before the doorbell, a used index before the entries it
 * covers. The outer-shareable forms order normal memory against the
 * Device-nGnRE register mapping too (as Linux's dma_wmb/dma_rmb do).
 *
 * On the host (unit tests) plain C11 fences stand in.
 */
#ifndef LIB_VIRTIO_BARRIER_H
#define LIB_VIRTIO_BARRIER_H

#if defined(__aarch64__)
/* Earlier stores before later stores (ring contents, then the index or
 * the doorbell). */
static inline void virtio_wmb(void)
{
    __asm__ volatile("dmb oshst" ::: "memory");
}

/* Earlier loads before later loads (the used index, then its entries). */
static inline void virtio_rmb(void)
{
    __asm__ volatile("dmb oshld" ::: "memory");
}

/* Everything before everything (a published index, then a flag the device
 * writes). */
static inline void virtio_mb(void)
{
    __asm__ volatile("dmb osh" ::: "memory");
}
#else
static inline void virtio_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void virtio_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void virtio_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

#endif
