/*
 * Pipe ping-pong between two processes on one CPU: the parent writes a
 * byte into one pipe, the child reads it and writes it back through a
 * second pipe. One round trip is two writes, two reads and two context
 * switches (lmbench's lat_pipe). Prints instructions per round trip.
 */
#include "rt.h"

#define SIGCHLD 17

static void child(int in, int out)
{
    char c;
    while (rt_syscall3(SYS_READ, in, &c, 1) == 1) {
        if (rt_syscall3(SYS_WRITE, out, &c, 1) != 1) {
            rt_exit(1);
        }
    }
    rt_exit(0);
}

static void ping(int out, int in, uint64_t count)
{
    char c = 'x';
    for (uint64_t i = 0; i < count; i++) {
        long err = rt_syscall3(SYS_WRITE, out, &c, 1);
        if (err != 1) {
            rt_fail("write", err);
        }
        err = rt_syscall3(SYS_READ, in, &c, 1);
        if (err != 1) {
            rt_fail("read", err);
        }
    }
}

int main(int argc, char **argv)
{
    uint64_t count = rt_count_arg(argc, argv, 10000);
    int to_child[2], to_parent[2];
    long err = rt_syscall2(SYS_PIPE2, to_child, 0);
    if (err == 0) {
        err = rt_syscall2(SYS_PIPE2, to_parent, 0);
    }
    if (err < 0) {
        rt_fail("pipe2", err);
    }
    long pid = rt_syscall6(SYS_CLONE, SIGCHLD, 0, 0, 0, 0, 0);
    if (pid < 0) {
        rt_fail("fork", pid);
    }
    if (pid == 0) {
        rt_syscall1(SYS_CLOSE, to_child[1]);
        rt_syscall1(SYS_CLOSE, to_parent[0]);
        child(to_child[0], to_parent[1]);
    }
    rt_syscall1(SYS_CLOSE, to_child[0]);
    rt_syscall1(SYS_CLOSE, to_parent[1]);

    ping(to_child[1], to_parent[0], count / 10 + 1);
    rt_align();
    uint64_t start = rt_counter();
    ping(to_child[1], to_parent[0], count);
    uint64_t total = rt_counter() - start;

    rt_syscall1(SYS_CLOSE, to_child[1]); /* the child sees end of file */
    rt_syscall4(SYS_WAIT4, pid, 0, 0, 0);
    rt_print_u64("pipe_ops", count);
    rt_print_ratio("pipe_insns_per_op", total, count);
    return 0;
}
