/*
 * The MMIO dispatch table (STYLE habit 8): each emulated device registers
 * its guest-physical window [base, base + size) and a handler that gets an
 * already-decoded access: the offset in its window, the width in bytes, the
 * direction and the value. No device sees an ESR. An access that no window
 * contains, that straddles a window's end, or that has a width other than
 * 1, 2, 4 or 8 is refused before any handler runs; the VMM answers it with
 * an injected abort.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_MAX_REGIONS 48

struct mmio_access {
    uint64_t offset; /* from the start of the device's window */
    unsigned width;  /* bytes: 1, 2, 4 or 8; offset is not necessarily aligned */
    bool write;
    uint64_t value; /* writes: the value (masked to width); reads: set by the handler */
    unsigned vcpu;  /* the vCPU that made the access */
};

/* Returns false to refuse the access (the guest gets an abort). A read
 * handler sets a->value; the dispatcher masks it to the width. */
typedef bool (*mmio_handler)(void *dev, struct mmio_access *a);

struct mmio_region {
    uint64_t base, size;
    mmio_handler handler;
    void *dev;
    const char *name;
};

struct mmio_table {
    struct mmio_region region[MMIO_MAX_REGIONS];
    unsigned count;
};

enum mmio_result {
    MMIO_DONE,      /* a handler took it (reads: *value is set) */
    MMIO_UNCLAIMED, /* no device there, or it straddles a window's end */
    MMIO_BAD_WIDTH, /* not 1, 2, 4 or 8 bytes */
    MMIO_REFUSED,   /* the device's handler refused it */
};

void mmio_init(struct mmio_table *t);

/* Adds a window. False if size is 0, the window wraps, it overlaps another,
 * or the table is full. */
bool mmio_register(struct mmio_table *t, uint64_t base, uint64_t size, mmio_handler handler,
                   void *dev, const char *name);

/* The window that contains [addr, addr + width), or NULL. */
const struct mmio_region *mmio_find(const struct mmio_table *t, uint64_t addr, unsigned width);

/* Decodes and dispatches one access. For reads *value receives the result
 * (zero-extended to 64 bits); for writes *value is the value stored. */
enum mmio_result mmio_dispatch(const struct mmio_table *t, uint64_t addr, unsigned width,
                               bool write, uint64_t *value, unsigned vcpu);

#endif
