"""Sphinx extension: the page *Where each lesson runs*, made from what the tests verified.

The directive ``{eonb-platforms}`` reads ``book/_data/launch-checks.json``
(written by the launch tests, see ``tests/launch_results.py``) and renders a
table lesson x platform and, per platform, what was checked, when, on which
Python and with which numpy, xarray and dask.  A cell says "verified" only when
a test recorded it; a check made with another ``requirements.txt`` is marked.
No status on the page is written by hand.
"""

from __future__ import annotations

import hashlib
import json

from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from eonb_book import lite, toc
from eonb_book.settings import LAUNCH_CHECKS as RESULTS
from eonb_book.settings import ROOT

LIVE = ROOT / "book" / "_data" / "live-checks.json"  # written by `make check-live`

# column: (title, checks that must all be verified for the lesson, what a tick means)
COLUMNS = {
    "site": ("Site", ["site"], "executed at build time; the page shows the outputs"),
    "laptop": ("Laptop venv", ["laptop"], "ran in the build's virtual environment (Linux)"),
    "binder": (
        "Binder",
        ["binder"],
        "repo2docker's own detection picks the Python and every pin has "
        "a wheel; not run in a Binder container (no Docker here)",
    ),
    "hub": (
        "JupyterHub",
        ["hub"],
        "ran from its launch notebook in a fresh environment laid out as "
        "nbgitpuller lays it out; the setup cell installed everything",
    ),
    "colab": (
        "Colab",
        ["colab"],
        "the setup cell's install line resolves for Colab's Python from "
        "binary wheels; not run on Colab itself",
    ),
    "lite": (
        "JupyterLite",
        ["lite-practice/{lesson}", "lite-offline"],
        "practice cells ran with eolab "
        "blocked (on CPython, not Pyodide), and offline the practice says it needs Pyodide",
    ),
}
SHORT = {
    "site": "ran",
    "laptop": "ran",
    "binder": "env.",
    "hub": "ran",
    "colab": "install",
    "lite": "practice",
}


def _digest() -> str:
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]


def _covers(result: dict, lesson: str) -> bool:
    return result.get("lessons") == "all" or lesson in result.get("lessons", [])


def cell(results: dict, column: str, lesson: str, has_practice: bool = True) -> str:
    if column == "lite" and not has_practice:
        return "no practice cells"
    found = [results.get(c.format(lesson=lesson)) for c in COLUMNS[column][1]]
    if any(r is None or not _covers(r, lesson) for r in found):
        return "not verified"
    failed = [r for r in found if r["status"] != "verified"]
    if failed:
        return f"**failed** {failed[0]['date']}"
    old = " (other pins)" if any(r.get("requirements") != _digest() for r in found) else ""
    return f"✓ {SHORT[column]}{old}"


def real_archive(live: dict, lesson: str) -> str:
    """The lesson's "Real archive" cell from live-checks.json (tools/check_live.py)."""
    rows = [r for r in live.get("archives", {}).values() if lesson in r.get("lessons", [])]
    if not rows:
        return "–"
    dates = [r.get("last_verified") for r in rows]
    return f"last verified {min(dates)}" if all(dates) else "never verified"


# The words after the command are one message of _ui.po (eonb_i18n.platform_strings).
REAL_MEANING_WORDS = (
    "read the lesson's real archive (it needs the internet, so the "
    "build never runs it): the date of the last check that answered, or never verified"
)
REAL_MEANING = f"`make check-live` {REAL_MEANING_WORDS}"


def detail_rows(results: dict) -> list[str]:
    rows = []
    for key, result in sorted(results.items()):
        if key.startswith("lite-practice/"):
            continue
        versions = ", ".join(f"{p} {result[p]}" for p in ("numpy", "xarray", "dask") if p in result)
        extra = []
        for field in (
            "repo2docker",
            "install_seconds",
            "seconds_to_message",
            "environment",
            "platform",
        ):
            if field in result:
                extra.append(f"{field.replace('_', ' ')}: {result[field]}")
        if "error" in result:
            extra.append(f"error: {result['error']}")
        rows.append(
            f"| {key} | {result['status']} | {result['date']} | {result.get('python', '–')} | "
            f"{versions or '–'} | {'; '.join(extra) or '–'} |"
        )
    practice = {k: v for k, v in results.items() if k.startswith("lite-practice/")}
    if practice:
        ok = sum(v["status"] == "verified" for v in practice.values())
        first = next(iter(practice.values()))
        rows.append(
            f"| lite-practice | {ok} of {len(practice)} verified | "
            f"{min(v['date'] for v in practice.values())} | {first.get('python', '–')} | – | "
            f"{first.get('environment', '–')} |"
        )
    return rows


class PlatformsDirective(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(str(RESULTS))
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        self.env.note_dependency(str(LIVE))
        live = json.loads(LIVE.read_text()) if LIVE.exists() else {}
        lessons = {
            toc.page_name(doc): lite.read_practice(src, doc) is not None
            for doc, src in toc.notebook_pages(ROOT)
        }
        lines = [
            "| lesson | " + " | ".join(t for t, _, _ in COLUMNS.values()) + " | Real archive |",
            "|---|" + "---|" * (len(COLUMNS) + 1),
        ]
        for lesson, practice in lessons.items():
            lines.append(
                f"| `{lesson}` | "
                + " | ".join(cell(results, c, lesson, practice) for c in COLUMNS)
                + f" | {real_archive(live, lesson)} |"
            )
        lines += ["", "What a tick means, column by column (the dates are in the table after):", ""]
        lines += [f"- **{title}**: {meaning}." for title, _, meaning in COLUMNS.values()]
        lines += [f"- **Real archive**: {REAL_MEANING}."]
        lines += [
            "",
            "Every check, as the tests recorded it:",
            "",
            "| check | status | date | Python | versions | notes |",
            "|---|---|---|---|---|---|",
        ]
        lines += detail_rows(results)
        if not results:
            lines = ["No launch check has been recorded yet: run `make launch-check`."]
        node_lines = StringList(lines, source=str(RESULTS))
        from docutils import nodes

        container = nodes.container(classes=["eonb-platforms"])
        self.state.nested_parse(node_lines, self.content_offset, container)
        # On a phone the theme's table container scrolls sideways (and is keyboard-focusable).
        return [container]


def setup(app):
    app.add_directive("eonb-platforms", PlatformsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
