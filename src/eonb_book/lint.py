"""The lesson lint: what a lesson lacks, one plain sentence per problem.

Every lesson (and the template ``book/_templates/lesson-template.md``) has,
in order: a ``# Title``; a *Data used* admonition (real or SYNTHETIC, with
licences); a ``**Time:**`` line; a ``## Prerequisites`` table; *Learning
objectives*; at least three ``{exercise}`` blocks each with a hidden
solution; a ``## Self-check`` quiz; *Key points*; ``## What's next`` and
``## Where the real data lives``.  Figures have alt text and a caption,
colour maps are perceptually uniform, headings never skip a level.
``tests/test_lesson_structure.py`` runs these rules on every lesson.
"""

from __future__ import annotations

import re

import yaml

from .lessons import TIME_LINE, bullets, directives, headings, section

# Colour maps that are not perceptually uniform (false edges, invisible to
# readers with colour-vision deficiency).  Use cmocean (cmo.*), viridis,
# cividis, or a diverging map centred on zero (cmo.balance, RdBu_r).
BANNED_CMAPS = {
    "jet",
    "rainbow",
    "gist_rainbow",
    "hsv",
    "nipy_spectral",
    "gist_ncar",
    "gist_stern",
    "prism",
    "flag",
    "spectral",
    "cmrmap",
    "gist_earth",
    "terrain",
    "ocean",
    "brg",
    "gnuplot",
    "gnuplot2",
}
# A code cell with one of these calls draws a matplotlib figure.
FIGURE_CALL = re.compile(
    r"(\.plot\b|\bplt\.(subplots|figure|imshow|pcolormesh|contourf?|hist|bar|scatter)\b"
    r"|\bplot_map\(|\bmap_axes\(|\.imshow\(|\.pcolormesh\(|\.scatter\(|\.hist\()"
)
NO_FIGURE_TAGS = {"remove-output", "remove-cell", "hide-output"}
PLACEHOLDER = "TEMPLATE"


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
            problems.append(
                "the 'Data used' box must say for each dataset whether it is real or SYNTHETIC"
            )
        if not re.search(r"[Ll]icen[cs]e", body):
            problems.append("the 'Data used' box must give each dataset's licence")

    m = TIME_LINE.search(text)
    if not m:
        problems.append("missing the line '**Time:** NN min teaching + NN min exercises.'")
    else:
        where["**Time:** line"] = text[: m.start()].count("\n") + 1

    prereq = section(text, "Prerequisites")
    if prereq is None:
        problems.append("missing the '## Prerequisites' section")
    else:
        where["## Prerequisites"] = next(h[2] for h in heads if h[1] == "Prerequisites")
        rows = [line for line in prereq.splitlines() if line.strip().startswith("|")]
        header = r"^\|\s*Concept\s*\|\s*Importance\s*\|\s*Notes\s*\|\s*$"
        if not rows or not re.match(header, rows[0].strip()):
            problems.append(
                "'## Prerequisites' needs a table with the header | Concept | Importance | Notes |"
            )
        elif len(rows) < 3:
            problems.append(
                "the prerequisites table has no rows (use one row 'None' if there are none)"
            )

    objectives = [
        b for b in blocks if b.name == "admonition" and b.argument == "Learning objectives"
    ]
    if not objectives:
        problems.append("missing the ':::{admonition} Learning objectives' box")
    else:
        where["Learning objectives"] = objectives[0].line
        if bullets(objectives[0].body) < 2:
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
    for label, _ex in labels:
        if label in plain:
            continue
        if label not in starts:
            problems.append(
                f"the exercise '{label}' has no solution "
                f"('{{solution-start}} {label}' ... "
                "'{solution-end}', or '{solution} " + label + "')"
            )
            continue
        start = starts[label]
        following = [line for line in ends if line > start.line]
        if not following:
            problems.append(
                f"the solution of '{label}' (line {start.line}) is never closed "
                "with '{solution-end}'"
            )
        if not re.search(r"^:class:\s*dropdown", start.body, re.M):
            problems.append(f"the solution of '{label}' must be hidden (':class: dropdown')")
    for b in list(starts.values()) + list(plain.values()):
        if b.name in ("solution", "solution-start") and b.argument.split()[0] not in dict(labels):
            problems.append(
                f"the solution '{b.argument}' (line {b.line}) refers to no exercise of this lesson"
            )
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
        if bullets(key[0].body) < 2:
            problems.append("'Key points' needs a bullet list of at least two points")

    for title in ("What's next", "Where the real data lives"):
        if section(text, title) is None:
            problems.append(f"missing the '## {title}' section")
        else:
            where[f"## {title}"] = next(h[2] for h in heads if h[1] == title)

    order = [
        "title",
        "data admonition",
        "**Time:** line",
        "## Prerequisites",
        "Learning objectives",
        "first exercise",
        "## Self-check",
        "Key points",
        "## What's next",
        "## Where the real data lives",
    ]
    present = [(name, where[name]) for name in order if name in where]
    for (a, line_a), (b, line_b) in zip(present, present[1:], strict=False):
        if line_b < line_a:
            problems.append(f"'{b}' (line {line_b}) must come after '{a}' (line {line_a})")
    return problems


