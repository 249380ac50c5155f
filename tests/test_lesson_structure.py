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
executed, so the template a contributor copies always works.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "book" / "_templates" / "lesson-template.md"
SITE = Path(os.environ.get("EONB_SITE", ROOT / "_build" / "html"))

# Colour maps that are not perceptually uniform (false edges, invisible to
# readers with colour-vision deficiency).  Use cmocean (cmo.*), viridis,
# cividis, or a diverging map centred on zero (cmo.balance, RdBu_r).
BANNED_CMAPS = {"jet", "rainbow", "gist_rainbow", "hsv", "nipy_spectral", "gist_ncar",
                "gist_stern", "prism", "flag", "spectral", "cmrmap", "gist_earth", "terrain",
                "ocean", "brg", "gnuplot", "gnuplot2"}
# A code cell with one of these calls draws a matplotlib figure.
FIGURE_CALL = re.compile(r"(\.plot\b|\bplt\.(subplots|figure|imshow|pcolormesh|contourf?|hist|bar|scatter)\b"
                         r"|\bplot_map\(|\bmap_axes\(|\.imshow\(|\.pcolormesh\(|\.scatter\(|\.hist\()")
NO_FIGURE_TAGS = {"remove-output", "remove-cell", "hide-output"}
PLACEHOLDER = "TEMPLATE"


# --------------------------------------------------------------------------- finding lessons

def toc_files(node) -> list[str]:
    """Every ``file:`` entry of a (nested) _toc.yml structure, in order."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                found.append(value)
            else:
                found += toc_files(value)
    elif isinstance(node, list):
        for item in node:
            found += toc_files(item)
    return found


def toc_lessons() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [f if f.endswith(".md") else f + ".md" for f in toc_files(toc)]
    return [ROOT / f for f in files if Path(f).name.startswith("lesson") and Path(f).parent.name == "book"]


LESSONS = toc_lessons()


def _id(path: Path) -> str:
    return path.stem


# --------------------------------------------------------------------------- parsing

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
        if match and stack and match.group(2) is None and not match.group(3) \
                and match.group(1)[0] == stack[-1][0][0] and len(match.group(1)) >= len(stack[-1][0]):
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
            for following in lines[i + 1:]:
                if re.match(r"^#{1,2}\s", following):
                    break
                body.append(following)
            return "\n".join(body)
    return None


TIME_LINE = re.compile(r"^\*\*Time:\*\*\s*(\d+)\s*min teaching\s*\+\s*(\d+)\s*min exercises\.?\s*$", re.M)


def lesson_time(text: str) -> tuple[int, int] | None:
    """(teaching, exercise) minutes from the lesson's ``**Time:**`` line."""
    m = TIME_LINE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _bullets(body: str) -> int:
    return sum(1 for line in body.splitlines() if re.match(r"^\s*[-*]\s+\S", line))


