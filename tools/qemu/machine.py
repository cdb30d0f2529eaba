#!/usr/bin/env python3
"""The QEMU machine Bastei runs on, as one command line.

`make run` calls this file as a program: it prints the command and replaces
itself with QEMU. The system tests import command() so they boot exactly the
machine a user gets. Defaults come from the environment (CPUS, MEM, QEMU_CPU,
QEMU_MACHINE, QEMU_EXTRA), as the Makefile passes them.
"""

import argparse
import os
import shlex
import sys

QEMU = "qemu-system-aarch64"
DEFAULT_MACHINE = "virt,virtualization=on,gic-version=3"


def command(kernel, initrd=None, cpus=None, mem=None, cpu=None, machine=None, extra=None):
    """Returns the QEMU argument list. initrd=None boots without an archive."""
    env = os.environ
    cpus = cpus or env.get("CPUS") or "2"
    mem = mem or env.get("MEM") or "1G"
    cpu = cpu or env.get("QEMU_CPU") or "cortex-a76"
    machine = machine or env.get("QEMU_MACHINE") or DEFAULT_MACHINE
    extra = extra if extra is not None else env.get("QEMU_EXTRA", "")
    args = [
        QEMU,
        "-M", machine,
        "-cpu", cpu,
        "-smp", str(cpus),
        "-m", str(mem),
        "-nodefaults", "-no-user-config",
        "-display", "none",
        "-monitor", "none",
        "-serial", "stdio",
        "-kernel", kernel,
    ]
    if initrd:
        args += ["-initrd", initrd]
    args += shlex.split(extra)
    return args


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--initrd")
    parser.add_argument("--print-only", action="store_true")
    opts = parser.parse_args()
    for path in filter(None, [opts.kernel, opts.initrd]):
        if not os.path.exists(path):
            sys.exit(f"qemu: {path} does not exist; run make first")
    args = command(opts.kernel, opts.initrd)
    print("qemu: " + shlex.join(args), flush=True)
    if not opts.print_only:
        os.execvp(args[0], args)


if __name__ == "__main__":
    main()
