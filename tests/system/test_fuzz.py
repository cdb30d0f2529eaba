"""The system-call fuzzer (tests/fuzz): a fixed seed, half a million random
system calls from sandboxed threads on two CPUs, then the fuzzer's own check
that the rest of the system still works. The kernel must neither panic nor
hang, and the machine must power itself off.

The fuzzing run uses single-threaded TCG: both CPUs still run (and
interrupt, preempt and wait for each other), but on a loaded host a virtual
CPU that is not scheduled while it holds the kernel lock stalls the other,
and a run that takes seconds alone can take minutes. The reproductions of
races need true parallelism and use the default (multi-threaded TCG)."""

import pytest

import bastei

SEED = 20250101
CALLS = 500000
CHECKS = [
    "sandbox memory reclaimed by revoke",
    "interrupts 32-127 free again",
    "IPC between two fresh threads on CPUs 0 and 1",
    "IPC between two fresh threads on CPUs 0 and 0",
    "fresh frame mapped at",
    "its fault at",
]


def test_random_system_calls_leave_the_kernel_healthy(boot, tmp_path):
    archive = bastei.archive(tmp_path / "fuzz.cpio", {
        "root": bastei.program("fuzz"),
        "fuzz.conf": f"seed={SEED} iters={CALLS}\n".encode(),
    })
    m = boot(archive, cpus=2, extra="-accel tcg,thread=single")
    m.expect(rf"fuzz: seed {SEED}\r*\n", timeout=30)
    m.expect(rf"fuzz: {CALLS} calls, system healthy\r*\n", timeout=170)
    assert m.expect_exit(timeout=30) == 0, "QEMU did not power off by itself"
    lines = m.lines()
    assert "panic" not in m.output
    for check in CHECKS:
        assert any(line.startswith("fuzz: check: ") and check in line for line in lines), check
    # The seed is the first thing the fuzzer says.
    assert next(line for line in lines if line.startswith("fuzz:")) == f"fuzz: seed {SEED}"


# Reductions of what the fuzzer (or reading the kernel while writing it)
# found: root programs in tests/programs/fuzz-repro-*, each ending with
# "repro: survived" when the kernel copes. Each was a kernel bug, now fixed:
#   revoke-own-cnode: revoking an untyped whose slot lies in a CNode made of
#     it walked out of the subtree and panicked;
#   fastpath-reply-race: the IPC fast path read the message after releasing
#     the kernel lock, so a client calling from another CPU could have its
#     words delivered as another client's reply;
#   suspend-drops-syscall: a thread suspended while its system call waited
#     for the kernel lock resumed after the svc without the call made;
#   exec-device-frame: mapping device memory executable did cache
#     maintenance through the direct map, which holds only RAM (QEMU does
#     not fault on it, real CPUs do).
REPROS = [
    "fuzz-repro-revoke-own-cnode",
    "fuzz-repro-fastpath-reply-race",
    "fuzz-repro-suspend-drops-syscall",
    "fuzz-repro-exec-device-frame",
]


@pytest.mark.parametrize("program", REPROS)
def test_reproduction_survives(boot, tmp_path, program):
    archive = bastei.archive(tmp_path / "repro.cpio", {"root": bastei.program(program)})
    m = boot(archive, cpus=2)
    m.expect(r"repro: ", timeout=30)
    # The machine powers off either way: the program does, or the kernel
    # after its panic report.
    assert m.expect_exit(timeout=120) == 0
    assert "panic" not in m.output
    assert "repro: survived" in m.lines()
