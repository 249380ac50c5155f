"""The translations follow the English pages: every string of every page is translated.

The English text is extracted afresh from the current sources (Sphinx's gettext
builder, as ``make translations`` does, into a temporary folder), so an English
edit that nobody carried into ``locales/`` fails here even before ``make
translations`` marks it fuzzy.  For each language and page the test prints the
translated percentage, and it fails listing every string that is

* **missing**: in the English page, absent from ``locales/<lang>/LC_MESSAGES/<page>.po``;
* **untranslated**: present with an empty ``msgstr``;
* **fuzzy**: its English changed since it was translated (``make translations``
  marks it so; the translator checks it and removes the ``#, fuzzy`` flag).

Pages listed in ``locales/<lang>/pending.txt`` (a translation in progress) are
reported but do not fail; a page listed there that is complete fails, so the
list never outlives the work.  What must not change in a translation is checked
too: inline code, link targets and substitutions; figure words drawn by
``eolab.i18n.t`` have an entry in its table.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
import eonb_i18n  # noqa: E402 - on the path through tests/conftest.py

LANGUAGES = [code for code in eonb_i18n.LANGUAGES if code != eonb_i18n.SOURCE_LANGUAGE]
LOCALES = ROOT / eonb_i18n.LOCALE_DIR


def read_po(path: Path):
    from babel.messages.pofile import read_po as babel_read

    with path.open("rb") as handle:
        return babel_read(handle)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, list[str]]:
    """{domain (page): [English msgid, ...]} extracted now from the current sources."""
    out = tmp_path_factory.mktemp("gettext")
    env = dict(os.environ)
    env.pop("EOLAB_LANG", None)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(ROOT),
            "--builder",
            "custom",
            "--custom-builder",
            "gettext",
            "--path-output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, (
        f"gettext build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    folder = out / "_build" / "gettext"
    assert (
        subprocess.run(
            [sys.executable, str(ROOT / "_ext" / "eonb_i18n.py"), "pot", str(folder)], cwd=ROOT
        ).returncode
        == 0
    )
    found = {}
    for pot in sorted(folder.rglob("*.pot")):
        domain = pot.relative_to(folder).with_suffix("").as_posix()
        found[domain] = [m.id for m in read_po(pot) if m.id]
    assert "book/intro" in found and "_ui" in found, sorted(found)
    return found


def status(templates: dict[str, list[str]], lang: str) -> dict[str, dict[str, list[str]]]:
    """{page: {"translated"|"fuzzy"|"untranslated"|"missing": [msgid, ...]}}."""
    report = {}
    for domain, ids in templates.items():
        po = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
        entries = {m.id: m for m in read_po(po) if m.id} if po.exists() else {}
        page = {"translated": [], "fuzzy": [], "untranslated": [], "missing": []}
        for msgid in ids:
            entry = entries.get(msgid)
            kind = (
                "missing"
                if entry is None
                else "fuzzy"
                if entry.fuzzy
                else "untranslated"
                if not entry.string
                else "translated"
            )
            page[kind].append(msgid)
        report[domain] = page
    return report


def pending(lang: str) -> set[str]:
    listing = LOCALES / lang / "pending.txt"
    if not listing.exists():
        return set()
    return {
        line.split("#")[0].strip()
        for line in listing.read_text(encoding="utf-8").splitlines()
        if line.split("#")[0].strip()
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_english_string_has_a_current_translation(templates, lang, capsys):
    report = status(templates, lang)
    in_progress = pending(lang)
    lines, problems = [], []
    for domain, page in sorted(report.items()):
        total = sum(len(v) for v in page.values())
        percent = 100.0 * len(page["translated"]) / total if total else 100.0
        mark = " (pending)" if domain in in_progress else ""
        lines.append(
            f"{lang} {percent:5.1f} %  {len(page['translated']):4d}/{total:<4d} {domain}{mark}"
        )
        if domain in in_progress:
            if percent == 100.0:
                problems.append(f"{domain}: complete, remove it from locales/{lang}/pending.txt")
            continue
        for kind in ("missing", "untranslated", "fuzzy"):
            for msgid in page[kind]:
                problems.append(f"{domain}: {kind}: {msgid[:100]!r}")
    unknown = in_progress - set(report)
    problems += [
        f"locales/{lang}/pending.txt names {d}, which is not a page" for d in sorted(unknown)
    ]
    with capsys.disabled():
        print("\nTranslated, per page:\n  " + "\n  ".join(lines))
    assert not problems, (
        f"{len(problems)} strings of the English pages have no current {lang} "
        "translation (run `make translations`, translate them in locales/, "
        "see CONTRIBUTING.md, Translations):\n  " + "\n  ".join(problems)
    )


_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_SUBST = re.compile(r"\{\{[^}]+\}\}")


def invariants(text: str) -> list[str]:
    """What a translation must keep as it is: inline code, link targets, substitutions."""
    return sorted(_CODE.findall(_ROLE.sub("", text)) + _LINK.findall(text) + _SUBST.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_code_links_and_substitutions(lang):
    problems = []
    for po in sorted((LOCALES / lang / "LC_MESSAGES").rglob("*.po")):
        for m in read_po(po):
            if not m.id or not m.string or m.fuzzy or not isinstance(m.id, str):
                continue
            want, got = invariants(m.id), invariants(m.string)
            lost = [x for x in want if x not in got]
            if lost:
                problems.append(f"{po.relative_to(LOCALES)}: {m.id[:60]!r} lost {lost}")
    assert not problems, "translations changed code or links:\n  " + "\n  ".join(problems)


def test_translations_in_the_same_catalogues_as_the_english_pages(templates):
    """No catalogue is left behind for a page that no longer exists."""
    for lang in LANGUAGES:
        folder = LOCALES / lang / "LC_MESSAGES"
        stray = [p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.po")]
        stray = [d for d in stray if d not in templates]
        assert not stray, f"catalogues with no English page: {stray} (delete them)"


_T_CALL = re.compile(r"\bt\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*\)")


def test_every_figure_word_has_a_translation():
    """Each literal ``t("...")`` in a page's code has an entry in eolab.i18n.LABELS."""
    import ast

    from eolab import i18n

    used = {}
    for page in sorted((ROOT / "book").rglob("*.md")):
        for literal in _T_CALL.findall(page.read_text(encoding="utf-8")):
            used.setdefault(ast.literal_eval(literal), page.relative_to(ROOT).as_posix())
    assert used, "no page uses eolab.i18n.t (book/first-map.md should)"
    for lang, table in i18n.LABELS.items():
        missing = [f"{text!r} ({where})" for text, where in used.items() if text not in table]
        assert not missing, f"eolab.i18n.LABELS[{lang!r}] lacks: " + ", ".join(missing)


