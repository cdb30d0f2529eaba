"""The kernel boots on QEMU virt, brings every CPU up and starts root."""

import pytest

import bastei


@pytest.mark.parametrize("cpus", [1, 2, 4])
def test_kernel_brings_up_all_cpus_and_starts_root(boot, cpus):
    m = boot(bastei.default_archive(), cpus=cpus)
    m.expect(r"root: started")
    lines = m.lines()
    online = [line for line in lines if "CPUs online" in line]
    assert online == [f"kernel: {cpus} CPUs online"]
    assert lines.index(online[0]) < lines.index("root: started")
    assert not any("panic" in line for line in lines)


def test_boots_on_other_armv8_1_cpus(boot):
    m = boot(bastei.default_archive(), cpus=2, cpu="max")
    m.expect(r"kernel: 2 CPUs online")
    m.expect(r"root: started")
