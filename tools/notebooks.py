"""The lessons as Jupyter notebooks in ``notebooks/``, for Binder, JupyterHub and Colab.

The MyST Markdown files in ``book/`` are the sources.  Launch services open
``.ipynb`` files from the repository (Colab can open nothing else), so every
notebook page of ``_toc.yml`` is converted here to ``notebooks/<name>.ipynb``
without outputs, with one setup cell in front that installs ``eolab`` and the
lesson's libraries **only when running on Google Colab** (Binder and a
JupyterHub already have them from ``requirements.txt``).

    .venv/bin/python tools/notebooks.py           # write notebooks/ (then commit it)
    .venv/bin/python tools/notebooks.py --check   # exit 1 if notebooks/ is stale

The executed notebooks, with outputs, are published by the website build
(download button of each lesson page); they are not committed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lite_contents import practice_name, toc_pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = "notebooks"
SETUP_TAG = "colab-setup"
# Installed by Binder / JupyterHub images already; never reinstalled on Colab.
_SKIP_ON_COLAB = {"ipykernel", "jupytext"}


def repository(root: Path = ROOT) -> tuple[str, str]:
    """(URL, branch) of the course repository, from _config.yml."""
    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def colab_requirements(root: Path = ROOT) -> list[str]:
    """The lesson libraries from requirements.txt, unpinned, for Colab's own environment."""
    names = []
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[=<>!~;\s]", line, maxsplit=1)[0]
        if name.split("[")[0].lower() not in _SKIP_ON_COLAB:
            names.append(name)
    return names


def setup_cell(root: Path = ROOT) -> nbformat.NotebookNode:
    url, branch = repository(root)
    packages = " ".join(f'"{n}"' if "[" in n else n for n in colab_requirements(root))
    source = (
        "# Setup. On Google Colab this installs the course's helper package `eolab` and the\n"
        "# libraries the lessons use (about 2 minutes). On Binder, a JupyterHub or your own\n"
        "# computer they are already installed and this cell does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "eolab @ git+{url}@{branch}" {packages}'
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG]})
    cell["id"] = SETUP_TAG
    return cell


def lesson_notebook(source: Path, root: Path = ROOT) -> nbformat.NotebookNode:
    """One MyST lesson as a launchable notebook: setup cell + the lesson's cells, no outputs."""
    import jupytext

    nb = jupytext.read(source, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    cells = [setup_cell(root)]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"   # stable ids, so an unchanged lesson gives identical bytes
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def notebook_path(docname: str, root: Path = ROOT) -> Path:
    return root / NOTEBOOKS / f"{practice_name(docname)}.ipynb"


def expected(root: Path = ROOT) -> dict[Path, str]:
    """Every notebook that should be in notebooks/, with its text."""
    out = {}
    for doc, src in toc_pages(root):
        if src.suffix == ".md" and "kernelspec" in src.read_text(encoding="utf-8").split("\n---", 1)[0]:
            out[notebook_path(doc, root)] = nbformat.writes(lesson_notebook(src, root)) + "\n"
    return out


def stale(root: Path = ROOT) -> list[str]:
    """Messages for every notebook that is missing, outdated or left over."""
    want = expected(root)
    problems = [f"{p.relative_to(root)} is missing" for p in want if not p.exists()]
    problems += [f"{p.relative_to(root)} is out of date" for p, text in want.items()
                 if p.exists() and p.read_text(encoding="utf-8") != text]
    problems += [f"{p.relative_to(root)} has no lesson in _toc.yml"
                 for p in sorted((root / NOTEBOOKS).rglob("*.ipynb")) if p not in want]
    return problems


def write(root: Path = ROOT) -> list[Path]:
    want = expected(root)
    changed = []
    for path, text in want.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for extra in sorted((root / NOTEBOOKS).rglob("*.ipynb")):
        if extra not in want:
            extra.unlink()
            changed.append(extra)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for p in problems:
            print(p)
        if problems:
            print("Run `make notebooks` and commit notebooks/.")
        return 1 if problems else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}" if path.exists() else f"removed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
