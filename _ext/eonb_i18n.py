"""Sphinx extension: the course in several languages (English source, French at ``/fr/``).

The pages are translated with Sphinx's own gettext machinery: ``make
translations`` extracts every English string into ``_build/gettext/*.pot``
and ``sphinx-intl`` updates one catalogue per page,
``locales/<lang>/LC_MESSAGES/<docname>.po``.  ``make book`` then builds the
English site into ``_build/html`` and each translation into
``_build/<lang>/_build/html``, copied to ``_build/html/<lang>/``.  The
translated build is the same Jupyter Book build with ``EONB_LANG=<lang>``,
which this extension turns into ``language``, ``locale_dirs`` and the
per-language settings below.  What it adds on top of Sphinx:

* **Code cells stay identical**; the French build reuses the English
  execution cache (same code, same outputs), except on pages whose code draws
  words with :func:`eolab.i18n.t`: those are executed once more with
  ``EOLAB_LANG=<lang>`` (their notebook is keyed apart in the cache, see
  :func:`language_dependent`), so their figures carry French labels.
* **Comments in code cells** are translated: the gettext build adds each
  comment of a code cell to the page's catalogue, and the translated build
  swaps the comment text in the displayed code (the code itself is untouched).
* **The language switcher** (``templates/eonb-language.html``, in the page
  header) links each page to the same page in the other languages, with
  ``hreflang`` and ``lang`` for screen readers, plus ``<link rel="alternate">``
  in the head for every language and ``x-default`` (absolute, from ``html_baseurl``).
  The switcher's links are page-relative, so they work from a folder or a USB stick.
* **Launch buttons** of a translated page open ``notebooks/<lang>/<lesson>.ipynb``
  (``tools/notebooks.py``); JupyterLite practice links go to the one
  JupyterLite app of the English site (its notebooks are code).
* **Typography** of the language (French: a narrow no-break space before ``; : ? !``
  and inside ``« »``, see :func:`eonb_book.i18n.french_typography`) on every text
  outside code (:class:`_Typography`), so translators type plain spaces; sphinx-exercise's
  solution titles follow ``_ui.po``'s "Solution to Exercise" (:func:`_solution_titles`).
* Navigation titles from ``_toc.yml`` and the few strings the other
  extensions and the themes write (quiz buttons, download tooltips, the practice box,
  the themes' English ``aria-label`` values) are in
  ``locales/<lang>/LC_MESSAGES/_ui.po`` (see :data:`UI_STRINGS`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from eonb_book.i18n import (  # noqa: F401 - re-exported for the build and the tests
    _DISPLAY_NAME,
    _SKIP_COMMENT,
    _USES_LABELS,
    COMMENTED_LANGUAGES,
    LANGUAGE_ENV,
    LANGUAGES,
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    UI_DOMAIN,
    code_comments,
    current_language,
    language_dependent,
    other_language_url,
    site_prefix,
    translate_comments,
    typography,
)
from eonb_book.settings import ROOT

LOGGER = logging.getLogger(__name__)


def _code_blocks(doctree):
    """The code of a page whose comments are translated: every code cell's input and every
    fenced Python or shell block; never an output (what the code printed stays as is)."""
    for block in doctree.findall(nodes.literal_block):
        parent = block.parent
        if isinstance(parent, nodes.container) and "cell_input" in parent.get("classes", []):
            yield block
        elif block.get("language") in COMMENTED_LANGUAGES and not any(
            isinstance(up, nodes.container) and "cell_output" in up.get("classes", [])
            for up in _ancestors(block)
        ):
            yield block


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _cell_option(cell, group: str, key: str) -> str:
    """A code cell's ``mystnb: <group>: <key>:`` (e.g. image alt, figure caption), one line."""
    meta = cell.get("cell_metadata") or {}
    options = (meta.get("mystnb") or {}).get(group) or {}
    return " ".join(str(options.get(key) or "").split())


def _no_execution_for_gettext(app: Sphinx) -> None:
    """Extracting the strings needs no outputs: the gettext build executes nothing
    (the alt text and captions of output figures are read from the cells' metadata)."""
    if app.builder.name == "gettext":
        app.config.nb_execution_mode = "off"


