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
5. **A light first visit** (rewrites every built page at the end of the build):

   * the theme's icon script (``fontawesome.js``, 1.45 MB, which swaps every
     ``<i class="fa-...">`` for an SVG) is replaced by ``_static/eonb-icons.css``:
     the dozen icons the pages use, cut out of that same script as SVG masks
     (a few kB);
   * the search index and its scripts, and BokehJS, load ``defer``: never
     before the text;
   * figures get ``width``/``height`` (nothing jumps while they load) and all
     but the first image of a page ``loading="lazy"``;
   * every page gets a ``<meta name="description">`` from its first paragraph.
6. **Real-archive cells say they were not run.**  A code cell tagged ``real-archive``
   (and ``skip-execution``: it reads a live archive, so the offline build shows it
   unrun) gets a small label above its code, "not run when this page was built",
   automatically from the tag, on every page.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from eonb_book import toc

EXPECTED_ERROR_TAG = "raises-exception"
REAL_ARCHIVE_TAG = "real-archive"
NOT_RUN_LABEL = (
    '<p class="eonb-not-run" style="display:inline-block;margin:0 0 .25rem;padding:.05rem .5rem;'
    'border-radius:.25rem;background:#fff3cd;color:#5c4400;font-size:.85em">'
    "Real archive: not run when this page was built (run it in a launched session "
    "with internet)</p>"
)
_THIRD_PARTY_FONT = re.compile(
    r"<link[^>]+(fonts\.googleapis\.com|fonts\.gstatic\.com)[^>]*>\s*", re.IGNORECASE
)
_SOLUTION_LINK_SPACE = re.compile(r'(<p class="admonition-title">[^<]*?)\s*(<a [^>]*>)\s+')
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
        cell_tag = html[starts[-1] : html.find(">", starts[-1])] if starts else ""
        if f"tag_{EXPECTED_ERROR_TAG}" in cell_tag:
            continue
        end = html.find("</pre>", match.end())
        text = unescape(re.sub(r"<[^>]+>", "", html[match.end() : end if end > 0 else None]))
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
    """Re-encode one PNG with a 256-colour palette if that makes it smaller; (bytes before,
    after)."""
    from PIL import Image, PngImagePlugin

    before = path.stat().st_size
    with Image.open(path) as image:
        if image.info.get(_SHRUNK) or image.mode == "P":
            return before, before
        image.load()
        palette = image.convert("RGBA").quantize(
            colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
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
    # sphinx-exercise writes "Solution to<a ...> Exercise 2</a>": the link's underline
    # starts under the space; move the space out of the link.
    if isinstance(context.get("body"), str):
        context["body"] = _SOLUTION_LINK_SPACE.sub(r"\1 \2", context["body"])


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


# --------------------------------------------------------------------------- light pages

_FA_SCRIPT = re.compile(
    r'<script\b[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\s*'
)
_FA_PRELOAD = re.compile(r'<link\b[^>]*href="[^"]*fontawesome\.js[^"]*"[^>]*>\s*')
_DEFER = re.compile(
    r'<script (src="[^"]*(?:searchindex\.js|searchtools\.js|language_data\.js|'
    r'vendor/bokeh/[^"]+)")>'
)
_ICON_CLASS = re.compile(r'class="([^"]*\bfa-[^"]*)"')
_FA_PACKS = {
    "fab": "fab",
    "fa-brands": "fab",
    "fas": "fas",
    "fa-solid": "fas",
    "far": "far",
    "fa-regular": "far",
}
_FA_ENTRY = re.compile(
    r'(?:"([a-z0-9-]+)"|\b([a-z0-9]+)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*",("[^"]*"|\[[^\]]*\])\]'
)
_FA_PACK_END = re.compile(r'd\("(fa[brs])",p\)')
_FA_NOT_ICONS = {"fa-lg", "fa-fw", "fa-solid", "fa-regular", "fa-brands", "fa-xs", "fa-sm", "fa-2x"}
_IMG = re.compile(r"<img\b[^>]*>")
_PARA = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TABLE_OUTPUT = re.compile(
    r'<div class="output text_html">(?=(?:(?!<div class="output ).){0,40000}?<table)', re.DOTALL
)


def fontawesome_icons(script: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    """(pack, name) -> (width, height, SVG path) of every icon in Font Awesome's all.js."""
    icons, start = {}, 0
    for end in _FA_PACK_END.finditer(script):
        pack = end.group(1)
        for m in _FA_ENTRY.finditer(script, start, end.start()):
            path = m.group(5)
            path = json.loads(path)
            if isinstance(path, list):  # duotone: [secondary, primary]
                path = " ".join(path)
            icons[(pack, m.group(1) or m.group(2))] = (int(m.group(3)), int(m.group(4)), path)
        start = end.end()
    return icons


def icons_used(html: str) -> set[tuple[str, str]]:
    used = set()
    for m in _ICON_CLASS.finditer(html):
        classes = m.group(1).split()
        pack = next((_FA_PACKS[c] for c in classes if c in _FA_PACKS), "fas")
        for c in classes:
            if c.startswith("fa-") and c not in _FA_NOT_ICONS and c not in _FA_PACKS:
                used.add((pack, c[3:]))
    return used


def icon_css(icons: dict, used: set[tuple[str, str]]) -> str:
    """A stylesheet drawing each used icon as a CSS mask in the text colour."""
    from urllib.parse import quote

    rules = [
        "/* Icons of the site (generated by _ext/eonb_build.py from Font Awesome Free 6,",
        " * CC BY 4.0 icons, https://fontawesome.com/license/free): drawn with CSS masks",
        " * instead of the 1.45 MB fontawesome.js. */",
        "i.fa-solid, i.fas, i.fab, i.fa-brands, i.far, i.fa-regular, span.fa-solid, span.fas, "
        "span.fab, "
        "span.far {display: inline-block; width: 1.15em; height: 1em; vertical-align: -0.125em; "
        "background-color: currentColor; -webkit-mask: var(--eonb-icon) no-repeat center / "
        "contain; "
        "mask: var(--eonb-icon) no-repeat center / contain; font-style: normal;}",
        ".fa-lg {font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em;}",
    ]
    for pack, name in sorted(used):
        found = icons.get((pack, name)) or icons.get(("fas", name)) or icons.get(("fab", name))
        if not found:
            continue
        w, h, path = found
        svg = (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'><path "
            f"d='{path}'/></svg>"
        )
        selector = f".fa-{name}" if pack == "fas" else f".{pack}.fa-{name}, .fa-brands.fa-{name}"
        rules.append(
            f'{selector} {{--eonb-icon: url("data:image/svg+xml,{quote(svg, safe=" =:/,.-")}");}}'
        )
    return "\n".join(rules) + "\n"


def _description(html: str) -> str:
    main = html.find('<article class="bd-article"')
    for m in _PARA.finditer(html, max(main, 0)):
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", m.group(1))).split())
        if len(text) > 60:
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return ""


def _image_size(page: Path, src: str):
    from urllib.parse import unquote

    from PIL import Image

    target = (page.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
    if (
        target.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".webp")
        or not target.is_file()
    ):
        return None
    with Image.open(target) as image:
        return image.size


def lighten_page(page: Path, depth: int, html: str) -> str:
    """One built page (``depth`` folders below the site root), rewritten for a light first visit."""
    html = _FA_SCRIPT.sub('<link rel="stylesheet" href="__ICONS__" />\n', html, count=1)
    html = _FA_PRELOAD.sub("", html)
    html = html.replace("__ICONS__", "../" * depth + "_static/eonb-icons.css")
    html = _DEFER.sub(r"<script defer \1>", html)
    # Icons are decoration next to a text label or an aria-label: hidden from screen
    # readers, and no title that would differ from the button's name.
    html = re.sub(
        r'<i class="(theme-switch [^"]*)" data-mode="(\w+)"\s+title="[^"]*"></i>',
        r'<i class="\1" data-mode="\2" aria-hidden="true"></i>',
        html,
    )
    html = re.sub(
        r'<(i|span) class="((?:fa|fab|fas|far)[ -][^"]*)"></\1>',
        r'<\1 class="\2" aria-hidden="true"></\1>',
        html,
    )
    article = html.find('<article class="bd-article"')
    count = 0

    def img(m):
        nonlocal count
        tag = m.group(0)
        if m.start() < article or article < 0:
            return tag
        count += 1
        src = re.search(r'\bsrc="([^"]+)"', tag)
        if (
            src
            and "width=" not in tag
            and "://" not in src.group(1)
            and not src.group(1).startswith("data:")
        ):
            size = _image_size(page, src.group(1))
            if size:
                tag = tag[:4] + f' width="{size[0]}" height="{size[1]}"' + tag[4:]
        if count > 1 and "loading=" not in tag:
            tag = tag[:4] + ' loading="lazy" decoding="async"' + tag[4:]
        return tag

    html = _IMG.sub(img, html)
    # A table output that scrolls sideways in its own box can be scrolled with
    # the keyboard too (axe: scrollable-region-focusable).
    html = _TABLE_OUTPUT.sub('<div class="output text_html" tabindex="0">', html)
    # So can a wide Markdown table in the theme's scrolling box (e.g. the French
    # *Where each lesson runs*, whose longer words make it scroll).
    # The table itself is what scrolls (axe names it), so it takes the focus.
    html = html.replace(
        '<div class="pst-scrollable-table-container"><table class="table">',
        '<div class="pst-scrollable-table-container"><table class="table" tabindex="0">',
    )
    if '<meta name="description"' not in html:
        text = _description(html)
        if text:
            from html import escape

            html = html.replace(
                "<head>", f'<head>\n<meta name="description" content="{escape(text)}" />', 1
            )
    return html


_NAV = re.compile(r'(<nav class="[^"]*\bbd-docs-nav\b[^"]*".*?</nav>)', re.DOTALL)


def shorten_navigation(html: str, page_doc: str, titles: dict[str, str]) -> str:
    """In the site navigation, each page's link reads its short title (the page keeps its
    full one)."""
    import posixpath
    from html import escape

    folder = posixpath.dirname(page_doc)

    def link(m):
        href = m.group(2)
        target = (
            page_doc
            if href == "#"
            else posixpath.normpath(posixpath.join(folder, href))[: -len(".html")]
        )
        title = titles.get(target)
        if not title:
            return m.group(0)
        return f'{m.group(1)} title="{escape(unescape(m.group(3)))}">{escape(title)}</a>'

    def nav(m):
        return re.sub(
            r'(<a class="[^"]*reference internal" href="([^"#]+\.html|#)")>([^<]+)</a>',
            link,
            m.group(1),
        )

    return _NAV.sub(nav, html, count=1)


def _lighten(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    script = out / "_static" / "scripts" / "fontawesome.js"
    pages = [
        p
        for p in sorted(out.rglob("*.html"))
        if "lite" not in p.relative_to(out).parts and "_static" not in p.relative_to(out).parts
    ]
    used = set()
    texts = {}
    for page in pages:
        texts[page] = page.read_text(encoding="utf-8")
        used |= icons_used(texts[page])
    if script.exists():
        icons = fontawesome_icons(script.read_text(encoding="utf-8"))
        missing = sorted(
            f"{p}:{n}"
            for p, n in used
            if not any(k in icons for k in ((p, n), ("fas", n), ("fab", n)))
        )
        if missing:
            raise ExtensionError(f"icons not found in fontawesome.js: {missing}")
        (out / "_static" / "eonb-icons.css").write_text(icon_css(icons, used), encoding="utf-8")
    srcdir = Path(app.srcdir)
    titles = toc.short_titles(toc.read(srcdir)) if (srcdir / "_toc.yml").exists() else {}
    for page in pages:
        new = lighten_page(page, len(page.relative_to(out).parts) - 1, texts[page])
        new = shorten_navigation(new, page.relative_to(out).as_posix()[: -len(".html")], titles)
        if new != texts[page]:
            page.write_text(new, encoding="utf-8")


# --------------------------------------------------------------------------- numbering


def restart_numbers_per_page(fignumbers: dict) -> dict:
    """Figures, tables, code blocks and exercises numbered 1, 2, 3... on each page.

    ``fignumbers`` is Sphinx's ``env.toc_fignumbers``: docname -> figtype -> id ->
    number tuple, numbered across the whole book when the toctree is not
    numbered (lesson 2a began at Fig. 14 and Exercise 5).  Each page's numbers
    keep their order and restart at 1."""
    for figtypes in fignumbers.values():
        for ids in figtypes.values():
            for rank, key in enumerate(sorted(ids, key=lambda k: ids[k]), start=1):
                ids[key] = ids[key][:-1] + (rank,) if len(ids[key]) > 1 else (rank,)
    return fignumbers


def label_real_archive_cells(doctree) -> int:
    """Put :data:`NOT_RUN_LABEL` above every cell tagged ``real-archive``; return how many."""
    from docutils import nodes

    count = 0
    for node in doctree.findall(nodes.container):
        if f"tag_{REAL_ARCHIVE_TAG}" in node.get("classes", []):
            node.insert(0, nodes.raw("", NOT_RUN_LABEL, format="html"))
            count += 1
    return count


def _label_real_archive(app: Sphinx, doctree, docname) -> None:
    label_real_archive_cells(doctree)


def _per_page_numbers(app: Sphinx, env) -> list[str]:
    restart_numbers_per_page(env.toc_fignumbers)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _strip_third_party)
    app.connect("env-updated", _restore_outputs)
    # After Sphinx's own numbering (TocTreeCollector, priority 500).
    app.connect("env-get-updated", _per_page_numbers, priority=900)
    app.connect("doctree-resolved", _label_real_archive)
    app.connect("build-finished", _check_outputs)
    app.connect("build-finished", _shrink_images)
    app.connect("build-finished", _lighten, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
