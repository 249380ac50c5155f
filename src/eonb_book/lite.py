"""Practice notebooks for JupyterLite, generated from the lessons.

Nobody edits the JupyterLite contents by hand.  Each lesson marks the cells a
learner can try in the browser, and this tool copies them, in order, into
``practice/<lesson>.ipynb`` in the JupyterLite contents.  The convention for
lesson authors (also in CONTRIBUTING notes and the README of the contents):

* Tag a code cell ``lite-practice``::

      ```{code-cell} ipython3
      :tags: [lite-practice]
      warm = sst["sst"].where(sst["sst"] > 28)
      ```

  Tag a Markdown cell the same way to copy its text too (the task, a hint)::

      +++ {"tags": ["lite-practice"]}

      Which month had the largest warm pool?  Change the threshold and rerun.

* Practice cells run in the browser on Pyodide: they may import only the
  standard library and the packages of :data:`PYODIDE_PACKAGES` (numpy,
  pandas, xarray, matplotlib, scipy, shapely, pyproj, cartopy), never
  ``eolab``.  The tests check the imports and run every practice notebook
  with ``eolab`` blocked.

* Data: the lesson's front matter may ship small datasets of the course
  catalogue with the practice notebook, as ``variable: dataset name``::

      ---
      jupytext: ...
      kernelspec: ...
      lite_data:
        sst: ostia_sst
      ---

  The tool saves ``eolab.datasets.load("ostia_sst")`` as
  ``practice/data/ostia_sst.nc`` (netCDF3, at most 5 MB) and starts the
  practice notebook with ``sst = xr.open_dataset("data/ostia_sst.nc")``.
  ``sst: ostia_sst/sst`` picks one variable instead:
  ``sst = xr.open_dataset("data/ostia_sst.nc")["sst"]``, a ``DataArray``.
  In the lesson the same variable is loaded with ``eolab`` earlier on, so
  the tagged cells are ordinary lesson cells that run in both places.
  Practice cells may also make their own small (synthetic, labelled) data
  with numpy.

Usage (the Sphinx extension ``_ext/eonb_delivery.py`` calls this at every
build; by hand, to look at the result, through its entry point)::

    .venv/bin/python tools/lite_contents.py --out /tmp/lite-contents
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import (
    lite_checks,  # the practice notebooks' self-checks
    toc,
)
from .settings import PRACTICE_DIR, PRACTICE_TAG

MAX_DATA_BYTES = 5_000_000

PYODIDE_PACKAGES = frozenset(
    {
        # Packages of the Pyodide 314 distribution that practice cells may use.
        "numpy",
        "pandas",
        "xarray",
        "matplotlib",
        "mpl_toolkits",
        "scipy",
        "shapely",
        "pyproj",
        "cartopy",
        # Always there in the JupyterLite Pyodide kernel.
        "IPython",
        "ipykernel",
        "piplite",
        "micropip",
        "pyodide",
        "js",
    }
)


@dataclass
class Practice:
    """The practice cells of one lesson."""

    docname: str  # e.g. "book/first-map"
    title: str  # the lesson's "# Title"
    cells: list = field(default_factory=list)
    data: dict = field(default_factory=dict)  # variable -> dataset name

    @property
    def name(self) -> str:
        return practice_name(self.docname)

    @property
    def path(self) -> str:
        """Path of the notebook inside the JupyterLite contents."""
        return f"{PRACTICE_DIR}/{self.name}.ipynb"


#: ``book/lesson1-sst`` -> ``lesson1-sst``: the name of a page's practice notebook.
practice_name = toc.page_name


def read_practice(source: Path, docname: str) -> Practice | None:
    """The tagged cells of one MyST notebook, or None if it has none."""
    import jupytext

    text = source.read_text(encoding="utf-8")
    meta = toc.front_matter(text)
    if "kernelspec" not in meta:
        return None
    nb = jupytext.reads(text, fmt="md:myst")
    title = next(
        (
            line[2:].strip()
            for c in nb.cells
            if c.cell_type == "markdown"
            for line in c.source.splitlines()
            if line.startswith("# ")
        ),
        docname,
    )
    cells = [c for c in nb.cells if PRACTICE_TAG in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return None
    data = meta.get("lite_data") or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and k.isidentifier() and isinstance(v, str) and v
        for k, v in data.items()
    ):
        raise ValueError(
            f"{source}: lite_data must map variable names to dataset names "
            f"(`sst: ostia_sst` or `sst: ostia_sst/sst`), got {data!r}"
        )
    return Practice(docname=docname, title=title, cells=cells, data=dict(data))


def imported_modules(code: str) -> set[str]:
    """Top-level module names a cell imports (IPython magics are ignored)."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def check_imports(practice: Practice) -> list[str]:
    """Imports of practice cells that Pyodide cannot satisfy, as messages."""
    allowed = PYODIDE_PACKAGES | set(sys.stdlib_module_names)
    problems = []
    for cell in practice.cells:
        if cell.cell_type != "code":
            continue
        bad = sorted(imported_modules(cell.source) - allowed)
        if bad:
            first = cell.source.strip().splitlines()[0][:60]
            problems.append(
                f"{practice.docname}: practice cell `{first}` imports {', '.join(bad)}, "
                "which JupyterLite (Pyodide) does not provide"
            )
    return problems


