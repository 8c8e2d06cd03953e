#!/usr/bin/env python3
"""Check that a Markdown page and its translation have the same structure.

A translation changes the prose and nothing else. This compares, outside the prose:

- the headings: their number and the sequence of their levels (the text is translated);
- the fenced code blocks: their number, order, info string and exact content (commands, code,
  JSON and the comments in them are the same in every language, so a reader can copy them);
- the link targets: the set of `(...)` targets of Markdown links and images, `<scheme:...>`
  autolinks and reference definitions, outside code. The language-switch line at the top of a
  page (e.g. `English | [简体中文](README.zh-CN.md)`) is left out: it differs by design.

It prints one line and exits 0 when the two agree; otherwise it names the first difference of
each kind (heading index, code block index, with both versions) and exits 1.

Usage:
    python3 .ci/check_readme_parity.py                       # README.md and README.zh-CN.md
    python3 .ci/check_readme_parity.py ORIGINAL TRANSLATION  # any other pair of pages

Python 3 standard library only; the self-test is .ci/check_readme_parity_test.py.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PAIR = (os.path.join(ROOT, "README.md"), os.path.join(ROOT, "README.zh-CN.md"))

FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A line that can not be the text of a setext heading (a list item, a quote, a table row, ...).
NOT_PARAGRAPH = re.compile(r"^\s*([#>|<]|[-*+][ \t]|\d+[.)][ \t])")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)>?")
INLINE_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
SWITCH_LINK = re.compile(r"^\[[^\[\]]+\]\([^()\s]+\)$")


@dataclass
class Heading:
    line: int
    level: int
    text: str


@dataclass
class CodeBlock:
    line: int
    info: str
    content: str
    under: int  # index (1-based) of the heading it follows, 0 before the first


@dataclass
class Page:
    path: str
    headings: list[Heading] = field(default_factory=list)
    blocks: list[CodeBlock] = field(default_factory=list)
    links: dict[str, int] = field(default_factory=dict)  # target -> first line
    switch_line: int | None = None


def is_language_switch(line: str) -> bool:
    """`English | [简体中文](README.zh-CN.md)`: parts split by `|`, each a link or a short plain name."""
    stripped = line.strip()
    if stripped.startswith("|") or "|" not in stripped:
        return False
    parts = [part.strip() for part in stripped.split("|")]
    links = [part for part in parts if SWITCH_LINK.match(part)]
    names = [part for part in parts if not SWITCH_LINK.match(part)]
    return bool(links) and all(name and len(name) <= 40 and not re.search(r"[\[\]()`<>]", name) for name in names)


def parse(path: str) -> Page:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    page = Page(path)
    prose: list[tuple[int, str]] = []  # (line number, text) outside code, for the links
    fence: tuple[str, int, int, str] | None = None  # (fence character, length, first line, info)
    body: list[str] = []
    previous = ""
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if fence:
            character, length, start, info = fence
            closing = line.strip()
            if closing and set(closing) == {character} and len(closing) >= length:
                page.blocks.append(CodeBlock(start, info, "\n".join(body), len(page.headings)))
                fence, previous = None, ""
            else:
                body.append(raw)
            continue
        opening = FENCE_OPEN.match(line)
        if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            fence = (opening.group(2)[0], len(opening.group(2)), number, opening.group(3).strip())
            body, previous = [], ""
            continue
        atx = ATX_HEADING.match(line)
        underline = SETEXT_UNDERLINE.match(line)
        if atx:
            page.headings.append(Heading(number, len(atx.group(1)), (atx.group(2) or "").strip()))
            previous = ""
        elif underline and prose and prose[-1][0] == number - 1 and not NOT_PARAGRAPH.match(previous):
            page.headings.append(Heading(number - 1, 1 if underline.group(1)[0] == "=" else 2, previous.strip()))
            prose.pop()  # the heading's text is not prose
            previous = ""
        else:
            early = page.switch_line is None and not page.blocks and len(page.headings) <= 1 and number <= 10
            if early and is_language_switch(line):
                page.switch_line = number
            else:
                prose.append((number, line))
            previous = line
    if fence:  # an unclosed fence runs to the end of the page, as in CommonMark
        page.blocks.append(CodeBlock(fence[2], fence[3], "\n".join(body), len(page.headings)))
    collect_links(page, prose)
    return page


def collect_links(page: Page, prose: list[tuple[int, str]]) -> None:
    """Link targets of the prose, paragraph by paragraph (a code span may span lines)."""
    paragraph: list[tuple[int, str]] = []
    for item in prose + [(0, "")]:
        if item[1].strip():
            paragraph.append(item)
            continue
        if not paragraph:
            continue
        for number, line in paragraph:
            definition = REFERENCE_DEFINITION.match(line)
            if definition:
                page.links.setdefault(definition.group(1), number)
        text = "\n".join(line for _, line in paragraph)
        # Blank out code spans but keep the newlines, so a match still knows its line.
        text = CODE_SPAN.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
        for pattern in (INLINE_LINK, AUTOLINK):
            for match in pattern.finditer(text):
                number = paragraph[text.count("\n", 0, match.start())][0]
                page.links.setdefault(match.group(1), number)
        paragraph = []


def describe_heading(page: Page, index: int) -> str:
    if index > len(page.headings):
        return f"{page.path}: no heading #{index} (it has {len(page.headings)})"
    heading = page.headings[index - 1]
    return f"{page.path}:{heading.line}: {'#' * heading.level} {heading.text}"


def outline(page: Page) -> list[str]:
    return [f"{index:3} {'#' * h.level} {h.text}" for index, h in enumerate(page.headings, 1)]


def compare_headings(original: Page, translation: Page) -> list[str]:
    levels = ([h.level for h in original.headings], [h.level for h in translation.headings])
    if levels[0] == levels[1]:
        return []
    first = next((i for i, (a, b) in enumerate(zip(*levels), 1) if a != b), min(map(len, levels)) + 1)
    problem = (f"heading #{first} differs in level" if first <= min(map(len, levels))
               else f"heading count differs ({len(levels[0])} vs {len(levels[1])})")
    report = [f"Headings: {problem}; the first heading without a match is #{first}:",
              f"  {describe_heading(original, first)}", f"  {describe_heading(translation, first)}"]
    if len(levels[0]) != len(levels[1]):
        report.append(f"  ({len(levels[0])} headings in {original.path}, {len(levels[1])} in {translation.path};"
                      " the outlines show where they part)")
    report += ["  Both outlines, side by side:"]
    left, right = outline(original), outline(translation)
    width = max(map(len, left or [""]))
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else ""
        b = right[index] if index < len(right) else ""
        marker = "!" if index + 1 >= first else " "
        report.append(f"  {marker} {a:<{width}}  |  {b}")
    return report


def describe_block(page: Page, index: int) -> str:
    if index > len(page.blocks):
        return f"{page.path}: no code block #{index} (it has {len(page.blocks)})"
    block = page.blocks[index - 1]
    where = f"under heading #{block.under}" if block.under else "before the first heading"
    if block.under:
        where += f" '{page.headings[block.under - 1].text}'"
    return f"{page.path}:{block.line}: ```{block.info} ({where})"


def compare_blocks(original: Page, translation: Page) -> list[str]:
    for index in range(1, max(len(original.blocks), len(translation.blocks)) + 1):
        a = original.blocks[index - 1] if index <= len(original.blocks) else None
        b = translation.blocks[index - 1] if index <= len(translation.blocks) else None
        if a and b and a.info == b.info and a.content == b.content:
            continue
        counts = f"{len(original.blocks)} blocks in {original.path}, {len(translation.blocks)} in {translation.path}"
        report = [f"Code blocks: block #{index} differs ({counts}):",
                  f"  {describe_block(original, index)}", f"  {describe_block(translation, index)}"]
        if a and b and a.info != b.info:
            report.append(f"  info string: {a.info!r} vs {b.info!r}")
        if a and b and a.content != b.content:
            diff = difflib.unified_diff(a.content.split("\n"), b.content.split("\n"),
                                        original.path, translation.path, lineterm="", n=1)
            report += ["  " + line for line in diff]
        for block, page in ((a, original), (b, translation)):
            if block and not (a and b):
                report += [f"  content in {page.path}:"] + ["    " + line for line in block.content.split("\n")]
        return report
    return []


def compare_links(original: Page, translation: Page) -> list[str]:
    missing = sorted(set(original.links) - set(translation.links), key=original.links.get)
    extra = sorted(set(translation.links) - set(original.links), key=translation.links.get)
    if not missing and not extra:
        return []
    report = ["Links: the link targets differ:"]
    report += [f"  only in {original.path}:{original.links[t]}: ({t})" for t in missing]
    report += [f"  only in {translation.path}:{translation.links[t]}: ({t})" for t in extra]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("original", nargs="?", default=DEFAULT_PAIR[0], help="default: README.md")
    parser.add_argument("translation", nargs="?", default=DEFAULT_PAIR[1], help="default: README.zh-CN.md")
    args = parser.parse_args(argv)
    try:
        original, translation = parse(args.original), parse(args.translation)
    except (OSError, UnicodeDecodeError) as error:
        print(f"README parity: cannot read {error}", file=sys.stderr)
        return 2
    names = (os.path.basename(args.original), os.path.basename(args.translation))
    problems = [compare_headings(original, translation), compare_blocks(original, translation),
                compare_links(original, translation)]
    problems = [problem for problem in problems if problem]
    if problems:
        print(f"README parity: {names[0]} and {names[1]} differ in structure"
              " (a translation changes the prose only: same headings, code blocks and links)", file=sys.stderr)
        for problem in problems:
            print("\n".join(problem), file=sys.stderr)
        return 1
    print(f"README parity: {len(original.headings)} headings, {len(original.blocks)} code blocks,"
          f" {len(original.links)} link targets — same in {names[0]} and {names[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
