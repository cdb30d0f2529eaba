#!/usr/bin/env python3
"""Runs the guest benchmarks on a booted Linux and collects the numbers.

measure() is the one code path for every configuration: it takes a QEMU
command line that boots the project's guest (kernel plus
build/guest/initrd.cpio.gz) and the shell prompt to wait for, and returns
the guest's figures. As a program it measures the baseline, the guest
booted directly on QEMU virt (guest/direct.py, measured configuration:
-icount shift=0,sleep=off, cntfrq=1 GHz, one CPU, 256 MiB,
transparent_hugepage=never), three times, checks that the three runs
agree exactly, and writes build/bench-linux-direct.json. Given --command
and --prompt it runs the same workload on any other machine, such as the
same kernel and initramfs in a Bastei VM, so ratios compare like with like.

How the figures are taken (all in retired instructions: with the options
above QEMU's generic timer advances once per instruction):

  boot_insns       CNTVCT_EL0 read by /bench/cntvct in /init, just after
                   the modules are loaded and before the shell starts.
                   Booted directly, Linux enters at EL2 and clears
                   CNTVOFF_EL2, so this is everything from machine reset.
                   In a VM it is the guest's virtual count, which starts
                   wherever the hypervisor sets the guest's offset.
  syscall_insns    per getppid() (guest/bench/syscall.c)
  cpu_insns        per step of a CPU-bound loop (cpu.c)
  pipe_insns       per pipe round trip between two processes (pipe.c)
  fork_insns       per fork + exit + wait (fork.c)
  pagefault_insns  per first write to a fresh anonymous 4 KiB page
  kvm_hvc_insns, kvm_exit_mmio_insns
                   per hvc answered by the guest kernel's KVM, and per
                   MMIO exit to a user-level KVM runner (kvmbench.c); only
                   where the guest has /dev/kvm.

The benchmarks run from /init when the kernel command line has
"bench=all", before anything is typed, so the runs repeat exactly; on a
machine whose command line lacks it, measure() types /bench/all at the
prompt instead (the counts then vary by about 0.1% with host timing).
"""

import argparse
import json
import os
import re
import shlex
import sys
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "guest"))
import direct  # noqa: E402

BENCH_LINE = re.compile(r"^bench: ([A-Za-z0-9_]+)=([0-9]+(?:\.[0-9]+)?)\r*$", re.M)
ERROR_LINE = re.compile(r"^bench: error: (.*?)\r*$", re.M)
# Guest keys and the names the figures get here.
KEYS = {
    "boot_cntvct": "boot_insns",
    "syscall_insns_per_op": "syscall_insns",
    "cpu_insns_per_op": "cpu_insns",
    "pipe_insns_per_op": "pipe_insns",
    "fork_insns_per_op": "fork_insns",
    "pagefault_insns_per_op": "pagefault_insns",
    "kvm_hvc_insns_per_exit": "kvm_hvc_insns",
    "kvm_exit_mmio_insns_per_exit": "kvm_exit_mmio_insns",
}
TIMEOUT = 900


class BenchError(Exception):
    pass


def parse(text):
    """The figures in a console transcript, named as in KEYS."""
    errors = ERROR_LINE.findall(text)
    if errors:
        raise BenchError("guest reported: " + "; ".join(errors))
    numbers = {}
    for key, value in BENCH_LINE.findall(text):
        if key in KEYS:
            numbers[KEYS[key]] = float(value) if "." in value else int(value)
    return numbers


def measure(command, prompt, log_path=None, timeout=TIMEOUT):
    """Boots command, runs the benchmarks and returns their figures.

    command is an argument list (QEMU and its options); prompt is a regular
    expression for the guest's shell prompt. The console transcript goes to
    log_path when given.
    """
    log = open(log_path, "w", encoding="utf-8") if log_path else None
    if log:
        log.write("$ " + shlex.join(command) + "\n")
    proc = pexpect.spawn(command[0], command[1:], encoding="utf-8", codec_errors="replace",
                         timeout=timeout, echo=False)
    proc.logfile_read = log
    text = ""
    try:
        first = proc.expect([r"bench: begin", prompt])
        text += proc.before + proc.after
        if first == 1:
            proc.sendline("/bench/all")
            proc.expect(r"bench: begin")
            text += proc.before + proc.after
        proc.expect(r"bench: end")
        text += proc.before + proc.after
        proc.expect(prompt)
        text += proc.before
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        text += proc.before if isinstance(proc.before, str) else ""
        tail = "\n".join(text.splitlines()[-20:])
        raise BenchError(f"{type(e).__name__} waiting for the guest; console ends:\n{tail}")
    finally:
        proc.terminate(force=True)
        if log:
            log.close()
    numbers = parse(text)
    if "boot_insns" not in numbers:
        raise BenchError("the guest printed no boot count (bench: boot_cntvct=...)")
    return numbers


def measure_repeatedly(command, prompt, runs, log_prefix):
    """measure() runs times; returns (figures of the first run, differences)."""
    results = []
    for i in range(runs):
        started = time.monotonic()
        log = f"{log_prefix}-{i + 1}.log" if log_prefix else None
        results.append(measure(command, prompt, log))
        print(f"bench: run {i + 1}/{runs} done in {time.monotonic() - started:.0f} s", flush=True)
    differences = {}
    for key in sorted(set().union(*results)):
        values = [r.get(key) for r in results]
        if len(set(values)) > 1:
            differences[key] = values
    return results[0], differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default=str(REPO / "build" / "guest" / "Image"))
    parser.add_argument("--initrd", default=str(REPO / "build" / "guest" / "initrd.cpio.gz"))
    parser.add_argument("--command", help="measure this QEMU command line instead")
    parser.add_argument("--prompt", default=direct.PROMPT, help="shell prompt (regex)")
    parser.add_argument("--prefix", default="linux_direct_",
                        help="name prefix of the Linux figures in the JSON output")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-o", "--output", default=str(REPO / "build" / "bench-linux-direct.json"))
    opts = parser.parse_args()

    if opts.command:
        command = shlex.split(opts.command)
    else:
        append = direct.MEASURED_APPEND + " bench=all"
        command = direct.command(opts.kernel, opts.initrd, measured=True, append=append)
    print("qemu: " + shlex.join(command), flush=True)
    out = Path(opts.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    logs = out.parent / "bench-logs"
    logs.mkdir(exist_ok=True)
    try:
        numbers, differences = measure_repeatedly(command, opts.prompt, opts.runs,
                                                  str(logs / out.stem))
    except BenchError as e:
        sys.exit(f"bench: {e}")

    # KVM figures keep their own names: they describe the peer hypervisor.
    result = {(k if k.startswith("kvm_") else opts.prefix + k): v for k, v in numbers.items()}
    result[opts.prefix + "identical_runs"] = opts.runs if not differences else 0
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, out)
    width = max(len(k) for k in result)
    for key, value in sorted(result.items()):
        print(f"  {key:<{width}}  {value}")
    print(f"bench: wrote {out}")
    if differences:
        spreads = []
        for key, values in differences.items():
            print(f"bench: runs differ in {key}: {values}", file=sys.stderr)
            present = [v for v in values if v is not None]
            if len(present) == len(values) and min(present) > 0:
                spreads.append((max(present) - min(present)) / min(present))
        if spreads:
            print(f"bench: largest spread {100 * max(spreads):.3f}%", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
