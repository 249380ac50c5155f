"""The table of contents ``_toc.yml``: its pages in order, their short titles, the lessons.

Jupyter Book's ``_toc.yml`` (format ``jb-book``) has a ``root`` page, then
``parts`` of ``chapters``, each of which may have ``sections``.  Every page is a
``file:`` (a docname, without suffix); its optional ``title:`` is the short
title of the site navigation (``"1 · Notebooks and SST"``: the numbering of
the lessons lives there).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .settings import ROOT

SOURCE_SUFFIXES = (".md", ".ipynb")


def read(root: Path = ROOT) -> dict:
    """The parsed ``root/_toc.yml``."""
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def entries(toc: dict) -> list[dict]:
    """Every page entry (``{"file": ..., "title": ...}``) of ``toc``, in reading order.

    The root page comes first."""
    found = [{"file": toc["root"]}] if toc.get("root") else []

    def walk(items):
        for entry in items or []:
            if "file" in entry:
                found.append(entry)
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return found


def docname(file: str) -> str:
    """A ``file:`` entry as a docname: ``book/intro.md`` -> ``book/intro``."""
    path = Path(file)
    return path.with_suffix("").as_posix() if path.suffix in SOURCE_SUFFIXES else file


def pages(root: Path = ROOT) -> list[tuple[str, Path]]:
    """Every page of ``root/_toc.yml`` that exists, in order, as (docname, source path)."""
    found = []
    for entry in entries(read(root)):
        doc = docname(entry["file"])
        for suffix in SOURCE_SUFFIXES:
            if (root / f"{doc}{suffix}").exists():
                found.append((doc, root / f"{doc}{suffix}"))
                break
    return found


def short_titles(toc: dict) -> dict[str, str]:
    """docname -> the ``title:`` given to it in ``toc`` (short navigation titles)."""
    return {e["file"]: e["title"] for e in entries(toc) if e.get("title")}


def page_name(doc: str) -> str:
    """``book/lesson1-sst`` -> ``lesson1-sst`` (pages outside book/ keep their folders).

    The name of a page's launch notebook and practice notebook."""
    return doc[len("book/") :] if doc.startswith("book/") else doc


def front_matter(text: str) -> dict:
    """The YAML front matter of a MyST page (``{}`` if it has none)."""
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    return yaml.safe_load(text[3:end]) or {} if end > 0 else {}


def is_notebook(source: Path) -> bool:
    """A MyST page that is executed: its front matter names a ``kernelspec``."""
    if source.suffix != ".md":
        return False
    return "kernelspec" in source.read_text(encoding="utf-8").split("\n---", 1)[0]


def notebook_pages(root: Path = ROOT) -> list[tuple[str, Path]]:
    """The executed pages of the toc (the lessons and every other notebook page), in order."""
    return [(doc, src) for doc, src in pages(root) if is_notebook(src)]


def lessons(root: Path = ROOT) -> list[Path]:
    """The sources of the lessons (``book/lesson*.md``) the toc lists, listed or not existing."""
    files = [docname(e["file"]) + ".md" for e in entries(read(root))]
    return [
        root / f
        for f in files
        if Path(f).name.startswith("lesson") and Path(f).parent.name == "book"
    ]


def files(node) -> list[str]:
    """Every ``file:`` and ``root:`` string of a (nested) toc structure, in order."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                found.append(value)
            else:
                found += files(value)
    elif isinstance(node, list):
        for item in node:
            found += files(item)
    return found
