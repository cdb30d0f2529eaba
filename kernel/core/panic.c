/*
 * Refusal, panic, register dump and backtrace. The backtrace follows the
 * frame-pointer chain (the kernel is built with -fno-omit-frame-pointer),
 * checking each frame lies in kernel memory before reading it.
 */
#include "core/panic.h"
#include "arch/aarch64/layout.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/regs.h"
#include "arch/aarch64/sysreg.h"
#include "core/printk.h"
#include "lib/format.h"

#include <stdarg.h>

static void print_reason(const char *prefix, const char *fmt, va_list ap)
{
    char buf[200];
    format_vbuf(buf, sizeof(buf), fmt, ap);
    printk("%s%s\n", prefix, buf);
}

void boot_refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_reason("kernel: cannot boot: ", fmt, ap);
    va_end(ap);
    psci_system_off();
}

static bool frame_ok(uint64_t fp)
{
    /* Kernel stacks live in the kernel image or the direct map. */
    return fp >= DIRECT_MAP_BASE && (fp & 15) == 0 && fp < ~0UL - 16;
}

static void backtrace(uint64_t fp, uint64_t pc)
{
    printk("kernel: backtrace:\n  0x%016lx\n", pc);
    for (int depth = 0; depth < 32 && frame_ok(fp); depth++) {
        const uint64_t *frame = (const uint64_t *)fp;
        uint64_t next = frame[0], lr = frame[1];
        if (lr == 0) {
            break;
        }
        printk("  0x%016lx\n", lr - 4);
        if (next <= fp) {
            break;
        }
        fp = next;
    }
}

static NORETURN void halt(void)
{
    irq_disable();
    psci_system_off();
}

void panic(const char *fmt, ...)
{
    irq_disable();
    va_list ap;
    va_start(ap, fmt);
    print_reason("kernel: panic: ", fmt, ap);
    va_end(ap);
    backtrace((uint64_t)__builtin_frame_address(0), (uint64_t)__builtin_return_address(0));
    halt();
}

void panic_regs(const struct regs *r, const char *fmt, ...)
{
    irq_disable();
    va_list ap;
    va_start(ap, fmt);
    print_reason("kernel: panic: ", fmt, ap);
    va_end(ap);
    for (int i = 0; i < 30; i += 2) {
        printk("  x%-2d 0x%016lx  x%-2d 0x%016lx\n", i, r->x[i], i + 1, r->x[i + 1]);
    }
    printk("  x30 0x%016lx  sp  0x%016lx\n", r->x[30], r->sp);
    printk("  pc  0x%016lx  pstate 0x%08lx\n", r->pc, r->pstate);
    printk("  esr 0x%08lx  far 0x%016lx\n", sysreg_read(esr_el2), sysreg_read(far_el2));
    backtrace(r->x[29], r->pc);
    halt();
}
