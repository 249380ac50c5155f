"""The machinery of a translated page, on a one-page Sphinx project (no site build).

* every text of a ``{quiz}`` (the hint too) is a message of the page's catalogue,
  extracted by the gettext build and shown translated on the French page;
* sphinx-exercise's French solution title reads "Solution de l'exercice 1 (...)";
* French typography: a narrow no-break space (U+202F) before ``; : ? !`` and inside
  ``« »`` in the text, never in code, URLs or attributes, and only on the French page;
* every page names its other-language versions (``hreflang``, itself and ``x-default``).
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import eonb_i18n  # noqa: E402 - on the path through tests/conftest.py
import pytest
from bs4 import BeautifulSoup

from eonb_book.i18n import NNBSP, french_typography

ROOT = Path(__file__).resolve().parents[1]

HINT = "It is an anomaly, not the sea-surface temperature itself."
PAGE = f"""# A page: one test

Plain text typed with plain spaces : a colon ; a semicolon ! and a question ?
The “quoted” word, the time 10:30 and http://example.org stay as they are.
Inline code stays: `x = d["a"] ; y ? z : w`.

```python
answer = "why ?"  # a comment : kept as typed
```

:::{{exercise}}
:label: ex-one
The exercise.
:::

:::{{solution}} ex-one
The solution.
:::

