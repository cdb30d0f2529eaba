/*
 * Runs dtc as a child process and collects the blob from its standard
 * output. dtc's standard error is ours, so its syntax errors, with their
 * file:line.column, reach the user unchanged. "-q" keeps dtc's warnings
 * quiet: they are about hardware descriptions (unit addresses, interrupt
 * parents) and do not apply to a scenario, which this tool checks itself.
 */
#include "dtc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *dtc_read_all(int fd, size_t *size)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
        if (len == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    *size = len;
    return buf;
}

static void dtc_exec(int out_fd, const char *dts)
{
    dup2(out_fd, STDOUT_FILENO);
    close(out_fd);
    execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "--", dts, (char *)NULL);
    fprintf(stderr, "scenario: cannot run dtc: %s\n", strerror(errno));
    _exit(127);
}

void *dtc_compile(const char *dts, size_t *size)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return NULL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        close(fds[0]);
        dtc_exec(fds[1], dts);
    }
    close(fds[1]);
    void *blob = dtc_read_all(fds[0], size);
    close(fds[0]);
    int status = -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(blob);
        return NULL;
    }
    return blob;
}
