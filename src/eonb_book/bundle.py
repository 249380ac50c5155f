"""The offline bundle: the whole website as one zip for a USB stick.

    .venv/bin/python tools/offline_bundle.py --site _build/html --out
    _build/eo-notebooks-offline.zip
    .venv/bin/python tools/offline_bundle.py ... --pyodide /path/to/pyodide   # + JupyterLite kernel

Unzipped, ``eo-notebooks/index.html`` opens from disk: every page, figure,
search, interactive plot and PDF handout works with no network.  JupyterLite
(the in-browser practice notebooks) must be served over HTTP, so the bundle
has ``serve.py`` (``python3 serve.py`` serves it on http://127.0.0.1:8000 and
opens the browser).

JupyterLite's Python kernel runs on **Pyodide**, which the site does not
ship: online it is loaded from the Pyodide CDN.  For a fully offline bundle
give ``--pyodide`` an unpacked *full* Pyodide distribution of the version of
``eonb_pyodide_url`` (:data:`eonb_book.settings.PYODIDE_URL`; the ``pyodide-<version>.tar.bz2``
release, which has numpy, pandas, xarray, matplotlib, scipy...): it is copied
to ``lite/pyodide/`` and the kernel is pointed at it.  Without it the bundle
says so in ``README.txt`` and the practice notebooks open but their kernel
needs the internet.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from .settings import BUILD_DIR, KERNEL_PLUGIN, PDF_DIR, SITE_DIR
from .settings import LITE_DIR as LITE

TOP = "eo-notebooks"
LOCAL_PYODIDE_URL = "../pyodide/pyodide.mjs"  # resolved from lite/<app>/index.html

SERVE_PY = '''"""Serve this folder on http://127.0.0.1:8000 and open it (JupyterLite needs HTTP).

    python3 serve.py [port]

Stop with Ctrl-C.  Only this computer can connect.
"""
import functools
import http.server
import sys
import webbrowser
from pathlib import Path

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
handler = functools.partial(
    http.server.SimpleHTTPRequestHandler, directory=str(Path(__file__).parent)
)
http.server.SimpleHTTPRequestHandler.extensions_map.update(
    {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
     ".json": "application/json"})
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
print(f"EO Notebooks at {url} (Ctrl-C to stop)")
webbrowser.open(url)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
'''

README = """EO Notebooks - offline copy of the course website
===================================================

Open index.html in this folder with any web browser (double-click it).
Every lesson page, figure, search, interactive plot and the PDF handouts
(_downloads/pdf/) work from here with no internet connection.

The in-browser practice notebooks (JupyterLite, the "Practice in your browser"
links) need the folder to be served over HTTP: run

    python3 serve.py

in this folder and use the page it opens (http://127.0.0.1:8000/).

{pyodide}

To run the full lessons with Python on your own computer, follow the Setup
page (book/setup.html).
{languages}"""

TRANSLATED = """
Le cours en français : ouvrez fr/index.html (chaque page a un lien vers la
même page dans l'autre langue). Les supports PDF en français sont dans
fr/_downloads/pdf/.
"""

PYODIDE_INCLUDED = """The Python kernel of the practice notebooks (Pyodide {version}) is included in
lite/pyodide/, so they run with no internet too (served by serve.py)."""

PYODIDE_MISSING = """\
NOTE: the Python kernel of the practice notebooks (Pyodide) is NOT in this copy.
With an internet connection it is loaded from {url};
without one the practice notebooks open but cannot run code. To include it,
rebuild the bundle with `make offline PYODIDE_DIST=/path/to/pyodide`
(an unpacked full Pyodide distribution, release pyodide-{version}.tar.bz2)."""


def _lite_config(site: Path) -> tuple[Path, dict]:
    path = site / LITE / "jupyter-lite.json"
    return path, json.loads(path.read_text())


def pyodide_url(site: Path) -> str:
    """The Pyodide URL the built JupyterLite kernel will load."""
    _, config = _lite_config(site)
    return config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]["pyodideUrl"]


def _version(url: str) -> str:
    part = [p for p in url.split("/") if p.startswith("v") and p[1:2].isdigit()]
    return part[0][1:] if part else "(see eonb_pyodide_url)"


def _pyodide_source(path: Path, tmp: Path) -> Path:
    """An unpacked Pyodide distribution folder (a folder, or a .tar.bz2 that is unpacked)."""
    if path.is_file():
        with tarfile.open(path) as tar:
            tar.extractall(tmp, filter="data")
        found = [p.parent for p in tmp.rglob("pyodide.mjs")]
        if not found:
            sys.exit(f"{path} has no pyodide.mjs: not a Pyodide distribution")
        return found[0]
    if not (path / "pyodide.mjs").exists():
        sys.exit(f"{path} has no pyodide.mjs: give the folder of an unpacked Pyodide distribution")
    return path


def stage(site: Path, target: Path, pyodide: Path | None = None) -> Path:
    """Copy the site to ``target/eo-notebooks`` with the offline extras; returns that folder."""
    folder = target / TOP
    shutil.copytree(site, folder, ignore=shutil.ignore_patterns(".eonb-lite-digest", ".buildinfo"))
    url = pyodide_url(site) if (site / LITE).exists() else ""
    if pyodide is not None and (site / LITE).exists():
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(_pyodide_source(pyodide, Path(tmp)), folder / LITE / "pyodide")
        path, config = _lite_config(folder)
        config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]["pyodideUrl"] = (
            LOCAL_PYODIDE_URL
        )
        path.write_text(json.dumps(config, indent=2) + "\n")
        note = PYODIDE_INCLUDED.format(version=_version(url))
    else:
        note = PYODIDE_MISSING.format(url=url or "the Pyodide CDN", version=_version(url))
    languages = TRANSLATED if (folder / "fr" / "index.html").exists() else ""
    (folder / "README.txt").write_text(README.format(pyodide=note, languages=languages))
    (folder / "serve.py").write_text(SERVE_PY)
    return folder


def make_bundle(site: Path, out: Path, pyodide: Path | None = None) -> Path:
    if not (site / "index.html").exists():
        sys.exit(f"{site} is not a built site: run `make book` first")
    if not (site / PDF_DIR).exists():
        print("warning: no PDF handouts in the site (run `make pdf` first)", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = stage(site, Path(tmp), pyodide)
        partial = out.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(folder.rglob("*")):
                zf.write(path, path.relative_to(folder.parent).as_posix())
        partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "eo-notebooks-offline.zip")
    parser.add_argument(
        "--pyodide", type=Path, help="unpacked full Pyodide distribution (folder or .tar.bz2)"
    )
    args = parser.parse_args(argv)
    out = make_bundle(args.site, args.out, args.pyodide)
    with zipfile.ZipFile(out) as zf:
        n = len(zf.namelist())
    print(
        f"{out}: {out.stat().st_size / 1e6:.1f} MB, {n} files; unzip and open {TOP}/index.html "
        f"({'with' if args.pyodide else 'without'} Pyodide, see {TOP}/README.txt)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
