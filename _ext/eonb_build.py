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
3. **The executed notebook keeps its outputs.**  myst-nb 1.4 serves a page
   whose code is unchanged from its execution cache, but then writes the
   notebook *without* outputs to ``jupyter_execute/`` (it merges the cached
   outputs into a copy it renders, not into the notebook it saves), and the
   theme publishes that file as the page's "executed notebook" download.
   After reading, such notebooks get their outputs back from the cache.
4. **Light pages.**  Figure PNGs in ``_images`` are re-encoded with a
   256-colour palette (about 4x smaller, visually identical for plots), so
   a lesson page stays light on a slow connection.  The executed notebooks
   keep the full images.
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


_SHRUNK = "eonb-palette"


def shrink_png(path: Path) -> tuple[int, int]:
    """Re-encode one PNG with a 256-colour palette if that makes it smaller; (bytes before, after)."""
    from PIL import Image, PngImagePlugin

    before = path.stat().st_size
    with Image.open(path) as image:
        if image.info.get(_SHRUNK) or image.mode == "P":
            return before, before
        image.load()
        palette = image.convert("RGBA").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                                 dither=Image.Dither.NONE)
    marker = PngImagePlugin.PngInfo()
    marker.add_text(_SHRUNK, "1")
    candidate = path.with_suffix(".shrinking.png")
    palette.save(candidate, "PNG", optimize=True, pnginfo=marker)
    after = candidate.stat().st_size
    if after < before:
        candidate.replace(path)
        return before, after
    candidate.unlink()
    return before, before


def _shrink_images(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for png in sorted((Path(app.outdir) / "_images").glob("*.png")):
        shrink_png(png)


def _is_thebe(script) -> bool:
    name = getattr(script, "filename", None) or str(script)
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return name.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def restore_cached_outputs(executed: Path, cache_path: str) -> bool:
    """Put the cached outputs back into an executed notebook saved without them; True if it did."""
    import nbformat
    from jupyter_cache import get_cache

    nb = nbformat.read(executed, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or any(c.get("outputs") for c in code):
        return False
    try:
        _, merged = get_cache(cache_path).merge_match_into_notebook(nb)
    except KeyError:
        return False
    nbformat.write(merged, executed)
    return True


def _restore_outputs(app: Sphinx, env) -> None:
    if app.config.nb_execution_mode != "cache":
        return
    folder = Path(app.outdir).parent / "jupyter_execute"
    for docname in sorted(env.found_docs):
        executed = folder / f"{docname}.ipynb"
        if executed.exists():
            restore_cached_outputs(executed, app.config.nb_execution_cache_path)


def _strip_third_party(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for key in ("metatags", "css_tag_list"):
        if isinstance(context.get(key), str):
            context[key] = _THIRD_PARTY_FONT.sub("", context[key])
    # Jupyter Book always loads sphinx-thebe, whose inline configuration names
    # thebe on unpkg.com and is added twice (a console error: "THEBE_JS_URL has
    # already been declared").  The course launches live code with Binder,
    # JupyterHub, Colab and JupyterLite instead, so thebe's scripts are dropped.
    if isinstance(context.get("script_files"), list):
        context["script_files"] = [js for js in context["script_files"] if not _is_thebe(js)]


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
    app.connect("env-updated", _restore_outputs)
    app.connect("build-finished", _check_outputs)
    app.connect("build-finished", _shrink_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