def _clean_cell(cell):
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in ("mystnb", "tags")}
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != PRACTICE_TAG]
    if tags:
        meta["tags"] = tags
    if cell.cell_type == "code":
        return nbformat.v4.new_code_cell(cell.source, metadata=meta)
    return nbformat.v4.new_markdown_cell(cell.source, metadata=meta)


def check_cells(docname: str) -> list:
    """The "Check yourself" cells of a practice notebook (:mod:`eonb_book.lite_checks`), pure
    Python."""
    if docname not in lite_checks.CHECKS:
        return []
    task, check = lite_checks.CHECKS[docname]
    intro = (
        "## Check yourself\n\nThe same feedback as the lesson's checkers, without `eolab`: "
        "the cell below says *Right*, or names the likely mistake."
    )
    return [
        nbformat.v4.new_markdown_cell(intro),
        nbformat.v4.new_code_cell(lite_checks.HELPER.rstrip()),
        nbformat.v4.new_markdown_cell(task),
        nbformat.v4.new_code_cell(check),
    ]


def practice_notebook(practice: Practice, lesson_url: str) -> nbformat.NotebookNode:
    """The practice notebook: an introduction, the data, then the tagged cells."""
    intro = (
        f"# Practice: {practice.title}\n\n"
        f"These cells come from the lesson [{practice.title}]({lesson_url}). They run "
        "**in your browser** (JupyterLite, Python on Pyodide): nothing is installed and "
        "nothing leaves your computer. Run each cell with **Shift+Enter**, then change it "
        "and run it again.\n\n"
        "Your edits are kept in this browser only; use *File → Download* to keep a copy."
    )
    cells = [nbformat.v4.new_markdown_cell(intro)]
    if practice.data:
        lines = [
            "# The lesson's data, shipped with this site (small copies of the course datasets)",
            "import xarray as xr",
            "",
        ]
        for var, spec in practice.data.items():
            name, _, variable = spec.partition("/")
            pick = f'["{variable}"]' if variable else ""
            lines.append(f'{var} = xr.open_dataset("data/{name}.nc", engine="scipy"){pick}')
        cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    cells += [_clean_cell(c) for c in practice.cells]
    cells += check_cells(practice.docname)
    nb = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "name": "python",
                "display_name": "Python (Pyodide)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
    )
    for index, cell in enumerate(nb.cells):  # stable ids: identical bytes for identical lessons
        cell["id"] = f"{practice.name[:40]}-{index}"
    return nb


def write_dataset(name: str, target: Path) -> None:
    """Save one catalogue dataset as netCDF3 for Pyodide (xarray + scipy)."""
    from eolab import datasets

    ds = datasets.load(name)
    data = ds.to_netcdf(engine="scipy")
    if len(data) > MAX_DATA_BYTES:
        raise ValueError(
            f"dataset {name!r} is {len(data) / 1e6:.1f} MB as netCDF3; practice data "
            f"must stay under {MAX_DATA_BYTES / 1e6:.0f} MB (make a smaller dataset)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(bytes(data))


def write_contents(pages: list[tuple[str, Path, str]], out: Path) -> list[Practice]:
    """Write every practice notebook (and its data) into the JupyterLite contents ``out``.

    ``pages`` lists ``(docname, source path, URL of the lesson page as seen from
    the practice notebook)``.  Files are only rewritten when their bytes change,
    so an unchanged course leaves the contents untouched.  Returns the practices
    written; raises ValueError listing every practice cell that Pyodide cannot run.
    """
    practices = [p for doc, src, _ in pages if (p := read_practice(src, doc))]
    problems = [msg for p in practices for msg in check_imports(p)]
    if problems:
        raise ValueError("JupyterLite practice cells:\n  " + "\n  ".join(problems))
    urls = {doc: url for doc, _, url in pages}
    wanted = set()
    for p in practices:
        target = out / p.path
        text = nbformat.writes(practice_notebook(p, urls[p.docname])) + "\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        wanted.add(target)
        for name in (spec.partition("/")[0] for spec in p.data.values()):
            write_dataset(name, out / PRACTICE_DIR / "data" / f"{name}.nc")
            wanted.add(out / PRACTICE_DIR / "data" / f"{name}.nc")
    readme = out / "README.md"
    listing = "\n".join(f"- [{p.title}]({p.path})" for p in practices) or "- (no practice yet)"
    text = (
        "# EO Notebooks practice\n\nShort exercises from each lesson that run in your browser. "
        f"Open a notebook in `{PRACTICE_DIR}/`:\n\n{listing}\n"
    )
    if not readme.exists() or readme.read_text(encoding="utf-8") != text:
        readme.write_text(text, encoding="utf-8")
    wanted.add(readme)
    for stale in [f for f in out.rglob("*") if f.is_file() and f not in wanted]:
        stale.unlink()  # a lesson lost its practice cells
    return practices


def tree_digest(folder: Path) -> str:
    """A hash of every file's path and bytes under ``folder``."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for the JupyterLite contents"
    )
    args = parser.parse_args(argv)
    pages = [(doc, src, f"../../{doc}.html") for doc, src in toc.pages()]
    for p in write_contents(pages, args.out):
        print(
            f"{p.path}: {sum(c.cell_type == 'code' for c in p.cells)} code cells, data "
            f"{p.data or '-'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