def test_figure_words_follow_the_language(monkeypatch):
    from eolab import i18n

    monkeypatch.setenv("EOLAB_LANG", "fr")
    assert i18n.t("Sea-surface temperature (°C)") == "Température de surface de la mer (°C)"
    monkeypatch.delenv("EOLAB_LANG")
    assert i18n.t("Sea-surface temperature (°C)") == "Sea-surface temperature (°C)"
    monkeypatch.setenv("EOLAB_LANG", "xx")
    with pytest.raises(ValueError, match="EOLAB_LANG='xx' is not a language of the course"):
        i18n.t("anything")


def test_words_eolab_draws_itself_follow_the_language(monkeypatch):
    """Names eolab puts on a page (the route comparison's questions and routes,
    month names on map titles) have a translation in every language."""
    import ast

    from eolab import i18n
    from eolab.pixel_access import compare

    routes = ["file download"] + [
        f"pixel access, {layout}-optimised chunks" for layout in ("time", "space")
    ]
    drawn = [*compare.QUESTIONS.values(), *routes]
    for module in sorted((ROOT / "src" / "eolab").rglob("*.py")):  # literal t("...") in eolab
        drawn += [
            call.args[0].value
            for call in ast.walk(ast.parse(module.read_text("utf-8")))
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "t"
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ]
    assert "month" in drawn, "eolab.interactive's slider title should go through t()"
    for lang, table in i18n.LABELS.items():
        missing = [w for w in drawn if w not in table]
        assert not missing, f"eolab.i18n.LABELS[{lang!r}] lacks {missing}"
    monkeypatch.setenv("EOLAB_LANG", "fr")
    assert i18n.month_label("2018-04-30") == "avr. 2018"
    assert i18n.month_label(np.datetime64("2018-08-01"), full=True) == "août 2018"
    assert i18n.t("file download") == "téléchargement de fichiers"
    monkeypatch.delenv("EOLAB_LANG")
    assert i18n.month_label("2018-04-30") == "Apr 2018"
    with pytest.raises(ValueError, match="needs a date"):
        i18n.month_label("spring")