def _comments_to_catalog(app: Sphinx, doctree) -> None:
    """gettext build: each code comment, and the alt text of each code cell's figures
    (given in the cell's metadata, put on the images after translation), becomes a
    message of the page's catalogue."""
    if app.builder.name != "gettext":
        return
    source = str(app.env.doc2path(app.env.docname))
    holder = nodes.container(classes=["eonb-code-messages"])

    def add(text, line):
        para = nodes.paragraph(text, text)
        para.source, para.line = source, line
        holder.append(para)

    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        for group, key in (("figure", "caption"), ("image", "alt")):
            if _cell_option(cell, group, key):
                add(_cell_option(cell, group, key), cell.line or 1)
    for block in _code_blocks(doctree):
        for line, _, text in code_comments(block.astext()):
            add(text, (block.line or 1) + line)
    for text, line in app.env.temp_data.pop(_PENDING, []):
        add(text, line)
    # Exercise titles (given their place by _ExerciseTitles): sphinx-exercise rebuilds the
    # title after reading, so the extraction would not see them.
    try:
        from sphinx_exercise.nodes import exercise_subtitle, solution_subtitle
    except ImportError:
        exercise_subtitle = solution_subtitle = ()
    for node in doctree.findall(lambda n: isinstance(n, (exercise_subtitle, solution_subtitle))):
        if node.rawsource.strip():
            add(" ".join(node.rawsource.split()), node.line or 1)
    if holder.children:
        doctree.append(holder)


def _translate_code(app: Sphinx, doctree, docname: str) -> None:
    """Translated build: comments in displayed code, and the alt text of figures."""
    if not app.config.language or app.config.language == SOURCE_LANGUAGE:
        return
    catalog = _catalog(app, docname)
    if catalog is None:
        return
    for block in _code_blocks(doctree):
        code = block.astext()
        new = translate_comments(code, catalog.gettext)
        if new != code:
            block.children = [nodes.Text(new)]
            block.rawsource = new
    for image in doctree.findall(nodes.image):
        alt = " ".join(str(image.get("alt") or "").split())
        if alt:
            image["alt"] = catalog.gettext(alt)


_CATALOGS: dict = {}


def _catalog(app: Sphinx, domain: str):
    """The compiled catalogue of ``domain`` for this build's language (None if there is none)."""
    import gettext

    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(domain, app.config.gettext_compact)
    key = (app.config.language, domain)
    if key not in _CATALOGS:
        found = None
        for folder in app.config.locale_dirs:
            try:
                found = gettext.translation(
                    domain, str(Path(app.srcdir) / folder), [app.config.language]
                )
                break
            except OSError:
                continue
        _CATALOGS[key] = found
    return _CATALOGS[key]


_UI: dict = {}


def ui_catalog(app: Sphinx) -> dict[str, str]:
    """``_ui.po`` of this build's language as {English: translation} (translated, not fuzzy)."""
    code = app.config.language or SOURCE_LANGUAGE
    if code not in _UI:
        words = read_catalog(ROOT / LOCALE_DIR / code / "LC_MESSAGES" / f"{UI_DOMAIN}.po")
        typo = typography(code)
        _UI[code] = {english: typography_html(text, typo) for english, text in words.items()}
    return _UI[code]


_TAG = re.compile(r"(<[^>]*>)")


def typography_html(text: str, typo) -> str:
    """``typo`` applied to the text of an HTML fragment, not to its tags and attributes."""
    return "".join(part if part.startswith("<") else typo(part) for part in _TAG.split(text))


def read_catalog(po: Path) -> dict[str, str]:
    """{msgid: msgstr} of the translated, non-fuzzy entries of one .po file ({} if absent)."""
    if not po.exists():
        return {}
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def ui(app: Sphinx, text: str) -> str:
    """One interface string (``_ui.po``) in this build's language."""
    if (app.config.language or SOURCE_LANGUAGE) == SOURCE_LANGUAGE:
        return text
    return ui_catalog(app).get(text, text)


# --------------------------------------------------------------------------- configuration


