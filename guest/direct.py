#!/usr/bin/env python3
"""The guest booted directly on QEMU virt, without Bastei: the baseline.

command() returns the QEMU argument list; run as a program it prints the
command and replaces itself with QEMU (`make run-linux-direct`). The
machine is the one tools/qemu/machine.py builds for Bastei (virt with
virtualization=on and GICv3, cortex-a76), with one CPU and 256 MiB as the
default VM of issue 5 has, so the only difference from a Bastei VM is
Bastei. QEMU enters the kernel at EL2, where Linux runs with VHE and
brings up KVM (which kvmbench uses).

measured=True adds what the benchmarks need (../shared/reference/
benchmarking.md): -icount shift=0,sleep=off makes every run retire the
same instructions and the generic timer at 1 GHz then ticks once per
instruction; "quiet" keeps console output (costly in a VM) out of the
boot; transparent_hugepage=never pins the setting that otherwise decides
the page-fault figures.
"""

import argparse
import os
import shlex
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tools", "qemu"))
import machine as qemu_machine  # noqa: E402

CPUS = 1
MEM = "256M"
CPU = "cortex-a76"
MEASURED_CPU = "cortex-a76,cntfrq=1000000000"
ICOUNT = "-icount shift=0,sleep=off"
# QEMU seeds the guest's randomness (the DTB's kaslr-seed and rng-seed, so the
# kernel's placement and its hash seeds) from the host, and the RTC from the
# host clock; fixed, a boot runs the same instructions every time.
REPEATABLE = "-seed 1 -rtc base=2025-01-01T00:00:00,clock=vm"
APPEND = "console=ttyAMA0"
MEASURED_APPEND = "console=ttyAMA0 quiet transparent_hugepage=never"
PROMPT = r"linux\$ "


def command(kernel, initrd, measured=False, cpus=CPUS, mem=MEM, append=None, extra=""):
    """QEMU arguments that boot kernel and initrd directly."""
    if append is None:
        append = MEASURED_APPEND if measured else APPEND
    extra_args = ["-append", append] + shlex.split(extra)
    if measured:
        extra_args += shlex.split(ICOUNT) + shlex.split(REPEATABLE)
    return qemu_machine.command(
        str(kernel), str(initrd), cpus=cpus, mem=mem,
        cpu=MEASURED_CPU if measured else CPU,
        machine=qemu_machine.DEFAULT_MACHINE, extra=shlex.join(extra_args))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--initrd", required=True)
    parser.add_argument("--measured", action="store_true",
                        help="the benchmark configuration (icount, 1 GHz counter)")
    parser.add_argument("--extra", default="", help="more QEMU options")
    parser.add_argument("--print-only", action="store_true")
    opts = parser.parse_args()
    for path in (opts.kernel, opts.initrd):
        if not os.path.exists(path):
            sys.exit(f"qemu: {path} does not exist; run make guest first")
    args = command(opts.kernel, opts.initrd, measured=opts.measured, extra=opts.extra)
    print("qemu: " + shlex.join(args), flush=True)
    if not opts.print_only:
        os.execvp(args[0], args)


if __name__ == "__main__":
    main()
