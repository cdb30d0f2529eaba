/*
 * exitbench: the cost of one trap to the VMM and back, measured from inside
 * a VM (make bench; docs/benchmarks.md). It times N hypercalls the VMM
 * answers and N loads from a PL011 register the VMM emulates, and prints
 * the instructions per exit on the serial line as
 *   bench: vm_hvc_insns_per_exit=X
 *   bench: vm_exit_mmio_insns_per_exit=Y
 * then powers the VM off through PSCI. The loops are in start.S.
 */
#include <stdint.h>

#define UART 0x09000000UL
#define UART_DR 0x00
#define UART_FR 0x18
#define FR_TXFF (1u << 5)
#define PSCI_SYSTEM_OFF 0x84000008u
#define WARMUP 100
#define ITERATIONS 10000

uint64_t exitbench_hvc(uint64_t n);
uint64_t exitbench_mmio(uint64_t n, uint64_t addr);

static void putc_uart(char c)
{
    volatile uint32_t *fr = (volatile uint32_t *)(UART + UART_FR);
    volatile uint32_t *dr = (volatile uint32_t *)(UART + UART_DR);
    while (*fr & FR_TXFF) {
    }
    *dr = (uint8_t)c;
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

/* ticks / ITERATIONS with three decimals, as the Linux benchmarks print. */
static void put_per_op(uint64_t ticks)
{
    uint64_t milli = ticks * 1000 / ITERATIONS;
    char buf[32];
    int n = 0;
    uint64_t frac = milli % 1000, whole = milli / 1000;
    for (int i = 0; i < 3; i++) {
        buf[n++] = (char)('0' + frac % 10);
        frac /= 10;
    }
    buf[n++] = '.';
    do {
        buf[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole != 0);
    while (n > 0) {
        putc_uart(buf[--n]);
    }
}

static void report(const char *key, uint64_t ticks)
{
    puts_uart("bench: ");
    puts_uart(key);
    puts_uart("=");
    put_per_op(ticks);
    puts_uart("\n");
}

void exitbench_main(void)
{
    puts_uart("bench: begin\n");
    exitbench_hvc(WARMUP);
    report("vm_hvc_insns_per_exit", exitbench_hvc(ITERATIONS));
    exitbench_mmio(WARMUP, UART + UART_FR);
    report("vm_exit_mmio_insns_per_exit", exitbench_mmio(ITERATIONS, UART + UART_FR));
    puts_uart("bench: end\n");
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
}