def structure_problems(text: str) -> list[str]:
    """What a lesson lacks, one plain sentence per missing or misplaced part."""
    problems = []
    blocks = directives(text)
    heads = headings(text)
    where = {}

    h1 = [h for h in heads if h[0] == 1]
    if len(h1) != 1:
        problems.append(f"needs exactly one '# Title' heading (found {len(h1)})")
    else:
        where["title"] = h1[0][2]

    data = [b for b in blocks if b.name == "admonition" and b.argument.startswith("Data used")]
    if not data:
        problems.append("missing the ':::{admonition} Data used in this lesson' box (class note)")
    else:
        where["data admonition"] = data[0].line
        body = data[0].body
        if not re.search(r"\breal\b|SYNTHETIC", body):
            problems.append("the 'Data used' box must say for each dataset whether it is real or SYNTHETIC")
        if not re.search(r"[Ll]icen[cs]e", body):
            problems.append("the 'Data used' box must give each dataset's licence")

    m = TIME_LINE.search(text)
    if not m:
        problems.append("missing the line '**Time:** NN min teaching + NN min exercises.'")
    else:
        where["**Time:** line"] = text[:m.start()].count("\n") + 1

    prereq = section(text, "Prerequisites")
    if prereq is None:
        problems.append("missing the '## Prerequisites' section")
    else:
        where["## Prerequisites"] = next(h[2] for h in heads if h[1] == "Prerequisites")
        rows = [line for line in prereq.splitlines() if line.strip().startswith("|")]
        if not rows or not re.match(r"^\|\s*Concept\s*\|\s*Importance\s*\|\s*Notes\s*\|\s*$", rows[0].strip()):
            problems.append("'## Prerequisites' needs a table with the header | Concept | Importance | Notes |")
        elif len(rows) < 3:
            problems.append("the prerequisites table has no rows (use one row 'None' if there are none)")

    objectives = [b for b in blocks if b.name == "admonition" and b.argument == "Learning objectives"]
    if not objectives:
        problems.append("missing the ':::{admonition} Learning objectives' box")
    else:
        where["Learning objectives"] = objectives[0].line
        if _bullets(objectives[0].body) < 2:
            problems.append("'Learning objectives' needs a bullet list of at least two objectives")

    exercises = [b for b in blocks if b.name == "exercise"]
    labels = []
    for ex in exercises:
        m = re.search(r"^:label:\s*(\S+)", ex.body, re.M)
        if not m:
            problems.append(f"the exercise '{ex.argument}' (line {ex.line}) has no ':label:'")
        else:
            labels.append((m.group(1), ex))
    if len(exercises) < 3:
        problems.append(f"needs at least 3 {{exercise}} blocks (found {len(exercises)})")
    starts = {b.argument: b for b in blocks if b.name == "solution-start"}
    plain = {b.argument: b for b in blocks if b.name == "solution"}
    ends = [b.line for b in blocks if b.name == "solution-end"]
    for label, ex in labels:
        if label in plain:
            continue
        if label not in starts:
            problems.append(f"the exercise '{label}' has no solution ('{{solution-start}} {label}' ... "
                            "'{solution-end}', or '{solution} " + label + "')")
            continue
        start = starts[label]
        following = [line for line in ends if line > start.line]
        if not following:
            problems.append(f"the solution of '{label}' (line {start.line}) is never closed with '{{solution-end}}'")
        if not re.search(r"^:class:\s*dropdown", start.body, re.M):
            problems.append(f"the solution of '{label}' must be hidden (':class: dropdown')")
    for b in list(starts.values()) + list(plain.values()):
        if b.name in ("solution", "solution-start") and b.argument.split()[0] not in dict(labels):
            problems.append(f"the solution '{b.argument}' (line {b.line}) refers to no exercise of this lesson")
    if exercises:
        where["first exercise"] = exercises[0].line

    check = section(text, "Self-check")
    if check is None:
        problems.append("missing the '## Self-check' section")
    else:
        where["## Self-check"] = next(h[2] for h in heads if h[1] == "Self-check")
        problems += quiz_problems(text)
        last_solution = max([b.line for b in blocks if b.name.startswith("solution")] or [0])
        if where["## Self-check"] < last_solution:
            problems.append("'## Self-check' must come after the exercises and their solutions")

    key = [b for b in blocks if b.name == "admonition" and b.argument == "Key points"]
    if not key:
        problems.append("missing the ':::{admonition} Key points' box (class tip)")
    else:
        where["Key points"] = key[0].line
        if _bullets(key[0].body) < 2:
            problems.append("'Key points' needs a bullet list of at least two points")

    for title in ("What's next", "Where the real data lives"):
        if section(text, title) is None:
            problems.append(f"missing the '## {title}' section")
        else:
            where[f"## {title}"] = next(h[2] for h in heads if h[1] == title)

    order = ["title", "data admonition", "**Time:** line", "## Prerequisites", "Learning objectives",
             "first exercise", "## Self-check", "Key points", "## What's next", "## Where the real data lives"]
    present = [(name, where[name]) for name in order if name in where]
    for (a, line_a), (b, line_b) in zip(present, present[1:]):
        if line_b < line_a:
            problems.append(f"'{b}' (line {line_b}) must come after '{a}' (line {line_a})")
    return problems


def quiz_problems(text: str) -> list[str]:
    """What the ``{quiz}`` of the Self-check lacks: 4-8 questions, each explained (_ext/eonb_quiz.py)."""
    raw = text.splitlines()
    start = next((i for i, line in enumerate(raw) if re.match(r"^##\s+Self-check\s*$", line)), None)
    body = "\n".join(raw[start:]) if start is not None else ""
    m = re.search(r"^```\{quiz\}\n(.*?)^```\s*$", body, re.S | re.M)
    if not m:
        return ["'## Self-check' needs a ```{quiz} block (4 to 8 questions with feedback, see the template)"]
    try:
        questions = yaml.safe_load(m.group(1))
    except yaml.YAMLError as err:
        return [f"the Self-check quiz is not valid YAML: {err}"]
    if not isinstance(questions, list) or not 4 <= len(questions) <= 8:
        return [f"the Self-check quiz needs 4 to 8 questions (found {len(questions) if isinstance(questions, list) else 0})"]
    problems = []
    for n, q in enumerate(questions, start=1):
        if not isinstance(q, dict) or not q.get("question"):
            problems.append(f"quiz question {n} has no 'question:' text")
            continue
        if "options" in q:
            options = q["options"] or []
            if sum(bool(o.get("right")) for o in options) != 1:
                problems.append(f"quiz question {n} needs exactly one option with 'right: true'")
            if any(not isinstance(o.get("why"), str) or not o["why"].strip() for o in options):
                problems.append(f"quiz question {n}: every option needs a 'why:' (why it is right or wrong)")
        elif "answer" in q:
            if not isinstance(q.get("why"), str) or "units" not in q:
                problems.append(f"quiz question {n} (numeric) needs 'units:' and 'why:'")
        else:
            problems.append(f"quiz question {n} needs 'options:' or 'answer:'")
    return problems