def _configure(app: Sphinx, config) -> None:
    code = config.language or SOURCE_LANGUAGE
    # Absolute, so a one-page build (srcdir book/) finds the catalogues too.
    config.locale_dirs = [str(ROOT / LOCALE_DIR)]
    config.gettext_compact = False
    config.gettext_uuid = False
    config.gettext_location = True
    # Alt text of images and figures is translatable too.
    config.gettext_additional_targets = ["image"]
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)
    templates = str(Path(__file__).parent / "templates")
    if templates not in config.templates_path:
        config.templates_path.append(templates)
    options = config.html_theme_options
    end = options.get("article_header_end") or ["article-header-buttons.html"]
    if "eonb-language.html" not in end:
        options["article_header_end"] = ["eonb-language.html", *end]
    if code != SOURCE_LANGUAGE:
        config.eonb_notebooks_dir = f"notebooks/{code}"


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Translated build: a page whose figures change with the language gets its own
    execution-cache entry (the kernel's display name, part of the cache key, names
    the language; the kernel itself is the same)."""
    language = app.config.language or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE or not language_dependent(source[0]):
        return
    head, sep, body = source[0].partition("\n---\n")
    if sep and head.startswith("---") and "kernelspec" in head:
        head = _DISPLAY_NAME.sub(
            lambda m: f"{m.group(1)}{m.group(2).strip()} ({language})", head, 1
        )
        source[0] = head + sep + body


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    here = app.config.language or SOURCE_LANGUAGE
    links = []
    for code, (name, title) in LANGUAGES.items():
        if code != here:
            url = other_language_url(pagename, here, code)
            links.append({"code": code, "name": name, "title": title, "url": url})
    context["eonb_languages"] = links
    context["metatags"] = context.get("metatags", "") + alternate_links(
        pagename, here, app.config.html_baseurl
    )
    context["eonb_language_label"] = ui(app, "Language")
    if here == SOURCE_LANGUAGE:
        return
    elsewhere = ui(app, SOLUTION_ELSEWHERE)
    if elsewhere != SOLUTION_ELSEWHERE:
        import json  # a JSON string is a CSS string; "<" escaped for the <style>

        css = json.dumps(elsewhere, ensure_ascii=False).replace("<", "\\3c ")
        context["metatags"] += f"<style>:root {{ --eonb-solution-elsewhere: {css}; }}</style>\n"
    # One JupyterLite app serves every language: it sits in the English site.
    pathto = context["pathto"]

    def pathto_lite_shared(otheruri, resource=False, *args):
        url = pathto(otheruri, resource, *args)
        if resource and str(otheruri).startswith("lite/"):
            return "../" + url
        return url

    context["pathto"] = pathto_lite_shared


def alternate_links(pagename: str, here: str, baseurl: str = "") -> str:
    """``<link rel="alternate" hreflang>`` of a page: every language (the page itself
    included) and ``x-default`` (the English source), as search engines ask.  Absolute
    when the site has a public address (``html_baseurl``; search engines want full
    URLs), page-relative otherwise.  A ``<link>`` is never fetched by a browser."""
    root = (baseurl or "").rstrip("/") + "/" if baseurl else ""
    if root and here != SOURCE_LANGUAGE and root.endswith("/" + site_prefix(here)):
        root = root[: -len(site_prefix(here))]
    tags = []
    for code in [*LANGUAGES, "x-default"]:
        target = SOURCE_LANGUAGE if code == "x-default" else code
        url = (
            root + site_prefix(target) + pagename + ".html"
            if root
            else other_language_url(pagename, here, target)
        )
        tags.append(f'<link rel="alternate" hreflang="{code}" href="{url}" />\n')
    return "".join(tags)


def _page_context_late(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Translated build: the strings other extensions put in the page header."""
    if (app.config.language or SOURCE_LANGUAGE) == SOURCE_LANGUAGE:
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            for key in ("text", "tooltip"):
                if isinstance(button.get(key), str):
                    button[key] = ui(app, button[key])
    footer = context.get("theme_extra_footer")
    if isinstance(footer, str):
        context["theme_extra_footer"] = _translate_html(app, footer)
    if "body" in context:
        context["body"] = translate_body(
            context["body"], ui_catalog(app), typography(app.config.language)
        )


QUIZ_JS_STRINGS = (
    "Choose an option first.",
    "Right (",
    "Not quite (",
    " Try another option, or open the answer below.",
    "Type a number",
    " (in ",
    "Right. ",
    "Not quite. ",
    "Not quite: ",
    " is not within the tolerance of the answer. ",
    "Hint: ",
    "Try again, or open the answer below.",
)


