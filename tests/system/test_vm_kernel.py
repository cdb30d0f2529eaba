"""The kernel's virtual machine support, without a VMM: tests/programs/vmtest
is a root task that builds a VM with one vCPU and answers its exits itself
(HVC, decoded MMIO loads and stores, an injected abort), while the kernel
delivers the guest's virtual timer and an interrupt injected through the
vCPU's state page, and puts the vCPU to sleep in WFI."""

import re

import bastei


def test_vm_exits_timer_injection_and_wfi(boot, tmp_path):
    a = bastei.archive(tmp_path / "vmtest.cpio", {"root": bastei.program("vmtest")})
    m = boot(a, cpus=2)
    m.expect(r"vmtest: (\d+) passed, (\d+) failed", timeout=60)
    passed, failed = int(m.proc.match.group(1)), int(m.proc.match.group(2))
    assert m.expect_exit(timeout=15) == 0
    lines = [line for line in m.lines() if line.startswith("vmtest: ")]
    bad = [line for line in lines if "FAILED" in line]
    assert failed == 0 and not bad, bad
    for step in ("hvc_round_trip", "mmio_read_decoded", "mmio_read", "mmio_write_decoded",
                 "virtual_timer_interrupt", "wfi_slept", "injected_interrupt",
                 "abort_injected", "reconfigure_refused_while_active", "vcpu_reset"):
        assert f"vmtest: {step} ok" in lines
    assert passed == 16
    assert not re.search(r"panic", m.output)
