"""Code that fits the page: every line of a lesson's code cells is at most 80 characters.

A learner types what they read, on a phone or from a printed handout, so code
is set the way good textbooks set it: lines of at most 80 characters (black's
and ruff's ``line-length = 80``), never a line that runs off the column.  Only
the code counts, not a cell's options (``:tags:``, the ``mystnb`` caption and
alt text in its ``---`` block).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_CHARS = 80
PAGES = sorted((ROOT / "book").glob("lesson*.md")) + [ROOT / "book" / "first-map.md"]
_FENCE = re.compile(r"^(`{3,})\{code-cell\}")


def code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every code line in the ``{code-cell}`` blocks of a MyST page."""
    lines = text.split("\n")
    found, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, j = m.group(1), i + 1
        if j < len(lines) and lines[j].strip() == "---":  # options as a YAML block
            j += 1
            while j < len(lines) and lines[j].strip() != "---":
                j += 1
            j += 1
        else:  # options as :key: lines
            while j < len(lines) and re.match(r"^:[\w-]+:", lines[j]):
                j += 1
        k = j
        while k < len(lines) and lines[k].strip() != fence:
            k += 1
        found += [(n + 1, lines[n]) for n in range(j, k)]
        i = k + 1
    return found


def test_code_lines_are_found_and_options_skipped():
    page = "\n".join(
        [
            "# T",
            "```{code-cell} ipython3",
            "---",
            "mystnb:",
            "  figure:",
            "    caption: " + "x" * 200,
            "---",
            "a = 1",
            "```",
            "text " * 40,
            "````{code-cell} ipython3",
            ":tags: [hide-input]",
            "b = 2",
            "````",
        ]
    )
    assert code_lines(page) == [(8, "a = 1"), (13, "b = 2")]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_code_cells_fit_in_80_characters(page: Path):
    lines = code_lines(page.read_text(encoding="utf-8"))
    assert lines, f"{page.name} has no code cells"
    long = [
        f"line {n} ({len(line)} characters): {line.strip()[:70]}"
        for n, line in lines
        if len(line) > MAX_CHARS
    ]
    assert not long, (
        f"{page.name}: code lines over {MAX_CHARS} characters (break them, e.g. "
        "`black --line-length 80` on the cell):\n  " + "\n  ".join(long)
    )
