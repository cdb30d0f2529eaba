"""Virtual machines (issue 5): unmodified Debian Linux in a Bastei VM under
its monitor (services/vmm), a hostile guest that attacks its monitor, and
two VMs with separate consoles.

Scenarios: scenarios/default.dts (console multiplexer and linux1: 2 vCPUs,
256 MiB), scenarios/hostile.dts (tests/guests/hostile next to linux1) and
scenarios/two-vms.dts (linux1 and linux2). The guest's shell prompt is
"linux$ " (guest/rootfs). Booting Linux under TCG takes a while, so the
waits are long.
"""

import re
import subprocess

import pytest

import bastei

CTRL_BRACKET = "\x1d"
EOL = r"\r*\n"
PROMPT = r"linux\$ "
BOOT = 300  # seconds for Linux to reach its prompt under TCG on a busy host


def archive(name):
    path = bastei.BUILD / f"boot-{name}.cpio"
    assert path.exists(), f"{path} is missing: run make system-test"
    return path


def shell(m, command, answer, timeout=60):
    """Types a command at the focused guest's prompt and waits for its
    answer on a line of its own, then for the next prompt."""
    m.send(command + "\r")
    m.expect(answer + EOL, timeout=timeout)
    m.expect(PROMPT, timeout=timeout)


def no_kernel_trouble(m):
    bad = [line for line in m.lines()
           if re.search(r"panic|kernel: task .* fault|kernel: thread .* stopped|vCPU .* stopped",
                        line)]
    assert not bad, bad


@pytest.fixture
def linux(boot):
    m = boot(archive("default"), cpus=2)
    m.expect(r"console: 1 console, focus on linux1")
    m.expect(r"vmm\[linux1\]: 256 MiB of RAM at 0x40000000, 2 vCPU\(s\), kernel Image")
    m.expect(r"Booting Linux on physical CPU", timeout=60)
    m.expect(PROMPT, timeout=BOOT)
    return m


def test_linux_boots_to_a_shell_with_two_cpus(linux):
    m = linux
    shell(m, "nproc", "2")
    shell(m, "uname -m", "aarch64")
    shell(m, "echo typed $((6 * 7))", "typed 42")
    shell(m, "cat /sys/devices/system/cpu/online", "0-1")
    no_kernel_trouble(m)


def test_reboot_restarts_the_vm_and_poweroff_ends_it(linux):
    m = linux
    m.send("reboot\r")
    m.expect(r"vmm\[linux1\]: guest reset", timeout=60)
    m.expect(r"Booting Linux on physical CPU", timeout=60)
    m.expect(PROMPT, timeout=BOOT)
    shell(m, "nproc", "2")

    m.send("poweroff\r")
    m.expect(r"vmm\[linux1\]: guest powered off", timeout=60)
    m.expect(r"root: linux1 ended \(exit code 0\)", timeout=30)
    m.expect(r"root: linux1's memory \(\d+ KiB used of 266240 KiB\) and capabilities are back "
             r"with root", timeout=30)
    # The rest keeps running: the console multiplexer still answers.
    m.send(CTRL_BRACKET + "?\r")
    m.expect(r"console: 1 consoles?:", timeout=30)
    assert m.stays_up(2)
    no_kernel_trouble(m)


def default_with_kernel(kernel, name):
    """The default scenario's archive packed by make GUEST_KERNEL=kernel,
    copied aside; the normal archive is packed again afterwards."""
    make = ["make", "-s", "image", f"BUILD={bastei.BUILD}"]
    copy = bastei.BUILD / "test-logs" / f"boot-default-{name}.cpio"
    copy.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(make + [f"GUEST_KERNEL={kernel}"], cwd=bastei.REPO, check=True)
        copy.write_bytes(archive("default").read_bytes())
    finally:
        subprocess.run(make, cwd=bastei.REPO, check=True)
    return copy


