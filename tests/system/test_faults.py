"""A task that faults is reported with its name, the fault and the address;
the kernel stops the task and keeps running."""

import pytest

import bastei

CASES = {
    "undefined": r"kernel: task root: undefined instruction 0x00000042 at pc 0x4[0-9a-f]+",
    "unmapped_read": r"kernel: task root: data abort at pc 0x4[0-9a-f]+: read of address "
                     r"0x1238 \(translation fault, level \d\)",
    "unmapped_write": r"kernel: task root: data abort at pc 0x4[0-9a-f]+: write of address "
                      r"0x500000000000 \(translation fault, level \d\)",
    "kernel_address": r"kernel: task root: data abort at pc 0x4[0-9a-f]+: read of address "
                      r"0xffffffffc0000000 \(permission fault, level 3\)",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_faulting_task_is_reported_and_kernel_keeps_running(boot, tmp_path, kind):
    a = bastei.archive(tmp_path / "fault.cpio", {"root": bastei.program(f"fault_{kind}")})
    m = boot(a, cpus=2)
    m.expect(r"fault: about to fault")
    m.expect(CASES[kind])
    m.expect(r"kernel: thread root stopped \(no fault handler\)")
    assert m.stays_up(2), "the machine went down after a task fault"
    out = m.output
    assert "still running after the fault" not in out
    assert "panic" not in out


def test_kernel_exception_prints_registers_and_backtrace(boot, tmp_path):
    """An exception inside the kernel is a bug: the kernel prints a register
    dump and a backtrace, then powers off. Provoked through the test kernel's
    hook, which exists only in build/test-kernel.img."""
    a = bastei.archive(tmp_path / "kfault.cpio", {"root": bastei.program("kernel_fault")})
    m = boot(a, kernel=bastei.TEST_KERNEL)
    m.expect(r"kernel: panic: unexpected exception in the kernel \(class 0x25\) at pc "
             r"0xffffffffc[0-9a-f]+")
    m.expect(r"x0  0x[0-9a-f]{16}  x1  0x[0-9a-f]{16}")
    m.expect(r"pc  0xffffffffc[0-9a-f]+  pstate 0x[0-9a-f]+")
    m.expect(r"far 0x00000000dead0000")
    m.expect(r"kernel: backtrace:\r*\n(  0xffffffffc[0-9a-f]{7}\r*\n){2,}")
    assert m.expect_exit(timeout=15) == 0
    assert "the kernel returned" not in m.output


def test_release_kernel_has_no_test_hooks(boot, tmp_path):
    a = bastei.archive(tmp_path / "kfault.cpio", {"root": bastei.program("kernel_fault")})
    m = boot(a)
    m.expect(r"kernel_fault: the kernel returned \(wrong\)")
    assert "panic" not in m.output