def test_french_maps_write_ouest_and_a_decimal_comma(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from eolab import maps

    def labels():
        ax = maps.map_axes(extent=(-10, 10, 40, 55))
        ax.figure.canvas.draw()
        gl = next(a for a in ax.artists if hasattr(a, "label_artists"))  # the Gridliner
        texts = {a.get_text() for a in gl.label_artists if a.get_visible()}
        plt.close(ax.figure)
        return texts

    monkeypatch.setenv("EOLAB_LANG", "fr")
    french = labels()
    assert "7,5°O" in french and "5°E" in french and not any("W" in t for t in french), french
    monkeypatch.delenv("EOLAB_LANG")
    english = labels()
    assert "7.5°W" in english, english


_ASCII_ELISION = re.compile(r"\b\w'(?=\{[\w:-]+\}`|`)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_elision_before_markup_uses_the_typographic_apostrophe(lang):
    """``l'{term}`...``` renders as l‘ (Sphinx's smart quotes take the ' for an
    opening quote when a role follows); the translation must type l’."""
    problems = []
    for po in sorted((LOCALES / lang / "LC_MESSAGES").rglob("*.po")):
        for m in read_po(po):
            if isinstance(m.string, str) and _ASCII_ELISION.search(m.string):
                hit = _ASCII_ELISION.search(m.string)
                where = m.string[max(0, hit.start() - 20) : hit.end() + 20]
                problems.append(f"{po.relative_to(LOCALES)}: ...{where}...")
    assert not problems, "type ’ (U+2019), not ', before a role or code:\n  " + "\n  ".join(
        problems
    )


def test_code_comments_are_translated_and_the_code_is_not():
    code = 'x = "# not a comment"  # the mean\n%time y = 2  # magic\n# a loop\n'
    table = {"the mean": "la moyenne", "a loop": "une boucle", "magic": "magie"}
    assert eonb_i18n.translate_comments(code, table.get) == (
        'x = "# not a comment"  # la moyenne\n%time y = 2  # magic\n# une boucle\n'
    )


def test_language_switcher_links_are_page_relative():
    assert eonb_i18n.other_language_url("book/setup", "en", "fr") == "../fr/book/setup.html"
    assert eonb_i18n.other_language_url("book/setup", "fr", "en") == "../../book/setup.html"
    assert eonb_i18n.other_language_url("search", "en", "fr") == "fr/search.html"


# --------------------------------------------------------------------------- the built sites


def _built(lang: str) -> Path:
    from conftest import SITE

    site = SITE / eonb_i18n.site_prefix(lang)
    if not (site / "index.html").exists():
        pytest.fail(f"{site} is not built: run `make book`")
    return site


def _pages(site: Path) -> list[Path]:
    from conftest import html_pages

    return [
        p
        for p in html_pages(site)
        if "http-equiv" not in p.read_text(encoding="utf-8")[:2000].lower()
    ]


@pytest.mark.build
@pytest.mark.parametrize("lang", list(eonb_i18n.LANGUAGES))
def test_every_page_links_the_same_page_in_the_other_language(lang):
    """The switcher: a link per other language, to a page that exists, marked for screen readers."""
    from bs4 import BeautifulSoup

    site = _built(lang)
    others = set(eonb_i18n.LANGUAGES) - {lang}
    problems = []
    pages = [
        p
        for p in _pages(site)
        if lang != eonb_i18n.SOURCE_LANGUAGE or p.relative_to(site).parts[0] not in others
    ]
    assert pages
    for page in pages:
        rel = page.relative_to(site).as_posix()
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if doc.html.get("lang") != lang:
            problems.append(f"{lang}/{rel}: <html lang={doc.html.get('lang')!r}>")
        links = doc.select("nav.eonb-language a[hreflang]")
        if {a["hreflang"] for a in links} != others:
            problems.append(f"{lang}/{rel}: switcher links {[a.get('hreflang') for a in links]}")
        for a in links:
            target = (page.parent / a["href"]).resolve()
            if a.get("lang") != a["hreflang"] or not a.get_text(strip=True):
                problems.append(f"{lang}/{rel}: link to {a['hreflang']} lacks lang= or a name")
            if "://" in a["href"] or a["href"].startswith("/") or not target.exists():
                problems.append(
                    f"{lang}/{rel}: switcher link {a['href']} is not a page-relative link "
                    "to a built page"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.build
def test_french_pages_are_in_french():
    """Headings, navigation and interface of the French site read French; the code does not
    change."""
    from bs4 import BeautifulSoup

    fr, en = _built("fr"), _built("en")
    page = BeautifulSoup(
        (fr / "book" / "first-map.html").read_text(encoding="utf-8"), "html.parser"
    )
    english = BeautifulSoup(
        (en / "book" / "first-map.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.select_one("main h1").get_text(" ", strip=True).startswith("Votre première carte")
    nav = page.select_one("nav.bd-docs-nav").get_text(" ", strip=True)
    assert "Votre première carte" in nav and "Glossaire" in nav, nav
    assert (
        "Cette page en français" not in page.text
        and "English" in page.select_one("nav.eonb-language").text
    )
    # Same code, comments translated.
    code_fr = [c.get_text() for c in page.select("div.cell_input pre")]
    code_en = [c.get_text() for c in english.select("div.cell_input pre")]
    assert len(code_fr) == len(code_en)
    assert any("libellés des figures dans la langue de la page" in c for c in code_fr)
    strip = [re.sub(r"#.*", "", c) for c in code_fr], [re.sub(r"#.*", "", c) for c in code_en]
    assert strip[0] == strip[1]
    # The figure is the French execution: its alt text is French.
    alts = [img.get("alt", "") for img in page.select("main img")]
    assert any(a.startswith("Carte de la température de surface de la mer") for a in alts), alts


@pytest.mark.build
def test_no_english_interface_words_on_french_pages():
    """Every interface string of _ui.po (navigation captions and titles, tooltips, the
    themes' buttons and logo texts, the footer, labels the extensions write) that has a
    French translation appears in English on no French page, in text or in an attribute
    a screen reader reads."""
    from bs4 import BeautifulSoup

    words = eonb_i18n.read_catalog(LOCALES / "fr" / "LC_MESSAGES" / "_ui.po")
    english = [e for e, f in words.items() if e != f and len(re.findall(r"[A-Za-z]{3,}", e)) >= 2]
    assert len(english) > 30, english
    fr = _built("fr")
    found = []
    for page in sorted(fr.rglob("*.html")):
        if {"lite", "_static"} & set(page.relative_to(fr).parts):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for code in soup.select(".cell_output, div.highlight, pre"):  # code and its outputs
            code.decompose()
        seen = {" ".join(t.split()) for t in soup.find_all(string=True)}
        seen |= {
            " ".join(v.split())
            for tag in soup.find_all(True)
            for a in ("title", "alt", "aria-label", "placeholder")
            if isinstance(v := tag.get(a), str)
        }
        found += [f"{page.relative_to(fr)}: {text!r}" for text in english if text in seen]
    assert not found, "English interface words on French pages:\n  " + "\n  ".join(found[:40])


@pytest.mark.build
def test_french_launch_buttons_open_french_notebooks():
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        (_built("fr") / "book" / "first-map.html").read_text(encoding="utf-8"), "html.parser"
    )
    urls = [a.get("href", "") for a in page.select("a")]
    launch = [u for u in urls if "binder" in u or "colab" in u or "git-pull" in u]
    assert launch and all(
        "notebooks/fr/first-map.ipynb" in u or "notebooks%2Ffr%2Ffirst-map.ipynb" in u
        for u in launch
    ), launch


def test_french_notebooks_have_french_text_and_the_same_code():
    from eonb_book import notebooks

    en = notebooks.lesson_notebook(ROOT / "book" / "first-map.md")
    fr = notebooks.lesson_notebook(ROOT / "book" / "first-map.md", lang="fr")
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in fr.cells]
    assert fr.cells[1].source.startswith("# Votre première carte")
    for a, b in zip(en.cells[1:], fr.cells[1:], strict=True):
        if a.cell_type == "code":
            assert re.sub(r"#.*", "", a.source) == re.sub(r"#.*", "", b.source)
    assert 'os.environ.setdefault("EOLAB_LANG", "fr")' in fr.cells[0].source


def _translated(lang: str, docname: str) -> dict[str, str]:
    """{English: translation} of a page's strings that read differently once translated
    (four words or more: a phrase, not a name), whitespace collapsed."""
    from eonb_book import notebooks

    words = notebooks.catalogue(ROOT, lang, docname)
    return {e: f for e, f in words.items() if e != f and len(re.findall(r"[A-Za-z]{2,}", e)) >= 4}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_notebooks_keep_no_english_passage(lang):
    """The launch notebooks of a language carry no English passage that its catalogue
    translates: not inside exercises or solutions, not after a directive, not in a comment
    of a fenced block (the notebook is made from the MyST source, not from the site)."""
    from eonb_book import notebooks, toc

    left = []
    for doc, src in toc.notebook_pages(ROOT):
        nb = notebooks.lesson_notebook(src, ROOT, lang)
        text = " ".join(" ".join(cell.source.split()) for cell in nb.cells)
        left += [f"{doc}: {e[:90]!r}" for e in _translated(lang, doc) if e in text]
    assert not left, f"English passages in the {lang} notebooks:\n  " + "\n  ".join(left)


@pytest.mark.build
@pytest.mark.parametrize("lang", LANGUAGES)
def test_comments_of_every_displayed_code_block_are_translated(lang):
    """Code cells and the fenced blocks of a page (code for the real archive, shell
    commands): on a translated page, no comment is left in English."""
    from bs4 import BeautifulSoup

    site, left = _built(lang), []
    for page in sorted((site / "book").glob("*.html")):
        doc = f"book/{page.stem}"
        words = eonb_i18n.read_catalog(LOCALES / lang / "LC_MESSAGES" / f"{doc}.po")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for pre in soup.select("div.highlight pre"):
            if pre.find_parent(class_="cell_output"):
                continue
            for _, _, text in eonb_i18n.code_comments(pre.get_text()):
                if words.get(text, text) != text:
                    left.append(f"{doc}: # {text}")
    assert not left, f"English comments on the {lang} pages:\n  " + "\n  ".join(left)


def test_notebook_markdown_is_translated_around_directives_fences_and_quizzes():
    from eonb_book.notebooks import translate_markdown

    source = "\n".join(
        [
            "```{exercise} A title",
            ":label: ex1",
            "First line of the task",
            "(in brackets) and its end.",
            "```",
            "",
            "```{solution-start} ex1",
            ":class: dropdown",
            "```",
            "",
            "The answer.",
            "",
            "```python",
            "x = 1  # a  comment",
            "```",
            "",
            "```{quiz}",
            "- question: >-",
            "    Which one?",
            "  options:",
            '    - text: "This one."',
            "      right: true",
            "      why: Because.",
            "```",
        ]
    )
    words = {
        "A title": "Un titre",
        "First line of the task (in brackets) and its end.": "La tâche (entre parenthèses).",
        "The answer.": "La réponse.",
        "a comment": "un commentaire",
        "Which one?": "Lequel ?",
        "This one.": "Celui-ci.",
        "Because.": "Parce que.",
    }
    out = translate_markdown(source, words)
    for french in ("Un titre", "La tâche (entre parenthèses).", "La réponse.", "# un commentaire"):
        assert french in out, out
    quiz = yaml.safe_load(out.split("```{quiz}\n")[1].split("\n```")[0])
    assert quiz == [
        {
            "question": "Lequel ?",
            "options": [{"text": "Celui-ci.", "right": True, "why": "Parce que."}],
        }
    ]
    assert ":label: ex1" in out and ":class: dropdown" in out and "x = 1  #" in out
