"""A published page never shows the build machine: no absolute paths of the repository,
the virtual environment or site-packages, in any page or executed notebook.

Deliberate errors (cells tagged ``raises-exception``) are shown as a learner should
read them: the exception type and its message, in IPython's minimal traceback mode.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _machine_strings() -> list[str]:
    strings = {
        str(ROOT),
        str(Path(sys.prefix)),
        "/site-packages/",
        "/work/",
    }  # paths, not the venv flag
    home = str(Path.home())
    if home not in ("/", "/root"):
        strings.add(home + "/")
    return sorted(strings)


def test_no_published_page_contains_the_build_machines_paths(site_dir):
    needles = _machine_strings()
    pages = [
        p
        for p in site_dir.rglob("*")
        if p.suffix in {".html", ".ipynb"}
        and "lite" not in p.relative_to(site_dir).parts
        and "_sources" not in p.relative_to(site_dir).parts
    ]
    assert pages, f"no pages under {site_dir}"
    found = {}
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        hits = [n for n in needles if n in text]
        if hits:
            found[str(page.relative_to(site_dir))] = hits
    assert not found, f"pages that show the build machine's paths: {found}"


def test_deliberate_errors_show_the_exception_in_short(site_dir):
    """Each lesson with a deliberate error shows 'SomeError: message' and no traceback frames."""
    for name in ("lesson2-no2-lockdown", "lesson2-biomass-shapefiles", "lesson3-data-cube"):
        pages = list(site_dir.rglob(f"{name}.html"))
        if not pages:
            continue
        html = pages[0].read_text(encoding="utf-8")
        assert re.search(r"(ValueError|KeyError|TypeError)(<[^>]+>)*:", html), (
            f"{name}: no exception shown"
        )
        assert "Traceback (most recent call last)" not in html and "Cell In[" not in html, (
            f"{name}: a full traceback is published"
        )
