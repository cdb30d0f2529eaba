/*
 * vCPUs: threads that run guest EL1/EL0 code in a VM (abi/vm.h). A thread
 * becomes a vCPU with vcpu_configure; its VM capability then sits where a
 * thread's task would, its state page where an IPC buffer would, its exit
 * endpoint where a fault endpoint would. Exits become calls to that
 * endpoint, like faults; the VMM's reply says how the guest goes on.
 */
#ifndef KERNEL_OBJECT_VCPU_H
#define KERNEL_OBJECT_VCPU_H

#include "abi/vm.h"
#include "arch/aarch64/vcpu_arch.h"
#include "lib/types.h"

struct thread;
struct vm;

struct vcpu {
    bool is;         /* this thread is a vCPU */
    bool loaded;     /* its guest state is in this CPU's registers */
    bool on_timeout; /* asleep in WFI with a timer deadline */
    uint32_t access; /* pending MMIO exit: BT_VM_MMIO_* and sign-extension */
    uint64_t exit_esr, exit_far;
    uint64_t deadline;
    struct thread *timeout_next;
    struct vm *vm;
    struct bt_vcpu_state *shared; /* the state page, through the direct map */
    uint64_t vmpidr;
    struct vcpu_el1 el1;
    struct vcpu_gic gic;
    struct vcpu_timer timer;
    uint64_t overflow[BT_VCPU_MAX_INTID / 64]; /* pending, not yet in a list register */
};

/* Makes an inactive thread a vCPU of vm. */
void vcpu_init(struct thread *t, struct vm *vm, struct bt_vcpu_state *shared, uint64_t number);

/* World switch: called as the thread becomes / stops being current. */
void vcpu_load(struct thread *t);
void vcpu_put(struct thread *t);
/* Right before returning to the guest: take new pending interrupts. */
void vcpu_prepare_entry(struct thread *t);

/* A synchronous exception from the guest. */
void vcpu_exit(struct thread *t, uint64_t esr, uint64_t far);
/* The VMM replied to an exit (its tag and message words). */
void vcpu_resume(struct thread *t, uint64_t tag, const uint64_t *mr);

/* Physical interrupts the kernel handles for guests. */
void vcpu_timer_interrupt(void);

void vcpu_wake(struct thread *t);
void vcpu_kick(struct thread *t);

#endif
