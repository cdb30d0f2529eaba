"""The kernel test suite (tests/ktest, scenarios/ktest.dts) passes: every case
prints `ktest: NAME ok`, the summary counts no failure, and root powers the
machine off by itself. Booted with 2 CPUs and with 4 (the cross-CPU cases
need at least 2)."""

import re

import pytest

import bastei

CASE = re.compile(r"^ktest: (\S+) (ok|FAILED)(.*)$")
SUMMARY = r"ktest: (\d+) passed, (\d+) failed\r*\n"
MIN_CASES = 80


def ktest_archive():
    path = bastei.BUILD / "boot-ktest.cpio"
    assert path.exists(), f"{path} is missing: run make image SCENARIO=ktest"
    return path


@pytest.mark.parametrize("cpus", [2, 4])
def test_kernel_test_suite_passes(boot, cpus):
    m = boot(ktest_archive(), cpus=cpus)
    summary = m.expect(SUMMARY, timeout=120)
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert m.expect_exit(timeout=15) == 0, "QEMU did not power off after the summary"

    lines = m.lines()
    cases = [CASE.match(line) for line in lines]
    cases = [c for c in cases if c]
    failures = [c.group(0) for c in cases if c.group(2) == "FAILED"]
    names = [c.group(1) for c in cases]

    assert not failures, "failed cases:\n" + "\n".join(failures)
    assert failed == 0
    assert passed >= MIN_CASES, f"only {passed} cases ran"
    assert len(cases) == passed + failed, "the summary does not count every case line"
    assert len(set(names)) == len(names), "a case name is printed twice"
    assert f"kernel: {cpus} CPUs online" in lines
    skipped = [c.group(1) for c in cases if "skipped" in c.group(3)]
    assert not skipped, f"cases skipped on {cpus} CPUs: {skipped}"
    # Interrupts the suite raises are always claimed, and nothing panics.
    assert not any("has no handler" in line for line in lines)
    assert not any("panic" in line for line in lines)
