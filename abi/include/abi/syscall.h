/*
 * System call numbers and register conventions.
 *
 * A task enters the kernel with "svc #0". The system call number is in x8;
 * arguments are in x0-x7; the status (enum bt_status) comes back in x0 and
 * results in x1-x7. Registers not named as results are preserved.
 */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

enum bt_syscall {
    /* Debug console: x0 = address, x1 = length (at most BT_DEBUG_WRITE_MAX). */
    BT_SYS_DEBUG_WRITE = 0,
    /* Ends the calling thread. */
    BT_SYS_THREAD_EXIT = 1,
    BT_SYSCALL_COUNT,

    /* Only in the test kernel (build/test-kernel.img): makes the kernel take
     * an unexpected exception, to test its panic report. */
    BT_SYS_TEST_KERNEL_FAULT = 0x7f00,
};

#define BT_DEBUG_WRITE_MAX 4096

#endif
