"""The project's guest (Debian's kernel and the initramfs of guest/) boots
directly on QEMU virt, without Bastei, to a working shell.

This is the baseline the Bastei VM is measured against, so it must work
on its own: the modules load, the shell runs commands, and poweroff ends
the machine. The command line is guest/direct.py's, as `make
run-linux-direct` uses it.
"""

import shlex
import sys

import pytest

import bastei

sys.path.insert(0, str(bastei.REPO / "guest"))
import direct  # noqa: E402

GUEST = bastei.BUILD / "guest"
BOOT_TIMEOUT = 120


@pytest.fixture
def linux(request):
    for path in (GUEST / "Image", GUEST / "initrd.cpio.gz"):
        assert path.exists(), f"{path} is missing: run make guest first"
    m = bastei.Machine(request.node.name, initrd=GUEST / "initrd.cpio.gz",
                       kernel=GUEST / "Image", cpus=direct.CPUS, mem=direct.MEM,
                       cpu=direct.CPU, extra=shlex.join(["-append", direct.APPEND]))
    request.node.machines = [m]  # the report hook shows its console on failure
    yield m
    m.close()


def run(m, command):
    """Types a command at the prompt; returns what it printed, as lines."""
    m.send(command + "\n")
    m.expect(direct.PROMPT)
    text = m.proc.before.replace("\r", "")
    # The first line is the terminal's echo of the command.
    return [line for line in text.split("\n")[1:] if line]


def test_guest_boots_to_a_shell_with_its_modules(linux):
    linux.expect(r"guest: init done", timeout=BOOT_TIMEOUT)
    linux.expect(direct.PROMPT)
    assert "guest: cannot load" not in linux.output
    assert run(linux, "uname -m") == ["aarch64"]
    assert run(linux, "nproc") == [str(direct.CPUS)]
    modules = " ".join(run(linux, "cat /proc/modules"))
    assert "virtio_mmio" in modules or "virtio_mmio" in " ".join(
        run(linux, "cat /lib/modules/$(uname -r)/modules.builtin"))


def test_poweroff_ends_the_machine(linux):
    linux.expect(direct.PROMPT, timeout=BOOT_TIMEOUT)
    linux.send("poweroff\n")
    assert linux.expect_exit(timeout=60) == 0