# The themes' English attribute values (aria-label, placeholder, title, alt).
THEME_LABELS = (
    "Search this book...",
    "Launch interactive content",
    "Source repositories",
    "Main",
    "Page",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Launch on Binder",
    "Launch on Colab",
    "Launch on JupyterHub",
    "Binder logo",
    "Colab logo",
    "JupyterHub logo",
    "JupyterLite logo",
    "EO Notebooks - Home",
)
# Visible theme texts it leaves in English: the text of a button (<span>).
THEME_TEXTS = ("Open issue",)

# eonb_build's label above a real-archive cell (NOT_RUN_LABEL there holds this text).
NOT_RUN_TEXT = (
    "Real archive: not run when this page was built (run it in a launched session with internet)"
)

# book/_static/print.css: printed after a solution's title in the learner's handout
# (a CSS string, so translated pages set it as --eonb-solution-elsewhere: _page_context).
SOLUTION_ELSEWHERE = " — in the instructor edition and on the website"

# Interface strings that are in no page: (English, where it is written).
UI_STRINGS = [
    ("Language", "_ext/templates/eonb-language.html"),
    # _ext/eonb_delivery.py: the download and launch buttons, the practice box
    *[
        (text, "_ext/eonb_delivery.py")
        for text in (
            "Course PDF",
            "Course PDF (instructor)",
            ".pdf (instructor)",
            "PDF handout of this page",
            "PDF handout of this page, instructor edition with solutions",
            "The whole course as one PDF",
            "The whole course as one PDF, instructor edition with solutions",
            "Practise in your browser (JupyterLite)",
            "Practice in your browser",
            "The practice cells of this lesson run in your browser with JupyterLite (Python on "
            "Pyodide), with nothing to install:",
            "The first run downloads Pyodide (about 30 MB) from",
        )
    ],
    # _ext/eonb_quiz.py: the quiz as written into the page
    *[
        (text, "_ext/eonb_quiz.py")
        for text in (
            "Self-check quiz",
            "Question",
            "Answer and why",
            "Your answer",
            "in",
            "Answer",
            "Check",
            "right",
            "wrong",
        )
    ],
    # sphinx-exercise's solution title, "Solution to" + "Exercise 3 (...)": the whole
    # phrase, for languages whose grammar needs more than those two words (_SolutionTitles)
    ("Solution to Exercise", "_ext/eonb_i18n.py"),
    # The themes' labels and button texts that they leave in English
    *[(text, "sphinx-book-theme / pydata-sphinx-theme") for text in (*THEME_LABELS, *THEME_TEXTS)],
    # _ext/eonb_build.py: the label above a real-archive cell that the build does not run
    (NOT_RUN_TEXT, "_ext/eonb_build.py"),
    (SOLUTION_ELSEWHERE, "book/_static/print.css"),
    # book/_static/quiz.js: the feedback after "Check"
    *[(text, "book/_static/quiz.js") for text in QUIZ_JS_STRINGS],
]


def translate_theme_labels(html: str, words: dict[str, str]) -> str:
    """The themes' English ``aria-label`` and ``placeholder`` values (:data:`THEME_LABELS`)
    in the page's language, so a screen reader reads them in the voice of the page."""
    from html import escape

    for text in THEME_LABELS:
        if words.get(text, text) != text:
            for attr in ("aria-label", "placeholder", "title", "alt"):
                html = html.replace(f'{attr}="{text}"', f'{attr}="{escape(words[text])}"')
    for text in THEME_TEXTS:
        if words.get(text, text) != text:
            html = html.replace(
                f'<span class="btn__text-container">{text}</span>',
                f'<span class="btn__text-container">{escape(words[text], quote=False)}</span>',
            )
    return html


