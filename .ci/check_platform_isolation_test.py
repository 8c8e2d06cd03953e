#!/usr/bin/env python3
"""Self-test of .ci/check_platform_isolation.py on a small tree in a temporary folder.

Usage:
    python3 .ci/check_platform_isolation_test.py
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ left in .ci
sys.path.insert(0, HERE)
import check_platform_isolation  # noqa: E402

# Platform calls through MCPPlatform, and platform names only in comments and in text that is
# no code: nothing to report.
GOOD = textwrap.dedent("""\
    import Foundation
    import MCPPlatform

    /// Reads like `read(2)`; never `import Glibc` here, nor /proc/self/fd or pthread_create.
    func readSome(_ descriptor: Int32) -> Int {
        // SOCK_CLOEXEC is the platform layer's business.
        var buffer = [UInt8](repeating: 0, count: 16)
        let url = "https://example.com//not-a-comment"  /* Glibc.write, nested /* __rusage_who_t */ */
        _ = url
        guard buffer.count > 0 else { fatalError("statvfs failed") }  // a word in a message is no call
        return buffer.withUnsafeMutableBytes { Descriptors.read(descriptor, $0.baseAddress, $0.count) }
    }
    /*
     #if canImport(Darwin)
     import Darwin
     #endif
     */
    """)

# One finding per numbered line.
BAD = textwrap.dedent("""\
    #if canImport(Glibc)
        import Glibc
    #endif
    let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    let exe = "/proc/self/exe"  // the string counts, the comment does not
    var thread = pthread_t()
    let written = Glibc.write(1, nil, 0)
    let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    """)
BAD_LINES = [1, 2, 4, 5, 6, 7, 8]

# The platform layer itself may do all of that.
PLATFORM = textwrap.dedent("""\
    #if canImport(Darwin)
        import Darwin
    #elseif canImport(Glibc)
        import Glibc
    #endif
    package let cloexec = Int32(SOCK_CLOEXEC.rawValue)
    """)


def write(root: str, relative: str, text: str) -> None:
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class PlatformIsolationTests(unittest.TestCase):
    def tree(self, files: dict[str, str]) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        for relative, text in files.items():
            write(folder.name, relative, text)
        return folder.name

    def run_main(self, root: str) -> tuple[int, str]:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            status = check_platform_isolation.main([root])
        return status, output.getvalue()

    def test_a_clean_tree_passes(self) -> None:
        root = self.tree({
            "Sources/Good/Good.swift": GOOD,
            "Sources/MCPPlatform/Platform.swift": PLATFORM,
            "Examples/Demo/Main.swift": GOOD,
        })
        status, output = self.run_main(root)
        self.assertEqual(status, 0, output)

    def test_each_platform_line_is_reported_with_its_place(self) -> None:
        root = self.tree({
            "Sources/Good/Good.swift": GOOD,
            "Sources/Bad/Bad.swift": BAD,
            "Sources/MCPPlatform/Platform.swift": PLATFORM,
        })
        findings = check_platform_isolation.scan(root)
        self.assertEqual([(f.path, f.line) for f in findings], [("Sources/Bad/Bad.swift", n) for n in BAD_LINES])
        status, output = self.run_main(root)
        self.assertEqual(status, 1)
        self.assertIn("Sources/Bad/Bad.swift:2: platform import: import Glibc", output)
        self.assertIn("Sources/Bad/Bad.swift:5: Linux /proc path", output)

    def test_examples_and_templates_are_checked_too(self) -> None:
        root = self.tree({
            "Examples/Demo/Main.swift": "import Darwin\n",
            "Templates/server/Sources/__NAME__/main.swift.mustache": "let n = sysconf(1)\n",
            "Templates/server/README.md": "import Glibc\n",
        })
        findings = check_platform_isolation.scan(root)
        self.assertEqual(
            [(f.path, f.line) for f in findings],
            [("Examples/Demo/Main.swift", 1), ("Templates/server/Sources/__NAME__/main.swift.mustache", 1)],
        )


if __name__ == "__main__":
    unittest.main(verbosity=1)
