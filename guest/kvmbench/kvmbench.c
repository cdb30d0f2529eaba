/*
 * kvmbench: a minimal user of Linux's KVM API for measuring exit costs.
 *
 * It creates a VM with one vCPU and 64 KiB of RAM, copies the guest of
 * guest.S there, and runs it. The guest times N hypercalls (answered in
 * the host kernel) and N loads from an unbacked address (each an exit to
 * this program, which answers with KVM_EXIT_MMIO handling), and stores
 * both counts into an MMIO window that this program reads. Output:
 *
 *     bench: kvm_hvc_insns_per_exit=1480.209
 *     bench: kvm_exit_mmio_insns_per_exit=5306.105
 *
 * It is the nested-KVM peer of Bastei's own exit costs: run inside Linux
 * booted directly on QEMU virt with virtualization=on, the host kernel
 * runs KVM in VHE mode at (virtual) EL2.
 *
 * The KVM structures and ioctl numbers are the stable ABI of
 * include/uapi/linux/kvm.h and arch/arm64/include/uapi/asm/kvm.h, written
 * out here because the cross toolchain ships no kernel headers.
 */
#include "../bench/rt.h"

#define O_RDWR 2
#define O_CLOEXEC 02000000
#define AT_FDCWD -100
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20

/* ioctl numbers: _IO/_IOR/_IOW(KVMIO = 0xAE, nr, size). */
#define KVM_GET_API_VERSION 0xae00ul
#define KVM_CREATE_VM 0xae01ul
#define KVM_GET_VCPU_MMAP_SIZE 0xae04ul
#define KVM_CREATE_VCPU 0xae41ul
#define KVM_SET_USER_MEMORY_REGION 0x4020ae46ul
#define KVM_RUN 0xae80ul
#define KVM_SET_ONE_REG 0x4010aeacul
#define KVM_ARM_VCPU_INIT 0x4020aeaeul
#define KVM_ARM_PREFERRED_TARGET 0x8020aeaful

#define KVM_EXIT_MMIO 6

/* Register IDs: KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
 * offset of the field in struct kvm_regs, in 32-bit words. */
#define REG_CORE 0x6030000000100000ull
#define REG_X(n) (REG_CORE | (uint64_t)(2 * (n)))
#define REG_PC (REG_CORE | 64u) /* regs.pc follows x0..x30 and sp */

#define GUEST_RAM 0x40000000ull
#define GUEST_RAM_SIZE 0x10000ull
#define MMIO_BASE 0x10000000ull
#define MMIO_HVC_RESULT (MMIO_BASE + 0x10)
#define MMIO_LOAD_RESULT (MMIO_BASE + 0x18)
#define MMIO_DONE (MMIO_BASE + 0x20)

struct kvm_userspace_memory_region {
    uint32_t slot;
    uint32_t flags;
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;
};

struct kvm_vcpu_init {
    uint32_t target;
    uint32_t features[7];
};

struct kvm_one_reg {
    uint64_t id;
    uint64_t addr;
};

/* The start of struct kvm_run, up to the MMIO member of its exit union. */
struct kvm_run_head {
    uint8_t request_interrupt_window;
    uint8_t immediate_exit;
    uint8_t padding1[6];
    uint32_t exit_reason;
    uint8_t ready_for_interrupt_injection;
    uint8_t if_flag;
    uint16_t flags;
    uint64_t cr8;
    uint64_t apic_base;
    struct {
        uint64_t phys_addr;
        uint8_t data[8];
        uint32_t len;
        uint8_t is_write;
    } mmio;
};

_Static_assert(sizeof(struct kvm_userspace_memory_region) == 32, "KVM ABI");
_Static_assert(sizeof(struct kvm_vcpu_init) == 32, "KVM ABI");
_Static_assert(__builtin_offsetof(struct kvm_run_head, mmio) == 32, "KVM ABI");

extern const char kvmguest_start[], kvmguest_end[];

static long ioctl_or_die(int fd, unsigned long request, const void *arg, const char *what)
{
    long ret;
    do {
        ret = rt_syscall3(SYS_IOCTL, fd, request, arg);
    } while (ret == -4); /* EINTR */
    if (ret < 0) {
        rt_fail(what, ret);
    }
    return ret;
}

static void *map_or_die(uint64_t size, int prot, int flags, int fd, const char *what)
{
    long addr = rt_syscall6(SYS_MMAP, 0, size, prot, flags, fd, 0);
    if (addr < 0 && addr > -4096) {
        rt_fail(what, addr);
    }
    return (void *)addr;
}

static void set_reg(int vcpu, uint64_t id, uint64_t value)
{
    struct kvm_one_reg reg = {id, (uint64_t)&value};
    ioctl_or_die(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG");
}

/* Creates the VM with the guest loaded; returns the vCPU's fd. */
static int create_vm(uint64_t iterations, struct kvm_run_head **run)
{
    long kvm = rt_syscall4(SYS_OPENAT, AT_FDCWD, "/dev/kvm", O_RDWR | O_CLOEXEC, 0);
    if (kvm < 0) {
        rt_fail("open /dev/kvm", kvm);
    }
    if (ioctl_or_die((int)kvm, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION") != 12) {
        rt_print("bench: error: unexpected KVM API version\n");
        rt_exit(1);
    }
    int vm = (int)ioctl_or_die((int)kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

    char *ram = map_or_die(GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                           "mmap guest RAM");
    memcpy(ram, kvmguest_start, (size_t)(kvmguest_end - kvmguest_start));
    struct kvm_userspace_memory_region region = {0, 0, GUEST_RAM, GUEST_RAM_SIZE, (uint64_t)ram};
    ioctl_or_die(vm, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");

    int vcpu = (int)ioctl_or_die(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
    struct kvm_vcpu_init init;
    memset(&init, 0, sizeof(init));
    ioctl_or_die(vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
    ioctl_or_die(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");
    set_reg(vcpu, REG_PC, GUEST_RAM);
    set_reg(vcpu, REG_X(0), iterations);
    set_reg(vcpu, REG_X(1), MMIO_BASE);

    long size = ioctl_or_die((int)kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
    *run = map_or_die((uint64_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, "mmap kvm_run");
    return vcpu;
}

static uint64_t mmio_value(const struct kvm_run_head *run)
{
    uint64_t v = 0;
    memcpy(&v, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
    return v;
}

int main(int argc, char **argv)
{
    uint64_t iterations = rt_count_arg(argc, argv, 10000);
    struct kvm_run_head *run;
    int vcpu = create_vm(iterations, &run);
    uint64_t hvc = 0, load = 0;

    rt_align();
    for (;;) {
        ioctl_or_die(vcpu, KVM_RUN, 0, "KVM_RUN");
        if (run->exit_reason != KVM_EXIT_MMIO) {
            rt_print_u64("kvm_error_exit_reason", run->exit_reason);
            return 1;
        }
        if (!run->mmio.is_write) {
            memset(run->mmio.data, 0, sizeof(run->mmio.data));
        } else if (run->mmio.phys_addr == MMIO_HVC_RESULT) {
            hvc = mmio_value(run);
        } else if (run->mmio.phys_addr == MMIO_LOAD_RESULT) {
            load = mmio_value(run);
        } else if (run->mmio.phys_addr == MMIO_DONE) {
            break;
        }
    }
    rt_print_u64("kvm_ops", iterations);
    rt_print_ratio("kvm_hvc_insns_per_exit", hvc, iterations);
    rt_print_ratio("kvm_exit_mmio_insns_per_exit", load, iterations);
    return 0;
}
