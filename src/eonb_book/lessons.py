"""A lesson's MyST Markdown, read: its directives, headings, sections, time line, cells.

The lesson sources (``book/*.md``, MyST Markdown with ``{code-cell}`` cells) are
read as text: a MyST directive is a ``` or ::: fence whose info string names
it (``{exercise}``, ``{solution-start}``, ``{admonition}``...), and may nest.
The code cells are read with jupytext (:func:`read_notebook`), as the build
does.  :mod:`eonb_book.lint` says what a lesson lacks from what these find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .settings import ROOT

FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[\w-]+\})?\s*(.*)$")


@dataclass
class Block:
    """One MyST directive: name (e.g. 'exercise'), argument, body text and start line."""

    name: str
    argument: str
    body: str
    line: int


def directives(text: str) -> list[Block]:
    """Top-level and nested MyST directives (``` or ::: fences) in document order."""
    lines = text.splitlines()
    blocks, stack = [], []  # stack of (fence, name, argument, start, body lines)
    for number, line in enumerate(lines, start=1):
        match = FENCE.match(line.strip())
        if (
            match
            and stack
            and match.group(2) is None
            and not match.group(3)
            and match.group(1)[0] == stack[-1][0][0]
            and len(match.group(1)) >= len(stack[-1][0])
        ):
            fence, name, argument, start, body = stack.pop()
            blocks.append(Block(name, argument, "\n".join(body), start))
            for outer in stack:
                outer[4].append(line)
            continue
        if match and match.group(2):
            for outer in stack:
                outer[4].append(line)
            stack.append([match.group(1), match.group(2)[1:-1], match.group(3).strip(), number, []])
            continue
        for outer in stack:
            outer[4].append(line)
    return sorted(blocks, key=lambda b: b.line)


def strip_code(text: str) -> str:
    """The text with the contents of code cells and literal code blocks blanked out."""
    out, fence, directive_fences = [], None, []
    for line in text.splitlines():
        stripped = line.strip()
        m = re.match(r"^(`{3,})(.*)$", stripped)
        if fence is not None:  # inside code: blank it until the fence closes
            if stripped == fence:
                fence = None
            out.append("")
            continue
        if m:
            info = m.group(2).strip()
            if info.startswith("{") and not info.startswith("{code-cell}"):
                directive_fences.append(m.group(1))  # a directive: its body is Markdown
            elif not info and directive_fences and directive_fences[-1] == m.group(1):
                directive_fences.pop()
            else:
                fence = m.group(1)
                out.append("")
                continue
        out.append(line)
    return "\n".join(out)


def headings(text: str) -> list[tuple[int, str, int]]:
    """(level, title, line) of every Markdown heading outside code."""
    found = []
    for number, line in enumerate(strip_code(text).splitlines(), start=1):
        m = re.match(r"^(#{1,6})\s+(.+?)\s*$", line)
        if m:
            found.append((len(m.group(1)), m.group(2), number))
    return found


def section(text: str, title: str) -> str | None:
    """The text under the ``## title`` heading, up to the next heading of level <= 2."""
    lines = strip_code(text).splitlines()
    for i, line in enumerate(lines):
        if re.match(rf"^##\s+{re.escape(title)}\s*$", line):
            body = []
            for following in lines[i + 1 :]:
                if re.match(r"^#{1,2}\s", following):
                    break
                body.append(following)
            return "\n".join(body)
    return None


TIME_LINE = re.compile(
    r"^\*\*Time:\*\*\s*(\d+)\s*min teaching\s*\+\s*(\d+)\s*min exercises\.?\s*$", re.M
)


def lesson_time(text: str) -> tuple[int, int] | None:
    """(teaching, exercise) minutes from the lesson's ``**Time:**`` line."""
    m = TIME_LINE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def bullets(body: str) -> int:
    """How many Markdown bullet items ``body`` has."""
    return sum(1 for line in body.splitlines() if re.match(r"^\s*[-*]\s+\S", line))


def read_notebook(path: Path):
    """The lesson as a notebook (jupytext, as the build reads it): its cells and their metadata."""
    import jupytext

    return jupytext.read(path)


GLOSSARY = ROOT / "book" / "glossary.md"


def glossary_terms(glossary: Path = GLOSSARY) -> set[str]:
    """The terms of the ``{glossary}`` of ``book/glossary.md``, lower case."""
    text = glossary.read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S).group(1)
    return {line.strip().lower() for line in block.splitlines() if line and not line[0].isspace()}


def term_target(use: str) -> str:
    """The glossary term a ``{term}`` role links.

    ``data cube`` and ``cubes <data cube>`` both link ``data cube``."""
    m = re.search(r"<([^>]+)>\s*$", use)
    return (m.group(1) if m else use).strip().lower()
