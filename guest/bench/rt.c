/*
 * The benchmark runtime (see rt.h): start-up, output, the tick alignment
 * and the two memory functions the compiler may call. Everything is a raw
 * system call; nothing here allocates.
 */
#include "rt.h"

#define CLOCK_MONOTONIC 1
#define TIMER_ABSTIME 1
#define ALIGN_NS 1000000000ull /* see rt_align() in rt.h */

struct timespec64 {
    int64_t sec;
    int64_t nsec;
};

_Noreturn void rt_start(long *sp);

_Noreturn void rt_start(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    rt_exit(main(argc, argv));
}

_Noreturn void rt_exit(int status)
{
    for (;;) {
        rt_syscall1(SYS_EXIT_GROUP, status);
    }
}

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

void rt_print(const char *s)
{
    size_t n = length(s);
    while (n > 0) {
        long done = rt_syscall3(SYS_WRITE, 1, s, n);
        if (done <= 0) {
            return;
        }
        s += done;
        n -= (size_t)done;
    }
}

/* Formats value in decimal at the end of buf (of size 24); returns the start. */
static char *format_u64(char *buf, uint64_t value)
{
    char *p = buf + 23;
    *p = '\0';
    do {
        *--p = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return p;
}

void rt_print_u64(const char *key, uint64_t value)
{
    char buf[24];
    rt_print("bench: ");
    rt_print(key);
    rt_print("=");
    rt_print(format_u64(buf, value));
    rt_print("\n");
}

void rt_print_ratio(const char *key, uint64_t total, uint64_t count)
{
    char buf[24];
    uint64_t thousandths = count ? (total * 1000 + count / 2) / count : 0;
    rt_print("bench: ");
    rt_print(key);
    rt_print("=");
    rt_print(format_u64(buf, thousandths / 1000));
    /* Three digits after the point, with leading zeros. */
    char frac[5] = {'.', (char)('0' + thousandths / 100 % 10), (char)('0' + thousandths / 10 % 10),
                    (char)('0' + thousandths % 10), '\0'};
    rt_print(frac);
    rt_print("\n");
}

_Noreturn void rt_fail(const char *what, long err)
{
    char buf[24];
    rt_print("bench: error: ");
    rt_print(what);
    rt_print(" failed, errno ");
    rt_print(format_u64(buf, (uint64_t)-err));
    rt_print("\n");
    rt_exit(1);
}

uint64_t rt_count_arg(int argc, char **argv, uint64_t fallback)
{
    if (argc < 2 || argv[1][0] == '\0') {
        return fallback;
    }
    uint64_t n = 0;
    for (const char *p = argv[1]; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return fallback;
        }
        n = n * 10 + (uint64_t)(*p - '0');
    }
    return n ? n : fallback;
}

void rt_align(void)
{
    struct timespec64 now;
    long err = rt_syscall2(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, &now);
    if (err < 0) {
        rt_fail("clock_gettime", err);
    }
    uint64_t ns = (uint64_t)now.sec * 1000000000ull + (uint64_t)now.nsec;
    uint64_t target = (ns / ALIGN_NS + 1) * ALIGN_NS;
    struct timespec64 until = {(int64_t)(target / 1000000000ull),
                               (int64_t)(target % 1000000000ull)};
    do {
        err = rt_syscall4(SYS_CLOCK_NANOSLEEP, CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0);
    } while (err == -4); /* EINTR: sleep again until the same deadline */
    if (err < 0) {
        rt_fail("clock_nanosleep", err);
    }
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- > 0) {
        *d++ = *s++;
    }
    return dst;
}
