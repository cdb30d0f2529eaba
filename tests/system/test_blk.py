"""The block server (services/blk) on QEMU's virtio-blk device, with the
clients of scenarios/blk-test.dts (tests/programs/blk_client): each sees
only its partition or byte range, a read-only port cannot write, requests
out of bounds or with bad descriptors are refused, a client that floods or
breaks its queue or crashes harms no one else, and what was written is on
the disk image after QEMU has ended and is found again by the next boot.

The disk image is made here, partition table included (GPT or MBR, written
byte by byte: no sfdisk needed). Every sector outside the table starts
with a background pattern, so the test can tell that nothing outside the
clients' parts changed.
"""

import re
import struct
import uuid
import zlib

import pytest

import bastei

ARCHIVE = bastei.BUILD / "boot-blk-test.cpio"
SECTOR = 512
DISK_SECTORS = 16384  # 8 MiB
SERIAL = "bastei-blk-test"

# The scenario's ports, in sectors of the disk: (first, count).
P1 = (2048, 2048)  # GPT/MBR partition 1
P2 = (4096, 2048)  # partition 2 (p2ro, read-only)
RNG = (0x500000 // SECTOR, 0x100000 // SECTOR)
CRASH = (0x780000 // SECTOR, 0x10000 // SECTOR)
WRITERS = {"p1": P1, "rng": RNG, "crash": CRASH}  # ports that may change the disk
CLIENTS = ["p1", "rng", "p2ro", "evil", "crash", "nodisk"]
PATTERN_SECTORS = 256  # blk_client's rw role: its first 256 sectors
TAIL_SECTORS = 8  # and its last 8
PRESET_SECTORS = 16  # what p2ro expects on its partition

# ---- the patterns blk_client writes and checks (tests/programs/blk_client) ----


def pattern(name, gen, sector):
    head = f"blk:{name}:g{gen}:s{sector}".encode()[:32]
    head += b"." * (32 - len(head))
    return head + bytes((gen * 13 + sector * 31 + i * 7) & 0xFF for i in range(32, SECTOR))


BACKGROUND_BODY = bytes((i * 7 + 1) & 0xFF for i in range(32, SECTOR))


def background(lba):
    head = f"bg:s{lba}".encode()
    return head + b"." * (32 - len(head)) + BACKGROUND_BODY


# ---- disk images ----


def mbr_entry(type_, first, count):
    return struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", type_, b"\xff\xff\xff", first, count)


def mbr(entries):
    body = b"".join(entries) + bytes(16 * (4 - len(entries)))
    return bytes(446) + body + b"\x55\xaa"


LINUX_FS = uuid.UUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4").bytes_le


def gpt_entries(parts):
    out = b""
    for i, (first, count) in enumerate(parts):
        name = f"part{i + 1}".encode("utf-16-le")
        out += struct.pack("<16s16sQQQ72s", LINUX_FS, uuid.uuid4().bytes_le, first,
                           first + count - 1, 0, name)
    return out + bytes(128 * (128 - len(parts)))


def gpt_header(my_lba, alt_lba, entries_lba, entries):
    fields = [b"EFI PART", 0x00010000, 92, 0, 0, my_lba, alt_lba, 34, DISK_SECTORS - 34,
              uuid.uuid4().bytes_le, entries_lba, 128, 128, zlib.crc32(entries)]
    fmt = "<8sIIIIQQQQ16sQIII"
    crc = zlib.crc32(struct.pack(fmt, *fields))
    fields[3] = crc
    return struct.pack(fmt, *fields).ljust(SECTOR, b"\0")


def make_image(path, table):
    """An 8 MiB disk: a GPT or MBR with partitions 1 (P1) and 2 (P2), the
    background pattern in every other sector, the preset data at the start
    of partition 2."""
    img = bytearray(b"".join(background(lba) for lba in range(DISK_SECTORS)))

    def put(lba, data):
        img[lba * SECTOR:lba * SECTOR + len(data)] = data

    parts = [P1, P2]
    if table == "gpt":
        entries = gpt_entries(parts)
        put(0, mbr([mbr_entry(0xEE, 1, DISK_SECTORS - 1)]))
        put(1, gpt_header(1, DISK_SECTORS - 1, 2, entries))
        put(2, entries)
        put(DISK_SECTORS - 33, entries)
        put(DISK_SECTORS - 1, gpt_header(DISK_SECTORS - 1, 1, DISK_SECTORS - 33, entries))
    else:
        put(0, mbr([mbr_entry(0x83, first, count) for first, count in parts]))
    for s in range(PRESET_SECTORS):
        put(P2[0] + s, pattern("preset", 0, s))
    path.write_bytes(img)
    return bytes(img)


def sector(img, lba):
    return img[lba * SECTOR:(lba + 1) * SECTOR]


def written_sectors(name, port):
    """The sectors (relative to the port) the rw role writes its pattern to."""
    first, count = port
    if name == "crash":
        return range(64)
    return list(range(PATTERN_SECTORS)) + list(range(count - TAIL_SECTORS, count))


def check_image(before, after, gen):
    """The writers' patterns of generation gen are where their ports lie;
    every sector outside the writers' ports is as it was."""
    assert len(after) == len(before)
    for name, (first, count) in WRITERS.items():
        g = 1 if name == "crash" else gen
        for s in written_sectors(name, (first, count)):
            assert sector(after, first + s) == pattern(name, g, s), \
                f"{name}'s sector {s} (disk sector {first + s}) is not its generation {g}"
    inside = set()
    for first, count in WRITERS.values():
        inside.update(range(first, first + count))
    changed = [lba for lba in range(DISK_SECTORS)
               if lba not in inside and sector(after, lba) != sector(before, lba)]
    assert changed == [], f"sectors outside the writers' ports changed: {changed[:10]}"


# ---- booting ----


def qemu_disk(path, legacy=False):
    extra = f"-drive file={path},if=none,format=raw,id=d0 " \
            f"-device virtio-blk-device,drive=d0,serial={SERIAL}"
    if not legacy:
        extra = "-global virtio-mmio.force-legacy=false " + extra
    return extra


def saw(m, pattern_, timeout=60):
    if not re.search(pattern_, m.output):
        m.expect(pattern_, timeout=timeout)


def run_clients(m):
    """Waits until every client is done; returns the console output."""
    m.expect(r"blk: serving 6 ports", timeout=60)
    for name in CLIENTS:
        saw(m, rf"{name}: done, \d+ failures?")
    m.stays_up(0.5)  # the last lines
    return m.output


def power_off(m):
    """Ends QEMU the way a power-off does for the disk: QEMU closes the
    image (SIGHUP is a clean exit for it)."""
    m.proc.terminate(force=True)
    m.proc.wait()


def client_lines(out, name):
    return [line for line in out.splitlines() if line.startswith(f"{name}: ")]


def assert_no_failures(out):
    bad = [line for line in out.splitlines() if "FAIL" in line]
    assert bad == []
    for name in CLIENTS:
        assert f"{name}: done, 0 failures" in out, f"{name} did not finish cleanly"


@pytest.fixture
def gpt_image(tmp_path):
    path = tmp_path / "disk-gpt.img"
    return path, make_image(path, "gpt")


def boot_disk(boot, path, legacy=False):
    assert ARCHIVE.exists(), f"{ARCHIVE} is missing: run make system-test"
    return boot(ARCHIVE, extra=qemu_disk(path, legacy))


# ---- tests ----


def test_blk_clients_see_their_parts_and_data_persists_across_boots(boot, gpt_image):
    path, original = gpt_image
    m = boot_disk(boot, path)
    out = run_clients(m)
    assert "blk: disk on transport 7: 16384 sectors (8 MiB), write cache" in out
    assert "blk: port p1: sectors 2048..4095 (1024 KiB)" in out
    assert "blk: port p2ro: sectors 4096..6143 (1024 KiB), read-only" in out
    assert "blk: port rng: sectors 10240..12287 (1024 KiB)" in out
    assert "p1: no earlier data" in out
    assert "rng: no earlier data" in out
    assert "p1: wrote generation 1" in out
    assert f'p1: disk id "{SERIAL}" (status 0, 20 bytes)' in out
    assert_no_failures(out)
    power_off(m)
    first = path.read_bytes()
    check_image(original, first, 1)

    # The same image again: each writer finds its data and writes the next
    # generation over it.
    m = boot_disk(boot, path)
    out = run_clients(m)
    assert "p1: found generation 1 from an earlier boot" in out
    assert "rng: found generation 1 from an earlier boot" in out
    assert "p1: wrote generation 2" in out
    assert_no_failures(out)
    power_off(m)
    check_image(original, path.read_bytes(), 2)


def test_blk_refuses_out_of_bounds_read_only_and_bad_descriptors(boot, gpt_image):
    path, original = gpt_image
    m = boot_disk(boot, path)
    out = run_clients(m)
    for name in ("p1", "rng"):
        lines = "\n".join(client_lines(out, name))
        for what in ("read past the end", "read across the end", "read at sector 2^64-1",
                     "write past the end", "write across the end"):
            assert f"{name}: {what} refused with status 3: ok" in lines
        for what in ("read into the ring's header", "read into the queues",
                     "read past the ring's end", "read at offset 2^63", "read of 100 bytes",
                     "read of 0 bytes", "read above max_transfer"):
            assert f"{name}: {what} refused with status 5: ok" in lines
        assert f"{name}: request of type 77 refused with status 2: ok" in lines
        assert f"{name}: tag 1000 refused with status 5: ok" in lines
        assert f"{name}: the ring's header is intact: ok" in lines
    assert "p2ro: the port is read-only: ok" in out
    assert "p2ro: the test's preset data is there: ok" in out
    assert "p2ro: write to a read-only port refused with status 4: ok" in out
    assert "p2ro: nothing changed by the refused write: ok" in out
    assert "p2ro: read past the end refused with status 3: ok" in out
    assert "nodisk: the port has no disk: ok" in out
    assert "nodisk: read without a disk refused with status 6: ok" in out
    assert re.search(r'blk: port nodisk \("partition=9"\): no disk for it: no such GPT '
                     r"partition", out)
    assert_no_failures(out)
    power_off(m)
    # Nothing outside the writers' ports changed: partition 2 and the
    # tables included.
    check_image(original, path.read_bytes(), 1)


def test_blk_misbehaving_and_crashing_clients_harm_no_one(boot, gpt_image):
    path, original = gpt_image
    m = boot_disk(boot, path)
    out = run_clients(m)
    assert re.search(r"evil: \d+ requests sent while taking no responses", out)
    assert "evil: every flooded request answered: ok" in out
    assert out.count("blk: port evil broke its queue; not served until its client resets "
                     "it") == 1
    assert "evil: the server stopped serving the broken queue (state 2)" in out
    assert "evil: served again after a reset: ok" in out
    assert "crash: 8 requests sent; crashing" in out
    assert re.search(r"root: component crash crashed", out)
    assert "crash: started again after the crash" in out
    assert "crash: served after the restart: ok" in out
    # The others were served all along.
    assert_no_failures(out)
    power_off(m)
    check_image(original, path.read_bytes(), 1)


def test_blk_reads_an_mbr(boot, tmp_path):
    path = tmp_path / "disk-mbr.img"
    original = make_image(path, "mbr")
    m = boot_disk(boot, path)
    out = run_clients(m)
    assert "blk: port p1: sectors 2048..4095 (1024 KiB)" in out
    assert "blk: port p2ro: sectors 4096..6143 (1024 KiB), read-only" in out
    assert "p2ro: the test's preset data is there: ok" in out
    assert re.search(r'blk: port nodisk \("partition=9"\): no disk for it: the MBR has no '
                     r"extended partition", out)
    assert_no_failures(out)
    power_off(m)
    check_image(original, path.read_bytes(), 1)


def test_blk_without_the_modern_transport_says_why_and_serves_no_disk(boot, gpt_image):
    path, original = gpt_image
    m = boot_disk(boot, path, legacy=True)
    m.expect(r"blk: transport 7 is a legacy \(version 1\) one: start QEMU with "
             r"-global virtio-mmio.force-legacy=false", timeout=60)
    m.expect(r"blk: no virtio-blk device found", timeout=30)
    m.expect(r"p1: connected: 0 sectors, read-write, max transfer \d+, state 3", timeout=30)
    power_off(m)
    assert path.read_bytes() == original
