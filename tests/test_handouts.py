"""The PDF handouts come in two editions, and each holds what it should.

``tools/pdf_handouts.py`` (run by ``make test`` before pytest) prints every
page as a learner edition (solutions and self-check answers left out) and an
instructor edition (``<html class="eonb-instructor">``, every ``<details>``
opened, every solution revealed), and the whole course in both editions.
Here ``pdftotext`` reads the PDFs: a sentence of each solution, and of each
self-check answer, is in the instructor edition and not in the learner one.
Lesson 5's interactive figure prints with a note on where to use it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SITE

from eonb_book import handouts as pdf_handouts
from eonb_book.settings import COURSE_PDF

pytestmark = [pytest.mark.build]

LESSONS = sorted(p.stem for p in (ROOT / "book").glob("lesson*.md"))
PDF = SITE / pdf_handouts.PDF_DIR


def words(text: str) -> str:
    return " ".join(re.sub(r"[^\w%°.,+-]+", " ", text).split())


def pdf_words(pdf: Path) -> str:
    assert pdf.exists(), f"{pdf} is missing (make test runs tools/pdf_handouts.py first)"
    return words(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


def hidden_sentences(doc: str) -> dict[str, list[str]]:
    """A run of eight words from each solution and each self-check answer of a page."""
    html = BeautifulSoup((SITE / f"book/{doc}.html").read_text(encoding="utf-8"), "html.parser")
    found: dict[str, list[str]] = {"solution": [], "answer": []}
    for kind, selector in (("solution", "div.solution"), ("answer", "details.sd-dropdown")):
        for box in html.select(f"article {selector}"):
            for p in box.select("p"):
                if "admonition-title" in (p.get("class") or []) or p.find_parent("summary"):
                    continue
                text = words(p.get_text(" "))
                if len(text.split()) >= 10:
                    found[kind].append(" ".join(text.split()[2:10]))
                    break
    return found


@pytest.mark.parametrize("doc", LESSONS)
def test_instructor_edition_has_the_solutions_and_learner_edition_does_not(doc):
    sentences = hidden_sentences(doc)
    checked = sentences["solution"] + sentences["answer"]
    if not checked:
        pytest.skip(f"{doc} has no solution or answer written in prose")
    learner = pdf_words(PDF / f"book/{doc}.pdf")
    instructor = pdf_words(PDF / "instructor" / f"book/{doc}.pdf")
    missing = [s for s in checked if s not in instructor]
    leaked = [s for s in checked if s in learner]
    assert not missing, f"instructor edition of {doc} lacks: {missing}"
    assert not leaked, f"learner edition of {doc} prints: {leaked}"
    assert "instructor edition" in learner, "the learner edition says where the solutions are"


def test_both_course_pdfs_exist_and_differ_in_the_solutions():
    learner = pdf_words(PDF / COURSE_PDF)
    instructor = pdf_words(PDF / pdf_handouts.EDITION_COURSE["instructor"])
    sentences = [s for doc in LESSONS for s in hidden_sentences(doc)["solution"]]
    assert sentences
    assert all(s in instructor for s in sentences), [s for s in sentences if s not in instructor][
        :3
    ]
    assert not any(s in learner for s in sentences), [s for s in sentences if s in learner][:3]
    assert "Instructor edition" in instructor and "Learner edition" in learner


def test_interactive_figure_prints_with_a_note():
    for edition in ("", "instructor/"):
        text = pdf_words(PDF / f"{edition}book/lesson5-dask.pdf")
        assert "Interactive figure, printed here as its first frame" in text
        assert "lesson5-dask.html" in text


def test_pages_link_both_editions():
    html = (SITE / "book/lesson1-notebooks-sst.html").read_text(encoding="utf-8")
    for href in (
        "_downloads/pdf/book/lesson1-notebooks-sst.pdf",
        "_downloads/pdf/instructor/book/lesson1-notebooks-sst.pdf",
        f"_downloads/pdf/{COURSE_PDF}",
        f"_downloads/pdf/{pdf_handouts.EDITION_COURSE['instructor']}",
    ):
        assert href in html, f"lesson 1 does not link {href}"


def test_edition_names_are_checked():
    with pytest.raises(ValueError, match="edition must be one of"):
        pdf_handouts.print_page(None, "", Path("x.pdf"), "", "", edition="teacher")


FRENCH_PDF = SITE / "fr" / pdf_handouts.PDF_DIR
# The handouts' own English words (print.css, the header, the footer, the interactive
# note), none of which may print on a page of the French handouts.
ENGLISH_HANDOUT_WORDS = (
    "in the instructor edition and on the website",
    "instructor edition with solutions",
    "Interactive figure",
    "Learner edition",
)


@pytest.mark.parametrize("doc", LESSONS)
def test_french_handouts_speak_french(doc):
    learner = pdf_words(FRENCH_PDF / f"book/{doc}.pdf")
    instructor = pdf_words(FRENCH_PDF / "instructor" / f"book/{doc}.pdf")
    for edition, text in (("learner", learner), ("instructor", instructor)):
        english = [w for w in ENGLISH_HANDOUT_WORDS if words(w) in text]
        assert not english, f"French {edition} handout of {doc} prints English: {english}"
        assert re.search(r"page \d+ sur \d+", text), f"French {edition} {doc}: footer not French"
    if hidden_sentences(doc)["solution"]:
        assert words("Solution de l’exercice 1") in learner
        assert words("dans l’édition du formateur et sur le site") in learner, (
            f"the French learner handout of {doc} does not say where the solutions are"
        )
        assert words("édition du formateur (avec les solutions)") in instructor
