"""The lessons as Jupyter notebooks in ``notebooks/``, for Binder, JupyterHub and Colab.

The MyST Markdown files in ``book/`` are the sources.  Launch services open
``.ipynb`` files from the repository (Colab can open nothing else), so every
notebook page of ``_toc.yml`` is converted here to ``notebooks/<name>.ipynb``
without outputs, with one setup cell in front (:func:`setup_cell`) that works
wherever the notebook lands:

* it compares what this Python has with what the course needs: the lower
  bounds of ``pyproject.toml`` (``eolab`` and its ``lessons`` extra) and the
  tested pins of ``requirements.txt``, both written into the cell here;
* it installs, at the tested pin, only what is missing or older than the
  lower bound, and ``eolab`` itself from the repository beside the notebook
  (a JupyterHub opened through nbgitpuller, a laptop clone) or from GitHub
  (Colab); on Binder, or anywhere everything is there, it does nothing;
* it says in one line what it installs and about how long that takes, and
  where it cannot install (no pip, no network) it stops with a short message
  that says what to do instead of a traceback.

    .venv/bin/python tools/notebooks.py           # write notebooks/ (then commit it)
    .venv/bin/python tools/notebooks.py --check   # exit 1 if notebooks/ is stale

Each translation of the course (``locales/<lang>/``, see CONTRIBUTING.md,
Translations) gets its own notebooks, ``notebooks/<lang>/<name>.ipynb``: the same
code cells, the Markdown cells and code comments taken from the page's
catalogue (:func:`translate_notebook`), and ``EOLAB_LANG`` set by the setup cell
so that figure labels drawn with ``eolab.i18n.t`` are in that language too.

The executed notebooks, with outputs, are published by the website build
(download button of each lesson page); they are not committed.
tests/test_launch_hub.py runs a notebook with this cell in a fresh virtual
environment laid out as nbgitpuller lays it out.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

from . import toc
from .i18n import COMMENTED_LANGUAGES, translate_comments
from .settings import NOTEBOOKS_DIR as NOTEBOOKS
from .settings import ROOT

SETUP_TAG = "launch-setup"
# Seconds per package the setup cell announces: measured by tests/test_launch_hub.py
# (37 packages and their dependencies from local wheels in 86-132 s on 2 shared cores),
# rounded up for downloading them (about 330 MB) on an ordinary connection.
SECONDS_PER_PACKAGE = 5


def repository(root: Path = ROOT) -> tuple[str, str]:
    """(URL, branch) of the course repository, from _config.yml."""
    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def site_url(root: Path = ROOT) -> str:
    """Public address of the website, from _config.yml."""
    return yaml.safe_load((root / "_config.yml").read_text())["html"]["baseurl"].rstrip("/")


def _key(name: str) -> str:
    """Distribution name as compared (PEP 503), extras dropped."""
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def pins(root: Path = ROOT) -> dict[str, str]:
    """``{requirement name (with extras): pinned version}`` from requirements.txt."""
    out = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise ValueError(f"requirements.txt: {line!r} is not pinned with ==")
        out[name.strip()] = version.strip()
    return out


def lower_bounds(root: Path = ROOT) -> dict[str, str]:
    """``{distribution key: lowest version}`` from pyproject.toml (dependencies + every extra)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    out = {}
    for spec in specs:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*", spec)
        if not match:
            raise ValueError(f"pyproject.toml: {spec!r} must be `name>=version`")
        out[_key(match.group(1))] = match.group(2)
    return out


