"""The build is a test: an error anywhere in a lesson must fail the build.

Specifications:
* a cell that raises fails ``jupyter-book build`` and the message names the
  page and the cell;
* an error raised *after* a cell finished (while matplotlib draws the
  figure, which Jupyter reports as a successful cell) fails the build too;
* an unchanged broken page fails again on a rebuild (no cache hides it);
* a cell tagged ``raises-exception`` is allowed to show its error;
* the published site contains no error output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import eonb_build  # _ext/ (on the path through conftest.py)
import pytest

ROOT = Path(__file__).resolve().parents[1]

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---

# {title}

"""

DRAW_TIME_ERROR = """```{code-cell} ipython3
import matplotlib.pyplot as plt
from matplotlib.artist import Artist

class FailsWhenDrawn(Artist):
    def draw(self, renderer):
        raise RuntimeError("download failed while drawing")

fig, ax = plt.subplots()
ax.add_artist(FailsWhenDrawn())
```
"""


def _notebook(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(source: str, outputs: list[dict], tags=()) -> dict:
    return {
        "cell_type": "code",
        "source": source,
        "metadata": {"tags": list(tags)},
        "outputs": outputs,
        "execution_count": 1,
    }


def test_notebook_scan_names_the_cell_with_an_error(tmp_path):
    nb = _notebook(
        [
            _code("x = 1", []),
            _code(
                "1 / 0",
                [
                    {
                        "output_type": "error",
                        "ename": "ZeroDivisionError",
                        "evalue": "division by zero",
                        "traceback": [],
                    }
                ],
            ),
        ]
    )
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(nb))
    problems = eonb_build.notebook_errors(path)
    assert problems == ["code cell 2 (starts `1 / 0`): ZeroDivisionError: division by zero"]


def test_notebook_scan_catches_stderr_and_skips_expected_errors(tmp_path):
    nb = _notebook(
        [
            _code(
                "import warnings",
                [{"output_type": "stream", "name": "stderr", "text": "UserWarning: something\n"}],
            ),
            _code(
                "raise ValueError('on purpose')",
                [
                    {
                        "output_type": "error",
                        "ename": "ValueError",
                        "evalue": "on purpose",
                        "traceback": [],
                    }
                ],
                tags=["raises-exception"],
            ),
        ]
    )
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(nb))
    problems = eonb_build.notebook_errors(path)
    assert len(problems) == 1
    assert "code cell 1" in problems[0] and "UserWarning" in problems[0]


def test_html_scan_finds_tracebacks_outside_expected_error_cells(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<div class="cell docutils container"><div class="cell_output">'
        '<div class="output traceback highlight-ipythontb"><pre>URLError: no network</pre></div>'
        "</div></div>"
        '<div class="cell tag_raises-exception docutils container"><div class="cell_output">'
        '<div class="output traceback highlight-ipythontb"><pre>ValueError: on purpose</pre></div>'
        "</div></div>"
    )
    problems = eonb_build.html_errors(page)
    assert len(problems) == 1
    assert "URLError: no network" in problems[0]


def _mini_book(tmp_path: Path, pages: dict[str, str]) -> Path:
    """A copy of the course configuration with only the given pages."""
    book = tmp_path / "book-copy"
    (book / "book").mkdir(parents=True)
    shutil.copytree(ROOT / "_ext", book / "_ext")
    shutil.copytree(ROOT / "tools", book / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "book" / "_static",
        book / "book" / "_static",
        ignore=shutil.ignore_patterns("vendor"),
    )
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    names = list(pages)
    toc = "format: jb-book\nroot: book/" + names[0] + "\n"
    if len(names) > 1:
        toc += "chapters:\n" + "".join(f"  - file: book/{n}\n" for n in names[1:])
    (book / "_toc.yml").write_text(toc)
    for name, body in pages.items():
        (book / "book" / f"{name}.md").write_text(HEADER.format(title=name) + body)
    return book


def _build(book: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools" / "offline_guard"))
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(book),
            "--warningiserror",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=book,
    )


