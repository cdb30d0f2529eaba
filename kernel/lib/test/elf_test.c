/*
 * Host tests of ELF validation (kernel/lib/elf.c): one test per rule, each
 * on an image built here byte by byte, with the message it must give.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/elf.h"

#define VA_MIN 0x10000UL
#define VA_END 0x700000000000UL
#define FILE_SIZE 0x3000

struct image {
    uint8_t bytes[FILE_SIZE];
    Elf64_Ehdr *eh;
    Elf64_Phdr *ph;
};

/* A valid image: text (R X) at 0x400000, data (R W) at 0x401000. */
static struct image *valid_image(void)
{
    struct image *im = calloc(1, sizeof(*im));
    im->eh = (Elf64_Ehdr *)im->bytes;
    im->ph = (Elf64_Phdr *)(im->bytes + sizeof(Elf64_Ehdr));
    memcpy(im->eh->e_ident, ELFMAG, SELFMAG);
    im->eh->e_ident[EI_CLASS] = ELFCLASS64;
    im->eh->e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh->e_ident[EI_VERSION] = EV_CURRENT;
    im->eh->e_type = ET_EXEC;
    im->eh->e_machine = EM_AARCH64;
    im->eh->e_version = EV_CURRENT;
    im->eh->e_entry = 0x400010;
    im->eh->e_phoff = sizeof(Elf64_Ehdr);
    im->eh->e_phentsize = sizeof(Elf64_Phdr);
    im->eh->e_phnum = 2;
    im->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_X,
                             .p_offset = 0x1000,
                             .p_vaddr = 0x400000,
                             .p_filesz = 0x100,
                             .p_memsz = 0x100};
    im->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_W,
                             .p_offset = 0x2000,
                             .p_vaddr = 0x401000,
                             .p_filesz = 0x10,
                             .p_memsz = 0x2000};
    return im;
}

static void expect_reject(struct image *im, size_t size, const char *expect)
{
    struct elf_image out;
    char why[200] = "";
    assert_false(elf_check(im->bytes, size, VA_MIN, VA_END, &out, why, sizeof(why)));
    if (strstr(why, expect) == NULL) {
        fail_msg("expected \"%s\" in \"%s\"", expect, why);
    }
    free(im);
}

static void valid_executable_is_accepted(void **state)
{
    (void)state;
    struct image *im = valid_image();
    struct elf_image out;
    char why[200];
    assert_true(elf_check(im->bytes, FILE_SIZE, VA_MIN, VA_END, &out, why, sizeof(why)));
    assert_int_equal(out.entry, 0x400010);
    assert_int_equal(out.segment_count, 2);
    assert_int_equal(out.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
    assert_int_equal(out.segments[1].memsz, 0x2000);
    free(im);
}

static void truncated_header_is_rejected(void **state)
{
    (void)state;
    expect_reject(valid_image(), 40, "truncated: 40 bytes");
}

static void bad_magic_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->bytes[1] = 'X';
    expect_reject(im, FILE_SIZE, "not an ELF file");
}

static void elf32_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_ident[EI_CLASS] = ELFCLASS32;
    expect_reject(im, FILE_SIZE, "not a 64-bit");
}

static void big_endian_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_ident[EI_DATA] = ELFDATA2MSB;
    expect_reject(im, FILE_SIZE, "little-endian");
}

static void wrong_machine_is_rejected_by_name(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_machine = EM_X86_64;
    expect_reject(im, FILE_SIZE, "built for machine 62 (x86-64), not AArch64 (183)");
}

static void shared_object_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_type = ET_DYN;
    expect_reject(im, FILE_SIZE, "not a static executable");
}

static void program_headers_outside_file_are_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_phoff = FILE_SIZE - 10;
    expect_reject(im, FILE_SIZE, "program headers");
}

static void segment_beyond_end_of_file_is_rejected(void **state)
{
    (void)state;
    expect_reject(valid_image(), 0x1080, "truncated: segment 0 needs bytes up to 0x1100");
}

