"""Every lesson has the same parts, so learners and instructors always find their way.

A lesson is a file ``book/lesson*.md`` listed in ``_toc.yml``.  In order it has:
a ``# Title``; a *Data used* admonition saying what is real and what is
SYNTHETIC, with licences; a ``**Time:** NN min teaching + NN min exercises.``
line; a ``## Prerequisites`` table (Concept | Importance | Notes); a *Learning
objectives* admonition; at least three ``{exercise}`` blocks, each with a
hidden solution; a ``## Self-check`` quiz (``{quiz}``, 4-8 questions, every
option explained); a *Key
points* admonition; ``## What's next`` and ``## Where the real data lives``.
Every figure has alt text and a caption, colour maps are perceptually uniform
and headings never skip a level.

The same checks run on ``book/_templates/lesson-template.md``, which is also
executed, so the template a contributor copies always works.  The rules themselves
are `eonb_book.lint` (the parsing: `eonb_book.lessons`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml

from eonb_book.lessons import directives, glossary_terms, lesson_time, read_notebook, term_target
from eonb_book.lint import (
    PLACEHOLDER,
    cmap_problems,
    figure_problems,
    heading_problems,
    metadata_problems,
    structure_problems,
)
from eonb_book.settings import ROOT, SITE_DIR
from eonb_book.toc import files as toc_files
from eonb_book.toc import lessons as toc_lessons

TEMPLATE = ROOT / "book" / "_templates" / "lesson-template.md"
SITE = Path(os.environ.get("EONB_SITE", SITE_DIR))

# --------------------------------------------------------------------------- finding lessons

LESSONS = toc_lessons(ROOT)


def _id(path: Path) -> str:
    return path.stem


def _report(path: Path, problems: list[str], what: str) -> str:
    rel = path.relative_to(ROOT)
    return f"{rel} {what}:\n  - " + "\n  - ".join(problems)


# --------------------------------------------------------------------------- the lessons


def test_every_lesson_file_is_listed_in_the_toc():
    """A lesson that is not in _toc.yml is silently left out of the site (only_build_toc_files)."""
    listed = {p.resolve() for p in LESSONS}
    missing = [
        p.name for p in sorted((ROOT / "book").glob("lesson*.md")) if p.resolve() not in listed
    ]
    assert not missing, f"lesson files not listed in _toc.yml, so not built: {missing}"


def test_every_lesson_in_the_toc_exists():
    missing = [str(p.relative_to(ROOT)) for p in LESSONS if not p.exists()]
    assert not missing, f"_toc.yml lists lessons that do not exist: {missing}"


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_has_every_part_in_order(lesson: Path):
    problems = structure_problems(lesson.read_text(encoding="utf-8"))
    assert not problems, _report(lesson, problems, "is missing lesson parts")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_has_no_template_placeholders_left(lesson: Path):
    text = lesson.read_text(encoding="utf-8")
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if PLACEHOLDER in line]
    assert not lines, (
        f"{lesson.name} still has '{PLACEHOLDER}' text from the lesson template on lines {lines}"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_figures_have_alt_text_and_caption(lesson: Path):
    problems = figure_problems(read_notebook(lesson))
    assert not problems, _report(lesson, problems, "has figures without alt text or caption")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_headings_do_not_skip_levels(lesson: Path):
    problems = heading_problems(lesson.read_text(encoding="utf-8"))
    assert not problems, _report(
        lesson, problems, "has headings out of order (screen readers navigate by them)"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_colour_maps_are_perceptually_uniform(lesson: Path):
    problems = cmap_problems(lesson.read_text(encoding="utf-8"))
    assert not problems, _report(lesson, problems, "uses colour maps that mislead")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_links_the_glossary(lesson: Path):
    """Lessons link a glossary term on first use; every term they link exists."""
    text = lesson.read_text(encoding="utf-8")
    used = re.findall(r"\{term\}`([^`]+)`", text)
    assert used, (
        f"{lesson.name} links no glossary term: mark a term's first use with {{term}}`data cube`"
    )
    defined = glossary_terms()
    unknown = sorted({term_target(u) for u in used} - defined)
    assert not unknown, f"{lesson.name} links terms missing from book/glossary.md: {unknown}"


def test_exercise_labels_are_unique_across_lessons():
    seen, clashes = {}, []
    for lesson in LESSONS:
        if not lesson.exists():
            continue
        for b in directives(lesson.read_text(encoding="utf-8")):
            m = re.search(r"^:label:\s*(\S+)", b.body, re.M) if b.name == "exercise" else None
            if m:
                if m.group(1) in seen:
                    clashes.append(f"{m.group(1)} in {seen[m.group(1)]} and {lesson.name}")
                seen[m.group(1)] = lesson.name
    assert not clashes, f"exercise labels used twice: {clashes}"


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_executed_lesson_figures_carry_alt_text_and_caption(lesson: Path):
    """In the executed notebook of the built site, every image output comes from a cell with alt
    text and caption."""
    executed = SITE.parent / "jupyter_execute" / lesson.relative_to(ROOT).with_suffix(".ipynb")
    if not executed.exists():
        pytest.skip(f"{executed} not built (run `make book`)")
    nb = json.loads(executed.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        if any(
            k.startswith("image/") for out in cell.get("outputs", []) for k in out.get("data", {})
        ):
            first = "".join(cell["source"]).strip().splitlines()[0][:60]
            problems += [
                f"code cell {index} (starts `{first}`): {p}"
                for p in metadata_problems(cell["metadata"])
            ]
    assert not problems, _report(lesson, problems, "shows figures without alt text or caption")


# --------------------------------------------------------------------------- the template


def test_template_has_every_part():
    text = TEMPLATE.read_text(encoding="utf-8")
    assert not structure_problems(text), structure_problems(text)
    assert not heading_problems(text) and not cmap_problems(text)
    assert not figure_problems(read_notebook(TEMPLATE))


def test_template_is_not_part_of_the_site():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config.get("only_build_toc_files") is True, (
        "_config.yml must set only_build_toc_files: true"
    )
    assert "book/_templates" in config.get("exclude_patterns", []), (
        "_config.yml must exclude book/_templates"
    )
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert not [f for f in toc_files(toc) if "_templates" in f], (
        "_toc.yml must not list the lesson template"
    )


@pytest.mark.parametrize(
    "part, pattern",
    [
        ("Data used", r":::\{admonition\} Data used in this lesson\n:class: note\n"),
        ("**Time:**", r"(?m)^\*\*Time:\*\* \d.*\n"),
        ("## Prerequisites", r"## Prerequisites\n"),
        ("Concept | Importance | Notes", r"\| Concept \| Importance \| Notes \|\n"),
        ("Learning objectives", r":::\{admonition\} Learning objectives\n"),
        (
            "at least 3",
            r"```\{exercise\} TEMPLATE: a third "
            r"task\n(.*\n)*?```\n\n```\{solution-start\}(.*\n)*?```\{solution-end\}\n```\n",
        ),
        (
            "no solution",
            r"```\{solution-start\} lNN-template-second\n(.*\n)*?```\{solution-end\}\n```\n",
        ),
        ("hidden", r"(?<=\{solution-start\} lNN-template-first\n):class: dropdown\n"),
        ("## Self-check", r"## Self-check\n"),
        ("quiz", r"```\{quiz\}\n"),
        ("exactly one option", r"(?<=TEMPLATE: the right answer\"\n)      right: true\n"),
        ("every option needs a 'why:'", r"      why: \"TEMPLATE: why it is wrong.\"\n"),
        ("Key points", r":::\{admonition\} Key points\n"),
        ("What's next", r"## What's next\n"),
        ("Where the real data lives", r"## Where the real data lives\n"),
    ],
)
def test_the_checker_notices_each_missing_part(part: str, pattern: str):
    """Remove one part from the template: the checker must name exactly that part."""
    text = TEMPLATE.read_text(encoding="utf-8")
    broken, count = re.subn(pattern, "", text, count=1)
    assert count == 1, f"test pattern for {part!r} no longer matches the template"
    problems = structure_problems(broken)
    assert any(part in p for p in problems), f"removing {part!r} went unnoticed: {problems}"


def test_the_checker_notices_a_figure_without_alt_text():
    nb = read_notebook(TEMPLATE)
    for cell in nb.cells:
        cell.metadata.pop("mystnb", None)
    problems = figure_problems(nb)
    assert problems and all("alt text" in p or "caption" in p for p in problems)


def test_the_checker_notices_a_rainbow_colour_map_and_a_skipped_heading():
    assert cmap_problems('maps.plot_map(da, cmap="jet")')
    assert not cmap_problems('maps.plot_map(da, cmap="cmo.thermal")')
    assert heading_problems("# Title\n\n### Too deep\n")


def test_template_executes_top_to_bottom():
    """The template runs in a fresh kernel, like "Restart & Run All", with no error or stderr
    output."""
    import nbclient

    nb = read_notebook(TEMPLATE)
    with tempfile.TemporaryDirectory() as tmp:
        client = nbclient.NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp}}
        )
        client.execute()
    problems, images = [], 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            images += any(k.startswith("image/") for k in out.get("data", {}))
            if "raises-exception" in cell.metadata.get("tags", []):
                continue
            if out["output_type"] == "error" or out.get("name") == "stderr":
                problems.append(f"cell {index}: {out.get('ename') or out.get('text', '')[:200]}")
    assert not problems, f"the lesson template does not run cleanly: {problems}"
    assert images >= 1, "the template's example figure produced no image"


# --------------------------------------------------------------------------- the instructor guide

GUIDE = ROOT / "book" / "instructor-guide.md"
GUIDE_ROW = re.compile(
    r"^\|\s*\[[^\]]+\]\((lesson[\w-]+)\.md\)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", re.M
)


def guide_timings() -> dict[str, tuple[int, int, int]]:
    text = GUIDE.read_text(encoding="utf-8")
    return {m.group(1): tuple(int(g) for g in m.groups()[1:]) for m in GUIDE_ROW.finditer(text)}


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_instructor_guide_states_each_lessons_own_timing(lesson: Path):
    """The guide's timing table says what the lesson says, so workshop schedules stay honest."""
    stated = lesson_time(lesson.read_text(encoding="utf-8"))
    rows = guide_timings()
    assert lesson.stem in rows, (
        f"book/instructor-guide.md has no row for {lesson.name} in its 'Lessons and timings' table"
    )
    teaching, exercises, total = rows[lesson.stem]
    assert (teaching, exercises) == stated, (
        f"book/instructor-guide.md says {lesson.name} takes {teaching} + {exercises} min, "
        f"the lesson's **Time:** line says {stated[0]} + {stated[1]} min: update the guide"
    )
    assert total == teaching + exercises, (
        f"instructor guide: {lesson.name} total {total} != {teaching} + {exercises}"
    )
