"""A cpio "newc" archive writer for Linux initramfs images.

The kernel unpacks an initramfs from this format (Documentation/
driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header of
"070701" and thirteen 8-digit hex fields, the NUL-terminated name padded so
that header plus name is a multiple of 4, then the data padded to a multiple
of 4, and a last entry named "TRAILER!!!". tools/bootpack writes the same
format but only regular files; a root file system also needs directories,
symbolic links and device nodes, which this writer adds.

Archives are reproducible: every entry gets the same owner (root), the same
modification time and an inode number from a counter, so the bytes depend
only on the entries and their order.
"""

import stat

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def _pad(length):
    return b"\0" * ((4 - length % 4) % 4)


class Archive:
    """Collects entries in memory; bytes() returns the finished archive.

    Names are paths without a leading slash ("bin/sh"). Parents must be
    added before their children, as the kernel creates entries in order.
    """

    def __init__(self, mtime=0):
        self.mtime = mtime
        self._parts = []
        self._names = set()
        self._ino = 0

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name = name.lstrip("/")
        if not name or name in self._names:
            raise ValueError(f"cpio: bad or duplicate name {name!r}")
        parent = name.rpartition("/")[0]
        if parent and parent not in self._names:
            raise ValueError(f"cpio: {name!r} comes before its directory {parent!r}")
        self._names.add(name)
        self._ino += 1
        self._parts.append(self._header(name, mode, len(data), rdev, nlink))
        self._parts.append(data + _pad(len(data)))

    def _header(self, name, mode, size, rdev, nlink, ino=None):
        encoded = name.encode() + b"\0"
        fields = [
            self._ino if ino is None else ino,
            mode,
            0,  # uid
            0,  # gid
            nlink,
            self.mtime,
            size,
            0,  # dev major
            0,  # dev minor
            rdev[0],
            rdev[1],
            len(encoded),
            0,  # check (only for the "070702" variant)
        ]
        head = MAGIC + b"".join(b"%08X" % f for f in fields) + encoded
        return head + _pad(len(head))

    def directory(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        # A link's data is its target, without a terminating NUL.
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def __contains__(self, name):
        return name.lstrip("/") in self._names

    def bytes(self):
        trailer = self._header(TRAILER, 0, 0, (0, 0), 1, ino=0)
        return b"".join(self._parts) + trailer
