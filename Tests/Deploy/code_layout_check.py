#!/usr/bin/env python3
"""Checks that a release binary is laid out as the Dockerfile's flags ask (python3
Tests/Deploy/code_layout_check.py .build/release/mcp-server):

- the functions deploy/docker/code-order.txt names first (the request path, hottest first) sit
  together: the first 1,000 of them that the binary has lie within 1 MiB of each other (spread
  over the whole ~34 MB of code without the ordering, or without -function-sections);
- the order file is not stale: at least 90 % of the functions it names are in the binary
  (regenerate it with bench/code_order.py after a large change);
- the relocations are packed (a `.relr.dyn` section, `-z pack-relative-relocs`) and what is left
  of `.rela.dyn` is small, so the dynamic loader does not read megabytes at every start.

Exit status 1 when a check fails. Needs binutils (nm, readelf).
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORDER = os.path.join(ROOT, "deploy", "docker", "code-order.txt")
FAILED = []


def report(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'} code layout {name}: {detail}")
    if not ok:
        FAILED.append(name)


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "mcp-server")
    listed = [line.strip() for line in open(ORDER) if line.strip() and not line.startswith("#")]
    addresses = {}
    for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            addresses.setdefault(fields[2], int(fields[0], 16))
    present = [name for name in listed if name in addresses]
    share = len(present) / max(1, len(listed))
    report("order file matches the binary", share >= 0.9,
           f"{len(present):,} of the {len(listed):,} functions it names are in {os.path.basename(binary)} ({share:.0%})")
    first = [addresses[name] for name in present[:1000]]
    span = (max(first) - min(first)) / 1048576 if first else float("inf")
    report("request path laid out together", span <= 1.0,
           f"the first {len(first)} listed functions span {span:.2f} MiB of code (at most 1)")
    sections = {}
    for line in subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if match:
            sections[match.group(1)] = int(match.group(2), 16)
    rela = sections.get(".rela.dyn", 0)
    report("relative relocations packed", ".relr.dyn" in sections and rela < 1048576,
           f".relr.dyn {sections.get('.relr.dyn', 0):,} bytes, .rela.dyn {rela:,} bytes")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