def course_needs(root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """``{requirement: (lower bound, tested pin)}``: what the setup cell checks and installs."""
    bounds = lower_bounds(root)
    missing = [name for name in pins(root) if _key(name) not in bounds]
    if missing:
        raise ValueError(f"requirements.txt pins {missing} that pyproject.toml does not declare")
    return {name: (bounds[_key(name)], pin) for name, pin in pins(root).items()}


_SETUP = """#@title Setup: run this cell first (it installs only what is missing)
# Works on Colab, on a JupyterHub, on Binder and on your laptop: it installs what the
# lessons need and this Python lacks, at the versions the course is tested with, and
# does nothing where everything is there. Generated by tools/notebooks.py.
import importlib, importlib.metadata as md, importlib.util, os, re, site, subprocess, sys, time
from pathlib import Path

REPO, BRANCH, HELP = "{repo}", "{branch}", "{help}"
# package: (lowest version that works, version the course is tested with)
NEEDS = {{
{needs}
}}


class SetupStopped(Exception):
    def _render_traceback_(self):  # Jupyter shows the message, not a traceback
        return str(self).splitlines()


def version(name):
    try:
        return md.version(name.split("[")[0])
    except md.PackageNotFoundError:
        return None


def numbers(text):
    return tuple(int(n) for n in re.findall(r"\\d+", text)[:3])


todo = [f"{{n}}=={{pin}}" for n, (low, pin) in NEEDS.items()
        if version(n) is None or numbers(version(n)) < numbers(low)]
upgrades = [n.split("[")[0] for n, (low, _) in NEEDS.items() if version(n)
            and numbers(version(n)) < numbers(low)]
repo = Path.cwd().parent  # nbgitpuller, Binder, a clone: the repository is beside notebooks/
here = ((repo / "pyproject.toml").is_file()
        and \'name = "eolab"\' in (repo / "pyproject.toml").read_text())
if version("eolab") is None:
    todo.append(str(repo) if here else f"eolab @ git+{{REPO}}@{{BRANCH}}")
python = f"Python {{sys.version_info.major}}.{{sys.version_info.minor}}"
if not todo:
    print(f"Setup: everything the lessons need is installed ({{python}}); nothing to do.")
elif importlib.util.find_spec("pip") is None:
    raise SetupStopped(
        f"Setup stopped: this {{python}} has no pip, so it cannot install the {{len(todo)}} "
        f"packages the lessons need.\\nWhat to do: ask the administrators of this service to "
        f"install requirements.txt from {{REPO}}, or run the lessons on Binder, Colab or "
        f"your laptop (see {{HELP}}).")
else:
    names = [t.split("==")[0] if "==" in t else "eolab" for t in todo]
    names = ", ".join(names[:4]) + (f" and {{len(names) - 4}} more" if len(names) > 4 else "")
    minutes = max(1, round(len(todo) * {seconds} / 60))
    print(f"Setup: installing {{len(todo)}} packages ({{names}}) into {{python}}; "
          f"this takes about {{minutes}} min.", flush=True)
    start = time.time()
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "--retries", "2", *todo],
                          capture_output=True, text=True)
    if done.returncode:
        said = [line for line in done.stderr.splitlines() if line.strip()][-1:] or ["(nothing)"]
        raise SetupStopped(
            f"Setup stopped: pip could not install the packages. pip said: {{said[0][:300]}}\\n"
            f"What to do: if you are offline, connect to the internet and run this cell again. "
            f"On a service without internet, ask its administrators to install requirements.txt "
            f"from {{REPO}}, or run the lessons on your laptop (see {{HELP}}).")
    if os.path.isdir(site.getusersitepackages()) and site.getusersitepackages() not in sys.path:
        site.addsitedir(site.getusersitepackages())  # pip's first --user install
    importlib.invalidate_caches()
    print(f"Setup: done in {{time.time() - start:.0f}} s.")
    if upgrades:
        raise SetupStopped(
            f"Setup: pip upgraded {{', '.join(upgrades)}}, which a running Python keeps. Restart "
            "the kernel (Colab: Runtime > Restart session; Jupyter: Kernel > Restart Kernel), "
            "then run this cell again: it will find everything and do nothing.")
"""


def setup_source(root: Path = ROOT) -> str:
    """The source of the setup cell (see the module docstring)."""
    url, branch = repository(root)
    entries = [f'"{name}": ("{low}", "{pin}"),' for name, (low, pin) in course_needs(root).items()]
    lines, line = [], "   "
    for entry in entries:
        if len(line) + 1 + len(entry) > 88:
            lines.append(line)
            line = "   "
        line += " " + entry
    lines.append(line)
    return _SETUP.format(
        repo=url,
        branch=branch,
        help=f"{site_url(root)}/book/setup.html",
        needs="\n".join(lines),
        seconds=SECONDS_PER_PACKAGE,
    ).rstrip("\n")


def setup_cell(root: Path = ROOT) -> nbformat.NotebookNode:
    # cellView "form": Colab shows the #@title line and hides the code (one click shows it).
    cell = nbformat.v4.new_code_cell(
        setup_source(root), metadata={"tags": [SETUP_TAG], "cellView": "form"}
    )
    cell["id"] = SETUP_TAG
    return cell


def lesson_notebook(
    source: Path, root: Path = ROOT, lang: str | None = None
) -> nbformat.NotebookNode:
    """One MyST lesson as a launchable notebook: setup cell + the lesson's cells, no outputs."""
    import jupytext

    nb = jupytext.read(source, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    cells = [setup_cell(root)]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"  # stable ids, so an unchanged lesson gives identical bytes
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb.cells = cells
    if lang:
        translate_notebook(nb, source, root, lang)
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- translations


def translations(root: Path = ROOT) -> list[str]:
    """The languages with catalogues in ``locales/`` (besides English)."""
    folder = root / "locales"
    return (
        sorted(p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir())
        if folder.is_dir()
        else []
    )


def catalogue(root: Path, lang: str, docname: str) -> dict[str, str]:
    """{English: translation} of one page's catalogue (translated, not fuzzy), keys with
    their whitespace collapsed as Sphinx's extraction does."""
    po = root / "locales" / lang / "LC_MESSAGES" / f"{docname}.po"
    if not po.exists():
        return {}
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        return {
            " ".join(m.id.split()): m.string
            for m in read_po(handle)
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
        }


def lookup(words: dict[str, str]):
    """``words.get`` for code comments, whose runs of spaces the catalogue's keys collapse."""
    return lambda text: words.get(" ".join(text.split()))


# Directives whose body is YAML data: their strings are translated, their structure kept.
YAML_DIRECTIVES = ("quiz",)


def translate_yaml(block: str, tr) -> str:
    """A directive's YAML body with every string that ``tr`` translates translated."""

    def walk(value):
        if isinstance(value, str):
            return tr(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    data = yaml.safe_load(block)
    new = walk(data)
    if new == data:
        return block
    return yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=88).rstrip("\n")


_BLOCK_START = re.compile(r"^(\s*)(#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s*)?(.*)$")


def translate_markdown(text: str, words: dict[str, str]) -> str:
    """A Markdown cell in another language, block by block (paragraphs, headings, list
    items, table cells, admonition titles); a block with no translation stays as it is."""

    def tr(block: str) -> str:
        return words.get(" ".join(block.split()), block)

    out, para, fence = [], [], None

    def flush():
        if para:
            indent, marker, first = _BLOCK_START.match(para[0]).groups()
            body = " ".join([first] + [line.strip() for line in para[1:]])
            new = tr(body)
            if new != body or marker:
                out.append(f"{indent}{marker or ''}{new}")
            else:
                out.extend(para)
            para.clear()

    code: list[str] = []  # the lines of the fenced block being read
    kind = None  # what that block holds: "comments" to translate, "yaml" (a quiz), or None
    opened: list[str] = []  # the fences of the directives open around this line

    def close_code():
        block = "\n".join(code)
        if kind == "comments":
            block = translate_comments(block, lookup(words))
        elif kind == "yaml":
            block = translate_yaml(block, tr)
        out.extend(block.split("\n"))
        code.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped == fence:
                fence = None
                close_code()
                out.append(line)
            else:
                code.append(line)
            continue
        run = re.match(r"^(`{3,}|:{3,})(.*)$", stripped)
        if run and run.group(2).split("}")[0].lstrip("{") in YAML_DIRECTIVES:
            flush()  # a directive whose body is YAML (a quiz): translated as data
            fence, kind = run.group(1), "yaml"
            out.append(line)
        elif run and run.group(2).startswith("{"):  # a directive opens: its title is text
            flush()
            opened.append(run.group(1))
            head, _, title = stripped.partition("} ")
            out.append(line.replace(title, tr(title)) if title else line)
        elif run and not run.group(2).strip() and opened and opened[-1] == run.group(1):
            flush()  # a directive closes
            opened.pop()
            out.append(line)
        elif run and run.group(1).startswith("`"):  # a fenced code block opens
            flush()
            fence = run.group(1)
            commented = run.group(2).strip().lower() in COMMENTED_LANGUAGES
            kind = "comments" if commented else None
            out.append(line)
        elif stripped.startswith("|") and stripped.endswith("|"):
            flush()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                out.append(line)
            else:
                out.append("| " + " | ".join(tr(c) for c in cells) + " |")
        elif (
            not stripped
            or re.match(r"^:[\w-]+:", stripped)  # a directive's option
            or re.match(r"^\([^()\s]+\)=$", stripped)  # a target, (label)=
            or stripped.startswith("+++")
            or re.match(r"^(:::+|```+)$", stripped)
        ):
            flush()
            out.append(line)
        elif _BLOCK_START.match(line).group(2) and para:
            flush()
            para.append(line)
        else:
            para.append(line)
    flush()
    if fence:  # a block the cell leaves open: kept as it is
        kind = None
        close_code()
    return "\n".join(out)


def translate_notebook(nb: nbformat.NotebookNode, source: Path, root: Path, lang: str) -> None:
    """Markdown and code comments of ``nb`` from the page's catalogue; code unchanged."""
    docname = source.relative_to(root).with_suffix("").as_posix()
    words = catalogue(root, lang, docname)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, words)
        elif cell.cell_type == "code" and SETUP_TAG not in cell.metadata.get("tags", []):
            cell.source = translate_comments(cell.source, lookup(words))
        elif cell.cell_type == "code":
            cell.source += (
                f'\nos.environ.setdefault("EOLAB_LANG", "{lang}")  '
                "# figure labels in this notebook's language"
            )


def notebook_path(docname: str, root: Path = ROOT, lang: str | None = None) -> Path:
    folder = root / NOTEBOOKS / lang if lang else root / NOTEBOOKS
    return folder / f"{toc.page_name(docname)}.ipynb"


def expected(root: Path = ROOT) -> dict[Path, str]:
    """Every notebook that should be in notebooks/, with its text."""
    out = {}
    for doc, src in toc.notebook_pages(root):
        out[notebook_path(doc, root)] = nbformat.writes(lesson_notebook(src, root)) + "\n"
        for lang in translations(root):
            out[notebook_path(doc, root, lang)] = (
                nbformat.writes(lesson_notebook(src, root, lang)) + "\n"
            )
    return out


def stale(root: Path = ROOT) -> list[str]:
    """Messages for every notebook that is missing, outdated or left over."""
    want = expected(root)
    problems = [f"{p.relative_to(root)} is missing" for p in want if not p.exists()]
    problems += [
        f"{p.relative_to(root)} is out of date"
        for p, text in want.items()
        if p.exists() and p.read_text(encoding="utf-8") != text
    ]
    problems += [
        f"{p.relative_to(root)} has no lesson in _toc.yml"
        for p in sorted((root / NOTEBOOKS).rglob("*.ipynb"))
        if p not in want
    ]
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
        print(
            f"wrote {path.relative_to(ROOT)}"
            if path.exists()
            else f"removed {path.relative_to(ROOT)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
