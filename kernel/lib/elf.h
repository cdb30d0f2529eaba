/*
 * Validation of static AArch64 ELF executables, before anything is loaded.
 * Pure logic with no allocation, shared by the kernel (root task) and the
 * user-level loader, and tested on the host. Every field is checked against
 * the file's size and the caller's address range; the first problem is
 * reported as a sentence naming the field.
 */
#ifndef KERNEL_LIB_ELF_H
#define KERNEL_LIB_ELF_H

#include "lib/types.h"

#define ELF_MAX_SEGMENTS 8
#define ELF_PAGE_SIZE 4096u

enum {
    ELF_SEG_R = 4,
    ELF_SEG_W = 2,
    ELF_SEG_X = 1,
};

struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t flags; /* ELF_SEG_* */
};

struct elf_image {
    uint64_t entry;
    uint32_t segment_count;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/*
 * Checks that file[0, size) is a little-endian 64-bit AArch64 ET_EXEC whose
 * loadable segments lie inside [va_min, va_end), do not share pages, are not
 * both writable and executable, and whose entry point is in an executable
 * segment. On failure returns false and writes the reason into why.
 */
bool elf_check(const void *file, size_t size, uint64_t va_min, uint64_t va_end,
               struct elf_image *out, char *why, size_t why_size);

#endif
