#!/usr/bin/env python3
"""Check that the user guide's code is code the tests compile and run, so the guide cannot rot.

The guide is four DocC articles (Sources/MCPCore/MCPCore.docc: YourFirstServer.md, AddATool.md,
TestIt.md, DeployIt.md); their Chinese twins (*.zh-CN.md) have the same code blocks, which
.ci/check_readme_parity.py checks. The compiled file is
Tests/MCPRuntimeTests/DocumentationExamplesTests.swift (`swift build --build-tests` compiles it,
`swift test --filter DocumentationExamples` runs it). This fails, naming the page and the block:

- when a ```swift block of a page is not in the compiled file line for line (leading indentation
  and trailing spaces aside). Import lines are checked one by one instead: the file imports the
  module too, or stands in for it (a `// docs:stands-in-for MODULE` line: the file holds the code
  of the generated package's module, which a test target cannot import). A `// docs:added` ...
  `// docs:added-end` span of the file may be skipped: a page that shows the package as
  `mcp-server new` writes it matches the file without the spans the guide adds later;
- when a `// docs:template PATH` ... `// docs:end` region of the file, without its `docs:added`
  spans and import lines, is not Templates/server/PATH rendered for `weather-server` (whitespace
  aside): the pages show what `new` writes, and the file must be that;
- when the first two ```swift blocks of AddATool.md (a second tool and its test) are more than
  15 lines together;
- when a ```json block of a page is not in the compiled file (a test compares the server's
  answer with it);
- when DeployIt.md does not give, in a ```bash block, the release build of the Dockerfile (its
  `RUN swift build …` command over its continued lines, `mcp-server` renamed as `new` renames it
  in the kit it copies).

It prints one line and exits 0 when all holds; otherwise one report per problem, exit 1.

Usage:
    python3 .ci/check_doc_snippets.py [--pages DIR] [--compiled FILE] [--templates DIR] [--dockerfile FILE]

Python 3 standard library only; the self-test is .ci/check_doc_snippets_test.py.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass

from check_readme_parity import parse as parse_page

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES_DIR = os.path.join(ROOT, "Sources", "MCPCore", "MCPCore.docc")
PAGES = ("YourFirstServer.md", "AddATool.md", "TestIt.md", "DeployIt.md")
COMPILED = os.path.join(ROOT, "Tests", "MCPRuntimeTests", "DocumentationExamplesTests.swift")
TEMPLATES = os.path.join(ROOT, "Templates", "server")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")
DEPLOY_PAGE = "DeployIt.md"
ADD_A_TOOL_PAGE, ADD_A_TOOL_MAX_LINES = "AddATool.md", 15
EXAMPLE_NAME = "weather-server"  # the server the guide generates

IMPORT = re.compile(r"^(?:@\w+\s+)?(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:\w+\s+)?([\w.]+)\s*$")
MARKER = re.compile(r"^\s*// docs:([\w-]+)(?:\s+(\S+))?")


@dataclass
class Block:
    page: str
    line: int  # of the opening fence
    index: int  # 1-based, among the page's blocks of its language
    language: str
    text: str


def read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def blocks_of(path: str) -> list[Block]:
    """The fenced code blocks of a Markdown page, with their language (the parity check's parser)."""
    found: list[Block] = []
    counts: dict[str, int] = {}
    for block in parse_page(path).blocks:
        language = block.info.split()[0].lower() if block.info.split() else ""
        counts[language] = counts.get(language, 0) + 1
        found.append(Block(os.path.basename(path), block.line, counts[language], language, block.content))
    return found


def normalized(lines: list[str]) -> list[str]:
    """Lines without leading indentation and trailing spaces, without blank lines at either end."""
    result = [line.strip() for line in lines]
    while result and not result[0]:
        result.pop(0)
    while result and not result[-1]:
        result.pop()
    return result


@dataclass
class Compiled:
    path: str
    full: list[tuple[int, str]]  # (line number, stripped text), marker lines left out
    generated: list[tuple[int, str]]  # the same without the docs:added spans
    imports: set[str]  # modules the file imports
    stands_in_for: set[str]
    regions: list[tuple[int, str, list[str]]]  # (line, template path, lines without spans and markers)
    problems: list[str]


def parse_compiled(path: str) -> Compiled:
    compiled = Compiled(path, [], [], set(), set(), [], [])
    region: tuple[int, str, list[str]] | None = None
    in_span: int | None = None
    for number, raw in enumerate(read(path).split("\n"), 1):
        marker = MARKER.match(raw)
        if marker:
            kind, argument = marker.group(1), marker.group(2)
            if kind == "stands-in-for" and argument:
                compiled.stands_in_for.add(argument)
            elif kind == "template" and argument:
                if region:
                    compiled.problems.append(f"{path}:{number}: docs:template inside the region of line {region[0]}")
                region = (number, argument, [])
            elif kind == "end":
                if not region:
                    compiled.problems.append(f"{path}:{number}: docs:end without docs:template")
                else:
                    compiled.regions.append(region)
                region = None
            elif kind == "added":
                if in_span:
                    compiled.problems.append(f"{path}:{number}: docs:added inside the span of line {in_span}")
                in_span = number
            elif kind == "added-end":
                if not in_span:
                    compiled.problems.append(f"{path}:{number}: docs:added-end without docs:added")
                in_span = None
            else:
                compiled.problems.append(f"{path}:{number}: unknown marker docs:{kind}")
            continue
        text = raw.strip()
        imported = IMPORT.match(text)
        if imported:
            compiled.imports.add(imported.group(1))
        compiled.full.append((number, text))
        if not in_span:
            compiled.generated.append((number, text))
            if region:
                region[2].append(raw)
    for start, what in ((region and region[0], "docs:template"), (in_span, "docs:added")):
        if start:
            compiled.problems.append(f"{path}:{start}: {what} is never closed")
    return compiled


def find(needle: list[str], haystack: list[tuple[int, str]]) -> int | None:
    """The file line where `needle` starts as a contiguous run of `haystack`, else None."""
    texts = [text for _, text in haystack]
    for start in range(len(texts) - len(needle) + 1):
        if texts[start:start + len(needle)] == needle:
            return haystack[start][0]
    return None


def closest(needle: list[str], haystack: list[tuple[int, str]]) -> tuple[int, int]:
    """The longest prefix of `needle` found in `haystack`: (its length, the file line it starts at)."""
    best = (0, 0)
    texts = [text for _, text in haystack]
    for start in range(len(texts)):
        length = 0
        while length < len(needle) and start + length < len(texts) and texts[start + length] == needle[length]:
            length += 1
        if length > best[0]:
            best = (length, haystack[start][0])
    return best


def check_swift_block(block: Block, compiled: Compiled) -> list[str]:
    where = f"{block.page}:{block.line}: swift block #{block.index}"
    lines = normalized(block.text.split("\n"))
    problems: list[str] = []
    body: list[str] = []
    for number, line in enumerate(lines, block.line + 1):
        imported = IMPORT.match(line)
        if not imported:
            body.append(line)
            continue
        module = imported.group(1)
        if module not in compiled.imports and module not in compiled.stands_in_for:
            problems.append(f"{where}: `{line}` — {os.path.basename(compiled.path)} neither imports {module}"
                            f" nor stands in for it (a `// docs:stands-in-for {module}` line)")
    body = normalized(body)
    if not body:
        return problems if problems or lines else [f"{where}: the block is empty"]
    if find(body, compiled.full) is None and find(body, compiled.generated) is None:
        length, start = max(closest(body, compiled.full), closest(body, compiled.generated))
        problem = [f"{where} is not in {os.path.relpath(compiled.path, ROOT)} (leading indentation aside),"
                   " so no build compiles it:"]
        if length:
            problem.append(f"  its first {length} line(s) match from line {start} on; then the page has"
                           f" `{body[length]}`" if length < len(body) else "")
        else:
            problem.append(f"  not even its first line, `{body[0]}`, is there")
        problem.append("  Copy the block into the file (and test it), or the file's code into the page.")
        problems.append("\n".join(line for line in problem if line))
    return problems


# --- Templates/server, rendered as `mcp-server new weather-server` renders it ------------------------------


def module_name(name: str) -> str:
    """`weather-server` -> `WeatherServer` (ProjectOptions.moduleName)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def template_context(name: str) -> dict[str, object]:
    """ProjectGenerator.context for a server made with `new NAME` (HTTP, no example catalogues)."""
    return {"name": name, "module": module_name(name), "local": False, "stdio": False, "http": True,
            "transport": "streamable-http", "examples": False, "exampleCatalogues": "", "exampleNames": ""}


def render(template: str, context: dict[str, object]) -> str:
    """The Mustache the Swift templates use: `{{#key}}…{{/key}}`, `{{^key}}…{{/key}}`, `{{key}}`."""
    section = re.compile(r"\{\{([#^])(\w+)\}\}(.*?)\{\{/\2\}\}", re.S)
    while True:
        match = section.search(template)
        if not match:
            break
        kind, key, inner = match.groups()
        if key not in context:
            raise KeyError(key)
        shown = bool(context[key]) == (kind == "#")
        template = template[:match.start()] + (inner if shown else "") + template[match.end():]

    def variable(match: re.Match[str]) -> str:
        if match.group(1) not in context:
            raise KeyError(match.group(1))
        return str(context[match.group(1)])

    return re.sub(r"\{\{\{?\s*(\w+)\s*\}?\}\}", variable, template)


def without_imports(lines: list[str]) -> list[str]:
    return [line for line in lines if not IMPORT.match(line.strip())]


def check_region(region: tuple[int, str, list[str]], compiled: Compiled, templates: str) -> list[str]:
    line, relative, lines = region
    where = f"{os.path.relpath(compiled.path, ROOT)}:{line}: docs:template {relative}"
    path = os.path.join(templates, relative)
    try:
        rendered = render(read(path), template_context(EXAMPLE_NAME))
    except OSError as error:
        return [f"{where}: cannot read the template ({error.strerror})"]
    except KeyError as key:
        return [f"{where}: the template uses {{{{{key.args[0]}}}}}, which this check does not know"]
    expected = without_imports(rendered.split("\n"))
    actual = without_imports(lines)
    if re.sub(r"\s+", "", "".join(expected)) == re.sub(r"\s+", "", "".join(actual)):
        return []
    diff = difflib.unified_diff([text.strip() for text in expected if text.strip()],
                                [text.strip() for text in actual if text.strip()],
                                f"{relative} (rendered for {EXAMPLE_NAME})", "the region", lineterm="", n=1)
    return [f"{where}: the region is not what `mcp-server new {EXAMPLE_NAME}` writes"
            " (whitespace, imports and docs:added spans aside):"] + ["  " + text for text in diff]


def joined(text: str) -> str:
    """Shell text with its continued lines (`\\` at the end) joined, spaces collapsed."""
    return re.sub(r"[ \t]+", " ", re.sub(r"\\[ \t]*\n", " ", text))


def dockerfile_build(path: str) -> str | None:
    """The Dockerfile's `RUN swift build …` command, over its continued lines, up to its `&&`."""
    match = re.search(r"^RUN\s+(swift build\b[^\n]*?)\s*(?:&&|$)", joined(read(path)), re.M)
    return match.group(1).strip() if match else None


def check_release_build(blocks: list[Block], dockerfile: str) -> list[str]:
    """DeployIt.md's release build is the image's, for the generated server."""
    try:
        command = dockerfile_build(dockerfile)
    except OSError as error:
        return [f"{DEPLOY_PAGE}: cannot read {dockerfile} ({error.strerror})"]
    if command is None:
        return [f"{DEPLOY_PAGE}: {os.path.basename(dockerfile)} has no `RUN swift build …` line to compare with"]
    expected = command.replace("mcp-server", EXAMPLE_NAME)
    lines = [line.strip() for block in blocks if block.language in ("bash", "sh", "shell")
             for line in joined(block.text).split("\n")]
    if expected in lines:
        return []
    return [f"{DEPLOY_PAGE}: no bash block gives the Dockerfile's release build, as `new` copies it for"
            f" {EXAMPLE_NAME}:\n  {expected}\n  (change the page and its .zh-CN twin, and the prose about the traits)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=PAGES_DIR, help="folder of the English pages (default: the catalogue)")
    parser.add_argument("--compiled", default=COMPILED, help="the compiled file the blocks must be in")
    parser.add_argument("--templates", default=TEMPLATES, help="Templates/server")
    parser.add_argument("--dockerfile", default=DOCKERFILE, help="the Dockerfile new copies into the package")
    args = parser.parse_args(argv)
    try:
        compiled = parse_compiled(args.compiled)
        pages = {name: blocks_of(os.path.join(args.pages, name)) for name in PAGES}
    except (OSError, UnicodeDecodeError) as error:
        print(f"Doc snippets: cannot read {error}", file=sys.stderr)
        return 2
    text = read(args.compiled)
    problems = list(compiled.problems)
    swift_count = json_count = 0
    for name, blocks in pages.items():
        for block in blocks:
            if block.language == "swift":
                swift_count += 1
                problems += check_swift_block(block, compiled)
            elif block.language == "json":
                json_count += 1
                if block.text.strip() not in text:
                    problems.append(f"{block.page}:{block.line}: json block #{block.index} is not in"
                                    f" {os.path.basename(args.compiled)}: no test compares the server's answer with it")
    for region in compiled.regions:
        problems += check_region(region, compiled, args.templates)
    problems += check_release_build(pages[DEPLOY_PAGE], args.dockerfile)
    added = [block for block in pages[ADD_A_TOOL_PAGE] if block.language == "swift"][:2]
    added_lines = sum(len(normalized(block.text.split("\n"))) for block in added)
    if len(added) < 2:
        problems.append(f"{ADD_A_TOOL_PAGE}: needs two swift blocks, the second tool and its test")
    elif added_lines > ADD_A_TOOL_MAX_LINES:
        problems.append(f"{ADD_A_TOOL_PAGE}: the second tool and its test take {added_lines} lines"
                        f" (blocks at lines {added[0].line} and {added[1].line}); at most {ADD_A_TOOL_MAX_LINES}")
    if problems:
        print(f"Doc snippets: the guide's code and {os.path.basename(args.compiled)} differ", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"Doc snippets: {swift_count} Swift blocks in {len(PAGES)} pages are in"
          f" {os.path.basename(args.compiled)}, {json_count} JSON blocks too; {len(compiled.regions)} template regions"
          f" are what `new {EXAMPLE_NAME}` writes; a second tool and its test take {added_lines} lines;"
          f" {DEPLOY_PAGE} builds as the Dockerfile does")
    return 0


if __name__ == "__main__":
    sys.exit(main())
