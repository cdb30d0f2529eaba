/*
 * ELF64 executable validation: see elf.h. Field layout from the System V
 * gABI (ELF-64 Object File Format) and the AArch64 ELF ABI (EM_AARCH64 = 183).
 * The header is read field by field from bytes, so the file needs no
 * particular alignment.
 */
#include "lib/elf.h"
#include "lib/format.h"
#include "lib/string.h"

enum {
    EHDR_SIZE = 64,
    PHDR_SIZE = 56,
    ET_EXEC = 2,
    EM_AARCH64 = 183,
    PT_LOAD = 1,
    PT_INTERP = 3,
    MAX_PHDRS = 64,
};

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;) {
        v = v << 8 | p[i];
    }
    return v;
}

static const char *machine_name(uint64_t m)
{
    switch (m) {
    case 3:
        return " (i386)";
    case 40:
        return " (32-bit Arm)";
    case 62:
        return " (x86-64)";
    case 243:
        return " (RISC-V)";
    default:
        return "";
    }
}

static bool check_header(const uint8_t *f, size_t size, char *why, size_t n)
{
    if (size < EHDR_SIZE) {
        format_buf(why, n, "truncated: %zu bytes, an ELF header needs %d", size, EHDR_SIZE);
        return false;
    }
    if (memcmp(f, "\177ELF", 4) != 0) {
        format_buf(why, n, "not an ELF file (bad magic)");
        return false;
    }
    if (f[4] != 2) {
        format_buf(why, n, "not a 64-bit ELF file (class %u)", f[4]);
        return false;
    }
    if (f[5] != 1) {
        format_buf(why, n, "not a little-endian ELF file");
        return false;
    }
    if (f[6] != 1 || le(f + 20, 4) != 1) {
        format_buf(why, n, "unknown ELF version");
        return false;
    }
    uint64_t machine = le(f + 18, 2);
    if (machine != EM_AARCH64) {
        format_buf(why, n, "built for machine %lu%s, not AArch64 (%d)", machine,
                   machine_name(machine), EM_AARCH64);
        return false;
    }
    uint64_t type = le(f + 16, 2);
    if (type != ET_EXEC) {
        format_buf(why, n, "not a static executable (ELF type %lu, need %d)", type, ET_EXEC);
        return false;
    }
    return true;
}

/* Checks one PT_LOAD header and appends it to out. */
static bool check_load(const uint8_t *ph, unsigned index, size_t size, uint64_t va_min,
                       uint64_t va_end, struct elf_image *out, char *why, size_t n)
{
    struct elf_segment s = {
        .flags = (uint32_t)le(ph + 4, 4) & 7u,
        .offset = le(ph + 8, 8),
        .vaddr = le(ph + 16, 8),
        .filesz = le(ph + 32, 8),
        .memsz = le(ph + 40, 8),
    };
    uint64_t file_end, mem_end;
    if (s.filesz > s.memsz) {
        format_buf(why, n, "segment %u: file size 0x%lx exceeds memory size 0x%lx", index, s.filesz,
                   s.memsz);
        return false;
    }
    if (__builtin_add_overflow(s.offset, s.filesz, &file_end) || file_end > size) {
        format_buf(why, n, "truncated: segment %u needs bytes up to 0x%lx, file has 0x%zx", index,
                   s.offset + s.filesz, size);
        return false;
    }
    if (s.memsz == 0) {
        return true; /* nothing to load */
    }
    if (__builtin_add_overflow(s.vaddr, s.memsz, &mem_end) || s.vaddr < va_min ||
        mem_end > va_end) {
        format_buf(why, n,
                   "segment %u at 0x%lx (size 0x%lx) lies outside the allowed range "
                   "[0x%lx, 0x%lx)",
                   index, s.vaddr, s.memsz, va_min, va_end);
        return false;
    }
    if ((s.flags & ELF_SEG_W) && (s.flags & ELF_SEG_X)) {
        format_buf(why, n, "segment %u is both writable and executable", index);
        return false;
    }
    uint64_t lo = ALIGN_DOWN(s.vaddr, (uint64_t)ELF_PAGE_SIZE);
    uint64_t hi = ALIGN_UP(mem_end, (uint64_t)ELF_PAGE_SIZE);
    for (uint32_t i = 0; i < out->segment_count; i++) {
        const struct elf_segment *o = &out->segments[i];
        uint64_t olo = ALIGN_DOWN(o->vaddr, (uint64_t)ELF_PAGE_SIZE);
        uint64_t ohi = ALIGN_UP(o->vaddr + o->memsz, (uint64_t)ELF_PAGE_SIZE);
        if (lo < ohi && olo < hi) {
            format_buf(why, n, "segment %u overlaps another segment's pages at 0x%lx", index,
                       MAX(lo, olo));
            return false;
        }
    }
    if (out->segment_count == ELF_MAX_SEGMENTS) {
        format_buf(why, n, "more than %d loadable segments", ELF_MAX_SEGMENTS);
        return false;
    }
    out->segments[out->segment_count++] = s;
    return true;
}

bool elf_check(const void *file, size_t size, uint64_t va_min, uint64_t va_end,
               struct elf_image *out, char *why, size_t why_size)
{
    const uint8_t *f = file;
    if (!check_header(f, size, why, why_size)) {
        return false;
    }
    uint64_t phoff = le(f + 32, 8);
    uint64_t phentsize = le(f + 54, 2);
    uint64_t phnum = le(f + 56, 2);
    if (phentsize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHDRS || phoff > size ||
        phnum * PHDR_SIZE > size - phoff) {
        format_buf(why, why_size, "program headers lie outside the file or are malformed");
        return false;
    }
    out->entry = le(f + 24, 8);
    out->segment_count = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + (uint64_t)i * PHDR_SIZE;
        uint64_t type = le(ph, 4);
        if (type == PT_INTERP) {
            format_buf(why, why_size, "dynamically linked (has an interpreter); need static");
            return false;
        }
        if (type == PT_LOAD && !check_load(ph, i, size, va_min, va_end, out, why, why_size)) {
            return false;
        }
    }
    if (out->segment_count == 0) {
        format_buf(why, why_size, "no loadable segment");
        return false;
    }
    for (uint32_t i = 0; i < out->segment_count; i++) {
        const struct elf_segment *s = &out->segments[i];
        if ((s->flags & ELF_SEG_X) && out->entry >= s->vaddr && out->entry - s->vaddr < s->memsz) {
            return true;
        }
    }
    format_buf(why, why_size, "entry point 0x%lx is not in an executable segment", out->entry);
    return false;
}