def translate_body(body: str, words: dict[str, str], typo=None) -> str:
    """A page body's fixed interface words (quiz, practice box) in another language
    (``typo``: the language's spacing rules, see :func:`eonb_book.i18n.typography`).

    Only the elements the extensions write are touched, never the lesson text."""
    import json
    from html import escape

    colon = (typo or (lambda text: text))(" : ")

    def w(text):
        return escape(words.get(text, text), quote=False)

    if "eonb-quiz" in body:
        body = body.replace('aria-label="Self-check quiz"', f'aria-label="{w("Self-check quiz")}"')
        body = re.sub(
            r'(<span class="eonb-q-number">)Question (\d+)\. ',
            lambda m: f"{m.group(1)}{w('Question')} {m.group(2)}. ",
            body,
        )
        body = body.replace(
            "<summary>Answer and why</summary>", f"<summary>{w('Answer and why')}</summary>"
        )
        body = re.sub(
            r"<label([^>]*)>Your answer(?: \(in ([^)<]*)\))?",
            lambda m: (
                f"<label{m.group(1)}>{w('Your answer')}"
                + (f" ({w('in')} {m.group(2)})" if m.group(2) else "")
            ),
            body,
        )
        body = re.sub(r"<strong>Answer: ", lambda m: f"<strong>{w('Answer')}{colon}", body)
        body = re.sub(
            r"<strong>([A-Z]): (right|wrong)\.</strong>",
            lambda m: f"<strong>{m.group(1)}{colon}{w(m.group(2))}.</strong>",
            body,
        )
        body = re.sub(
            r'(<button[^>]*class="eonb-q-check"[^>]*>)Check</button>',
            lambda m: f"{m.group(1)}{w('Check')}</button>",
            body,
        )
        table = {k: words[k] for k in QUIZ_JS_STRINGS if k in words}
        body += (
            f"\n<script>window.eonbQuizText = {json.dumps(table, ensure_ascii=False)};</script>\n"
        )
    if "eonb-practice" in body:
        for text in (
            "Practice in your browser",
            "The practice cells of this lesson run in your browser with JupyterLite (Python on "
            "Pyodide), with nothing to install:",
            "The first run downloads Pyodide (about 30 MB) from",
        ):
            pattern = r"\s+".join(re.escape(word) for word in text.split())
            body = re.sub(pattern, lambda m, text=text: w(text), body)
    if "eonb-not-run" in body:  # eonb_build's label above a real-archive cell
        text = NOT_RUN_TEXT
        body = body.replace(f">{escape(text, quote=False)}</p>", f">{w(text)}</p>")
    return body


def _translate_html(app: Sphinx, text: str) -> str:
    key = " ".join(text.split())
    return ui_catalog(app).get(key, text)


def _translate_navigation(app: Sphinx, exception) -> None:
    """Translated build: the short titles of the navigation (``_toc.yml`` ``title:``)
    and its part captions, written by eonb_build after the pages, come from ``_ui.po``."""
    if exception is not None or app.builder.format != "html":
        return
    if (app.config.language or SOURCE_LANGUAGE) == SOURCE_LANGUAGE:
        return
    import yaml

    catalog = ui_catalog(app)
    titles = set()

    def walk(entries):
        for e in entries or []:
            if e.get("title"):
                titles.add(e["title"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    captions = set()
    toc_file = Path(app.srcdir) / "_toc.yml"
    if toc_file.exists():  # a one-page build has no navigation
        toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
        for part in toc.get("parts", []):
            if part.get("caption"):
                captions.add(part["caption"])
            walk(part.get("chapters"))
    typo = typography(app.config.language)
    from html import escape

    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).parts
        if "lite" in rel or "_static" in rel:
            continue
        html = page.read_text(encoding="utf-8")
        # The template's <title> (|striptags) turns the typography's spaces back into plain ones.
        new = re.sub(
            r"<title>([^<]*)</title>", lambda m: f"<title>{typo(m.group(1))}</title>", html, count=1
        )
        new = translate_theme_labels(new, catalog)
        for title in titles:
            fr = catalog.get(title, title)
            if fr != title:
                new = new.replace(f">{escape(title)}</a>", f">{escape(fr)}</a>")
                new = new.replace(f'title="{escape(title)}"', f'title="{escape(fr)}"')
        for caption in captions:  # the sidebar's part headings
            fr = catalog.get(caption, caption)
            if fr != caption:
                new = new.replace(
                    f'<span class="caption-text">{escape(caption)}</span>',
                    f'<span class="caption-text">{escape(typo(fr))}</span>',
                )
        if new != html:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("eonb_notebooks_dir", "notebooks", "html")
    app.setup_extension("eonb_delivery")  # which sets up eonb_platforms
    app.add_directive("eonb-platforms", _platforms_directive(), override=True)
    app.setup_extension("eonb_quiz")
    _wrap_quiz()
    app.add_transform(_ExerciseTitles)
    app.add_transform(_TranslatedExerciseRegistry)
    app.add_transform(_Typography)
    app.add_css_file("eonb-i18n.css")
    app.connect("config-inited", _configure, priority=300)
    app.connect("builder-inited", _no_execution_for_gettext, priority=100)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _comments_to_catalog)
    app.connect("doctree-resolved", _translate_code)
    app.connect("doctree-resolved", _solution_titles, priority=600)
    app.connect("doctree-resolved", _typography_resolved, priority=900)
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _page_context_late, priority=700)
    app.connect("build-finished", _translate_navigation, priority=850)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- quizzes, exercises

