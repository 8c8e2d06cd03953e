#!/usr/bin/env python3
"""Check that platform calls stay in Sources/MCPPlatform.

The C library differs between Linux (Glibc, Musl) and Darwin, so every call into it lives in
one target, `Sources/MCPPlatform`, one file per concern, each with its Linux and Darwin branch.
This fails, with `file:line`, when any Swift file under Sources/, Examples/ or Templates/
(`*.swift` and `*.swift.mustache`) outside Sources/MCPPlatform/:

- imports a platform module (Glibc, Musl, Darwin, WinSDK, ...) or branches on one
  (`canImport(Glibc)`), or qualifies a name with one (`Glibc.write`);
- uses a platform-only symbol (Linux-only or Darwin-only names, /proc paths, the glibc
  spellings of C enums such as `SOCK_STREAM.rawValue`), or a call this package keeps in
  MCPPlatform (threads, priorities, resource usage, spawning, shared mappings).

Comments (`//`, `///`, `/* */`) are not checked; string literals are (a "/proc/..." path is a
platform fact). It prints one line and exits 0 when the tree is clean, else each finding and 1.

Usage:
    python3 .ci/check_platform_isolation.py          # this repository
    python3 .ci/check_platform_isolation.py ROOT     # another tree (the self-test uses this)

Python 3 standard library only; the self-test is .ci/check_platform_isolation_test.py.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCANNED = ("Sources", "Examples", "Templates")
ALLOWED = os.path.join("Sources", "MCPPlatform") + os.sep
SUFFIXES = (".swift", ".swift.mustache")

PLATFORM_MODULES = r"(?:Glibc|SwiftGlibc|Musl|Darwin|MachO|WinSDK|ucrt|CRT|Android|Bionic)"

# (pattern, what it means), checked on each line with its comments removed.
RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^\s*(?:@[\w()]+\s+)*(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+"
            r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?" + PLATFORM_MODULES + r"\b"
        ),
        "platform import",
    ),
    (re.compile(r"canImport\(\s*" + PLATFORM_MODULES + r"\s*\)"), "branch on a platform module"),
    (re.compile(r"(?<![\w.])" + PLATFORM_MODULES + r"\.\w"), "name qualified with a platform module"),
    # Linux-only (glibc spellings, Linux interfaces and files).
    (
        re.compile(
            r"\b(?:SOCK_CLOEXEC|SOCK_NONBLOCK|__rusage_who_t|__priority_which_t|__rlimit_resource\w*|__socket_type"
            r"|__WAIT_STATUS|accept4|pipe2|prctl|eventfd\w*|epoll_\w+|inotify_\w+|sched_\w+|st_mtim)\b"
        ),
        "Linux-only symbol",
    ),
    (re.compile(r"\b(?:SOCK|RLIMIT|RUSAGE|PRIO|SHUT|IPPROTO)_[A-Z_]+\.rawValue"), "glibc spelling of a C enum"),
    (re.compile(r"/proc/"), "Linux /proc path"),
    # Darwin-only.
    (
        re.compile(
            r"\b(?:st_mtimespec|mach_\w+|task_info|task_self_trap|host_statistics\w*|sysctl\w*|kqueue|kevent"
            r"|_NSGetExecutablePath|proc_pid\w+|proc_listallpids|QOS_CLASS_\w+|SO_NOSIGPIPE)\b"
        ),
        "Darwin-only symbol",
    ),
    # Portable in name but different in behaviour or types per platform: kept in MCPPlatform.
    (re.compile(r"\b(?:pthread_\w+|posix_spawn\w*|MAP_FAILED)\b"), "platform call kept in MCPPlatform"),
    # As calls only: a message such as "statvfs failed" is no call.
    (
        re.compile(
            r"\b(?:setpriority|getpriority|getrusage|madvise|mmap|munmap|getrlimit|setrlimit|waitpid|sysconf|statvfs"
            r"|getifaddrs)\s*\("
        ),
        "platform call kept in MCPPlatform",
    ),
]


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.text.strip()}"


def code_lines(text: str) -> list[str]:
    """The lines of a Swift file with comments blanked out; string literals are kept.

    A `//` counts as a comment when an even number of unescaped quotes precedes it on its line
    (string interpolations hold their quotes in pairs); `/* */` comments may nest and span lines.
    """
    lines: list[str] = []
    depth = 0  # nesting of /* */ comments
    for raw in text.split("\n"):
        out: list[str] = []
        quotes = 0
        index = 0
        while index < len(raw):
            pair = raw[index : index + 2]
            if depth > 0:
                if pair == "/*":
                    depth += 1
                    index += 2
                elif pair == "*/":
                    depth -= 1
                    index += 2
                else:
                    index += 1
                continue
            if raw[index] == "\\":
                out.append(raw[index : index + 2])
                index += 2
                continue
            if raw[index] == '"':
                quotes += 1
            elif quotes % 2 == 0 and pair == "//":
                break
            elif quotes % 2 == 0 and pair == "/*":
                depth += 1
                index += 2
                continue
            out.append(raw[index])
            index += 1
        lines.append("".join(out))
    return lines


def check_file(path: str, relative: str) -> list[Finding]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    findings = []
    for number, line in enumerate(code_lines(text), start=1):
        for pattern, rule in RULES:
            if pattern.search(line):
                findings.append(Finding(relative, number, rule, line))
                break
    return findings


def scan(root: str) -> list[Finding]:
    findings: list[Finding] = []
    for top in SCANNED:
        base = os.path.join(root, top)
        for folder, folders, files in os.walk(base):
            folders.sort()
            for name in sorted(files):
                if not name.endswith(SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root)
                if relative.startswith(ALLOWED):
                    continue
                findings.extend(check_file(path, relative))
    return findings


def main(arguments: list[str]) -> int:
    root = os.path.abspath(arguments[0]) if arguments else ROOT
    findings = scan(root)
    for finding in findings:
        print(finding)
    if findings:
        print(
            f"{len(findings)} platform-specific line(s) outside Sources/MCPPlatform: move the call into a "
            "function of Sources/MCPPlatform (one file per concern, a branch per platform) and call that."
        )
        return 1
    print("platform isolation: no platform import or platform-only symbol outside Sources/MCPPlatform")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
