"""Which kernel modules to load, and in which order, for a guest initramfs.

Debian's kernel packages ship the modules but not modules.dep: the
package's postinst runs depmod on the installed system. We do not install
the package, so the dependencies are read where depmod reads them, from
each module's own .modinfo ELF section: "depends=a,b" (symbols the module
needs from other modules) and "softdep=pre: x post: y" (modules it loads
at run time, such as the crc32c driver ext4 asks the crypto API for). A
soft dependency may name an alias ("crc32c") rather than a module, so
aliases are looked up in every module's "alias=" entries when the name is
not a module file.

A module the kernel has built in (modules.builtin) needs no loading and is
skipped, so one list of wanted modules serves kernels that build a driver
in and kernels that build it as a module.
"""

import os
import struct


def _normalise(name):
    # Module names treat "-" and "_" as the same character.
    return name.replace("-", "_")


def read_modinfo(path):
    """Returns the list of (key, value) pairs in a module's .modinfo."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF64 module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def section(index):
        # (name offset, file offset, size) of section header number index
        base = shoff + index * shentsize
        name, = struct.unpack_from("<I", data, base)
        offset, size = struct.unpack_from("<QQ", data, base + 0x18)
        return name, offset, size

    _, strtab, _ = section(shstrndx)
    for i in range(shnum):
        name, offset, size = section(i)
        end = data.index(b"\0", strtab + name)
        if data[strtab + name:end] == b".modinfo":
            pairs = []
            for item in data[offset:offset + size].split(b"\0"):
                key, sep, value = item.decode("utf-8", "replace").partition("=")
                if sep:
                    pairs.append((key, value))
            return pairs
    return []


class ModuleTree:
    """The modules of one kernel release: /lib/modules/RELEASE as unpacked."""

    def __init__(self, root):
        self.root = root
        self.files = {}  # module name -> path relative to root
        for dirpath, _, names in os.walk(os.path.join(root, "kernel")):
            for n in names:
                if n.endswith(".ko"):
                    rel = os.path.relpath(os.path.join(dirpath, n), root)
                    self.files[_normalise(n[:-3])] = rel
        self.builtin = set()
        path = os.path.join(root, "modules.builtin")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    base = os.path.basename(line.strip())
                    if base.endswith(".ko"):
                        self.builtin.add(_normalise(base[:-3]))
        self._info = {}
        self._aliases = None

    def info(self, name):
        if name not in self._info:
            self._info[name] = read_modinfo(os.path.join(self.root, self.files[name]))
        return self._info[name]

    def _resolve_alias(self, alias):
        # Built lazily: reading every module costs a second or so, and only
        # soft dependencies by alias need it.
        if self._aliases is None:
            self._aliases = {}
            for mod in sorted(self.files):
                for key, value in self.info(mod):
                    if key == "alias":
                        self._aliases.setdefault(value, mod)
        return self._aliases.get(alias)

    def resolve(self, name):
        """Module name for a module or alias; None if built in or unknown."""
        mod = _normalise(name)
        if mod in self.builtin:
            return None
        if mod in self.files:
            return mod
        return self._resolve_alias(name)

    def dependencies(self, name):
        """Hard and pre-load soft dependencies of a module, as names."""
        deps = []
        for key, value in self.info(name):
            if key == "depends" and value:
                deps += [d for d in value.split(",") if d]
            elif key == "softdep":
                words = value.split()
                pre = False
                for w in words:
                    if w.endswith(":"):
                        pre = w == "pre:"
                    elif pre:
                        deps.append(w)
        return deps

    def load_order(self, wanted):
        """Modules to insmod, dependencies first, for the wanted names.

        A wanted name that is neither a module nor built in is an error; an
        unresolvable soft dependency is not (the module works without it,
        as with modprobe).
        """
        order, seen = [], set()

        def visit(mod, chain):
            if mod in seen:
                return
            if mod in chain:
                raise ValueError(f"module dependency loop: {' -> '.join(chain + [mod])}")
            for dep in self.dependencies(mod):
                resolved = self.resolve(dep)
                if resolved:
                    visit(resolved, chain + [mod])
            seen.add(mod)
            order.append(mod)

        for name in wanted:
            mod = self.resolve(name)
            if mod is None:
                if _normalise(name) not in self.builtin:
                    raise ValueError(f"module {name} is neither built in nor in {self.root}")
                continue
            visit(mod, [])
        return order

    def modules_dep(self, order):
        """modules.dep text for the modules in order, for modprobe.

        Like depmod's, each line lists a module's dependencies so that
        loading them from last to first satisfies each before its users.
        """
        index = {m: i for i, m in enumerate(order)}
        lines = []
        for mod in order:
            closure, todo = set(), [mod]
            while todo:
                for dep in self.dependencies(todo.pop()):
                    resolved = self.resolve(dep)
                    if resolved and resolved not in closure:
                        closure.add(resolved)
                        todo.append(resolved)
            deps = sorted(closure, key=lambda m: -index[m])
            lines.append(f"{self.files[mod]}: " + " ".join(self.files[d] for d in deps))
        return "".join(line.rstrip() + "\n" for line in lines)
