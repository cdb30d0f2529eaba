/*
 * The Image header and the guest RAM layout: see image.h.
 */
#include "image.h"

#define SZ_2M 0x200000ull
#define PAGE 0x1000ull

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

const char *image_check(const void *data, size_t size, struct image_info *info)
{
    const uint8_t *h = data;
    if (size < IMAGE_HEADER_SIZE) {
        return "too short for an arm64 Image header";
    }
    if ((uint32_t)le64(h + 56) != IMAGE_MAGIC) {
        return "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)";
    }
    info->text_offset = le64(h + 8);
    info->image_size = le64(h + 16);
    info->flags = le64(h + 24);
    if (info->image_size == 0) {
        /* Kernels before 3.17: text_offset is 0x80000 and the size is
         * unknown; the file plus room for its BSS is a guess booting.rst
         * leaves to the loader. */
        info->text_offset = 0x80000;
        info->image_size = (size + 0x800000 + PAGE - 1) & ~(PAGE - 1);
    }
    if (info->flags & 1) {
        return "a big-endian Image (only little-endian guests are supported)";
    }
    if (info->text_offset >= SZ_2M || (info->text_offset & (PAGE - 1)) != 0) {
        return "text_offset is not page-aligned or implausibly large";
    }
    if (info->image_size < size || info->image_size > (1ull << 36)) {
        return "image_size is smaller than the file or implausibly large";
    }
    return NULL;
}

const char *image_layout(uint64_t ram_base, uint64_t ram_size, const struct image_info *info,
                         uint64_t kernel_file_size, uint64_t initrd_size, struct guest_layout *out)
{
    uint64_t ram_end = ram_base + ram_size;
    if ((ram_base & (SZ_2M - 1)) != 0 || ram_end < ram_base) {
        return "guest RAM is not 2 MiB-aligned";
    }
    if (kernel_file_size > info->image_size || ram_size < IMAGE_DTB_MAX) {
        return "guest RAM is too small";
    }
    out->kernel = ram_base + info->text_offset;
    out->kernel_end = out->kernel + info->image_size;
    out->dtb = (ram_end - IMAGE_DTB_MAX) & ~7ull;
    if (initrd_size > out->dtb - ram_base) {
        return "the initrd does not fit in guest RAM";
    }
    out->initrd_end = initrd_size > 0 ? out->dtb : 0;
    out->initrd = initrd_size > 0 ? (out->dtb - initrd_size) & ~(PAGE - 1) : 0;
    uint64_t top = initrd_size > 0 ? out->initrd : out->dtb;
    if (out->kernel_end < out->kernel || out->kernel_end > top) {
        return "the kernel, initrd and device tree do not fit in guest RAM";
    }
    out->initrd_end = initrd_size > 0 ? out->initrd + initrd_size : 0;
    return NULL;
}
