"""Sphinx extension: make the EO Notebooks build a gate, and keep pages self-contained.

1. **No error output is ever published.**  After every build, every executed
   notebook (``_build/jupyter_execute``) and every HTML page is scanned for
   error outputs: a traceback, an ``error`` output, or anything printed on
   stderr.  This catches what execution alone misses, e.g. an exception
   raised while matplotlib draws a figure *after* the cell finished, which
   Jupyter reports as a successful cell.  A hit fails the build with the
   lesson and cell named.  A cell tagged ``raises-exception`` is a
   deliberate error and is skipped.
2. **No third-party requests.**  Links to Google Fonts that the theme adds
   are removed; MathJax is served from ``_static/vendor`` (see Makefile).
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

EXPECTED_ERROR_TAG = "raises-exception"
_THIRD_PARTY_FONT = re.compile(
    r"<link[^>]+(fonts\.googleapis\.com|fonts\.gstatic\.com)[^>]*>\s*", re.IGNORECASE
)
_ERROR_DIV = re.compile(r'class="output (traceback|error|stderr)\b[^>]*>')
_CELL_START = re.compile(r'<div class="cell[ "]')


def notebook_errors(path: Path) -> list[str]:
    """Error outputs in one executed notebook, as ``"cell N: ..."`` strings."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if EXPECTED_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell.get("source", "")).strip().splitlines()
        first_line = source[0] if source else ""
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                what = f"{output.get('ename')}: {output.get('evalue')}"
            elif kind == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", ""))
                what = "stderr: " + text.strip().splitlines()[-1][:200] if text.strip() else ""
            else:
                continue
            if what:
                problems.append(f"code cell {index} (starts `{first_line[:60]}`): {what}")
    return problems


def html_errors(path: Path) -> list[str]:
    """Error outputs rendered in one HTML page, outside cells tagged as expected errors."""
    html = path.read_text(encoding="utf-8")
    problems = []
    for match in _ERROR_DIV.finditer(html):
        starts = [m.start() for m in _CELL_START.finditer(html, 0, match.start())]
        cell_tag = html[starts[-1]:html.find(">", starts[-1])] if starts else ""
        if f"tag_{EXPECTED_ERROR_TAG}" in cell_tag:
            continue
        end = html.find("</pre>", match.end())
        text = unescape(re.sub(r"<[^>]+>", "", html[match.end():end if end > 0 else None]))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        problems.append(f"{match.group(1)} output: {lines[-1][:200] if lines else '(empty)'}")
    return problems


def scan_build(outdir: Path) -> list[str]:
    """All error outputs in a built site (HTML in ``outdir``, notebooks beside it)."""
    problems = []
    executed = outdir.parent / "jupyter_execute"
    for nb in sorted(executed.rglob("*.ipynb")) if executed.exists() else []:
        for p in notebook_errors(nb):
            problems.append(f"{nb.relative_to(executed).with_suffix('')}: {p}")
    for page in sorted(outdir.rglob("*.html")):
        if "_static" in page.parts or "lite" in page.parts:
            continue
        for p in html_errors(page):
            problems.append(f"{page.relative_to(outdir)}: {p}")
    return list(dict.fromkeys(problems))


def _strip_third_party(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for key in ("metatags", "css_tag_list"):
        if isinstance(context.get(key), str):
            context[key] = _THIRD_PARTY_FONT.sub("", context[key])


def _check_outputs(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    problems = scan_build(Path(app.outdir))
    if problems:
        listing = "\n  ".join(problems)
        raise ExtensionError(
            "EO Notebooks build gate: error output would be published.\n  "
            f"{listing}\nFix the cell (or tag it `{EXPECTED_ERROR_TAG}` if the error "
            "is the point of the lesson)."
        )


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _strip_third_party)
    app.connect("build-finished", _check_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