def test_guest_kernel_replaces_the_default_vms_kernel(boot):
    """make GUEST_KERNEL=FILE packs FILE as linux1's kernel (here the hostile
    guest, which prints its own banner instead of Linux's)."""
    hostile = bastei.BUILD / "guest" / "hostile.img"
    assert hostile.exists(), f"{hostile} is missing: run make system-test"
    m = boot(default_with_kernel(hostile, "hostile"), cpus=2)
    m.expect(r"hostile: started, device tree at 0x[0-9a-f]+: 256 MiB of RAM, 2 vCPU\(s\)",
             timeout=60)
    m.expect(r"hostile: (\d+) attacks, all answered", timeout=120)
    assert "Booting Linux" not in m.output


def test_debians_generic_kernel_boots_too(boot):
    """Debian's generic arm64 kernel (linux-image-arm64), when its package
    has been fetched (make guest GUEST_FLAVOUR=generic), boots like the
    cloud one."""
    found = sorted((bastei.REPO / "cache" / "arm64" / "root" / "boot").glob("vmlinuz-*-arm64"))
    generic = [k for k in found if not k.name.endswith("-cloud-arm64")]
    if not generic:
        pytest.skip("Debian's generic kernel is not in cache/ (make guest GUEST_FLAVOUR=generic)")
    m = boot(default_with_kernel(generic[-1], "generic"), cpus=2)
    m.expect(r"Booting Linux on physical CPU", timeout=60)
    m.expect(PROMPT, timeout=BOOT)
    release = generic[-1].name[len("vmlinuz-"):]
    shell(m, "uname -r", re.escape(release))
    shell(m, "nproc", "2")
    no_kernel_trouble(m)


def test_hostile_guest_is_contained_and_linux_keeps_running(boot):
    m = boot(archive("hostile"), cpus=2)
    m.expect(r"console: 2 consoles, focus on hostile")
    m.expect(r"hostile: started, device tree at 0x[0-9a-f]+: 16 MiB of RAM, 2 vCPU\(s\)",
             timeout=60)
    m.expect(r"vmm\[hostile\]: vCPU 0: read of unbacked guest-physical address 0x0 at pc "
             r"0x[0-9a-f]+: abort injected", timeout=60)
    match = m.expect(r"hostile: (\d+) attacks, (all answered|\d+ answered wrongly)",
                     timeout=180)
    assert match.group(2) == "all answered", m.tail()
    assert int(match.group(1)) > 4000
    m.expect(r"hostile: now hammering the VMM", timeout=30)
    unexpected = [line for line in m.lines() if "hostile: unexpected" in line]
    assert not unexpected, unexpected

    # Meanwhile linux1 boots, while the hostile guest keeps attacking.
    m.send(CTRL_BRACKET + "linux1\r")
    m.expect(r"console: focus on linux1", timeout=30)
    m.expect(PROMPT, timeout=BOOT)
    shell(m, "uname -m", "aarch64")
    shell(m, "echo still $((2 + 3))", "still 5")

    # And the hostile guest is still being answered.
    m.send(CTRL_BRACKET + "hostile\r")
    m.expect(r"console: focus on hostile", timeout=30)
    m.expect(r"hostile: hammering: (\d+) attacks, all answered", timeout=BOOT)
    no_kernel_trouble(m)


def test_two_vms_run_at_once_with_separate_consoles(boot):
    m = boot(archive("two-vms"), cpus=2)
    m.expect(r"console: 2 consoles, focus on linux1")
    m.expect(PROMPT, timeout=BOOT)
    shell(m, "echo one $((1 + 1))", "one 2")

    m.send(CTRL_BRACKET + "linux2\r")
    m.expect(r"console: focus on linux2", timeout=30)
    m.expect(PROMPT, timeout=BOOT)  # replayed, or still to come
    shell(m, "echo two $((2 + 2))", "two 4")
    shell(m, "nproc", "1")

    # What is typed for linux2 reached only linux2, and the other way round.
    m.send(CTRL_BRACKET + "linux1\r")
    m.expect(r"console: focus on linux1", timeout=30)
    shell(m, "echo back $((3 + 3))", "back 6")
    assert "echo two" not in m.output.split("focus on linux1")[-1]
    no_kernel_trouble(m)
