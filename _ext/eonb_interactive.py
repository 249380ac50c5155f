"""Sphinx extension: interactive (Bokeh) figures that work offline, served from our own site.

A lesson embeds a Bokeh figure as HTML (``bokeh.embed.components``: a
``<div>`` and a ``<script>`` holding the data), which needs BokehJS in the
page.  Bokeh's notebook output would load BokehJS from ``cdn.bokeh.org``;
this course makes no third-party requests (offline classrooms), so:

1. BokehJS is copied from the *installed* ``bokeh`` package (same version as
   the one that wrote the figures) into ``_static/vendor/bokeh/`` of the
   built site;
2. pages whose body holds a Bokeh figure get ``<script>`` tags for those
   local files, and only those pages;
3. a page that would *load* anything from a JavaScript CDN (a ``<script>``,
   ``<link>`` or ``<iframe>``, e.g. Bokeh's notebook output, which fetches
   BokehJS from cdn.bokeh.org) fails the build, naming the page.  Links
   for the reader to follow are fine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

VENDOR = "vendor/bokeh"
BUNDLES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js")
_BOKEH_MARKER = re.compile(r"Bokeh\.(embed|safely)|data-root-id=")
_CDN_URL = re.compile(
    r"(https?:)?//(cdn\.bokeh\.org|cdn\.holoviz\.org|cdn\.jsdelivr\.net|unpkg\.com|"
    r"cdnjs\.cloudflare\.com)[^\"'\s>]*",
    re.IGNORECASE,
)
# Only what a page *loads* counts: <script> tags (their src and inline code, where
# Bokeh's notebook output lists the BokehJS URLs it fetches), <link> and <iframe>
# tags.  A link for the reader to follow (<a href=...>) is not a request.
_LOADING = re.compile(
    r"<script\b[^>]*>.*?</script>|<(link|iframe)\b[^>]*>", re.IGNORECASE | re.DOTALL
)


class _Loads:
    """``search(html)``: the first CDN URL that the HTML would load, or None."""

    @staticmethod
    def search(html: str):
        for tag in _LOADING.finditer(html):
            found = _CDN_URL.search(tag.group(0))
            if found:
                return found
        return None


_CDN = _Loads()


def bokeh_js_dir() -> Path:
    """Folder of BokehJS bundles inside the installed bokeh package."""
    import bokeh

    return Path(bokeh.__file__).parent / "server" / "static" / "js"


def _copy_bokehjs(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / VENDOR
    target.mkdir(parents=True, exist_ok=True)
    source = bokeh_js_dir()
    for name in BUNDLES:
        shutil.copy2(source / name, target / name)
    licence = Path(source).parents[2] / "LICENSE.txt"
    if licence.exists():
        shutil.copy2(licence, target / "LICENSE.txt")


def _add_bokehjs(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body") or ""
    found = _CDN.search(body)
    if found:
        raise ExtensionError(
            f"page {pagename!r} loads {found.group(0)!r} from a CDN; EO Notebooks makes "
            "no third-party requests. Embed Bokeh figures with bokeh.embed.components "
            "(BokehJS is then served from _static/vendor/bokeh)."
        )
    if _BOKEH_MARKER.search(body):
        for i, name in enumerate(BUNDLES):
            app.add_js_file(f"{VENDOR}/{name}", priority=200 + i)


def setup(app: Sphinx) -> dict:
    # Before other handlers (default 500): some replace context["script_files"] with
    # a filtered copy, and a file added after that would never reach the page.
    app.connect("html-page-context", _add_bokehjs, priority=400)
    app.connect("build-finished", _copy_bokehjs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