def quiz_problems(text: str) -> list[str]:
    """What the ``{quiz}`` of the Self-check lacks: 4-8 questions, each explained.

    (The quiz directive itself is ``_ext/eonb_quiz.py``.)"""
    raw = text.splitlines()
    start = next((i for i, line in enumerate(raw) if re.match(r"^##\s+Self-check\s*$", line)), None)
    body = "\n".join(raw[start:]) if start is not None else ""
    m = re.search(r"^```\{quiz\}\n(.*?)^```\s*$", body, re.S | re.M)
    if not m:
        return [
            "'## Self-check' needs a ```{quiz} block "
            "(4 to 8 questions with feedback, see the template)"
        ]
    try:
        questions = yaml.safe_load(m.group(1))
    except yaml.YAMLError as err:
        return [f"the Self-check quiz is not valid YAML: {err}"]
    if not isinstance(questions, list) or not 4 <= len(questions) <= 8:
        found = len(questions) if isinstance(questions, list) else 0
        return [f"the Self-check quiz needs 4 to 8 questions (found {found})"]
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
                problems.append(
                    f"quiz question {n}: every option needs a 'why:' (why it is right or wrong)"
                )
        elif "answer" in q:
            if not isinstance(q.get("why"), str) or "units" not in q:
                problems.append(f"quiz question {n} (numeric) needs 'units:' and 'why:'")
        else:
            problems.append(f"quiz question {n} needs 'options:' or 'answer:'")
    return problems


def heading_problems(text: str) -> list[str]:
    """Headings that jump a level (``#`` then ``###``): screen readers navigate by them."""
    problems, previous = [], 0
    for level, title, line in headings(text):
        if previous and level > previous + 1:
            problems.append(
                f"heading '{title}' (line {line}) jumps from level {previous} to {level}"
            )
        previous = level
    return problems


def figure_problems(nb) -> list[str]:
    """Code cells that draw a figure without alt text and caption in their metadata."""
    problems = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith("#")
        )
        if tags & NO_FIGURE_TAGS or "raises-exception" in tags or not FIGURE_CALL.search(source):
            continue
        first = cell.source.strip().splitlines()[0][:60]
        problems += [
            f"code cell {index} (starts `{first}`): {p}" for p in metadata_problems(cell.metadata)
        ]
    return problems


def metadata_problems(metadata: dict) -> list[str]:
    """What a figure cell's metadata lacks: alt text (a sentence, not a file name) and a caption."""
    mystnb = metadata.get("mystnb", {})
    alt = str(mystnb.get("image", {}).get("alt", "")).strip()
    caption = str(mystnb.get("figure", {}).get("caption", "")).strip()
    problems = []
    if len(alt) < 30:
        problems.append(
            "draws a figure but has no meaningful alt text "
            "(mystnb: image: alt:, at least "
            "a sentence saying what the figure shows and its main finding)"
        )
    elif re.search(r"\.(png|jpe?g|svg|gif)\b|^[\w./-]+$", alt):
        problems.append(f"alt text looks like a file name, not a description: {alt!r}")
    if not caption:
        problems.append("draws a figure but has no caption (mystnb: figure: caption:)")
    elif alt and alt == caption:
        problems.append("alt text repeats the caption: describe what the figure shows instead")
    return problems


def cmap_problems(text: str) -> list[str]:
    """Colour maps of :data:`BANNED_CMAPS` named in ``text``, with their line."""
    problems = []
    named = r"""cmap\s*=\s*(?:["']([\w.]+)["']|(?:plt\.|matplotlib\.)?cm\.(\w+))"""
    for m in re.finditer(named, text):
        name = (m.group(1) or m.group(2)).lower()
        if name.removesuffix("_r") in BANNED_CMAPS:
            line = text[: m.start()].count("\n") + 1
            problems.append(
                f"line {line}: colour map '{name}' is not perceptually uniform; "
                "use cmocean (cmo.*), viridis or cividis, "
                "or cmo.balance/RdBu_r for anomalies"
            )
    return problems