static void file_size_over_memory_size_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[1].p_filesz = 0x3000;
    im->ph[1].p_offset = 0;
    expect_reject(im, FILE_SIZE, "exceeds memory size");
}

static void segment_below_range_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[0].p_vaddr = 0x1000;
    expect_reject(im, FILE_SIZE, "segment 0 at 0x1000 (size 0x100) lies outside");
}

static void segment_above_range_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[1].p_vaddr = VA_END - 0x1000;
    expect_reject(im, FILE_SIZE, "lies outside the allowed range");
}

static void wrapping_segment_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[1].p_vaddr = 0xfffffffffffff000UL;
    im->ph[1].p_memsz = 0x2000;
    expect_reject(im, FILE_SIZE, "lies outside");
}

static void writable_executable_segment_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[0].p_flags = PF_R | PF_W | PF_X;
    expect_reject(im, FILE_SIZE, "both writable and executable");
}

static void segments_sharing_a_page_are_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[1].p_vaddr = 0x400800;
    expect_reject(im, FILE_SIZE, "overlaps");
}

static void no_loadable_segment_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[0].p_type = PT_NOTE;
    im->ph[1].p_type = PT_NOTE;
    expect_reject(im, FILE_SIZE, "no loadable segment");
}

static void interpreter_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->ph[1].p_type = PT_INTERP;
    expect_reject(im, FILE_SIZE, "dynamically linked");
}

static void entry_outside_code_is_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_entry = 0x401000;
    expect_reject(im, FILE_SIZE, "entry point 0x401000 is not in an executable segment");
}

static void too_many_segments_are_rejected(void **state)
{
    (void)state;
    struct image *im = valid_image();
    im->eh->e_phnum = ELF_MAX_SEGMENTS + 1;
    for (int i = 0; i <= ELF_MAX_SEGMENTS; i++) {
        im->ph[i] = (Elf64_Phdr){.p_type = PT_LOAD,
                                 .p_flags = PF_R | PF_X,
                                 .p_vaddr = 0x400000 + 0x1000UL * (uint64_t)i,
                                 .p_memsz = 8};
    }
    expect_reject(im, FILE_SIZE, "more than");
}

static void every_truncation_is_rejected_safely(void **state)
{
    (void)state;
    struct image *im = valid_image();
    for (size_t cut = 0; cut < 0x1100; cut++) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, im->bytes, cut);
        struct elf_image out;
        char why[200];
        assert_false(elf_check(part, cut, VA_MIN, VA_END, &out, why, sizeof(why)));
        free(part);
    }
    free(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_executable_is_accepted),
        cmocka_unit_test(truncated_header_is_rejected),
        cmocka_unit_test(bad_magic_is_rejected),
        cmocka_unit_test(elf32_is_rejected),
        cmocka_unit_test(big_endian_is_rejected),
        cmocka_unit_test(wrong_machine_is_rejected_by_name),
        cmocka_unit_test(shared_object_is_rejected),
        cmocka_unit_test(program_headers_outside_file_are_rejected),
        cmocka_unit_test(segment_beyond_end_of_file_is_rejected),
        cmocka_unit_test(file_size_over_memory_size_is_rejected),
        cmocka_unit_test(segment_below_range_is_rejected),
        cmocka_unit_test(segment_above_range_is_rejected),
        cmocka_unit_test(wrapping_segment_is_rejected),
        cmocka_unit_test(writable_executable_segment_is_rejected),
        cmocka_unit_test(segments_sharing_a_page_are_rejected),
        cmocka_unit_test(no_loadable_segment_is_rejected),
        cmocka_unit_test(interpreter_is_rejected),
        cmocka_unit_test(entry_outside_code_is_rejected),
        cmocka_unit_test(too_many_segments_are_rejected),
        cmocka_unit_test(every_truncation_is_rejected_safely),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