```{{quiz}}
- question: What was the index?
  answer: 1.6
  tolerance: 0.15
  units: °C
  hint: "{HINT}"
  why: The anomaly.
- question: Which one?
  options:
    - text: This one
      right: true
      why: Because.
    - text: That one
      why: Not that.
```
"""

PARA_EN = (
    "Plain text typed with plain spaces : a colon ; a semicolon ! and a question ? The “quoted” "
    "word, the time 10:30 and http://example.org stay as they are. Inline code stays: "
    '`x = d["a"] ; y ? z : w`.'
)
PARA_FR = (
    "Du texte tapé avec des blancs simples : deux-points ; point-virgule ! et question ? "
    "Le terme «cité», l'heure 10:30 et http://example.org restent tels quels. Le code demeure : "
    '`x = d["a"] ; y ? z : w`.'
)
FRENCH = {
    "A page: one test": "Une page : un essai",
    PARA_EN: PARA_FR,
    HINT: "C'est une anomalie, pas la température de surface de la mer elle-même !",
    "What was the index?": "Quelle était la valeur de l'indice ?",
    "The anomaly.": "L'anomalie.",
}


def _project(
    tmp: Path,
    language: str | None,
    builder: str = "html",
    translations: dict[str, str] | None = None,
    monkeypatch=None,
) -> Path:
    """One page built by Sphinx with the course's extensions; returns the output folder."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from sphinx.application import Sphinx

    src = tmp / "src"
    src.mkdir(parents=True)
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    conf = [
        "extensions = ['myst_parser', 'sphinx_exercise', 'eonb_i18n']",
        "myst_enable_extensions = ['colon_fence']",
        "html_baseurl = 'https://example.org/course/'",
        "html_theme = 'sphinx_book_theme'",
    ]
    if language:
        conf.append(f"language = {language!r}")
    (src / "conf.py").write_text("\n".join(conf) + "\n")
    # The catalogues of this project: the page's from `translations`, the course's _ui.po.
    locales = tmp / "locales" / "fr" / "LC_MESSAGES"
    locales.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "fr" / "LC_MESSAGES" / "_ui.po", locales / "_ui.po")
    catalog = Catalog(locale="fr")
    for english, french in (translations or {}).items():
        catalog.add(english, french)
    with (locales / "index.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(eonb_i18n, "ROOT", tmp)
    monkeypatch.setattr(eonb_i18n, "_CATALOGS", {})
    monkeypatch.setattr(eonb_i18n, "_UI", {})
    # Docutils and Sphinx keep registrations in globals: start clean, and leave them clean for
    # the other one-page builds of the run (tests/test_quiz.py), as Sphinx's own tests do.
    from sphinx.testing.util import _clean_up_global_state

    warnings = io.StringIO()
    out = tmp / "out"
    _clean_up_global_state()
    try:
        app = Sphinx(
            str(src),
            str(src),
            str(out),
            str(tmp / "doctrees"),
            builder,
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    finally:
        _clean_up_global_state()
    assert not warnings.getvalue(), warnings.getvalue()
    return out


@pytest.fixture
def french(tmp_path, monkeypatch) -> BeautifulSoup:
    out = _project(tmp_path / "fr", "fr", translations=FRENCH, monkeypatch=monkeypatch)
    return BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def english(tmp_path, monkeypatch) -> BeautifulSoup:
    out = _project(tmp_path / "en", None, monkeypatch=monkeypatch)
    return BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_text_of_a_quiz_hint_included_is_extracted(tmp_path, monkeypatch):
    from babel.messages.pofile import read_po

    out = _project(tmp_path, None, builder="gettext", monkeypatch=monkeypatch)
    with (out / "index.pot").open("rb") as handle:
        ids = {m.id for m in read_po(handle) if m.id}
    for text in (
        HINT,
        "What was the index?",
        "The anomaly.",
        "Which one?",
        "This one",
        "Because.",
        "That one",
        "Not that.",
    ):
        assert text in ids, f"{text!r} is not extracted for translation"


def test_the_french_quiz_shows_the_translated_hint_and_question(french):
    numeric = french.select_one('.eonb-q[data-kind="numeric"]')
    assert numeric["data-hint"] == (
        f"C'est une anomalie, pas la température de surface de la mer elle-même{NNBSP}!"
    )
    assert numeric.select_one("legend").get_text().endswith(f"l'indice{NNBSP}?")
    assert numeric.select_one("strong").get_text().startswith(f"Réponse{NNBSP}: 1,6")


def test_the_french_solution_title_reads_solution_de_l_exercice(french, english):
    title = french.select_one(".solution .admonition-title").get_text(" ", strip=True)
    assert re.sub(r"\s+", " ", title).startswith("Solution de l’exercice 1"), title
    english_title = english.select_one(".solution .admonition-title").get_text(" ", strip=True)
    assert re.sub(r"\s+", " ", english_title).startswith("Solution to Exercise 1"), english_title


def test_french_text_gets_narrow_no_break_spaces_and_code_does_not(french):
    text = french.select_one("main, div.body, body").get_text()
    heading = french.find("h1").get_text()
    assert heading.startswith(f"Une page{NNBSP}: un essai"), repr(heading)
    para = french.find("p", string=re.compile("Du texte")) or french.find(
        lambda t: t.name == "p" and "Du texte" in t.get_text()
    )
    words = para.get_text()
    for mark in ":;!?":
        assert f"{NNBSP}{mark}" in words, f"no narrow no-break space before {mark!r}: {words!r}"
    assert f"«{NNBSP}cité{NNBSP}»" in words, words
    assert "10:30" in words and "http://example.org" in words
    assert para.find("code").get_text() == 'x = d["a"] ; y ? z : w'
    code = french.select_one("div.highlight pre").get_text()
    assert code == 'answer = "why ?"  # a comment : kept as typed\n'
    assert NNBSP not in "".join(
        str(v)
        for tag in french.find_all(True)
        for v in tag.attrs.values()
        if tag.name != "div" or "data-hint" not in tag.attrs
    ), "an attribute got a typographic space"
    assert f"{NNBSP}{NNBSP}" not in text


def test_the_english_page_is_left_as_typed(english):
    para = english.find(lambda t: t.name == "p" and "Plain text" in t.get_text())
    assert "spaces : a colon ; a semicolon ! and a question ?" in " ".join(para.get_text().split())
    assert NNBSP not in str(english)
    assert english.select_one('.eonb-q[data-kind="numeric"]')["data-hint"] == HINT


def test_french_typography_rules():
    assert french_typography("Durée : 2 h ; voir ? oui !") == (
        f"Durée{NNBSP}: 2 h{NNBSP}; voir{NNBSP}? oui{NNBSP}!"
    )
    assert (
        french_typography("«terme» et « terme »")
        == f"«{NNBSP}terme{NNBSP}» et «{NNBSP}terme{NNBSP}»"
    )
    assert french_typography("Durée\u00a0: 10:30, https://a.b/c?d=1 ?!") == (
        f"Durée{NNBSP}: 10:30, https://a.b/c?d=1{NNBSP}?!"
    )
    once = french_typography("Quoi ? « oui »")
    assert french_typography(once) == once


def test_every_page_lists_its_languages_for_search_engines(french, english):
    def alternates(doc):
        return {link["hreflang"]: link["href"] for link in doc.select('link[rel="alternate"]')}

    assert english.html["lang"] == "en" and french.html["lang"] == "fr"
    # A translated site's html_baseurl ends with its language folder (translated_config).
    assert alternates(english) == {
        "en": "https://example.org/course/index.html",
        "fr": "https://example.org/course/fr/index.html",
        "x-default": "https://example.org/course/index.html",
    }
    assert eonb_i18n.alternate_links("book/setup", "fr", "https://example.org/course/fr/") == (
        '<link rel="alternate" hreflang="en" href="https://example.org/course/book/setup.html" />\n'
        '<link rel="alternate" hreflang="fr" '
        'href="https://example.org/course/fr/book/setup.html" />\n'
        '<link rel="alternate" hreflang="x-default" '
        'href="https://example.org/course/book/setup.html" />\n'
    )
    # With no public address, page-relative links that work from a folder.
    assert eonb_i18n.alternate_links("search", "fr") == (
        '<link rel="alternate" hreflang="en" href="../search.html" />\n'
        '<link rel="alternate" hreflang="fr" href="../fr/search.html" />\n'
        '<link rel="alternate" hreflang="x-default" href="../search.html" />\n'
    )


def test_the_themes_english_labels_are_read_in_the_page_language():
    """Screen readers read a French page's search box and menus in French."""
    words = eonb_i18n.read_catalog(ROOT / "locales" / "fr" / "LC_MESSAGES" / "_ui.po")
    html = (
        '<input placeholder="Search this book..." aria-label="Search this book..."/>'
        '<nav aria-label="Main"></nav><button aria-label="Launch interactive content">'
        "Main</button>"
    )
    assert eonb_i18n.translate_theme_labels(html, words) == (
        '<input placeholder="Rechercher dans ce cours…" aria-label="Rechercher dans ce cours…"/>'
        '<nav aria-label="Navigation principale"></nav>'
        '<button aria-label="Lancer le contenu interactif">Main</button>'
    )
