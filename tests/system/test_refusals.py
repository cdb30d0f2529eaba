"""The kernel refuses machines and boot archives it cannot use: one line
"kernel: cannot boot: <why>", then PSCI SYSTEM_OFF, so QEMU exits."""

import struct

import pytest

import bastei

REFUSAL = r"kernel: cannot boot: ([^\r\n]*)\r*\n"


def refused(m, reason):
    match = m.expect(REFUSAL, timeout=30)
    assert m.expect_exit(timeout=15) == 0, "QEMU did not power off after the refusal"
    refusals = [line for line in m.lines() if line.startswith("kernel: cannot boot:")]
    assert len(refusals) == 1, refusals
    assert reason in match.group(1), match.group(1)


def root_elf():
    return bytearray(bastei.program("root").read_bytes())


def first_load_header(elf):
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        off = phoff + i * phentsize
        if struct.unpack_from("<I", elf, off)[0] == 1:  # PT_LOAD
            return off
    raise AssertionError("no PT_LOAD")


def test_cpu_without_vhe_is_refused(boot):
    refused(boot(bastei.default_archive(), cpu="cortex-a72"), "lacks VHE")


def test_entry_at_el1_is_refused(boot):
    m = boot(bastei.default_archive(), machine="virt,virtualization=off,gic-version=3")
    refused(m, "entered at EL1")


def test_missing_boot_archive_is_refused(boot):
    refused(boot(None), "no boot archive")


def test_archive_without_root_is_refused(boot, tmp_path):
    a = bastei.archive(tmp_path / "boot.cpio", {"system.dtb": b"\xd0\x0d\xfe\xed"})
    refused(boot(a), 'no root program (no file named "root")')


def test_archive_that_is_not_cpio_is_refused(boot, tmp_path):
    a = tmp_path / "garbage.cpio"
    a.write_bytes(b"this is not a cpio archive\n" * 40)
    refused(boot(a), "not a valid cpio")


@pytest.mark.parametrize(
    "damage, reason",
    [
        pytest.param(lambda e: b"#!/bin/sh\necho hello\n" * 4, "not an ELF file", id="not_elf"),
        pytest.param(lambda e: e[:40], "truncated: 40 bytes", id="truncated_header"),
        pytest.param(lambda e: e[:5000], "truncated: segment", id="truncated_segment"),
        pytest.param(lambda e: e[:18] + struct.pack("<H", 62) + e[20:], "machine 62 (x86-64)",
                     id="x86_64"),
        pytest.param(lambda e: e[:4] + b"\x01" + e[5:], "not a 64-bit ELF", id="elf32"),
    ],
)
def test_invalid_root_program_is_refused(boot, tmp_path, damage, reason):
    elf = bytes(damage(bytes(root_elf())))
    a = bastei.archive(tmp_path / "root.cpio", {"root": elf})
    m = boot(a)
    refused(m, reason)
    assert "kernel: cannot boot: root program: " in m.output


@pytest.mark.parametrize(
    "vaddr",
    [0x1000, 0xFFFFFFFFC0000000, 0x0000700000000000],
    ids=["null_page", "kernel_half", "stack_area"],
)
def test_root_segment_outside_allowed_range_is_refused(boot, tmp_path, vaddr):
    elf = root_elf()
    struct.pack_into("<Q", elf, first_load_header(elf) + 16, vaddr)
    a = bastei.archive(tmp_path / "range.cpio", {"root": bytes(elf)})
    refused(boot(a), "lies outside the allowed range")
