"""The book machinery (``eonb_book``) reads the table of contents and the lessons right.

Specifications, on small tables of contents and lessons written here (no
built site needed):

* the toc walk lists every page once, in reading order (root, then parts,
  chapters and their sections), with the suffix dropped, and skips files that
  do not exist; short titles come from ``title:``; lessons are the
  ``book/lesson*`` pages;
* the lesson parser finds nested MyST directives (``` and ::: fences) with
  their argument, body and line, ignores headings inside code cells, and
  reads the sections and the ``**Time:**`` line;
* the lint names what a lesson lacks and passes a complete one.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from eonb_book import lessons, lint, lite, settings, toc

TOC = """\
format: jb-book
root: book/intro
parts:
  - caption: Getting started
    chapters:
      - file: book/setup.md
        title: "Setup"
  - caption: Lessons
    chapters:
      - file: book/lesson1-sst
        title: "1 · Notebooks and SST"
        sections:
          - file: book/lesson1-extra
      - file: book/lesson2-gone
        title: "2 · Not written yet"
      - file: book/glossary
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    (tmp_path / "book").mkdir()
    notebook = "---\nkernelspec:\n  name: python3\n---\n# A lesson\n"
    for name, text in {
        "intro.md": "# Intro\n",
        "setup.md": "# Setup\n",
        "lesson1-sst.md": notebook,
        "lesson1-extra.md": "# Extra\n",
        "glossary.md": "# Glossary\n",
    }.items():
        (tmp_path / "book" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_toc_walk_lists_every_existing_page_once_in_reading_order(book: Path):
    pages = toc.pages(book)
    assert [doc for doc, _ in pages] == [
        "book/intro",
        "book/setup",
        "book/lesson1-sst",
        "book/lesson1-extra",
        "book/glossary",
    ]
    assert all(src == book / f"{doc}.md" for doc, src in pages)


def test_the_toc_gives_short_titles_lessons_and_executed_pages(book: Path):
    titles = toc.short_titles(toc.read(book))
    assert titles == {
        "book/setup.md": "Setup",
        "book/lesson1-sst": "1 · Notebooks and SST",
        "book/lesson2-gone": "2 · Not written yet",
    }
    # A lesson listed but not written is still a lesson of the toc (the structure test reports it).
    assert toc.lessons(book) == [
        book / "book/lesson1-sst.md",
        book / "book/lesson1-extra.md",
        book / "book/lesson2-gone.md",
    ]
    assert [doc for doc, _ in toc.notebook_pages(book)] == ["book/lesson1-sst"]
    assert toc.page_name("book/lesson1-sst") == "lesson1-sst"
    assert lite.practice_name("book/lesson1-sst") == "lesson1-sst"
    assert toc.files(toc.read(book))[:2] == ["book/intro", "book/setup.md"]


def test_the_repository_toc_starts_at_its_root_page():
    pages = toc.pages(settings.ROOT)
    assert pages[0][0] == toc.read(settings.ROOT)["root"]
    assert len({doc for doc, _ in pages}) == len(pages)


LESSON = textwrap.dedent("""\
    # Sea surface temperature

    :::{admonition} Data used in this lesson
    :class: note
    OSTIA SST (real, licence: Copernicus).
    :::

    **Time:** 30 min teaching + 20 min exercises.

    ## Prerequisites

    ```{code-cell} ipython3
    # not a heading: code
    x = 1
    ```

    ````{exercise} Warm pool
    :label: l1-warm

    Find the warm pool.

    ```{code-cell} ipython3
    warm = sst > 28
    ```
    ````

    ## Self-check
    """)


def test_the_lesson_parser_finds_nested_directives_with_their_lines():
    blocks = lessons.directives(LESSON)
    assert [(b.name, b.line) for b in blocks] == [
        ("admonition", 3),
        ("code-cell", 12),
        ("exercise", 17),
        ("code-cell", 22),
    ]
    exercise = blocks[2]
    assert exercise.argument == "Warm pool"
    assert ":label: l1-warm" in exercise.body and "warm = sst > 28" in exercise.body
    assert blocks[0].argument == "Data used in this lesson"


def test_the_lesson_parser_reads_headings_sections_and_time_outside_code():
    assert [(level, title) for level, title, _ in lessons.headings(LESSON)] == [
        (1, "Sea surface temperature"),
        (2, "Prerequisites"),
        (2, "Self-check"),
    ]
    assert lessons.lesson_time(LESSON) == (30, 20)
    assert "Warm pool" in lessons.section(LESSON, "Prerequisites")
    assert lessons.section(LESSON, "What's next") is None
    assert lessons.bullets("- one\n* two\nthree\n") == 2
    assert lessons.term_target("cubes <data cube>") == "data cube"


def test_the_lint_names_the_missing_parts_of_a_short_lesson():
    problems = lint.structure_problems(LESSON)
    assert any("Learning objectives" in p for p in problems)
    assert any("at least 3 {exercise}" in p for p in problems)
    assert any("l1-warm" in p and "no solution" in p for p in problems)
    assert not any("Data used" in p for p in problems)


def test_the_lint_passes_the_lesson_template():
    template = settings.ROOT / "book" / "_templates" / "lesson-template.md"
    assert lint.structure_problems(template.read_text(encoding="utf-8")) == []