@pytest.mark.slow
def test_a_cell_that_raises_fails_the_build_and_names_page_and_cell(tmp_path):
    book = _mini_book(
        tmp_path,
        {
            "intro": "A page.\n",
            "broken": "```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell} ipython3\n"
            "undefined_name + 1\n```\n",
        },
    )
    result = _build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a lesson with a failing cell must fail the build"
    assert "book/broken.md" in log
    assert "undefined_name" in log and "NameError" in log


@pytest.mark.slow
def test_an_error_while_drawing_a_figure_fails_the_build_every_time(tmp_path):
    book = _mini_book(tmp_path, {"intro": "A page.\n", "drawing": DRAW_TIME_ERROR})
    first = _build(book)
    log = first.stdout + first.stderr
    assert first.returncode != 0, "an error raised while drawing must fail the build"
    assert "build gate" in log and "book/drawing" in log and "download failed while drawing" in log
    # Unchanged sources: the execution cache and Sphinx's environment must not hide it.
    second = _build(book)
    assert second.returncode != 0, "a rebuild of the unchanged broken page must fail again"
    assert "download failed while drawing" in second.stdout + second.stderr


@pytest.mark.slow
def test_a_cell_tagged_raises_exception_may_show_its_error(tmp_path):
    book = _mini_book(
        tmp_path,
        {
            "intro": "A page.\n",
            "teaching": "```{code-cell} ipython3\n:tags: [raises-exception]\n"
            "raise ValueError('this error is the point of the lesson')\n```\n",
        },
    )
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build" / "html" / "book" / "teaching.html").read_text()
    assert "this error is the point of the lesson" in html


@pytest.mark.slow
def test_a_page_served_from_the_cache_still_publishes_its_outputs(tmp_path):
    """Edit only the text of an executed page: the rebuild reuses the cached outputs, and the
    published "executed notebook" download must still carry them (myst-nb 1.4 drops them)."""
    cell = "```{code-cell} ipython3\nprint('forty-two', 6 * 7)\n```\n"
    book = _mini_book(tmp_path, {"intro": "A page.\n", "lesson": "First text.\n\n" + cell})
    assert _build(book).returncode == 0
    (book / "book" / "lesson.md").write_text(
        HEADER.format(title="lesson") + "Edited text.\n\n" + cell
    )
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Edited text" in (book / "_build" / "html" / "book" / "lesson.html").read_text()
    for executed in (
        book / "_build" / "jupyter_execute" / "book" / "lesson.ipynb",
        book / "_build" / "html" / "_sources" / "book" / "lesson.ipynb",
    ):
        nb = json.loads(executed.read_text())
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert outputs and "forty-two 42" in "".join(outputs[0]["text"]), executed


@pytest.mark.build
def test_the_published_site_has_no_error_output(site_dir):
    assert eonb_build.scan_build(site_dir) == []


@pytest.mark.slow
def test_a_real_archive_cell_is_shown_unrun_with_a_label(tmp_path):
    """A cell tagged real-archive + skip-execution (it reads a live archive) is published
    with its code, no output and a visible "not run when this page was built" label; the
    gate does not flag it; an ordinary cell on the same page still runs."""
    book = _mini_book(
        tmp_path,
        {
            "intro": "A page.\n",
            "real": "```{code-cell} ipython3\nprint('ran', 6 * 7)\n```\n\n"
            "```{code-cell} ipython3\n:tags: [real-archive, skip-execution]\n"
            "import urllib.request\nurllib.request.urlopen('https://example.org/live')\n```\n",
        },
    )
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build" / "html" / "book" / "real.html").read_text()
    assert "ran 42" in html, "the ordinary cell must still be executed"
    cell = html[html.index("tag_real-archive") :]
    cell = cell[: cell.index("urlopen") + 200]
    assert "not run when this page was built" in cell and "eonb-not-run" in cell
    assert "cell_output" not in cell, "the real-archive cell must not have run"
    assert eonb_build.scan_build(book / "_build" / "html") == []
