/*
 * Host tests of the Image loader's checks and layout (services/vmm/
 * image.c): the header's magic and fields, and where kernel, initrd and
 * DTB go in guest RAM, including RAM that is too small for them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/image.h"

#define RAM 0x40000000ull
#define MiB 0x100000ull

static uint8_t image[4096];

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void make_header(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
    memset(image, 0, sizeof(image));
    put64(image + 8, text_offset);
    put64(image + 16, image_size);
    put64(image + 24, flags);
    memcpy(image + 56, "ARM\x64", 4);
}

static void a_linux_header_is_accepted(void **state)
{
    (void)state;
    struct image_info info;
    make_header(0, 30 * MiB, 0xa);
    assert_null(image_check(image, sizeof(image), &info));
    assert_int_equal(info.text_offset, 0);
    assert_int_equal(info.image_size, 30 * MiB);
    assert_int_equal(info.flags, 0xa);
}

static void bad_headers_are_refused_with_a_reason(void **state)
{
    (void)state;
    struct image_info info;
    make_header(0, 4096, 0);
    assert_non_null(image_check(image, 63, &info));
    image[59] = 0x65;
    assert_non_null(image_check(image, sizeof(image), &info));
    make_header(0, 4096, 1); /* big-endian */
    assert_non_null(image_check(image, sizeof(image), &info));
    make_header(0x123, 4096, 0); /* text_offset not page-aligned */
    assert_non_null(image_check(image, sizeof(image), &info));
    make_header(0, 100, 0); /* image_size smaller than the file */
    assert_non_null(image_check(image, sizeof(image), &info));
    make_header(0, ~0ull, 0);
    assert_non_null(image_check(image, sizeof(image), &info));
    memset(image, 0xff, sizeof(image));
    assert_non_null(image_check(image, sizeof(image), &info));
}

static void an_old_header_without_image_size_gets_the_old_defaults(void **state)
{
    (void)state;
    struct image_info info;
    make_header(0x80000, 0, 0);
    assert_null(image_check(image, sizeof(image), &info));
    assert_int_equal(info.text_offset, 0x80000);
    assert_true(info.image_size >= sizeof(image));
}

static void kernel_at_the_bottom_dtb_and_initrd_at_the_top(void **state)
{
    (void)state;
    struct image_info info = {.text_offset = 0, .image_size = 30 * MiB};
    struct guest_layout l;
    assert_null(image_layout(RAM, 256 * MiB, &info, 27 * MiB, 1127563, &l));
    assert_int_equal(l.kernel, RAM);
    assert_int_equal(l.kernel_end, RAM + 30 * MiB);
    assert_int_equal(l.dtb + IMAGE_DTB_MAX, RAM + 256 * MiB);
    assert_int_equal(l.dtb % 8, 0);
    assert_int_equal(l.initrd % 4096, 0);
    assert_int_equal(l.initrd_end - l.initrd, 1127563);
    assert_true(l.initrd_end <= l.dtb);
    assert_true(l.kernel_end <= l.initrd);
}

static void text_offset_moves_the_kernel(void **state)
{
    (void)state;
    struct image_info info = {.text_offset = 0x80000, .image_size = MiB};
    struct guest_layout l;
    assert_null(image_layout(RAM, 16 * MiB, &info, 4096, 0, &l));
    assert_int_equal(l.kernel, RAM + 0x80000);
    assert_int_equal(l.initrd, 0);
    assert_int_equal(l.initrd_end, 0);
}

static void what_does_not_fit_is_refused(void **state)
{
    (void)state;
    struct image_info info = {.text_offset = 0, .image_size = 30 * MiB};
    struct guest_layout l;
    assert_non_null(image_layout(RAM, 16 * MiB, &info, 27 * MiB, 0, &l));
    assert_non_null(image_layout(RAM, 32 * MiB, &info, 27 * MiB, 4 * MiB, &l));
    assert_non_null(image_layout(RAM, 64 * MiB, &info, 27 * MiB, ~0ull, &l));
    assert_non_null(image_layout(RAM + 4096, 64 * MiB, &info, 27 * MiB, 0, &l));
    assert_non_null(image_layout(RAM, 4096, &info, 0, 0, &l));
    assert_null(image_layout(RAM, 32 * MiB, &info, 27 * MiB, MiB, &l));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_linux_header_is_accepted),
        cmocka_unit_test(bad_headers_are_refused_with_a_reason),
        cmocka_unit_test(an_old_header_without_image_size_gets_the_old_defaults),
        cmocka_unit_test(kernel_at_the_bottom_dtb_and_initrd_at_the_top),
        cmocka_unit_test(text_offset_moves_the_kernel),
        cmocka_unit_test(what_does_not_fit_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
