#!/usr/bin/env python3
"""Builds the guest initramfs: Debian's busybox, the kernel's own modules,
the project's benchmark programs and a small init, as a gzip'd cpio.

    mkinitramfs.py --root cache/arm64/root --release 6.1.0-56-cloud-arm64 \
        --bench NAME=PATH ... -o build/guest/initrd.cpio.gz

--root is where the arm64 packages were unpacked (tools/deps/fetch-arm64):
bin/busybox from busybox-static and lib/modules/RELEASE from the kernel
package. The file system is written by newc.py, so the build needs no cpio
program and two builds from the same inputs give the same bytes (fixed
owners and times, gzip without a name or time stamp).

Layout: busybox in /bin with a link per applet (their names are read from
the binary itself, so a newer busybox brings its new applets), /sbin and
/usr/{bin,sbin} as links to /bin, the modules named in modules.txt plus
their dependencies under /lib/modules/RELEASE with a modules.dep for
modprobe and a load-order for /init, the programs under /bench, and
everything under rootfs/ (init, inittab, profile).
"""

import argparse
import gzip
import io
import os
import sys

import kmod
import newc

HERE = os.path.dirname(os.path.abspath(__file__))
DIRECTORIES = ["bin", "dev", "etc", "lib", "lib/modules", "mnt", "proc", "root", "sys", "tmp", "usr",
               "bench"]
LINKS = {"sbin": "bin", "usr/bin": "../bin", "usr/sbin": "../bin"}
# The kernel opens /dev/console for init's standard streams before /init
# can mount devtmpfs, so these two nodes must exist in the archive.
DEVICES = {"dev/console": (5, 1, 0o600), "dev/null": (1, 3, 0o666)}


def busybox_applets(binary):
    """Applet names compiled into a busybox binary.

    busybox keeps them as one sorted block of NUL-terminated names that
    starts with "[" and "[[" (applet_names in libbb/appletlib.c), ending at
    an empty name.
    """
    start = binary.find(b"[\0[[\0")
    if start < 0:
        raise ValueError("busybox: applet name table not found")
    end = binary.index(b"\0\0", start)
    names = [n.decode() for n in binary[start:end].split(b"\0")]
    if names != sorted(names) or "sh" not in names:
        raise ValueError("busybox: applet name table looks wrong")
    return names


def add_tree(archive, source, prefix=""):
    """Adds the files under source, directories first, in sorted order."""
    for dirpath, dirs, files in os.walk(source):
        dirs.sort()
        rel = os.path.relpath(dirpath, source)
        base = prefix if rel == "." else os.path.join(prefix, rel)
        if base and base not in archive:
            archive.directory(base)
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            perm = 0o755 if os.stat(path).st_mode & 0o100 else 0o644
            with open(path, "rb") as f:
                archive.file(os.path.join(base, name), f.read(), perm)


def add_parents(archive, path):
    parts = path.split("/")
    for i in range(1, len(parts)):
        parent = "/".join(parts[:i])
        if parent not in archive:
            archive.directory(parent)


def add_modules(archive, root, release, wanted):
    """Adds the wanted modules with their dependencies; returns the order."""
    tree = kmod.ModuleTree(os.path.join(root, "lib", "modules", release))
    order = tree.load_order(wanted)
    base = f"lib/modules/{release}"
    archive.directory(base)
    for mod in order:
        rel = tree.files[mod]
        add_parents(archive, f"{base}/{rel}")
        with open(os.path.join(tree.root, rel), "rb") as f:
            archive.file(f"{base}/{rel}", f.read())
    archive.file(f"{base}/modules.dep", tree.modules_dep(order).encode())
    archive.file(f"{base}/load-order", "".join(tree.files[m] + "\n" for m in order).encode())
    for name in ("modules.builtin", "modules.order"):
        path = os.path.join(tree.root, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                archive.file(f"{base}/{name}", f.read())
    return order


def read_wanted(path):
    with open(path) as f:
        return [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]


def build(root, release, bench, wanted):
    archive = newc.Archive()
    for d in DIRECTORIES:
        archive.directory(d)
    for name, target in LINKS.items():
        archive.symlink(name, target)
    for name, (major, minor, perm) in DEVICES.items():
        archive.char_device(name, major, minor, perm)

    with open(os.path.join(root, "bin", "busybox"), "rb") as f:
        busybox = f.read()
    archive.file("bin/busybox", busybox, 0o755)
    for applet in busybox_applets(busybox):
        if applet != "busybox" and f"bin/{applet}" not in archive:
            archive.symlink(f"bin/{applet}", "busybox")

    order = add_modules(archive, root, release, wanted)
    for name, path in sorted(bench.items()):
        with open(path, "rb") as f:
            archive.file(f"bench/{name}", f.read(), 0o755)
    add_tree(archive, os.path.join(HERE, "rootfs"))
    return archive.bytes(), order


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="unpacked arm64 packages")
    parser.add_argument("--release", required=True, help="kernel release (uname -r)")
    parser.add_argument("--modules", default=os.path.join(HERE, "modules.txt"))
    parser.add_argument("--bench", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("-o", "--output", required=True)
    opts = parser.parse_args()

    bench = dict(item.split("=", 1) for item in opts.bench)
    try:
        data, order = build(opts.root, opts.release, bench, read_wanted(opts.modules))
    except (OSError, ValueError) as e:
        sys.exit(f"mkinitramfs: {e}")
    if opts.output.endswith(".gz"):
        buf = io.BytesIO()
        # No file name and time 0 in the gzip header: reproducible bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(data)
        data = buf.getvalue()
    tmp = opts.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, opts.output)
    print(f"mkinitramfs: {opts.output}: {len(data)} bytes, modules: {' '.join(order)}")


if __name__ == "__main__":
    main()
