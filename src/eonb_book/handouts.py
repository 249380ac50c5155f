"""PDF handouts of the built website, printed by Chromium.

One A4 PDF per page of ``_toc.yml`` plus the whole course in one PDF, in two
editions, made from the built HTML with Debian's ``chromium`` driven by
Playwright (never a downloaded browser), using the site's print stylesheet
(``book/_static/print.css``: no navigation or buttons, code wrapped, figures
whole):

* the **learner** edition (``_downloads/pdf/<docname>.pdf``, course:
  ``_downloads/pdf/eo-notebooks-course.pdf``): exercise solutions and
  self-check answers are left out (they are on the website);
* the **instructor** edition (``_downloads/pdf/instructor/<docname>.pdf``,
  course: ``_downloads/pdf/eo-notebooks-course-instructor.pdf``): the page
  gets ``<html class="eonb-instructor">``, every ``<details>`` is opened and
  every sphinx-exercise solution and dropdown revealed, so solutions and
  answers print in place (``.eonb-answer`` too).

Interactive figures (Bokeh) print as their first frame with a note on where
the interactive version is.  Each page's footer has the page's public URL and
"page N of M"::

    .venv/bin/python tools/pdf_handouts.py            # _build/html -> _build/html/_downloads/pdf
    .venv/bin/python tools/pdf_handouts.py --site DIR --toc other/_toc.yml

``make pdf`` runs it after building the site.  Each translated site
(``<site>/<lang>/``, see CONTRIBUTING.md, Translations) gets its own handouts in
``<site>/<lang>/_downloads/pdf/``, with the header, footer and cover in its language.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

from . import toc
from .i18n import typography
from .serve import serve
from .settings import (
    CHROMIUM_ARGS,
    EDITION_COURSE,  # noqa: F401
    EDITION_DIR,
    EDITIONS,
    PDF_DIR,
    ROOT,
    SITE_DIR,
)

_INSTRUCTOR = """() => {
    document.documentElement.classList.add("eonb-instructor");
    for (const d of document.querySelectorAll("details")) { d.open = true; }
    for (const e of document.querySelectorAll(".toggle-hidden")) {
        e.classList.remove("toggle-hidden"); }
    for (const b of document.querySelectorAll("button.toggle-button")) {
        b.classList.add("toggle-button-hidden"); }
}"""
_INTERACTIVE_NOTE = """(url) => {
    for (const fig of document.querySelectorAll(
        "figure.eonb-interactive, div.bk-root, [data-root-id]")) {
        const box = fig.closest("figure.eonb-interactive") || fig;
        if (box.dataset.eonbNoted) { continue; }
        box.dataset.eonbNoted = "1";
        const note = document.createElement("p");
        note.className = "eonb-print-note";
        note.textContent = "Interactive figure, printed here as its first frame. " +
            "Move the slider, pan and zoom on the website: " + url;
        box.after(note);
    }
}"""
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
_STYLE = "font-family: sans-serif; font-size: 7.5pt; color: #555; width: 100%; padding: 0 14mm;"
# The handouts' own words in each language of the site (English is the key).
WORDS = {
    "fr": {
        "page": "page",
        "of": "sur",
        " · instructor edition (with solutions)": " · édition du formateur (avec les solutions)",
        "Instructor edition: exercise solutions and self-check answers are printed in "
        "place.": "Édition du formateur : les solutions des exercices et les réponses des "
        "autoévaluations sont imprimées en place.",
        "Learner edition: exercise solutions and self-check answers are in the instructor edition "
        "and on the website.": "Édition de l’apprenant : les solutions des exercices et les "
        "réponses des "
        "autoévaluations sont dans l’édition du formateur et sur le site.",
        "The whole course as a handout, printed from": "Tout le cours en support imprimé, depuis",
        ", where every lesson can also be run (Binder, JupyterHub, Colab, "
        "JupyterLite).": ", où chaque leçon peut aussi être exécutée (Binder, JupyterHub, Colab, "
        "JupyterLite).",
        "Contents": "Sommaire",
        "Printed": "Imprimé le",
        "Interactive figure, printed here as its first frame. Move the slider, pan and zoom on "
        "the website: ": "Figure interactive, imprimée ici dans son premier état. Sur le site, "
        "déplacez le "
        "curseur, faites glisser et zoomez : ",
    },
}


def say(text: str, lang: str = "en") -> str:
    """``text`` in ``lang`` (English when there is no translation), with the language's
    spacing rules (French: a narrow no-break space before ``:``)."""
    return typography(lang)(WORDS.get(lang, {}).get(text, text))


def translated_sites(site: Path) -> list[str]:
    """Languages whose site is built inside ``site`` (``<site>/<lang>/index.html``)."""
    return sorted(
        p.parent.name
        for p in site.glob("*/index.html")
        if len(p.parent.name) == 2 and p.parent.name.isalpha()
    )


@contextmanager
def chromium():
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("Debian's chromium is not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def site_config(root: Path = ROOT) -> tuple[str, str]:
    """(course title, public base URL ending in '/') from _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    base = (config.get("html", {}).get("baseurl") or "").rstrip("/") + "/"
    return config.get("title", "EO Notebooks"), base


