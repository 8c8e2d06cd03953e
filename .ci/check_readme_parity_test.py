#!/usr/bin/env python3
"""Self-test of .ci/check_readme_parity.py on small page pairs in a temporary folder.

Usage:
    python3 .ci/check_readme_parity_test.py
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ left in .ci
sys.path.insert(0, HERE)
import check_readme_parity  # noqa: E402

ENGLISH = textwrap.dedent("""\
    # Demo
    English | [简体中文](README.zh-CN.md)

    Run it, then open <http://127.0.0.1:8000/inspector>:

    ```bash
    swift run mcp-server    # the server
    swift test              # the tests
    ```

    ## Tools

    See [the guide](docs/GUIDE.md) and ![a chart](docs/chart.svg). In code, `[not](a-link)` is no link.

    ~~~~swift
    let x = 1  // a comment stays in English
    ```not a fence end
    ~~~~

    ### Details

    More text.

    ## License

    MIT — see [LICENSE](LICENSE).
    """)

CHINESE = textwrap.dedent("""\
    # Demo
    [English](README.md) | 简体中文

    运行它，然后打开 <http://127.0.0.1:8000/inspector>：

    ```bash
    swift run mcp-server    # the server
    swift test              # the tests
    ```

    ## 工具

    见[指南](docs/GUIDE.md)和 ![图表](docs/chart.svg)。代码中的 `[not](a-link)` 不是链接。

    ~~~~swift
    let x = 1  // a comment stays in English
    ```not a fence end
    ~~~~

    ### 细节

    更多内容。

    ## 许可证

    MIT——见 [LICENSE](LICENSE)。
    """)


class ParityTest(unittest.TestCase):
    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def check(self, english: str, chinese: str) -> tuple[int, str]:
        paths = []
        for name, text in (("README.md", english), ("README.zh-CN.md", chinese)):
            paths.append(os.path.join(self.folder.name, name))
            with open(paths[-1], "w", encoding="utf-8") as handle:
                handle.write(text)
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            status = check_readme_parity.main(paths)
        return status, output.getvalue()

    def assertFails(self, chinese: str, *expected: str) -> None:
        status, output = self.check(ENGLISH, chinese)
        self.assertEqual(status, 1, output)
        for text in expected:
            self.assertIn(text, output)

    def test_same_structure_passes(self) -> None:
        status, output = self.check(ENGLISH, CHINESE)
        self.assertEqual(status, 0, output)
        self.assertIn("4 headings, 2 code blocks, 4 link targets — same in README.md and README.zh-CN.md", output)

    def test_language_switch_and_code_are_not_links(self) -> None:
        path = os.path.join(self.folder.name, "page.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(ENGLISH)
        page = check_readme_parity.parse(path)
        self.assertEqual(page.switch_line, 2)
        self.assertEqual(set(page.links),
                         {"http://127.0.0.1:8000/inspector", "docs/GUIDE.md", "docs/chart.svg", "LICENSE"})

    def test_changed_command_fails(self) -> None:
        self.assertFails(CHINESE.replace("swift test              #", "swift test --parallel   #"),
                         "Code blocks: block #1 differs", "README.zh-CN.md:6: ```bash (under heading #1 'Demo')",
                         "-swift test              # the tests", "+swift test --parallel   # the tests")

    def test_translated_comment_in_code_fails(self) -> None:
        self.assertFails(CHINESE.replace("// a comment stays in English", "// 注释"),
                         "block #2 differs", "under heading #2 '工具'", "+let x = 1  // 注释")

    def test_changed_info_string_fails(self) -> None:
        self.assertFails(CHINESE.replace("```bash", "```sh"), "info string: 'bash' vs 'sh'")

    def test_missing_section_fails(self) -> None:
        start, end = CHINESE.index("## 工具"), CHINESE.index("### 细节")
        self.assertFails(CHINESE[:start] + CHINESE[end:],
                         "Headings: heading #2 differs in level", "README.zh-CN.md:11: ### 细节",
                         "Code blocks: block #2 differs", "no code block #2 (it has 1)",
                         "only in ", "(docs/GUIDE.md)")

    def test_missing_last_section_fails(self) -> None:
        self.assertFails(CHINESE[:CHINESE.index("## 许可证")],
                         "heading count differs (4 vs 3)", "no heading #4 (it has 3)", "(LICENSE)")

    def test_changed_heading_level_fails(self) -> None:
        self.assertFails(CHINESE.replace("### 细节", "## 细节"),
                         "heading #3 differs in level", "README.md:20: ### Details", "README.zh-CN.md:20: ## 细节")

    def test_changed_link_fails(self) -> None:
        self.assertFails(CHINESE.replace("(docs/GUIDE.md)", "(docs/GUIDE.zh-CN.md)"),
                         "Links: the link targets differ", "only in", "README.md:13: (docs/GUIDE.md)",
                         "README.zh-CN.md:13: (docs/GUIDE.zh-CN.md)")

    def test_different_language_switch_is_ignored(self) -> None:
        switch = "[English](README.md) | 简体中文"
        status, output = self.check(ENGLISH, CHINESE.replace(switch, switch + " | [日本語](README.ja.md)"))
        self.assertEqual(status, 0, output)

    def test_command_line_exit_status(self) -> None:
        self.check(ENGLISH, CHINESE.replace("## 许可证", "### 许可证"))
        script = os.path.join(HERE, "check_readme_parity.py")
        paths = [os.path.join(self.folder.name, name) for name in ("README.md", "README.zh-CN.md")]
        run = subprocess.run([sys.executable, script, *paths], capture_output=True, text=True, check=False)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn("heading #4 differs in level", run.stderr)
        run = subprocess.run([sys.executable, script, paths[0], paths[0]], capture_output=True, text=True, check=False)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main()
