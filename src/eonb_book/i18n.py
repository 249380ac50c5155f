"""Languages of the course: which ones, where each site lives, and code comments.

Shared by the Sphinx extension ``_ext/eonb_i18n.py`` (the French build) and
:mod:`eonb_book.notebooks` (the French launch notebooks).  See CONTRIBUTING.md,
Translations.
"""

from __future__ import annotations

import io
import os
import re
import tokenize

LOCALE_DIR = "locales"
SOURCE_LANGUAGE = "en"
# code -> (name of the language in itself, title of the switcher link in that language)
LANGUAGES = {
    "en": ("English", "This page in English"),
    "fr": ("Français", "Cette page en français"),
}
LANGUAGE_ENV = "EONB_LANG"
UI_DOMAIN = "_ui"
# A page whose code calls eolab.i18n.t draws words on its figures, and one that runs
# eolab.check prints the checkers' feedback: both are executed per language.
_USES_LABELS = re.compile(
    r"^\s*(from\s+eolab\.(i18n|check)\b[^\n]*\bimport|"
    r"from\s+eolab\s+import\s+[^\n]*\b(i18n|check)\b|"
    r"import\s+eolab\.(i18n|check)\b)",
    re.MULTILINE,
)
_DISPLAY_NAME = re.compile(r"^(\s*display_name:\s*)(.+)$", re.MULTILINE)


def current_language() -> str:
    """The language this build makes (``EONB_LANG``, English when unset)."""
    code = os.environ.get(LANGUAGE_ENV, "").strip() or SOURCE_LANGUAGE
    if code not in LANGUAGES:
        raise ValueError(f"{LANGUAGE_ENV}={code!r}: the course has {', '.join(LANGUAGES)}")
    return code


def site_prefix(code: str) -> str:
    """Folder of a language's site below the English site root ('' for English)."""
    return "" if code == SOURCE_LANGUAGE else f"{code}/"


def other_language_url(pagename: str, here: str, there: str) -> str:
    """Page-relative link from ``pagename`` in language ``here`` to the same page in ``there``."""
    depth = pagename.count("/") + (0 if here == SOURCE_LANGUAGE else 1)
    return "../" * depth + site_prefix(there) + pagename + ".html"


def language_dependent(source: str) -> bool:
    """True if a MyST page's code uses :mod:`eolab.i18n` (its figures change with the
    language) or :mod:`eolab.check` (its printed feedback does)."""
    return bool(_USES_LABELS.search(source))


# --------------------------------------------------------------------------- comments in code

_SKIP_COMMENT = re.compile(r"^(noqa|type:|fmt:|pragma|@title|!|-\*-)")


# Fenced code blocks (besides code cells) whose ``#`` comments are translated, on the site
# (_ext/eonb_i18n.py) and in the launch notebooks (eonb_book.notebooks).
COMMENTED_LANGUAGES = frozenset(
    {"python", "python3", "ipython", "ipython3", "py", "bash", "sh", "shell"}
)


def code_comments(code: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every translatable ``#`` comment in Python ``code``.

    Lines are 0-based; ``text`` is what follows ``#`` and its spaces.  IPython
    magics and shell lines are blanked first; code that does not tokenize gives
    no comments (nothing is translated rather than something mangled)."""
    lines = code.splitlines(keepends=True)
    plain = "".join("\n" if line.lstrip().startswith(("%", "!")) else line for line in lines)
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(plain).readline):
            if tok.type == tokenize.COMMENT:
                text = tok.string[1:].strip()
                if text and not _SKIP_COMMENT.match(text) and re.search(r"[A-Za-z]{3}", text):
                    found.append((tok.start[0] - 1, tok.start[1], text))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return found


def translate_comments(code: str, gettext) -> str:
    """``code`` with each comment's text replaced by ``gettext(text)``."""
    lines = code.split("\n")
    for line, column, text in reversed(code_comments(code)):
        new = gettext(text)
        if new and new != text:
            head = lines[line][:column]
            lines[line] = head + "# " + new
    return "\n".join(lines)


# --------------------------------------------------------------------------- typography

NNBSP = "\u202f"  # narrow no-break space (U+202F)
_SPACES = "[ \u00a0\u2009\u202f]"
_BEFORE_MARK = re.compile(_SPACES + r"+(?=[;:?!»])")
_AFTER_OPEN = re.compile("«" + _SPACES + "*")
_BEFORE_CLOSE = re.compile(_SPACES + "*»")


def french_typography(text: str) -> str:
    """French spacing: a narrow no-break space before ``; : ? !`` and inside ``« »``.

    Translators type plain spaces; only a space already typed before ``; : ? !``
    becomes a narrow no-break space (``10:30``, ``http://`` and ``?!`` stay as they
    are), while guillemets always get one inside.  Idempotent."""
    text = _BEFORE_MARK.sub(NNBSP, text)
    text = _AFTER_OPEN.sub("«" + NNBSP, text)
    return _BEFORE_CLOSE.sub(NNBSP + "»", text)


# language -> the spacing rules of its text (languages absent here keep their text as is)
TYPOGRAPHY = {"fr": french_typography}


def typography(code: str):
    """The typography function of language ``code`` (identity for a language with none)."""
    return TYPOGRAPHY.get(code, lambda text: text)