_PENDING = "eonb_i18n_messages"


def _wrap_quiz() -> None:
    """Every text of a ``{quiz}`` (question, options, explanations, hint: whatever passes
    ``QuizDirective._text``) goes through the page's catalogue: recorded as a message by
    the gettext build, translated by the others."""
    import eonb_quiz

    if getattr(eonb_quiz.QuizDirective._text, "eonb_i18n", False):
        return
    original = eonb_quiz.QuizDirective._text

    def _text(self, text):
        env = self.state.document.settings.env
        message = " ".join(str(text).split())
        if env.app.builder.name == "gettext" and message:
            env.temp_data.setdefault(_PENDING, []).append((message, self.lineno))
        elif message and (env.config.language or SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
            catalog = _catalog(env.app, env.docname)
            if catalog is not None:
                text = catalog.gettext(message)
        return original(self, text)

    _text.eonb_i18n = True
    eonb_quiz.QuizDirective._text = _text


class _ExerciseTitles(SphinxTransform):
    """sphinx-exercise's titles (``{exercise} <title>``) carry no source, so Sphinx would
    neither extract nor translate them: give them their exercise's place in the page."""

    default_priority = 15  # before Sphinx's Locale transform (20)

    def apply(self, **kwargs) -> None:
        try:
            from sphinx_exercise.nodes import exercise_subtitle, solution_subtitle
        except ImportError:
            return
        for node in self.document.findall(
            lambda n: isinstance(n, (exercise_subtitle, solution_subtitle))
        ):
            if not node.source and node.astext().strip():
                node.source = self.document["source"]
                node.line = (
                    node.parent.line
                    or (node.parent.parent.line if node.parent.parent else None)
                    or 1
                )
                node.rawsource = node.astext()


class _TranslatedExerciseRegistry(SphinxTransform):
    """sphinx-exercise keeps a copy of each exercise made *before* translation and builds
    its solution's title ("Solution de Exercice 1 (...)") from it: refresh the copy once
    Sphinx's Locale transform (20) has translated the exercise's title, and smart quotes
    (750) and the language's typography (800) have set it."""

    default_priority = 850

    def apply(self, **kwargs) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", None)
        if not registry or self.config.language in (None, "", SOURCE_LANGUAGE):
            return
        from sphinx_exercise.nodes import is_exercise_node

        for node in self.document.findall(is_exercise_node):
            if node.get("label") in registry:
                registry[node["label"]]["node"] = node.deepcopy()


def _solution_titles(app: Sphinx, doctree, docname: str) -> None:
    """Translated build: sphinx-exercise writes a solution's title as "Solution to" and a
    link "Exercise 3 (...)", two pieces French cannot join without an article: when
    ``_ui.po`` translates the whole phrase "Solution to Exercise" ("Solution de
    l'exercice"), the title follows it ("Solution de l'exercice 3 (...)")."""
    language = app.config.language or SOURCE_LANGUAGE
    phrase = ui(app, "Solution to Exercise")
    if language == SOURCE_LANGUAGE or phrase == "Solution to Exercise":
        return
    try:
        from sphinx_exercise.nodes import solution_node
    except ImportError:
        return
    from sphinx.locale import get_translation

    translate = get_translation("exercise")
    head, word = str(translate("Solution to")), str(translate("Exercise"))
    if not phrase.startswith(head + " "):
        return
    tail = phrase[len(head) :].strip()
    for node in doctree.findall(solution_node):
        title = node.children[0] if node.children else None
        if not isinstance(title, nodes.title) or len(title.children) < 2:
            continue
        first, link = title.children[0], title.children[1]
        if (
            not isinstance(first, nodes.Text)
            or str(first).strip() != head
            or not isinstance(link, nodes.reference)
            or not link.children
            or not isinstance(link.children[0], nodes.Text)
        ):
            continue
        text = str(link.children[0])
        if text.lstrip().startswith(word):
            new = " " + tail + text.lstrip()[len(word) :]
            link.replace(link.children[0], nodes.Text(new))
            node["title"] = head + new


_SKIP_TYPOGRAPHY = (
    nodes.literal,
    nodes.literal_block,
    nodes.math,
    nodes.math_block,
    nodes.raw,
    nodes.comment,
    nodes.doctest_block,
    nodes.problematic,
    nodes.system_message,
)


def apply_typography(doctree, typo) -> None:
    """``typo`` on every text of ``doctree`` outside code, math and raw HTML; the quiz
    hint (shown as text by quiz.js) too.  Attributes (URLs, ids, classes) are untouched."""
    import eonb_quiz

    def in_code(node):
        while node is not None:
            if isinstance(node, _SKIP_TYPOGRAPHY):
                return True
            node = node.parent
        return False

    for text in list(doctree.findall(nodes.Text)):
        if text.parent is None or in_code(text.parent):
            continue
        new = typo(str(text))
        if new != str(text):
            text.parent.replace(text, nodes.Text(new))
    if isinstance(doctree.get("title"), str):  # the page's <title>, copied before this
        doctree["title"] = typo(doctree["title"])
    for element in doctree.findall(eonb_quiz.html_element):
        if element["attrs"].get("data-hint"):
            element["attrs"]["data-hint"] = typo(element["attrs"]["data-hint"])


class _Typography(SphinxTransform):
    """Translated build: the typography of the language (French: a narrow no-break space
    before ``; : ? !`` and inside ``« »``), so translators can type plain spaces.  After
    the Locale transform (20) and Sphinx's smart quotes (750)."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        language = self.config.language or SOURCE_LANGUAGE
        if language != SOURCE_LANGUAGE and self.app.builder.name != "gettext":
            apply_typography(self.document, typography(language))


def _typography_resolved(app: Sphinx, doctree, docname: str) -> None:
    """The same on what is written after reading (solution titles, resolved references)."""
    language = app.config.language or SOURCE_LANGUAGE
    if language != SOURCE_LANGUAGE and app.builder.name != "gettext":
        apply_typography(doctree, typography(language))


# --------------------------------------------------------------------------- generated pages


def platform_strings() -> list[tuple[str, str]]:
    """The English words the page *Where each lesson runs* is generated from (eonb_platforms)."""
    import eonb_platforms as platforms

    where = "_ext/eonb_platforms.py"
    found = []
    for title, _, meaning in platforms.COLUMNS.values():
        found += [(title, where), (meaning, where)]
    found += [(short, where) for short in platforms.SHORT.values()]
    found += [
        (text, where)
        for text in (
            "Real archive",
            platforms.REAL_MEANING_WORDS,
            "last verified",
            "never verified",
        )
    ]
    found += [
        (text, where)
        for text in (
            "lesson",
            "check",
            "status",
            "date",
            "Python",
            "versions",
            "notes",
            "not verified",
            "no practice cells",
            "failed",
            "verified",
            "(other pins)",
            "of",
            "What a tick means, column by column (the dates are in the table after):",
            "Every check, as the tests recorded it:",
            "No launch check has been recorded yet: run `make launch-check`.",
        )
    ]
    return found


def _translate_generated(app: Sphinx, container) -> None:
    """Words of a generated table in this build's language; its cells (statuses, dates,
    versions that change with every check) are kept out of the page catalogues."""
    words = ui_catalog(app) if (app.config.language or SOURCE_LANGUAGE) != SOURCE_LANGUAGE else {}
    by_length = sorted(words.items(), key=lambda kv: -len(kv[0]))
    for element in container.findall(nodes.TextElement):
        element["translatable"] = False
    for text in list(container.findall(nodes.Text)):
        old = str(text)
        new = words.get(old.strip())
        if new is None:
            new = old
            for english, french in by_length:
                if " " in english and english in new:
                    new = new.replace(english, french)
        elif old != old.strip():
            new = old.replace(old.strip(), new)
        if words and new.startswith(": "):  # "**Site**: ..." after a title in bold
            new = typography(app.config.language)(" :") + new[1:]
        if new != old:
            text.parent.replace(text, nodes.Text(new))


def _platforms_directive():
    import eonb_platforms as platforms

    class TranslatedPlatformsDirective(platforms.PlatformsDirective):
        def run(self):
            result = super().run()
            for container in result:
                _translate_generated(self.env.app, container)
            return result

    return TranslatedPlatformsDirective


# --------------------------------------------------------------------------- command line


def translated_config(code: str, root: Path = ROOT) -> dict:
    """``_config.yml`` for the build of language ``code`` (an overlay; paths made absolute)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {
        name: str((root / path).resolve())
        for name, path in sphinx.get("local_extensions", {}).items()
    }
    sphinx.setdefault("config", {})["language"] = code
    # One JupyterLite app (in the English site) serves every language.
    sphinx["config"]["eonb_lite"] = False
    html = config.setdefault("html", {})
    if html.get("baseurl"):
        html["baseurl"] = html["baseurl"].rstrip("/") + f"/{code}/"
    ui_strings = read_catalog(root / LOCALE_DIR / code / "LC_MESSAGES" / f"{UI_DOMAIN}.po")
    if config.get("author"):  # the footer's "By ..."
        config["author"] = ui_strings.get(config["author"], config["author"])
    if html.get("extra_footer"):
        key = " ".join(html["extra_footer"].split())
        html["extra_footer"] = typography_html(
            ui_strings.get(key, html["extra_footer"]), typography(code)
        )
    return config


