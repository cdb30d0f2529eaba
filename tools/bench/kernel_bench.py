#!/usr/bin/env python3
"""The kernel's micro-benchmarks: boots tests/bench (scenario "bench") on the
test kernel, which lets EL0 read the PMU, and collects its figures.

Every figure is in retired instructions. The machine runs under
`-icount shift=0,sleep=off` with `-cpu cortex-a76,cntfrq=1000000000`: QEMU
is then deterministic and the generic counter ticks once per instruction,
so the program's counter deltas are instruction counts; INST_RETIRED with
the PMU's exception-level filters splits them into EL2 (kernel) and EL0
(tasks). icount counts all CPUs together, so same-CPU figures come from a
one-CPU machine and the cross-CPU figure from a two-CPU machine. Each
machine boots three times and the figures must agree exactly; docs/
benchmarks.md explains the method and what each figure measures.

Writes the figures into build/bench.json (a flat JSON object of numbers,
merged with what other benchmarks wrote there) and prints a table.
"""

import argparse
import io
import json
import re
import sys
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "qemu"))
import machine  # noqa: E402

LINE = re.compile(r"^bench: ([a-z0-9_]+)=([0-9]+(?:\.[0-9]+)?)\r*$", re.M)
# Inputs QEMU would otherwise take from the host (random seeds in the
# device tree, the RTC) are pinned so that runs repeat exactly.
DETERMINISM = "-icount shift=0,sleep=off -seed 1 -rtc base=2025-01-01T00:00:00,clock=vm"
RUNS = 3
# Which machine each figure comes from.
SAME_CPU = ["null_syscall", "ipc_call_reply", "ipc_call_reply_same_task",
            "notification_signal_wait", "thread_switch"]
CROSS_CPU = ["ipc_call_reply_cross_cpu"]


def run(kernel, archive, cpus):
    args = machine.command(str(kernel), str(archive), cpus=cpus, mem="1G",
                           cpu="cortex-a76,cntfrq=1000000000", extra=DETERMINISM)
    log = io.StringIO()
    child = pexpect.spawn(args[0], args[1:], encoding="utf-8", timeout=300)
    child.logfile_read = log
    child.expect(r"bench: done")
    child.expect(pexpect.EOF)
    return {k: float(v) for k, v in LINE.findall(log.getvalue())}


def measure(kernel, archive, cpus, names):
    """Three runs; the figures for names, which must be identical."""
    runs = [run(kernel, archive, cpus) for _ in range(RUNS)]
    result = {}
    for name in names:
        for suffix in ("_insns", "_el2_insns", "_el0_insns"):
            key = name + suffix
            values = [r.get(key) for r in runs]
            if None in values:
                raise SystemExit(f"bench: {key} missing from a run on {cpus} CPU(s)")
            if len(set(values)) != 1:
                raise SystemExit(f"bench: {key} differs between runs: {values}")
            result[key] = values[0]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--archive", required=True)
    parser.add_argument("-o", "--output", required=True)
    opts = parser.parse_args()
    figures = measure(opts.kernel, opts.archive, 1, SAME_CPU)
    figures |= measure(opts.kernel, opts.archive, 2, CROSS_CPU)

    out = Path(opts.output)
    merged = json.loads(out.read_text()) if out.exists() else {}
    merged.update(figures)
    out.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")

    print(f"{'figure (instructions per operation)':40} {'total':>9} {'EL2':>9} {'EL0':>9}")
    for name in SAME_CPU + CROSS_CPU:
        print(f"{name:40} {figures[name + '_insns']:9.1f} {figures[name + '_el2_insns']:9.1f} "
              f"{figures[name + '_el0_insns']:9.1f}")
    print(f"({RUNS} identical runs each; written to {out})")


if __name__ == "__main__":
    main()
