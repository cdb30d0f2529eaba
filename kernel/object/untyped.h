/*
 * Untyped memory: the only source of memory for kernel objects. Retyping
 * carves objects off an untyped region in order (a watermark kept in the
 * untyped capability); revoking the untyped capability destroys everything
 * made from it and resets the watermark, so the memory can be used again.
 * Device untyped memory yields only frames (mapped as device memory) and
 * smaller device untyped.
 */
#ifndef KERNEL_OBJECT_UNTYPED_H
#define KERNEL_OBJECT_UNTYPED_H

#include "abi/errors.h"
#include "object/cnode.h"

#define RETYPE_MAX_COUNT 256

enum bt_status untyped_retype(struct slot *ut, unsigned type, unsigned size_bits, struct cnode *dst,
                              uint64_t index, uint64_t count);

/* Zeroes a page-aligned range of RAM through the direct map. */
void untyped_zero(void *kva, uint64_t size);

#endif
