/*
 * vmm: the monitor of one virtual machine, a native component at EL0 named
 * after its VM (the scenario's /vms/NAME; docs/scenarios.md). It reads its
 * node from system.dtb in the boot archive, makes the VM (guest RAM, a
 * vCPU thread per vCPU), loads the guest's kernel, initrd and device tree,
 * starts vCPU 0 at the kernel, and then answers the vCPUs' exits until the
 * guest powers off, rebuilding the guest when it resets. Returning from
 * main ends the component: root takes back all its memory.
 *
 * What it relies on (the loader's grants, abi/startinfo.h): "archive", the
 * boot archive mapped read-only (BT_START_MEMORY); optionally "console",
 * an IPC channel to the console multiplexer; its quota at root, which is
 * the scenario's vmm-memory plus the VM's memory; its events notification,
 * bound to the main thread. README.md has the whole design.
 */
#include <libfdt.h>

#include "c/print.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "start/startinfo.h"
#include "vm.h"

static struct vm the_vm;

void vm_note(const struct vm *vm, const char *what)
{
    char line[96];
    bt_snprintf(line, sizeof(line), "vmm[%s]: %s\n", vm->name, what);
    bt_printf("%s", line);
    if (vm->con.console != 0) {
        bt_debug_puts(line); /* on the serial line whichever console has the focus */
    }
}

static const void *find_archive(size_t *size)
{
    const struct bt_start_entry *a = bt_start_find("archive", BT_START_MEMORY);
    if (a == NULL) {
        return NULL;
    }
    *size = a->size;
    return (const void *)a->vaddr;
}

/* The scenario's node for this VM. */
static bool read_config(struct vm *vm, const void *archive, size_t archive_size)
{
    struct cpio_entry e;
    if (cpio_find(archive, archive_size, "system.dtb", &e) != CPIO_OK) {
        bt_printf("vmm[%s]: no system.dtb in the boot archive\n", vm->name);
        return false;
    }
    int err = fdt_check_full(e.data, e.size);
    if (err != 0) {
        bt_printf("vmm[%s]: system.dtb is not a valid device tree: %s\n", vm->name,
                  fdt_strerror(err));
        return false;
    }
    const char *why = config_read(e.data, vm->name, &vm->cfg);
    if (why != NULL) {
        bt_printf("vmm[%s]: system.dtb: /vms/%s: %s\n", vm->name, vm->name, why);
        return false;
    }
    return true;
}

static bool make_objects(struct vm *vm)
{
    struct bt_alloc *a = &vm->alloc;
    vm->vm = bt_alloc_object(a, BT_OBJ_VM, BT_VM_BITS);
    if (vm->vm == 0 || !handler_init_main(vm)) {
        bt_printf("vmm[%s]: cannot make the VM object, an exit endpoint or a reply object\n",
                  vm->name);
        return false;
    }
    return true;
}

static bool add_devices(struct vm *vm)
{
    unsigned n = vm->cfg.vcpu_count;
    vgic_init(&vm->gic, n, vcpu_inject, vcpu_retract, vm);
    vpl011_init(&vm->uart, conio_out, conio_uart_irq, vm);
    psci_init(&vm->psci, n, VM_RAM_BASE, vm->cfg.memory);
    mmio_init(&vm->mmio);
    return mmio_register(&vm->mmio, VM_GICD_BASE, VM_GICD_SIZE, vgic_dist_access, &vm->gic,
                         "gicd") &&
           mmio_register(&vm->mmio, VM_GICR_BASE, VM_GICR_STRIDE * n, vgic_redist_access, &vm->gic,
                         "gicr") &&
           mmio_register(&vm->mmio, VM_UART_BASE, VM_UART_SIZE, vpl011_access, &vm->uart, "pl011");
}

/* Loads the images and starts vCPU 0 at the kernel (x0 = the DTB). */
static bool boot(struct vm *vm)
{
    return boot_load(vm) && vcpu_start(vm, 0, vm->layout.kernel, vm->layout.dtb);
}

static bool build(struct vm *vm)
{
    size_t archive_size = 0;
    const void *archive = find_archive(&archive_size);
    if (archive == NULL) {
        bt_printf("vmm[%s]: no boot archive granted\n", vm->name);
        return false;
    }
    /* Guest RAM last: what is left of the quota after the small objects. */
    if (!read_config(vm, archive, archive_size) || !boot_find_images(vm, archive, archive_size) ||
        !add_devices(vm) || !make_objects(vm) || !vcpu_create_all(vm) || !conio_start(vm) ||
        !guest_ram_create(vm)) {
        return false;
    }
    bt_printf("vmm[%s]: %lu MiB of RAM at 0x%lx, %u vCPU(s), kernel %s%s%s\n", vm->name,
              vm->cfg.memory >> 20, VM_RAM_BASE, vm->cfg.vcpu_count, vm->cfg.kernel,
              vm->cfg.initrd != NULL ? ", initrd " : "",
              vm->cfg.initrd != NULL ? vm->cfg.initrd : "");
    return true;
}

/* SYSTEM_RESET: devices and vCPUs back to their state out of reset, the
 * images loaded anew. */
static bool reset(struct vm *vm)
{
    vm_lock(vm);
    vcpu_reset_all(vm);
    vgic_reset(&vm->gic);
    vpl011_reset(&vm->uart);
    psci_reset(&vm->psci);
    vm->con.head = __atomic_load_n(&vm->con.tail, __ATOMIC_ACQUIRE); /* old input */
    vm_note(vm, "guest reset");
    bool ok = boot(vm);
    vm->state = VM_RUNNING;
    vm_unlock(vm);
    return ok;
}

int main(void)
{
    struct vm *vm = &the_vm;
    vm->name = bt_start != NULL ? bt_start->name : "?";
    vm->exiting = -1;
    if (bt_start == NULL) {
        bt_debug_puts("vmm: started without start info\n");
        return 1;
    }
    bt_alloc_init_component(&vm->alloc, bt_start);
    if (!build(vm) || !boot(vm)) {
        vm_note(vm, "cannot start the guest");
        return 1;
    }
    while (exits_serve(vm, &vm->handler[0]) == VM_RESET) {
        if (!reset(vm)) {
            vm_note(vm, "cannot restart the guest");
            return 1;
        }
    }
    vm_note(vm, "guest powered off");
    return 0;
}