def heading_problems(text: str) -> list[str]:
    problems, previous = [], 0
    for level, title, line in headings(text):
        if previous and level > previous + 1:
            problems.append(f"heading '{title}' (line {line}) jumps from level {previous} to {level}")
        previous = level
    return problems


def read_notebook(path: Path):
    import jupytext
    return jupytext.read(path)


def figure_problems(nb) -> list[str]:
    """Code cells that draw a figure without alt text and caption in their metadata."""
    problems = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("#"))
        if tags & NO_FIGURE_TAGS or "raises-exception" in tags or not FIGURE_CALL.search(source):
            continue
        first = cell.source.strip().splitlines()[0][:60]
        problems += [f"code cell {index} (starts `{first}`): {p}" for p in metadata_problems(cell.metadata)]
    return problems


def metadata_problems(metadata: dict) -> list[str]:
    mystnb = metadata.get("mystnb", {})
    alt = str(mystnb.get("image", {}).get("alt", "")).strip()
    caption = str(mystnb.get("figure", {}).get("caption", "")).strip()
    problems = []
    if len(alt) < 30:
        problems.append("draws a figure but has no meaningful alt text (mystnb: image: alt:, at least "
                        "a sentence saying what the figure shows and its main finding)")
    elif re.search(r"\.(png|jpe?g|svg|gif)\b|^[\w./-]+$", alt):
        problems.append(f"alt text looks like a file name, not a description: {alt!r}")
    if not caption:
        problems.append("draws a figure but has no caption (mystnb: figure: caption:)")
    elif alt and alt == caption:
        problems.append("alt text repeats the caption: describe what the figure shows instead")
    return problems


def cmap_problems(text: str) -> list[str]:
    problems = []
    for m in re.finditer(r"""cmap\s*=\s*(?:["']([\w.]+)["']|(?:plt\.|matplotlib\.)?cm\.(\w+))""", text):
        name = (m.group(1) or m.group(2)).lower()
        if name.removesuffix("_r") in BANNED_CMAPS:
            line = text[:m.start()].count("\n") + 1
            problems.append(f"line {line}: colour map '{name}' is not perceptually uniform; "
                            "use cmocean (cmo.*), viridis or cividis, or cmo.balance/RdBu_r for anomalies")
    return problems


def _report(path: Path, problems: list[str], what: str) -> str:
    rel = path.relative_to(ROOT)
    return f"{rel} {what}:\n  - " + "\n  - ".join(problems)


# --------------------------------------------------------------------------- the lessons

def test_every_lesson_file_is_listed_in_the_toc():
    """A lesson that is not in _toc.yml is silently left out of the site (only_build_toc_files)."""
    listed = {p.resolve() for p in LESSONS}
    missing = [p.name for p in sorted((ROOT / "book").glob("lesson*.md")) if p.resolve() not in listed]
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
    assert not lines, f"{lesson.name} still has '{PLACEHOLDER}' text from the lesson template on lines {lines}"


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_figures_have_alt_text_and_caption(lesson: Path):
    problems = figure_problems(read_notebook(lesson))
    assert not problems, _report(lesson, problems, "has figures without alt text or caption")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_headings_do_not_skip_levels(lesson: Path):
    problems = heading_problems(lesson.read_text(encoding="utf-8"))
    assert not problems, _report(lesson, problems, "has headings out of order (screen readers navigate by them)")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_colour_maps_are_perceptually_uniform(lesson: Path):
    problems = cmap_problems(lesson.read_text(encoding="utf-8"))
    assert not problems, _report(lesson, problems, "uses colour maps that mislead")


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_lesson_links_the_glossary(lesson: Path):
    """Lessons link a glossary term on first use; every term they link exists."""
    text = lesson.read_text(encoding="utf-8")
    used = re.findall(r"\{term\}`([^`]+)`", text)
    assert used, f"{lesson.name} links no glossary term: mark a term's first use with {{term}}`data cube`"
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


