/*
 * The monitor's state: one struct vm per VMM component (one VMM, one VM).
 * main.c builds it and runs the life cycle; guest_mem.c owns guest RAM,
 * vcpu.c the vCPU threads, boot.c what is loaded into RAM, exits.c the
 * answers to exits, handler.c the threads that receive them, conio.c the
 * console.
 *
 * Threads: the main thread, which is also the exit handler of the first
 * CPU of the VM; one more exit handler on each other CPU that runs vCPUs
 * (so an exit is answered on the CPU where it happened, with no
 * cross-CPU wake-up on the way); the console reader. Everything the
 * handlers share (devices, PSCI, vCPU starts and stops, allocation) is
 * used under vm->lock, one handler at a time. The console receive ring is
 * shared with the reader through atomics instead.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "abi/vm.h"
#include "alloc/alloc.h"
#include "config.h"
#include "devices/pl011.h"
#include "devices/vgic.h"
#include "image.h"
#include "layout.h"
#include "mmio.h"
#include "psci.h"

/* Where guest RAM appears in the VMM's own address space. */
#define VMM_GUEST_RAM_VA 0x0000200000000000ull

#define CONIO_RING 512

/* An exit handler: a thread receiving the exits of the vCPUs on its CPU. */
struct handler {
    struct vm *vm;
    unsigned cpu;
    bt_cptr_t ep;     /* the exit endpoint of those vCPUs */
    bt_cptr_t reply;  /* its reply object */
    bt_cptr_t thread; /* 0: the main thread */
};

struct vcpu {
    struct handler *handler;
    bt_cptr_t thread;
    bt_cptr_t state_frame;       /* the kernel's copy of the state page */
    bt_cptr_t exit_cap;          /* the exit endpoint, badged with its number */
    struct bt_vcpu_state *state; /* the same page, mapped here */
    unsigned cpu;                /* physical CPU it runs on */
    bool running;                /* resumed and not suspended since */
    bool has_run;                /* its thread carries guest state of a run */
};

/* Frames of guest RAM: the 2 MiB ones first, then any 4 KiB ones. Each
 * takes two capability slots (it and its copy), so the component's CNode
 * bounds guest RAM to some hundreds of 2 MiB frames. */
#define GUEST_RAM_MAX_FRAMES 1024

struct guest_ram {
    uint64_t base, size; /* guest-physical */
    uint8_t *va;         /* the same bytes in the VMM */
    bt_cptr_t frames[GUEST_RAM_MAX_FRAMES];
    unsigned frame_count, large_frames, small_frames;
};

struct conio {
    bt_cptr_t console; /* the VM's console channel; 0: the kernel's debug console */
    bt_cptr_t wake;    /* signals the main thread (a badged copy of its events) */
    bt_cptr_t space;   /* the reader waits here for room in the ring */
    bt_cptr_t reader;  /* the reader thread */
    uint8_t ring[CONIO_RING];
    uint32_t head, tail; /* free-running; head: main thread, tail: reader */
    bool reader_waits;
};

/* Threads made at start for vCPUs started again (vcpu.c: refresh). */
#define VMM_SPARE_THREADS_PER_VCPU 4
#define VMM_SPARE_THREADS_MAX 32

struct vm {
    const char *name;
    struct vm_config cfg;
    struct bt_alloc alloc;

    /* The boot archive and the images in it. */
    const uint8_t *kernel, *initrd;
    size_t kernel_size, initrd_size;
    struct image_info image;
    struct guest_layout layout;

    bt_cptr_t vm; /* the VM object */
    struct handler handler[VM_MAX_VCPUS];
    unsigned handler_count;           /* handler[0] is the main thread's */
    uint32_t lock_next, lock_serving; /* a ticket lock: vm_lock() */
    enum vm_state { VM_RUNNING, VM_ENDING_OFF, VM_ENDING_RESET } state;

    struct guest_ram ram;
    struct vcpu vcpu[VM_MAX_VCPUS];
    bt_cptr_t spare_threads[VMM_SPARE_THREADS_MAX];
    unsigned spare_count;
    struct mmio_table mmio;
    struct vgic gic;
    struct vpl011 uart;
    struct psci psci;
    struct conio con;

    int exiting;          /* the vCPU whose exit the lock holder answers, or -1 */
    unsigned fault_notes; /* guest faults reported so far (a few, then quiet) */
};

/* guest_mem.c */
bool guest_ram_create(struct vm *vm);
/* The VMM's view of [ipa, ipa + len) of guest RAM, or NULL if not all RAM. */
void *guest_ram_ptr(const struct guest_ram *r, uint64_t ipa, uint64_t len);
/* Cleans [ipa, ipa + len) to the point of coherency, for a guest that
 * starts with its MMU and caches off. */
void guest_ram_clean(const struct guest_ram *r, uint64_t ipa, uint64_t len);

/* boot.c */
bool boot_find_images(struct vm *vm, const void *archive, size_t archive_size);
bool boot_load(struct vm *vm);

/* vcpu.c */
bool vcpu_create_all(struct vm *vm);
bool vcpu_start(struct vm *vm, unsigned n, uint64_t pc, uint64_t x0);
void vcpu_stop(struct vm *vm, unsigned n);
void vcpu_stop_all(struct vm *vm);
/* For a reset: every vCPU stopped, its pending interrupts dropped and its
 * guest state back to the state out of reset. */
void vcpu_reset_all(struct vm *vm);
void vcpu_inject(void *vm, unsigned vcpu, unsigned intid);
void vcpu_retract(void *vm, unsigned vcpu, unsigned intid);

/* Every use of what the handlers share is between these two. */
static inline void vm_lock(struct vm *vm)
{
    uint32_t ticket = __atomic_fetch_add(&vm->lock_next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&vm->lock_serving, __ATOMIC_ACQUIRE) != ticket) {
        __asm__ volatile("yield");
    }
}

static inline void vm_unlock(struct vm *vm)
{
    __atomic_store_n(&vm->lock_serving, vm->lock_serving + 1, __ATOMIC_RELEASE);
}

/* handler.c */
bool handler_init_main(struct vm *vm);
/* The handler of the vCPUs on cpu: made on first use; the main thread's if
 * no thread can be made there. */
struct handler *handler_for(struct vm *vm, unsigned cpu);

/* exits.c: answers the exits of h's vCPUs. The main thread's handler
 * returns when the guest powers off or resets; the others never. */
enum vm_end { VM_POWER_OFF, VM_RESET };
enum vm_end exits_serve(struct vm *vm, struct handler *h);

/* conio.c */
bool conio_start(struct vm *vm);
void conio_out(void *vm, const uint8_t *buf, size_t len);
void conio_uart_irq(void *vm);
/* Moves received bytes from the ring into the UART while it has room. */
void conio_drain(struct vm *vm);
bool conio_pending(const struct vm *vm);

/* main.c: a line on the VM's console and on the kernel's. */
void vm_note(const struct vm *vm, const char *what);

#endif
