/*
 * Booting an arm64 Linux Image (Documentation/arch/arm64/booting.rst): the
 * 64-byte header (magic "ARM\x64" at offset 56, text_offset, image_size,
 * flags) and where the kernel, the initrd and the DTB go in guest RAM. The
 * kernel sits text_offset bytes above the start of RAM (a 2 MiB-aligned
 * base, as close to the start as possible); the DTB (8-byte aligned, at
 * most 2 MiB) and the initrd go at the top of RAM, clear of the kernel's
 * image_size. Every size and offset from the file is checked before use.
 *
 * Pure code: the host tests drive it directly.
 */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_HEADER_SIZE 64
#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64", little-endian */
#define IMAGE_DTB_MAX 0x10000u  /* the room the VMM's DTB gets */

struct image_info {
    uint64_t text_offset; /* where the image goes above a 2 MiB-aligned base */
    uint64_t image_size;  /* bytes the kernel occupies from there, BSS included */
    uint64_t flags;
};

struct guest_layout {
    uint64_t kernel, kernel_end; /* guest-physical: [kernel, kernel_end) */
    uint64_t initrd, initrd_end; /* [initrd, initrd_end), empty when there is none */
    uint64_t dtb;                /* IMAGE_DTB_MAX bytes from here */
};

/* Checks the header of an Image of size bytes. Returns NULL and fills
 * *info, or says what is wrong. */
const char *image_check(const void *data, size_t size, struct image_info *info);

/* Places the pieces in RAM [ram_base, ram_base + ram_size). ram_base must
 * be 2 MiB-aligned. Returns NULL and fills *out, or says what does not
 * fit. */
const char *image_layout(uint64_t ram_base, uint64_t ram_size, const struct image_info *info,
                         uint64_t kernel_file_size, uint64_t initrd_size, struct guest_layout *out);

#endif
