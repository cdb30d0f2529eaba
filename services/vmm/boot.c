/*
 * What the guest finds in RAM when it starts: the kernel Image and the
 * initrd named by the scenario (files of the boot archive), and the device
 * tree the VMM builds, each where image_layout() puts them. Loaded at
 * start and again on every reset, so a guest that scribbled over its
 * kernel gets a clean one.
 */
#include "c/print.h"
#include "guest_dt.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "vm.h"

static bool find(struct vm *vm, const void *archive, size_t size, const char *file,
                 const uint8_t **data, size_t *len)
{
    struct cpio_entry e;
    if (cpio_find(archive, size, file, &e) != CPIO_OK) {
        bt_printf("vmm[%s]: %s is not in the boot archive\n", vm->name, file);
        return false;
    }
    *data = e.data;
    *len = e.size;
    return true;
}

bool boot_find_images(struct vm *vm, const void *archive, size_t archive_size)
{
    const struct vm_config *c = &vm->cfg;
    if (!find(vm, archive, archive_size, c->kernel, &vm->kernel, &vm->kernel_size)) {
        return false;
    }
    vm->initrd = NULL;
    vm->initrd_size = 0;
    if (c->initrd != NULL &&
        !find(vm, archive, archive_size, c->initrd, &vm->initrd, &vm->initrd_size)) {
        return false;
    }
    const char *why = image_check(vm->kernel, vm->kernel_size, &vm->image);
    if (why == NULL) {
        why = image_layout(VM_RAM_BASE, c->memory, &vm->image, vm->kernel_size, vm->initrd_size,
                           &vm->layout);
    }
    if (why != NULL) {
        bt_printf("vmm[%s]: kernel %s: %s\n", vm->name, c->kernel, why);
        return false;
    }
    return true;
}

static bool copy_in(struct vm *vm, uint64_t ipa, const void *data, size_t len)
{
    void *dst = guest_ram_ptr(&vm->ram, ipa, len);
    if (dst == NULL) {
        return false;
    }
    memcpy(dst, data, len);
    guest_ram_clean(&vm->ram, ipa, len);
    return true;
}

bool boot_load(struct vm *vm)
{
    const struct guest_layout *l = &vm->layout;
    /* The part of the kernel's footprint past the file is its BSS, which
     * the kernel clears itself; the space between file and image_size is
     * left as it is. */
    if (!copy_in(vm, l->kernel, vm->kernel, vm->kernel_size) ||
        (vm->initrd_size > 0 && !copy_in(vm, l->initrd, vm->initrd, vm->initrd_size))) {
        bt_printf("vmm[%s]: the images do not fit in guest RAM\n", vm->name);
        return false;
    }
    struct guest_dt_params p = {
        .ram_base = vm->ram.base,
        .ram_size = vm->ram.size,
        .vcpu_count = vm->cfg.vcpu_count,
        .bootargs = vm->cfg.bootargs,
        .initrd_start = vm->initrd_size > 0 ? l->initrd : 0,
        .initrd_end = vm->initrd_size > 0 ? l->initrd_end : 0,
        .virtio_count = 0, /* the transports come with issue 6 */
    };
    void *dtb = guest_ram_ptr(&vm->ram, l->dtb, IMAGE_DTB_MAX);
    int err = dtb != NULL ? guest_dt_build(dtb, IMAGE_DTB_MAX, &p) : -1;
    if (err != 0) {
        bt_printf("vmm[%s]: building the guest's device tree failed (%d)\n", vm->name, err);
        return false;
    }
    guest_ram_clean(&vm->ram, l->dtb, IMAGE_DTB_MAX);
    return true;
}
