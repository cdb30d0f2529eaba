"""Booting Bastei in QEMU for system tests.

A Machine is one QEMU process with its serial console read through pexpect.
Everything it prints is kept (and written to build/test-logs/) so a failing
test can show the tail of the console. Command lines come from
tools/qemu/machine.py, the same code `make run` uses.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", REPO / "build"))
LOGS = BUILD / "test-logs"
KERNEL = BUILD / "kernel.img"
TEST_KERNEL = BUILD / "test-kernel.img"
BOOTPACK = BUILD / "tools" / "bootpack"

sys.path.insert(0, str(REPO / "tools" / "qemu"))
import machine as qemu_machine  # noqa: E402

# Every machine a test starts, so the failure hook can show their consoles.
started = []


def program(name):
    """Path of a built program (build/programs/NAME.elf)."""
    path = BUILD / "programs" / f"{name}.elf"
    assert path.exists(), f"{path} is missing: run make first"
    return path


def archive(path, files):
    """Packs files ({name: path or bytes}) into a boot archive at path."""
    path = Path(path)
    args = [str(BOOTPACK), "-o", str(path)]
    for name, content in files.items():
        if isinstance(content, (bytes, bytearray)):
            blob = path.parent / f"{path.stem}.{name}"
            blob.write_bytes(content)
            content = blob
        args.append(f"{name}={content}")
    subprocess.run(args, check=True)
    return path


def default_archive():
    return BUILD / "boot-default.cpio"


class Machine:
    """A running QEMU. The log holds everything read from the console."""

    def __init__(self, name, initrd=None, kernel=KERNEL, cpus=2, mem="1G", cpu=None,
                 machine=None, extra=""):
        args = qemu_machine.command(str(kernel), str(initrd) if initrd else None, cpus=cpus,
                                    mem=mem, cpu=cpu, machine=machine, extra=extra)
        self.name = name
        self.command = args
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        self._log.write("$ " + " ".join(args) + "\n")
        self.proc = pexpect.spawn(args[0], args[1:], encoding="utf-8", codec_errors="replace",
                                  timeout=30, echo=False)
        self.proc.logfile_read = self._log
        self.output = ""
        started.append(self)

    def expect(self, pattern, timeout=30):
        """Waits for a regular expression; returns the match."""
        try:
            self.proc.expect(pattern, timeout=timeout)
        finally:
            self._collect()
        return self.proc.match

    def expect_exit(self, timeout=30):
        """Waits for QEMU to end by itself; returns its exit status."""
        try:
            self.proc.expect(pexpect.EOF, timeout=timeout)
        finally:
            self._collect()
        self.proc.wait()
        return self.proc.exitstatus

    def stays_up(self, seconds):
        """Reads the console for a while; True if QEMU is still running."""
        try:
            self.proc.expect(pexpect.EOF, timeout=seconds)
            self._collect()
            return False
        except pexpect.TIMEOUT:
            self._collect()
            return True

    def send(self, text):
        self.proc.send(text)

    def lines(self):
        return [line.rstrip("\r") for line in self.output.split("\n")]

    def _collect(self):
        before = self.proc.before if isinstance(self.proc.before, str) else ""
        after = self.proc.after if isinstance(self.proc.after, str) else ""
        self.output += before + after
        self._log.flush()

    def tail(self, count=40):
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = self.output
        return "\n".join(text.splitlines()[-count:])

    def close(self):
        if self.proc.isalive():
            self.proc.terminate(force=True)
        self._log.close()


def require_qemu():
    assert shutil.which(qemu_machine.QEMU), "qemu-system-aarch64 is not installed"
    assert KERNEL.exists(), f"{KERNEL} is missing: run make first"


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
