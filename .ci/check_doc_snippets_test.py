#!/usr/bin/env python3
"""Self-test of .ci/check_doc_snippets.py on small pages, a compiled file and a template in a
temporary folder.

Usage:
    python3 .ci/check_doc_snippets_test.py
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
import check_doc_snippets  # noqa: E402

TEMPLATE = textwrap.dedent("""\
    public import MCPCore

    /// The tools of {{name}}.
    @Catalogue
    public struct {{module}}Tools: Sendable {
        public init() {}
    {{#examples}}    // examples
    {{/examples}}
        /// Greets someone by name.
        @Tool static func greet(name: String) -> String { "Hello, \\(name)!" }
    }
    """)

COMPILED = textwrap.dedent("""\
    // docs:stands-in-for WeatherServer
    public import MCPCore
    import MCPTesting
    import Testing

    // docs:template Sources/__MODULE__/__MODULE__Tools.swift.mustache
    /// The tools of weather-server.
    @Catalogue
    public struct WeatherServerTools: Sendable {
        public init() {}

        /// Greets someone by name.
        @Tool static func greet(name: String) -> String { "Hello, \\(name)!" }
        // docs:added

        /// Adds two numbers.
        @Tool static func add(a: Double, b: Double) -> Double { a + b }
        // docs:added-end
    }
    // docs:end

    enum Checks {
        @Test func add() async throws {
            let client = try MCPTestClient(catalogues: [WeatherServerTools()])
            #expect(try await client.callTool("add", ["a": 2, "b": 3]).structuredContent?["result"] == 5.0)
            #expect(JSONWriter.string(schema) == #"{"type":"number"}"#)
        }
    }
    """)

FIRST_PAGE = textwrap.dedent("""\
    # Your first server

    ```bash
    swift run mcp-server new weather-server
    ```

    ```swift
    import WeatherServer
    public import MCPCore

    /// The tools of weather-server.
    @Catalogue
    public struct WeatherServerTools: Sendable {
        public init() {}

        /// Greets someone by name.
        @Tool static func greet(name: String) -> String { "Hello, \\(name)!" }
    }
    ```
    """)

ADD_A_TOOL = textwrap.dedent("""\
    # Add a tool

    ```swift
        /// Adds two numbers.
        @Tool static func add(a: Double, b: Double) -> Double { a + b }
    ```

    ```swift
    @Test func add() async throws {
        let client = try MCPTestClient(catalogues: [WeatherServerTools()])
        #expect(try await client.callTool("add", ["a": 2, "b": 3]).structuredContent?["result"] == 5.0)
    ```

    ```json
    {"type":"number"}
    ```
    """)

OTHER_PAGE = "# Other\n\nNo code.\n"

DOCKERFILE = textwrap.dedent("""\
    FROM swift:6.3-bookworm AS builder
    RUN swift build -c release --product mcp-server --traits OAuth \\
        && install -D -m 0755 .build/release/mcp-server /out/mcp-server
    """)

DEPLOY_PAGE = textwrap.dedent("""\
    # Deploy it

    ```bash
    swift build -c release --product weather-server --traits OAuth
    ENVIRONMENT=production .build/release/weather-server
    ```
    """)


class DocSnippetsTest(unittest.TestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.root = folder.name
        self.pages = os.path.join(self.root, "pages")
        self.templates = os.path.join(self.root, "templates")
        os.makedirs(self.pages)
        os.makedirs(os.path.join(self.templates, "Sources", "__MODULE__"))
        self.write(os.path.join(self.templates, "Sources", "__MODULE__", "__MODULE__Tools.swift.mustache"), TEMPLATE)
        self.compiled = os.path.join(self.root, "DocumentationExamplesTests.swift")
        self.write(self.compiled, COMPILED)
        self.dockerfile = os.path.join(self.root, "Dockerfile")
        self.write(self.dockerfile, DOCKERFILE)
        self.write_pages()

    @staticmethod
    def write(path: str, text: str) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)

    def write_pages(self, first: str = FIRST_PAGE, add: str = ADD_A_TOOL) -> None:
        for name, text in (("YourFirstServer.md", first), ("AddATool.md", add), ("TestIt.md", OTHER_PAGE),
                           ("DeployIt.md", DEPLOY_PAGE)):
            self.write(os.path.join(self.pages, name), text)

    def run_check(self) -> tuple[int, str]:
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            status = check_doc_snippets.main(
                ["--pages", self.pages, "--compiled", self.compiled, "--templates", self.templates,
                 "--dockerfile", self.dockerfile])
        return status, output.getvalue()

    def assertFails(self, *expected: str) -> None:
        status, output = self.run_check()
        self.assertEqual(status, 1, output)
        for text in expected:
            self.assertIn(text, output)

    def test_blocks_in_the_compiled_file_pass(self) -> None:
        status, output = self.run_check()
        self.assertEqual(status, 0, output)
        self.assertIn("3 Swift blocks in 4 pages are in DocumentationExamplesTests.swift, 1 JSON blocks too;"
                      " 1 template regions are what `new weather-server` writes;"
                      " a second tool and its test take 5 lines; DeployIt.md builds as the Dockerfile does", output)

    def test_changed_code_fails_naming_page_and_block(self) -> None:
        self.write_pages(add=ADD_A_TOOL.replace("a + b }", "a - b }"))
        self.assertFails("AddATool.md:3: swift block #1 is not in",
                         "its first 1 line(s) match from line 16 on; then the page has"
                         " `@Tool static func add(a: Double, b: Double) -> Double { a - b }`")

    def test_indentation_does_not_matter_but_lines_do(self) -> None:
        self.write_pages(add=ADD_A_TOOL.replace("    /// Adds two numbers.", "/// Adds two numbers."))
        status, output = self.run_check()
        self.assertEqual(status, 0, output)
        joined = ADD_A_TOOL.replace("    /// Adds two numbers.\n    @Tool", "    /// Adds two numbers. @Tool")
        self.write_pages(add=joined)
        self.assertFails("AddATool.md:3: swift block #1 is not in", "not even its first line")

    def test_page_of_the_generated_package_skips_added_spans(self) -> None:
        # The first page's struct has no `add`: it matches only without the docs:added span.
        status, output = self.run_check()
        self.assertEqual(status, 0, output)
        self.write(self.compiled, COMPILED.replace("    // docs:added\n", "").replace("    // docs:added-end\n", ""))
        self.assertFails("YourFirstServer.md:7: swift block #1 is not in",
                         "docs:template Sources/__MODULE__/__MODULE__Tools.swift.mustache: the region is not what",
                         "+@Tool static func add(a: Double, b: Double) -> Double { a + b }")

    def test_unknown_import_fails_and_stand_in_passes(self) -> None:
        self.write_pages(first=FIRST_PAGE.replace("import WeatherServer", "import WeatherService"))
        self.assertFails("YourFirstServer.md:7: swift block #1: `import WeatherService` — DocumentationExamplesTests.swift"
                         " neither imports WeatherService nor stands in for it")

    def test_template_change_fails(self) -> None:
        self.write(os.path.join(self.templates, "Sources", "__MODULE__", "__MODULE__Tools.swift.mustache"),
                   TEMPLATE.replace("Greets someone by name.", "Says hello."))
        self.assertFails("the region is not what `mcp-server new weather-server` writes",
                         "-/// Says hello.", "+/// Greets someone by name.")

    def test_missing_template_fails(self) -> None:
        os.remove(os.path.join(self.templates, "Sources", "__MODULE__", "__MODULE__Tools.swift.mustache"))
        self.assertFails("docs:template Sources/__MODULE__/__MODULE__Tools.swift.mustache: cannot read the template")

    def test_render_sections_and_variables(self) -> None:
        context = check_doc_snippets.template_context("demo-server")
        self.assertEqual(check_doc_snippets.render("{{module}}{{#examples}}x{{/examples}}{{^examples}}y{{/examples}}",
                                                   context), "DemoServery")
        with self.assertRaises(KeyError):
            check_doc_snippets.render("{{unknown}}", context)

    def test_too_long_second_tool_fails(self) -> None:
        longer = ADD_A_TOOL.replace("    /// Adds two numbers.\n", "    /// Adds two numbers.\n" * 12)
        self.write(self.compiled, COMPILED.replace("    /// Adds two numbers.\n", "    /// Adds two numbers.\n" * 12))
        self.write_pages(add=longer)
        status, output = self.run_check()
        self.assertEqual(status, 1, output)
        self.assertIn("AddATool.md: the second tool and its test take 16 lines (blocks at lines 3 and 19); at most 15",
                      output)

    def test_release_build_other_than_the_dockerfiles_fails(self) -> None:
        self.write(self.dockerfile, DOCKERFILE.replace("--traits OAuth", "--traits OAuth,TLS"))
        self.assertFails("DeployIt.md: no bash block gives the Dockerfile's release build",
                         "swift build -c release --product weather-server --traits OAuth,TLS")
        self.write(self.dockerfile, "FROM debian\n")
        self.assertFails("DeployIt.md: Dockerfile has no `RUN swift build …` line to compare with")

    def test_json_block_not_in_the_file_fails(self) -> None:
        self.write_pages(add=ADD_A_TOOL.replace('{"type":"number"}\n```', '{"type":"string"}\n```'))
        self.assertFails("AddATool.md:14: json block #1 is not in DocumentationExamplesTests.swift")

    def test_unbalanced_markers_fail(self) -> None:
        self.write(self.compiled, COMPILED.replace("// docs:end\n", ""))
        self.assertFails("docs:template is never closed")

    def test_command_line_exit_status(self) -> None:
        script = os.path.join(HERE, "check_doc_snippets.py")
        arguments = ["--pages", self.pages, "--compiled", self.compiled, "--templates", self.templates,
                     "--dockerfile", self.dockerfile]
        run = subprocess.run([sys.executable, script, *arguments], capture_output=True, text=True, check=False)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.write_pages(add=ADD_A_TOOL.replace("a + b }", "a * b }"))
        run = subprocess.run([sys.executable, script, *arguments], capture_output=True, text=True, check=False)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn("swift block #1 is not in", run.stderr)


if __name__ == "__main__":
    unittest.main()
