/*
 * hostile: a small freestanding guest that attacks its VMM (issue 5, item
 * 6; ../../../../shared/reference/attack-catalog.md, section B). Booted as
 * a VM's kernel (start.S gives it the Image header), it prints through the
 * emulated PL011 and then:
 *
 *   - reads and writes guest-physical addresses outside RAM and the
 *     emulated devices, with every access width and with load/store pairs
 *     the hardware cannot decode, and jumps to such an address: each must
 *     end in a synchronous external abort, which the vector table records
 *     and skips;
 *   - makes unknown HVC and SMC calls: each must return -1 (NOT_SUPPORTED);
 *   - writes random values at random offsets into the emulated GIC
 *     distributor and redistributors and sends random SGIs: none may fault;
 *   - calls PSCI with bad arguments (CPU_ON of CPUs that do not exist, of
 *     itself, with entry points outside RAM; AFFINITY_INFO of nobody) and
 *     expects the documented errors; then starts vCPU 1 properly, lets it
 *     turn itself off and starts it again.
 *
 * It ends with "hostile: N attacks, all answered" (or says what went
 * wrong), then keeps hammering the VMM with the same attacks, printing a
 * line every 65536 rounds, so a test can check that other VMs keep running
 * meanwhile. Built with -mgeneral-regs-only and -mstrict-align: with the
 * MMU off every access is to Device memory and FP/SIMD is off.
 */
#include <stdbool.h>
#include <stdint.h>

#define RAM_BASE 0x40000000UL
#define UART 0x09000000UL
#define GICD 0x08000000UL
#define GICD_SIZE 0x10000UL
#define GICR 0x080a0000UL
#define GICR_STRIDE 0x20000UL

#define PSCI_CPU_OFF 0x84000002UL
#define PSCI_CPU_ON 0xc4000003UL
#define PSCI_AFFINITY_INFO 0xc4000004UL
#define PSCI_FEATURES 0x8400000aUL
#define PSCI_VERSION 0x84000000UL

#define EC_INSTRUCTION_ABORT 0x21
#define EC_DATA_ABORT 0x25

struct frame {
    uint64_t x[31];
    uint64_t elr, spsr, vector;
};

extern char __stack1_top[];
void secondary_entry(void);

static volatile uint64_t fault_count, fault_esr;
static volatile uint64_t cpu1_runs;
static unsigned attacks, surprises;
static uint64_t seed = 0x9e3779b97f4a7c15UL;
/* From the device tree the VMM built (dt_scan). */
static uint64_t ram_size = 16UL << 20;
static unsigned cpu_count = 1;

/* ---- output ---- */

static void putc_uart(char c)
{
    while (*(volatile uint32_t *)(UART + 0x18) & (1u << 5)) {
    }
    *(volatile uint32_t *)UART = (uint8_t)c;
}

static void puts_uart(const char *s)
{
    for (; *s != 0; s++) {
        if (*s == '\n') {
            putc_uart('\r');
        }
        putc_uart(*s);
    }
}

static void put_number(uint64_t v, unsigned base)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (base == 16) {
        puts_uart("0x");
    }
    while (n > 0) {
        putc_uart(buf[--n]);
    }
}

/* ---- exceptions ---- */

void hostile_exception(struct frame *f);
void hostile_exception(struct frame *f)
{
    uint64_t esr;
    __asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
    fault_count++;
    fault_esr = esr;
    if ((esr >> 26) == EC_INSTRUCTION_ABORT || (esr >> 26) == 0x20) {
        f->elr = f->x[30]; /* a jump into nothing: back to the caller */
    } else if (f->vector % 4 == 0) {
        f->elr += 4; /* a synchronous exception: skip the instruction */
    }
}

/* ---- helpers ---- */

