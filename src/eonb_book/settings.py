"""Every constant of the book machinery, once: where things are and what they are called.

The build (``_ext/``), the tools (``tools/``), the benchmarks and the tests
all read these names from here.  ``eonb_book`` works from the repository (the
editable install of ``make install``): :data:`ROOT` is the checkout.
"""

from __future__ import annotations

from pathlib import Path

#: The repository (this file is ``src/eonb_book/settings.py``).
ROOT = Path(__file__).resolve().parents[2]
#: Everything the build makes, and the built website in it.
BUILD_DIR = ROOT / "_build"
SITE_DIR = BUILD_DIR / "html"

# --- the website
#: The JupyterLite app, relative to the site root.
LITE_DIR = "lite"
#: The JupyterLite apps that are built.
LITE_APPS = ("lab", "notebooks", "tree", "edit", "repl", "consoles")
#: Where the Pyodide kernel loads Pyodide from (``eonb_pyodide_url`` in
#: ``_config.yml`` overrides it; the offline bundle points it at a local copy).
PYODIDE_URL = "https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide.mjs"
#: The JupyterLite plugin whose settings hold ``pyodideUrl``.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"

# --- PDF handouts (tools/pdf_handouts.py)
#: The PDF handouts, relative to the site root.
PDF_DIR = "_downloads/pdf"
EDITIONS = ("learner", "instructor")
#: Where each edition's page PDFs go, relative to :data:`PDF_DIR`.
EDITION_DIR = {"learner": "", "instructor": "instructor/"}
COURSE_PDF = "eo-notebooks-course.pdf"
COURSE_PDF_INSTRUCTOR = "eo-notebooks-course-instructor.pdf"
#: Each edition's whole-course PDF, in :data:`PDF_DIR`.
EDITION_COURSE = {"learner": COURSE_PDF, "instructor": COURSE_PDF_INSTRUCTOR}

# --- launch notebooks and JupyterLite practice
#: What the launch tests verified (tests/launch_results.py writes it; the page
#: "Where each lesson runs" is made from it).
LAUNCH_CHECKS = ROOT / "book" / "_data" / "launch-checks.json"
#: The generated launch notebooks (Binder, JupyterHub, Colab), in the repository.
NOTEBOOKS_DIR = "notebooks"
#: The tag of a lesson cell copied into the JupyterLite practice notebook.
PRACTICE_TAG = "lite-practice"
#: The practice notebooks, inside the JupyterLite contents.
PRACTICE_DIR = "practice"

# --- the browser (Debian's chromium, driven by Playwright: PDFs, tests, benchmarks)
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
)
