"""Sphinx extension: every way into a lesson works — launch buttons, downloads, JupyterLite.

For every notebook page of the book:

* **Launch buttons** (Binder, JupyterHub via nbgitpuller, Colab) open the
  generated notebook ``notebooks/<name>.ipynb`` in the repository (see
  ``eonb_book.notebooks``), not the MyST source that Colab cannot open.
  Hub URLs come from ``launch_buttons`` in ``_config.yml``.
* **JupyterLite**: cells tagged ``lite-practice`` become
  ``practice/<name>.ipynb`` in the JupyterLite contents
  (``eonb_book.lite``); the page gets a *JupyterLite* launch button
  and a "Practice in your browser" box.  The JupyterLite app is built into
  ``<html>/lite`` only when its contents or settings changed (the
  jupyterlite-sphinx build that re-runs on every build is left out when this
  extension loads jupyterlite-sphinx; its ``{replite}``/``{jupyterlite}``
  directives still work).  The kernel loads
  Pyodide from ``eonb_pyodide_url`` (default: the Pyodide CDN; the offline
  bundle can point it at a local copy).
* **Downloads**: the executed ``.ipynb`` (with outputs, copied by the theme),
  the ``.md`` source, this page's PDF handout and the whole-course PDF, each
  in a learner and an instructor edition (``_downloads/pdf/``, made by
  ``make pdf`` from the built pages, see ``eonb_book.handouts``).
* Root-relative links in the footer become page-relative, so the site also
  works from a folder or a USB stick.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

from jupyterlite_sphinx.jupyterlite_sphinx import jupyterlite_build
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from eonb_book import lite as lite_contents
from eonb_book.settings import (
    COURSE_PDF,
    COURSE_PDF_INSTRUCTOR,
    LITE_APPS,
    LITE_DIR,
    NOTEBOOKS_DIR,
    PDF_DIR,
)
from eonb_book.settings import KERNEL_PLUGIN as _KERNEL_PLUGIN
from eonb_book.settings import PYODIDE_URL as PYODIDE_CDN

LOGGER = logging.getLogger(__name__)


def _build_dir(app: Sphinx) -> Path:
    return Path(app.outdir).parent


def pdf_path(docname: str) -> str:
    """Where the PDF handout of a page lives, relative to the site root."""
    return f"{PDF_DIR}/{docname}.pdf"


_PRACTICE_CACHE: dict = {}


def _practice(app: Sphinx, docname: str):
    """The practice cells of a page (None if it has none), re-read when the source changes."""
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md" or not source.exists():
        return None
    key = (str(source), source.stat().st_mtime_ns)
    if key not in _PRACTICE_CACHE:
        _PRACTICE_CACHE[key] = lite_contents.read_practice(source, docname)
    return _PRACTICE_CACHE[key]


# --------------------------------------------------------------------------- config


def _configure(app: Sphinx, config) -> None:
    # jupyterlite-sphinx stages {jupyterlite} notebooks in <srcdir>/_contents by
    # default, shared by every build of the repo: give each build its own folder.
    staging = _build_dir(app) / "lite-build" / "staging"
    config.jupyterlite_content_dir = str(staging)
    config.jupyterlite_dir = str(_build_dir(app) / "lite-build" / "config")


class _WithoutLiteBuild:
    """The Sphinx app as jupyterlite-sphinx's ``setup`` sees it when this extension loads it.

    Every registration goes through to ``app``, except jupyterlite-sphinx's
    ``build-finished`` listener (its ``jupyterlite_build``,
    which rebuilds JupyterLite on every build): :func:`_build_lite` takes its
    place and rebuilds only when the contents or settings changed."""

    def __init__(self, app: Sphinx) -> None:
        self._app = app

    def __getattr__(self, name):
        return getattr(self._app, name)

    def connect(self, event: str, callback, priority: int = 500) -> int | None:
        if event == "build-finished" and callback is jupyterlite_build:
            return None
        return self._app.connect(event, callback, priority)


def _setup_jupyterlite_sphinx(app: Sphinx) -> None:
    """Load jupyterlite-sphinx (its directives, parser and options) without its own build."""
    if "jupyterlite_sphinx" in app.extensions:
        raise ExtensionError(
            "eonb_delivery loads jupyterlite_sphinx itself (without its build on "
            "every build): list eonb_delivery, not jupyterlite_sphinx, in _config.yml"
        )
    app.registry.load_extension(_WithoutLiteBuild(app), "jupyterlite_sphinx")


# --------------------------------------------------------------------------- pages


def _repo(app: Sphinx) -> tuple[str, str, str, str]:
    opts = app.config.html_theme_options
    url = opts.get("repository_url", "").rstrip("/")
    branch = opts.get("repository_branch", "") or "main"
    org, repo = url.split("github.com/")[-1].split("/")[:2]
    return url, org, repo, branch


def launch_urls(app: Sphinx, docname: str) -> dict[str, str]:
    """Binder / JupyterHub / Colab URLs of a notebook page (only those configured)."""
    launch = app.config.html_theme_options.get("launch_buttons", {})
    url, org, repo, branch = _repo(app)
    ui = {"classic": "tree", "jupyterlab": "lab/tree"}[
        launch.get("notebook_interface", "jupyterlab")
    ]
    # A translated build opens notebooks/<lang>/ (config set by _ext/eonb_i18n.py).
    folder = getattr(app.config, "eonb_notebooks_dir", NOTEBOOKS_DIR)
    nb = f"{folder}/{lite_contents.practice_name(docname)}.ipynb"
    urls = {}
    if launch.get("binderhub_url"):
        urls["Binder"] = (
            f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/{nb}"
        )
    if launch.get("jupyterhub_url"):
        query = urlencode({"repo": url, "urlpath": f"{ui}/{repo}/{nb}", "branch": branch}, safe="/")
        urls["JupyterHub"] = (
            f"{launch['jupyterhub_url'].rstrip('/')}/hub/user-redirect/git-pull?{query}"
        )
    if launch.get("colab_url"):
        urls["Colab"] = f"{launch['colab_url'].rstrip('/')}/github/{org}/{repo}/blob/{branch}/{nb}"
    return urls


def _lite_url(pathto, practice) -> str:
    return f"{pathto(LITE_DIR + '/lab/index.html', 1)}?path={quote(practice.path)}"


_PRACTICE_BOX = """
<div class="admonition tip eonb-practice">
<p class="admonition-title">Practice in your browser</p>
<p>The practice cells of this lesson run in your browser with JupyterLite (Python on
Pyodide), with nothing to install:
<a class="reference external" href="{url}" target="_blank" rel="noopener">open
<code>{path}</code> in JupyterLite</a>. The first run downloads Pyodide (about 30 MB) from
<code>{pyodide_host}</code>.</p>
</div>
"""


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    pathto = context["pathto"]
    # Footer: "/book/data.html" -> page-relative, so the site works from any folder.
    footer = context.get("theme_extra_footer")
    if isinstance(footer, str):
        context["theme_extra_footer"] = re.sub(
            r'href="/([^"#]+?)\.html', lambda m: f'href="{pathto(m.group(1))}', footer
        )
    if doctree is None:
        return
    buttons = context.get("header_buttons", [])
    practice = _practice(app, pagename)
    for group in buttons:
        if group.get("label") == "launch-buttons":
            urls = launch_urls(app, pagename)
            for button in group["buttons"]:
                if button.get("text") in urls:
                    button["url"] = urls[button["text"]]
            if practice:
                group["buttons"].append(
                    {
                        "type": "link",
                        "text": "JupyterLite",
                        "tooltip": "Practise in your browser (JupyterLite)",
                        "icon": "_static/images/logo_jupyterlite.svg",
                        "url": _lite_url(pathto, practice),
                        "label": "launch-jupyterlite-button",
                    }
                )
        if group.get("label") == "download-buttons":
            kept = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
            kept.append(
                {
                    "type": "link",
                    "url": pathto(pdf_path(pagename), 1),
                    "text": ".pdf",
                    "icon": "fas fa-file-pdf",
                    "tooltip": "PDF handout of this page",
                    "label": "download-pdf-button",
                }
            )
            kept.append(
                {
                    "type": "link",
                    "url": pathto(f"{PDF_DIR}/instructor/{pagename}.pdf", 1),
                    "text": ".pdf (instructor)",
                    "icon": "fas fa-file-pdf",
                    "tooltip": "PDF handout of this page, instructor edition with solutions",
                    "label": "download-pdf-instructor-button",
                }
            )
            kept.append(
                {
                    "type": "link",
                    "url": pathto(f"{PDF_DIR}/{COURSE_PDF}", 1),
                    "text": "Course PDF",
                    "icon": "fas fa-book",
                    "tooltip": "The whole course as one PDF",
                    "label": "download-course-pdf-button",
                }
            )
            kept.append(
                {
                    "type": "link",
                    "url": pathto(f"{PDF_DIR}/{COURSE_PDF_INSTRUCTOR}", 1),
                    "text": "Course PDF (instructor)",
                    "icon": "fas fa-book",
                    "tooltip": "The whole course as one PDF, instructor edition with solutions",
                    "label": "download-course-pdf-instructor-button",
                }
            )
            group["buttons"] = kept
    if practice and "body" in context:
        host = (
            app.config.eonb_pyodide_url.split("/")[2]
            if "://" in app.config.eonb_pyodide_url
            else "this site"
        )
        context["body"] += _PRACTICE_BOX.format(
            url=_lite_url(pathto, practice), path=practice.path, pyodide_host=host
        )


# --------------------------------------------------------------------------- JupyterLite


def lite_settings(pyodide_url: str) -> dict:
    """The jupyter-lite.json that points the Pyodide kernel at ``pyodide_url``."""
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "litePluginSettings": {_KERNEL_PLUGIN: {"pyodideUrl": pyodide_url}}
        },
    }


def _lite_version() -> str:
    from importlib.metadata import version

    return ",".join(
        version(p) for p in ("jupyterlite-core", "jupyterlite-pyodide-kernel", "jupyterlite-sphinx")
    )


def _build_lite(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.eonb_lite:
        return
    work = _build_dir(app) / "lite-build"
    contents = work / "contents"
    contents.mkdir(parents=True, exist_ok=True)
    site_url = (app.config.html_baseurl or "").rstrip("/")
    pages = []
    for docname in app.env.found_docs:
        source = Path(app.env.doc2path(docname))
        url = f"{site_url}/{docname}.html" if site_url else f"../../{docname}.html"
        pages.append((docname, source, url))
    try:
        practices = lite_contents.write_contents(sorted(pages), contents)
    except ValueError as err:
        raise ExtensionError(str(err)) from err
    staging = Path(app.config.jupyterlite_content_dir)
    config_dir = Path(app.config.jupyterlite_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    settings = json.dumps(lite_settings(app.config.eonb_pyodide_url), indent=1) + "\n"
    (config_dir / "jupyter-lite.json").write_text(settings)
    digest = "\n".join(
        [
            lite_contents.tree_digest(contents),
            lite_contents.tree_digest(staging) if staging.exists() else "-",
            settings,
            _lite_version(),
            " ".join(LITE_APPS),
            _OFFLINE_NOTICE,
        ]
    )
    out = Path(app.outdir) / LITE_DIR
    stamp = out / ".eonb-lite-digest"
    if stamp.exists() and stamp.read_text() == digest and (out / "index.html").exists():
        LOGGER.info("[eonb] JupyterLite is up to date (%d practice notebooks)", len(practices))
        return
    LOGGER.info("[eonb] building JupyterLite (%d practice notebooks)", len(practices))
    shutil.rmtree(out, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lite",
        "build",
        "--contents",
        str(contents),
        "--output-dir",
        str(out),
        "--lite-dir",
        str(config_dir),
        "--no-sourcemaps",
    ]
    if staging.exists() and any(staging.iterdir()):
        command += ["--contents", str(staging)]
    for lite_app in LITE_APPS:
        command += ["--apps", lite_app]
    done = subprocess.run(
        command,
        cwd=config_dir,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
    )
    if done.returncode:
        raise ExtensionError(
            f"jupyter lite build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    set_pyodide_url(out / "jupyter-lite.json", app.config.eonb_pyodide_url)
    add_offline_notice(out)
    stamp.write_text(digest)


# Offline, the Pyodide kernel would wait for its CDN for ever (the cell stays at [*]
# with no word).  This script, put in every JupyterLite app page, asks for the
# configured Pyodide (read from the built jupyter-lite.json, so the offline bundle's
# local copy counts) and, if it cannot be had within a few seconds, says so.
OFFLINE_NOTICE_ID = "eonb-offline-notice"
_OFFLINE_NOTICE = """<script id="eonb-offline-check">
(function () {
  var shown = false;
  function show(where) {
    if (shown) return; shown = true;
    var box = document.createElement("div");
    box.id = "%(id)s"; box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;z-index:100000;top:0;left:0;right:0;padding:10px 16px;" +
      "background:#fff3cd;color:#3d2c00;border-bottom:2px solid #8a6d00;" +
      "font:15px/1.45 system-ui,sans-serif";
    box.innerHTML = "<strong>No Python here yet: the practice needs the internet, " +
      "or the offline bundle " +
      "built with Pyodide.</strong> Its Python (Pyodide, about 30 MB) comes from <code>" + where +
      "</code>, which cannot be reached. Open this page again when you are online, " +
      "or ask for the " +
      "course bundle made with <code>make offline PYODIDE_DIST=...</code>. " +
      "You can still read the " +
      "notebook; the lesson pages and PDF handouts work without internet. " +
      "<button type='button' aria-label='Close this message'>Close</button>";
    box.querySelector("button").onclick = function () { box.remove(); };
    (document.body || document.documentElement).appendChild(box);
  }
  var where = "the Pyodide CDN", timer = setTimeout(function () { show(where); }, 4000);
  fetch("../jupyter-lite.json").then(function (r) { return r.json(); }).then(function (config) {
    var url = new URL(config["jupyter-config-data"].litePluginSettings["%(plugin)s"].pyodideUrl,
                      location.href);
    where = url.host || "this site";
    return fetch(url.href, {mode: "no-cors", cache: "force-cache"});
  }).then(function () { clearTimeout(timer); }, function () { clearTimeout(timer); show(where); });
})();
</script>
"""


def add_offline_notice(lite_dir: Path) -> list[Path]:
    """Put the offline check into every JupyterLite app page of ``lite_dir``; returns the pages."""
    script = _OFFLINE_NOTICE % {"id": OFFLINE_NOTICE_ID, "plugin": _KERNEL_PLUGIN}
    pages = []
    for app in LITE_APPS:
        page = lite_dir / app / "index.html"
        if page.exists():
            html = page.read_text(encoding="utf-8")
            if 'id="eonb-offline-check"' not in html:
                page.write_text(html.replace("</head>", script + "</head>", 1), encoding="utf-8")
            pages.append(page)
    return pages


def set_pyodide_url(lite_json: Path, pyodide_url: str) -> None:
    """Point the built kernel at ``pyodide_url``.

    ``jupyter lite build`` lets the pyodide-kernel addon write its own settings
    for the kernel plugin (``pipliteUrls``) over those of the lite dir, which
    drops ``pyodideUrl``: merge it back into the built ``jupyter-lite.json``."""
    config = json.loads(lite_json.read_text())
    settings = config["jupyter-config-data"].setdefault("litePluginSettings", {})
    settings.setdefault(_KERNEL_PLUGIN, {})["pyodideUrl"] = pyodide_url
    lite_json.write_text(json.dumps(config, indent=2) + "\n")


def setup(app: Sphinx) -> dict:
    _setup_jupyterlite_sphinx(app)
    app.setup_extension("eonb_platforms")  # the page "Where each lesson runs"
    # jupyterlite-sphinx adds a Google Fonts stylesheet (for its "Try it" button):
    # the site makes no third-party requests, so drop it.
    app.registry.css_files[:] = [
        (name, attrs)
        for name, attrs in app.registry.css_files
        if "fonts.googleapis.com" not in name
    ]
    app.add_config_value("eonb_pyodide_url", PYODIDE_CDN, "html")
    app.add_config_value("eonb_lite", True, "html")
    app.connect("config-inited", _configure, priority=400)
    app.connect("html-page-context", _page_context, priority=600)
    app.connect("build-finished", _build_lite, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