static uint64_t next_random(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static void surprise(const char *what, uint64_t a, uint64_t b)
{
    surprises++;
    if (surprises <= 10) {
        puts_uart("hostile: unexpected: ");
        puts_uart(what);
        puts_uart(" ");
        put_number(a, 16);
        puts_uart(" ");
        put_number(b, 16);
        puts_uart("\n");
    }
}

static void access(uint64_t addr, unsigned kind)
{
    uint64_t v = next_random(), w = 0;
    switch (kind) {
    case 0:
        __asm__ volatile("ldrb %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
        break;
    case 1:
        __asm__ volatile("ldrh %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
        break;
    case 2:
        __asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
        break;
    case 3:
        __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
        break;
    case 4:
        __asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
        break;
    case 5:
        __asm__ volatile("strh %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
        break;
    case 6:
        __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
        break;
    case 7:
        __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
        break;
    case 8: /* a pair: the hardware gives no syndrome to decode */
        __asm__ volatile("ldp %0, %1, [%2]" : "+r"(v), "+r"(w) : "r"(addr) : "memory");
        break;
    default:
        __asm__ volatile("stp %0, %1, [%2]" : : "r"(v), "r"(w), "r"(addr) : "memory");
        break;
    }
}

#define ACCESS_KINDS 10
static const unsigned kind_width[ACCESS_KINDS] = {1, 2, 4, 8, 1, 2, 4, 8, 16, 16};

/* An access that must be answered with an abort. */
static void expect_abort(uint64_t addr, unsigned kind)
{
    uint64_t before = fault_count;
    attacks++;
    access(addr, kind);
    if (fault_count != before + 1 || (fault_esr >> 26) != EC_DATA_ABORT) {
        surprise("access without abort (address, kind)", addr, kind);
    }
}

/* An access that must not fault (an emulated device's window). */
static void expect_no_fault(uint64_t addr, unsigned kind)
{
    uint64_t before = fault_count;
    attacks++;
    access(addr, kind);
    if (fault_count != before) {
        surprise("fault in an emulated device (address, kind)", addr, kind);
    }
}

static int64_t firmware(bool smc, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    if (smc) {
        __asm__ volatile("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    } else {
        __asm__ volatile("hvc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    }
    return (int64_t)x0;
}

static void expect_answer(bool smc, uint64_t fn, uint64_t a1, uint64_t a2, int64_t want)
{
    attacks++;
    int64_t got = firmware(smc, fn, a1, a2, 0);
    if (got != want) {
        surprise(smc ? "SMC answer (function, answer)" : "HVC answer (function, answer)", fn,
                 (uint64_t)got);
    }
}

/* A function ID that is no PSCI call this VMM implements. */
static uint64_t random_function(void)
{
    for (;;) {
        uint64_t fn = next_random();
        uint32_t w = (uint32_t)fn;
        if ((w & 0xbfffffe0u) != 0x84000000u) { /* not PSCI 0x84/0xc4 000000-01f */
            return fn;
        }
    }
}

/* ---- the attacks ---- */

/* Addresses with nothing behind them: below, between and above the
 * devices, just below and just past RAM, the top of the IPA space. */
static uint64_t unbacked_address(unsigned i)
{
    static const uint64_t fixed[] = {
        0x0,        0x1000,        0x04000000, GICD + GICD_SIZE, 0x08090000,     0x0a000000,
        0x0a000200, UART + 0x1000, 0x10000000, 0x3ffff000,       0xfffffff000UL, 0x8000000000UL,
    };
    unsigned n = sizeof(fixed) / sizeof(fixed[0]);
    if (i < n) {
        return fixed[i];
    }
    if (i == n) {
        return RAM_BASE + ram_size; /* just past RAM */
    }
    if (i == n + 1) {
        return GICR + cpu_count * GICR_STRIDE; /* past the last redistributor */
    }
    return (0x0b000000 + (next_random() % 0x35000000)) & ~0xfUL; /* the big hole below RAM */
}

#define UNBACKED_COUNT 16

static void attack_unbacked_memory(void)
{
    for (unsigned i = 0; i < UNBACKED_COUNT; i++) {
        for (unsigned kind = 0; kind < ACCESS_KINDS; kind++) {
            expect_abort(unbacked_address(i), kind);
        }
    }
    /* Pairs in an emulated device: decodable by nobody, so an abort too. */
    expect_abort(UART, 8);
    expect_abort(GICD, 9);
    /* Executing from nothing: an instruction abort, back to here. */
    uint64_t before = fault_count;
    attacks++;
    ((void (*)(void))0x0a000000UL)();
    if (fault_count != before + 1 || (fault_esr >> 26) != EC_INSTRUCTION_ABORT) {
        surprise("jump into nothing (faults, esr)", fault_count - before, fault_esr);
    }
}

static void attack_firmware(void)
{
    for (unsigned i = 0; i < 64; i++) {
        expect_answer(i % 2, random_function(), next_random(), next_random(), -1);
    }
    expect_answer(false, 0x80000000, 0, 0, -1); /* SMCCC_VERSION: not offered */
    expect_answer(false, 0x84000005, 0, 0, -1); /* MIGRATE */
    expect_answer(false, PSCI_FEATURES, 0x86001234, 0, -1);
    expect_answer(true, 0xc6000000, 1, 2, -1); /* a vendor-specific call, by SMC */
    attacks++;
    register uint64_t x0 __asm__("x0") = 0x8600ffff;
    __asm__ volatile("hvc #0x4242" : "+r"(x0) : : "x1", "x2", "x3", "memory");
    if ((int64_t)x0 != -1) {
        surprise("HVC with an immediate", 0x4242, x0);
    }
}

static void attack_gic(unsigned rounds)
{
    for (unsigned i = 0; i < rounds; i++) {
        unsigned kind = (unsigned)(next_random() % 8); /* single accesses */
        unsigned width = kind_width[kind];
        uint64_t addr;
        if (next_random() % 2) {
            addr = GICD + (next_random() % GICD_SIZE);
        } else {
            addr = GICR + (next_random() % (cpu_count * GICR_STRIDE));
        }
        expect_no_fault(addr & ~(uint64_t)(width - 1), kind);
    }
}

static void attack_sgis(unsigned rounds)
{
    uint64_t sre;
    __asm__ volatile("mrs %0, S3_0_C12_C12_5" : "=r"(sre)); /* ICC_SRE_EL1 */
    __asm__ volatile("msr S3_0_C12_C12_5, %0; isb" : : "r"(sre | 1));
    for (unsigned i = 0; i < rounds; i++) {
        uint64_t before = fault_count;
        attacks++;
        __asm__ volatile("msr S3_0_C12_C11_5, %0" : : "r"(next_random()) : "memory");
        if (fault_count != before) {
            surprise("an SGI faulted (esr)", fault_esr, 0);
        }
    }
}

static void expect_psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, int64_t want)
{
    attacks++;
    int64_t got = firmware(false, fn, a1, a2, a3);
    if (got != want) {
        surprise("PSCI answer (function, answer)", fn, (uint64_t)got);
    }
}

static bool wait_for(volatile uint64_t *flag, uint64_t value)
{
    for (uint64_t i = 0; i < 400000000UL; i++) {
        if (*flag == value) {
            return true;
        }
    }
    return false;
}

static bool cpu1_is_off(void)
{
    for (uint64_t i = 0; i < 1000000UL; i++) {
        if (firmware(false, PSCI_AFFINITY_INFO, 1, 0, 0) == 1) {
            return true;
        }
    }
    return false;
}

static void attack_psci(void)
{
    uint64_t entry = (uint64_t)secondary_entry, stack = (uint64_t)__stack1_top;
    expect_psci(PSCI_CPU_ON, 0, entry, stack, -4);              /* itself: ALREADY_ON */
    expect_psci(PSCI_CPU_ON, 0xff00000001UL, entry, stack, -2); /* Aff3 = 0xff */
    expect_psci(PSCI_CPU_ON, cpu_count, entry, stack, -2);      /* one past the last */
    expect_psci(PSCI_AFFINITY_INFO, 9, 0, 0, -2);
    expect_psci(PSCI_AFFINITY_INFO, 0, 2, 0, -2);     /* level 2 */
    expect_psci(PSCI_FEATURES, 0x84000001, 0, 0, -1); /* CPU_SUSPEND */
    for (unsigned i = 0; i < 16; i++) {
        expect_psci(PSCI_CPU_ON, next_random() | 0x100, entry, stack, -2);
    }
    if (cpu_count < 2) {
        return;
    }
    expect_psci(PSCI_CPU_ON, 1, 0x0a000000, stack, -9);          /* entry outside RAM */
    expect_psci(PSCI_CPU_ON, 1, RAM_BASE + ram_size, stack, -9); /* just past RAM */
    expect_psci(PSCI_CPU_ON, 1, entry + 2, stack, -9);           /* misaligned */
    /* Now properly, twice: vCPU 1 runs, turns itself off, runs again. */
    for (unsigned round = 1; round <= 2; round++) {
        attacks++;
        int64_t r = firmware(false, PSCI_CPU_ON, 1, entry, stack);
        if (r != 0 || !wait_for(&cpu1_runs, round) || !cpu1_is_off()) {
            surprise("vCPU 1 did not start and stop (round, answer)", round, (uint64_t)r);
            return;
        }
    }
}

void hostile_secondary(void);
void hostile_secondary(void)
{
    cpu1_runs++;
    firmware(false, PSCI_CPU_OFF, 0, 0, 0);
    for (;;) { /* CPU_OFF does not return */
    }
}

/* ---- the device tree: RAM size and vCPU count ---- */

static uint32_t be32(uint64_t addr)
{
    uint32_t v = *(volatile uint32_t *)addr;
    return __builtin_bswap32(v);
}

static bool name_is(uint64_t addr, const char *prefix)
{
    for (; *prefix != 0; prefix++, addr++) {
        if (*(volatile char *)addr != *prefix) {
            return false;
        }
    }
    return true;
}

/* Walks the structure block (tokens are 4-byte aligned, so every load is
 * an aligned word or a byte): counts cpu@ nodes and reads /memory's reg. */
static bool dt_scan(uint64_t dtb)
{
    if (be32(dtb) != 0xd00dfeedu) {
        return false;
    }
    uint64_t p = dtb + be32(dtb + 8), strings = dtb + be32(dtb + 12);
    uint64_t end = p + be32(dtb + 36);
    bool in_memory = false;
    unsigned cpus = 0;
    while (p < end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == 1) { /* FDT_BEGIN_NODE: the name, NUL, padding */
            in_memory = name_is(p, "memory@");
            cpus += name_is(p, "cpu@");
            while (*(volatile char *)p != 0) {
                p++;
            }
            p = (p + 4) & ~3UL;
        } else if (token == 3) { /* FDT_PROP: length, name offset, value */
            uint32_t len = be32(p), name = be32(p + 4);
            if (in_memory && len == 16 && name_is(strings + name, "reg")) {
                ram_size = (uint64_t)be32(p + 16) << 32 | be32(p + 20);
            }
            p = (p + 8 + len + 3) & ~3UL;
        } else if (token == 9) { /* FDT_END */
            break;
        }
    }
    cpu_count = cpus > 0 ? cpus : 1;
    return true;
}

static void report(const char *what)
{
    puts_uart("hostile: ");
    puts_uart(what);
    put_number(attacks, 10);
    if (surprises == 0) {
        puts_uart(" attacks, all answered\n");
    } else {
        puts_uart(" attacks, ");
        put_number(surprises, 10);
        puts_uart(" answered wrongly\n");
    }
}

void hostile_main(uint64_t dtb);
void hostile_main(uint64_t dtb)
{
    puts_uart("hostile: started, device tree at ");
    put_number(dtb, 16);
    if (!dt_scan(dtb)) {
        surprises++;
        puts_uart(" is not one!");
    }
    puts_uart(": ");
    put_number(ram_size >> 20, 10);
    puts_uart(" MiB of RAM, ");
    put_number(cpu_count, 10);
    puts_uart(" vCPU(s)\n");
    attack_unbacked_memory();
    attack_firmware();
    attack_gic(4000);
    attack_sgis(200);
    attack_psci();
    report("");
    puts_uart("hostile: now hammering the VMM\n");
    for (uint64_t round = 1;; round++) {
        expect_abort(unbacked_address((unsigned)(next_random() % (UNBACKED_COUNT + 4))),
                     (unsigned)(next_random() % ACCESS_KINDS));
        expect_answer(round % 2, random_function(), round, 0, -1);
        attack_gic(2);
        if ((round & 0xffff) == 0) {
            report("hammering: ");
        }
    }
}