def footer(public_url: str, lang: str = "en") -> str:
    return (
        f'<div style="{_STYLE} display: flex; justify-content: space-between;">'
        f"<span>{html.escape(public_url)}</span>"
        f'<span>{say("page", lang)} <span class="pageNumber"></span> {say("of", lang)} '
        '<span class="totalPages"></span></span></div>'
    )


def header(course: str, title: str, edition: str = "learner", lang: str = "en") -> str:
    label = course + (
        say(" · instructor edition (with solutions)", lang) if edition == "instructor" else ""
    )
    return (
        f'<div style="{_STYLE} display: flex; justify-content: space-between;">'
        # the course and edition on one line; a long title wraps on the right, apart
        f'<span style="white-space: nowrap; margin-right: 2em;">{html.escape(label)}</span>'
        f'<span style="text-align: right;">{html.escape(title)}</span></div>'
    )


def print_page(
    browser,
    url: str,
    target: Path,
    course: str,
    public_url: str,
    edition: str = "learner",
    lang: str = "en",
) -> str:
    """Print one built page to ``target`` in one edition; returns the page title."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, not {edition!r}")
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        # Lazy images (loading="lazy") must be loaded before printing.
        page.evaluate("""async () => {
            for (const img of document.images) { img.loading = 'eager'; }
            await Promise.all([...document.images].map(img => img.complete ? null :
                new Promise(r => { img.onload = img.onerror = r; })));
            if (document.fonts) { await document.fonts.ready; }
        }""")
        page.evaluate(
            _INTERACTIVE_NOTE.replace(
                '"Interactive figure, printed here as its first frame. " +\n            "Move '
                'the slider, pan and zoom on the website: "',
                json.dumps(
                    say(
                        "Interactive figure, printed here as its first frame. Move the slider, "
                        "pan and "
                        "zoom on the website: ",
                        lang,
                    )
                ),
            ),
            public_url,
        )
        if edition == "instructor":
            page.evaluate(_INSTRUCTOR)
        title = (
            page.locator("main h1").first.inner_text().strip().rstrip("#").strip()
            if page.locator("main h1").count()
            else page.title()
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(target),
            format="A4",
            margin=MARGIN,
            print_background=True,
            display_header_footer=True,
            header_template=header(course, title, edition, lang),
            footer_template=footer(public_url, lang),
            prefer_css_page_size=False,
        )
        return title
    finally:
        page.close()


def cover(
    browser,
    target: Path,
    course: str,
    base: str,
    titles: list[tuple[str, str]],
    edition: str = "learner",
    lang: str = "en",
) -> None:
    items = "".join(
        f"<li>{html.escape(t)} <small>({html.escape(u)})</small></li>" for t, u in titles
    )
    what = say(
        "Instructor edition: exercise solutions and self-check answers are printed in place."
        if edition == "instructor"
        else "Learner edition: exercise solutions and self-check answers are in the instructor "
        "edition "
        "and on the website.",
        lang,
    )
    where_run = say(
        ", where every lesson can also be run (Binder, JupyterHub, Colab, JupyterLite).", lang
    )
    body = (
        f"<html lang='{lang}'><body style='font-family: sans-serif; margin: 30mm 20mm;'>"
        f"<h1 style='font-size: 28pt'>{html.escape(course)}</h1>"
        f"<p>{say('The whole course as a handout, printed from', lang)} <b>{html.escape(base)}</b>"
        f"{where_run}</p>"
        f"<p><b>{html.escape(what)}</b></p><h2>{say('Contents', lang)}</h2><ol>{items}</ol>"
        f"<p style='color:#555'>{say('Printed', lang)} "
        f"{time.strftime('%Y-%m-%d')}.</p></body></html>"
    )
    page = browser.new_page()
    try:
        page.set_content(body)
        page.pdf(path=str(target), format="A4", margin=MARGIN, print_background=True)
    finally:
        page.close()


def make_handouts(
    site: Path,
    toc_root: Path = ROOT,
    out: Path | None = None,
    config_root: Path = ROOT,
    lang: str = "en",
) -> list[Path]:
    """Print every page of ``toc_root/_toc.yml`` from ``site`` in both editions; returns the PDFs
    (learner pages, learner course PDF, instructor pages, instructor course PDF).  With
    ``lang``, the pages of the translated site ``site/<lang>/`` (into its ``_downloads/pdf``)."""
    prefix = "" if lang == "en" else f"{lang}/"
    out = out or site / prefix / PDF_DIR
    course, base = site_config(config_root)
    base += prefix
    pages = [doc for doc, _ in toc.pages(toc_root)]
    missing = [d for d in pages if not (site / f"{prefix}{d}.html").exists()]
    if missing:
        sys.exit(f"pages not built in {site}: {', '.join(missing)} (run `make book` first)")
    made = []
    with serve(site) as url, chromium() as browser:
        for edition in EDITIONS:
            pdfs, titles = [], []
            for doc in pages:
                start = time.perf_counter()
                target = out / f"{EDITION_DIR[edition]}{doc}.pdf"
                title = print_page(
                    browser,
                    f"{url}{prefix}{doc}.html",
                    target,
                    course,
                    f"{base}{doc}.html",
                    edition,
                    lang,
                )
                titles.append((title, f"{base}{doc}.html"))
                pdfs.append(target)
                print(
                    f"{edition:10s} "
                    f"{target.relative_to(site) if target.is_relative_to(site) else target}: "
                    f"{target.stat().st_size / 1e3:.0f} kB, {time.perf_counter() - start:.1f} s"
                )
            with tempfile.TemporaryDirectory() as tmp:
                front = Path(tmp) / "cover.pdf"
                cover(browser, front, course, base, titles, edition, lang)
                course_pdf = out / EDITION_COURSE[edition]
                subprocess.run(
                    ["pdfunite", str(front), *map(str, pdfs), str(course_pdf)], check=True
                )
            print(
                f"{course_pdf}: {course_pdf.stat().st_size / 1e6:.1f} MB, {len(pdfs)} course pages"
            )
            made += pdfs + [course_pdf]
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE_DIR, help="built website")
    parser.add_argument(
        "--toc", type=Path, default=ROOT / "_toc.yml", help="table of contents to print"
    )
    args = parser.parse_args(argv)
    if shutil.which("pdfunite") is None:
        sys.exit("pdfunite (Debian's poppler-utils) is missing: run `make pdf-tools`")
    make_handouts(args.site, toc_root=args.toc.resolve().parent)
    for lang in translated_sites(args.site):
        make_handouts(args.site, toc_root=args.toc.resolve().parent, lang=lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