def glossary_terms() -> set[str]:
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S).group(1)
    return {line.strip().lower() for line in block.splitlines() if line and not line[0].isspace()}


def term_target(use: str) -> str:
    m = re.search(r"<([^>]+)>\s*$", use)
    return (m.group(1) if m else use).strip().lower()


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_executed_lesson_figures_carry_alt_text_and_caption(lesson: Path):
    """In the executed notebook of the built site, every image output comes from a cell with alt text and caption."""
    executed = SITE.parent / "jupyter_execute" / lesson.relative_to(ROOT).with_suffix(".ipynb")
    if not executed.exists():
        pytest.skip(f"{executed} not built (run `make book`)")
    nb = json.loads(executed.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        if any(k.startswith("image/") for out in cell.get("outputs", []) for k in out.get("data", {})):
            first = "".join(cell["source"]).strip().splitlines()[0][:60]
            problems += [f"code cell {index} (starts `{first}`): {p}" for p in metadata_problems(cell["metadata"])]
    assert not problems, _report(lesson, problems, "shows figures without alt text or caption")


# --------------------------------------------------------------------------- the template

def test_template_has_every_part():
    text = TEMPLATE.read_text(encoding="utf-8")
    assert not structure_problems(text), structure_problems(text)
    assert not heading_problems(text) and not cmap_problems(text)
    assert not figure_problems(read_notebook(TEMPLATE))


def test_template_is_not_part_of_the_site():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config.get("only_build_toc_files") is True, "_config.yml must set only_build_toc_files: true"
    assert "book/_templates" in config.get("exclude_patterns", []), "_config.yml must exclude book/_templates"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert not [f for f in toc_files(toc) if "_templates" in f], "_toc.yml must not list the lesson template"


@pytest.mark.parametrize("part, pattern", [
    ("Data used", r":::\{admonition\} Data used in this lesson\n:class: note\n"),
    ("**Time:**", r"(?m)^\*\*Time:\*\* \d.*\n"),
    ("## Prerequisites", r"## Prerequisites\n"),
    ("Concept | Importance | Notes", r"\| Concept \| Importance \| Notes \|\n"),
    ("Learning objectives", r":::\{admonition\} Learning objectives\n"),
    ("at least 3", r"```\{exercise\} TEMPLATE: a third task\n(.*\n)*?```\n\n```\{solution-start\}(.*\n)*?```\{solution-end\}\n```\n"),
    ("no solution", r"```\{solution-start\} lNN-template-second\n(.*\n)*?```\{solution-end\}\n```\n"),
    ("hidden", r"(?<=\{solution-start\} lNN-template-first\n):class: dropdown\n"),
    ("## Self-check", r"## Self-check\n"),
    ("quiz", r"```\{quiz\}\n"),
    ("exactly one option", r"(?<=TEMPLATE: the right answer\"\n)      right: true\n"),
    ("every option needs a 'why:'", r"      why: \"TEMPLATE: why it is wrong.\"\n"),
    ("Key points", r":::\{admonition\} Key points\n"),
    ("What's next", r"## What's next\n"),
    ("Where the real data lives", r"## Where the real data lives\n"),
])
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
    """The template runs in a fresh kernel, like "Restart & Run All", with no error or stderr output."""
    import nbclient

    nb = read_notebook(TEMPLATE)
    with tempfile.TemporaryDirectory() as tmp:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": tmp}})
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
GUIDE_ROW = re.compile(r"^\|\s*\[[^\]]+\]\((lesson[\w-]+)\.md\)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", re.M)


def guide_timings() -> dict[str, tuple[int, int, int]]:
    text = GUIDE.read_text(encoding="utf-8")
    return {m.group(1): tuple(int(g) for g in m.groups()[1:]) for m in GUIDE_ROW.finditer(text)}


@pytest.mark.parametrize("lesson", LESSONS, ids=_id)
def test_instructor_guide_states_each_lessons_own_timing(lesson: Path):
    """The guide's timing table says what the lesson says, so workshop schedules stay honest."""
    stated = lesson_time(lesson.read_text(encoding="utf-8"))
    rows = guide_timings()
    assert lesson.stem in rows, (f"book/instructor-guide.md has no row for {lesson.name} in its "
                                 "'Lessons and timings' table")
    teaching, exercises, total = rows[lesson.stem]
    assert (teaching, exercises) == stated, (
        f"book/instructor-guide.md says {lesson.name} takes {teaching} + {exercises} min, "
        f"the lesson's **Time:** line says {stated[0]} + {stated[1]} min: update the guide")
    assert total == teaching + exercises, f"instructor guide: {lesson.name} total {total} != {teaching} + {exercises}"
