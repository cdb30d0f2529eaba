/*
 * A minimal runtime for the guest benchmark programs: static AArch64 Linux
 * executables that talk to the kernel with raw system calls, so they need
 * no C library (the cross toolchain ships none) and their instruction
 * counts are the kernel's plus a handful of our own.
 *
 * Timing reads CNTVCT_EL0. Under QEMU with -icount shift=0,sleep=off and
 * -cpu cortex-a76,cntfrq=1000000000 the counter advances once per retired
 * instruction, so a difference of two reads is an instruction count (see
 * ../shared/reference/benchmarking.md). Without those options the numbers
 * are counter ticks and mean little.
 */
#ifndef GUEST_BENCH_RT_H
#define GUEST_BENCH_RT_H

#include <stddef.h>
#include <stdint.h>

/* System call numbers of the generic (asm-generic/unistd.h) table. */
enum {
    SYS_IOCTL = 29,
    SYS_OPENAT = 56,
    SYS_CLOSE = 57,
    SYS_PIPE2 = 59,
    SYS_READ = 63,
    SYS_WRITE = 64,
    SYS_EXIT_GROUP = 94,
    SYS_CLOCK_GETTIME = 113,
    SYS_CLOCK_NANOSLEEP = 115,
    SYS_GETPPID = 173,
    SYS_MUNMAP = 215,
    SYS_CLONE = 220,
    SYS_MMAP = 222,
    SYS_MADVISE = 233,
    SYS_WAIT4 = 260,
};

static inline long rt_syscall(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

/* Without arguments: only x8 and x0, so a loop of these is the bare call. */
static inline long rt_syscall0(long n)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

#define rt_syscall1(n, a) rt_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define rt_syscall2(n, a, b) rt_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define rt_syscall3(n, a, b, c) rt_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define rt_syscall4(n, a, b, c, d) rt_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define rt_syscall6(n, a, b, c, d, e, f)                                                           \
    rt_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* The virtual counter; the isb keeps the read from moving across the
 * code being measured. */
static inline uint64_t rt_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/* Writes text to standard output. */
void rt_print(const char *s);
/* Prints "bench: KEY=VALUE" with VALUE a decimal number. */
void rt_print_u64(const char *key, uint64_t value);
/* Prints "bench: KEY=T/N" rounded to three decimals: instructions per op.
 * Three, because a tick's cost spread over a long CPU-bound loop shows up
 * only in the second or third decimal, and ratios need it. */
void rt_print_ratio(const char *key, uint64_t total, uint64_t count);
/* Reports a failed system call and exits with status 1. */
_Noreturn void rt_fail(const char *what, long err);
_Noreturn void rt_exit(int status);

/* argv[1] as a count, or fallback when absent or not a number. */
uint64_t rt_count_arg(int argc, char **argv, uint64_t fallback);

/*
 * Sleeps until the next whole second of CLOCK_MONOTONIC. A benchmark calls
 * this just before it starts measuring, so it starts at the same phase of
 * the kernel's periodic tick and of its housekeeping timers (round_jiffies()
 * puts those on whole seconds) whatever ran before it: a slower boot in a
 * VM, or a shell command that arrived when the host typed it. Under QEMU's
 * -icount sleep=off the idle wait costs no host time.
 */
void rt_align(void);

/* What the compiler may call on its own for struct copies and zeroing. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

int main(int argc, char **argv);

#endif
