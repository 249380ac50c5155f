"""The website and a laptop's virtual environment: every lesson ran in this build.

``make book`` makes ``.venv`` from requirements-dev.txt (requirements.txt plus
the build tools) and executes every lesson in it; the site publishes what ran.
Specification: each lesson's executed notebook (the site's download) has
outputs and no error except in cells tagged ``raises-exception``, and its page
shows them.  Recorded for the page *Where each lesson runs* with this
Python, platform and package versions.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import SITE
from launch_results import recording, this_python

from eonb_book import lite as lite_contents
from eonb_book import toc

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    doc
    for doc, src in toc.pages(ROOT)
    if src.suffix == ".md" and "kernelspec" in src.read_text(encoding="utf-8").split("\n---", 1)[0]
]


@pytest.mark.build
def test_every_lesson_ran_in_the_build_and_its_page_shows_it(site_dir):
    names = [lite_contents.practice_name(doc) for doc in PAGES]
    with recording("laptop", names) as laptop, recording("site", names) as site:
        for doc in PAGES:
            executed = nbformat.read(SITE / "_sources" / f"{doc}.ipynb", as_version=4)
            code = [c for c in executed.cells if c.cell_type == "code"]
            assert any(c.get("outputs") for c in code), (
                f"{doc}: the executed notebook has no outputs"
            )
            errors = [
                c.source[:60]
                for c in code
                if "raises-exception" not in c.metadata.get("tags", [])
                and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ]
            assert not errors, f"{doc}: cells failed in the build: {errors}"
            html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
            assert "cell_output" in html, f"{doc}.html shows no output"
        laptop.update(this_python(), environment=".venv made by `make book` (requirements-dev.txt)")
        site.update(this_python(), environment="the site build (`make book`), outputs published")


@pytest.mark.build
def test_the_status_page_is_made_from_the_recorded_checks(site_dir):
    """The page *Where each lesson runs* lists every lesson and every recorded check."""
    import eonb_platforms  # _ext/ (on the path through conftest.py)

    html = (SITE / "book" / "platforms.html").read_text(encoding="utf-8")
    for title, _, _ in eonb_platforms.COLUMNS.values():
        assert f'<th class="head"><p>{title}</p></th>' in html, title
    for doc in PAGES:
        assert (
            f'<span class="pre">{lite_contents.practice_name(doc)}</span></code></p></td>' in html
        ), doc
    checks = {
        key.split("/")[0] for key in eonb_platforms.json.loads(eonb_platforms.RESULTS.read_text())
    }
    for key in checks:
        assert f"<td><p>{key}</p></td>" in html, f"check {key} is missing from the page"
