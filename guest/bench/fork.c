/*
 * Process creation: fork, the child exits at once, the parent waits for
 * it (lmbench's lat_proc fork). The parent is this small static program,
 * so the figure is the kernel's floor for a process, not a shell's.
 * Prints instructions per fork+exit+wait.
 */
#include "rt.h"

#define SIGCHLD 17

static void forks(uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        long pid = rt_syscall6(SYS_CLONE, SIGCHLD, 0, 0, 0, 0, 0);
        if (pid < 0) {
            rt_fail("fork", pid);
        }
        if (pid == 0) {
            rt_exit(0);
        }
        long err = rt_syscall4(SYS_WAIT4, pid, 0, 0, 0);
        if (err != pid) {
            rt_fail("wait4", err);
        }
    }
}

int main(int argc, char **argv)
{
    uint64_t count = rt_count_arg(argc, argv, 1000);
    forks(count / 10 + 1);
    rt_align();
    uint64_t start = rt_counter();
    forks(count);
    uint64_t total = rt_counter() - start;
    rt_print_u64("fork_ops", count);
    rt_print_ratio("fork_insns_per_op", total, count);
    return 0;
}
