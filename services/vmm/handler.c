/*
 * Exit handlers: the threads that receive exits. The main thread is the
 * handler of the VM's first CPU (where the loader starts it); every other
 * CPU that runs vCPUs gets a thread of its own, at the VM's priority, with
 * its own exit endpoint and reply object, so that an exit goes to a thread
 * on the vCPU's own CPU: a direct switch there and back, instead of a
 * cross-CPU wake-up each way. All handlers run exits_serve(); what they
 * share is under vm->lock (vm.h).
 */
#include "c/print.h"
#include "vm.h"

static bool make_endpoint(struct vm *vm, struct handler *h)
{
    h->vm = vm;
    h->ep = bt_alloc_object(&vm->alloc, BT_OBJ_ENDPOINT, BT_ENDPOINT_BITS);
    h->reply = bt_alloc_object(&vm->alloc, BT_OBJ_REPLY, BT_REPLY_BITS);
    return h->ep != 0 && h->reply != 0;
}

bool handler_init_main(struct vm *vm)
{
    struct handler *h = &vm->handler[0];
    h->cpu = vm->cfg.cpus[0];
    h->thread = 0;
    vm->handler_count = 1;
    return make_endpoint(vm, h);
}

static void handler_main(uint64_t arg)
{
    struct handler *h = (struct handler *)arg;
    exits_serve(h->vm, h);
}

struct handler *handler_for(struct vm *vm, unsigned cpu)
{
    for (unsigned i = 0; i < vm->handler_count; i++) {
        if (vm->handler[i].cpu == cpu) {
            return &vm->handler[i];
        }
    }
    struct handler *h = &vm->handler[vm->handler_count];
    if (vm->handler_count == VM_MAX_VCPUS || !make_endpoint(vm, h)) {
        return &vm->handler[0];
    }
    h->cpu = cpu;
    h->thread = bt_alloc_thread(&vm->alloc, handler_main, (uint64_t)h, vm->cfg.priority, cpu, 0);
    if (h->thread == 0) {
        bt_printf("vmm[%s]: no exit handler on CPU %u; the first one takes its exits\n", vm->name,
                  cpu);
        return &vm->handler[0];
    }
    char name[24];
    bt_snprintf(name, sizeof(name), "%s.exits%u", vm->name, cpu);
    bt_debug_name(h->thread, name);
    vm->handler_count++;
    return h;
}