def ui_messages(root: Path = ROOT) -> list[tuple[str, str]]:
    """(message, where it comes from) of the interface strings that are not in a page:
    navigation titles and captions of ``_toc.yml``, the footer, the strings other
    extensions and scripts write (:data:`UI_STRINGS`)."""
    import yaml

    found = []
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries):
        for e in entries or []:
            if e.get("title"):
                found.append((e["title"], "_toc.yml"))
            walk(e.get("sections"))
            walk(e.get("chapters"))

    for part in toc.get("parts", []):
        if part.get("caption"):
            found.append((part["caption"], "_toc.yml"))
        walk(part.get("chapters"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if config.get("author"):
        found.append((config["author"], "_config.yml"))
    footer = (config.get("html") or {}).get("extra_footer")
    if footer:
        found.append((" ".join(footer.split()), "_config.yml"))
    found += [(text, where) for text, where in UI_STRINGS]
    found += platform_strings()
    return list(dict.fromkeys(found))


_CODE_SPAN = re.compile(r"`[^`]*`")


def needs_translation(message: str) -> bool:
    """False for a message with no words outside inline code (a number, a time, a code
    span alone): the translated page shows it as it is, and translators never see it."""
    return bool(re.search(r"[^\W\d_]{2}", _CODE_SPAN.sub("", message)))


def tidy_pot(path: Path) -> int:
    """Drop from one .pot the messages with nothing to translate; returns how many."""
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    dropped = [m.id for m in catalog if m.id and not needs_translation(str(m.id))]
    for msgid in dropped:
        del catalog[msgid]
    if dropped:
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0)
    return len(dropped)


def write_ui_pot(folder: Path, root: Path = ROOT) -> Path:
    """``_ui.pot`` beside the pages' templates, for sphinx-intl to merge into ``_ui.po``."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="EO Notebooks", fuzzy=False)
    for text, where in ui_messages(root):
        existing = catalog.get(text)
        if existing is None:
            catalog.add(text, locations=[(where, None)])
    path = folder / f"{UI_DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, no_location=False)
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    import yaml

    parser = argparse.ArgumentParser(description="Translation helpers of the EO Notebooks build")
    sub = parser.add_subparsers(dest="command", required=True)
    cfg = sub.add_parser("config", help="print the _config.yml of one language's build")
    cfg.add_argument("language", choices=[c for c in LANGUAGES if c != SOURCE_LANGUAGE])
    pot = sub.add_parser("pot", help="tidy the extracted .pot files and add _ui.pot")
    pot.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "config":
        sys.stdout.write(
            yaml.safe_dump(translated_config(args.language), allow_unicode=True, sort_keys=False)
        )
        return 0
    # The templates' own strings (sphinx.pot) are translated by Sphinx and the theme.
    (args.folder / "sphinx.pot").unlink(missing_ok=True)
    for pot in sorted(args.folder.rglob("*.pot")):
        tidy_pot(pot)
    write_ui_pot(args.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
