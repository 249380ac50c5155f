"""Words drawn on figures, in the reader's language.

The course pages exist in English and in French (``/fr/``).  Their text is
translated with Sphinx's gettext catalogues (``locales/``), but the words a
figure carries (title, axis and colour-bar labels, legend entries) are drawn
by the lesson code when it runs.  A lesson passes each such word through
:func:`t`, which returns it in the language named by the environment variable
``EOLAB_LANG`` (``en`` when unset: the English text itself)::

    from eolab.i18n import t
    maps.plot_map(sst, title=t("Sea-surface temperature"))

The French site's build sets ``EOLAB_LANG=fr`` and executes such pages a
second time (``_ext/eonb_i18n.py``); the French launch notebooks set it in
their first cell.  The lesson code is the same in both languages.

The tables are keyed by the English text, as gettext is: add the English
string and its translation to ``src/eolab/data/labels/<lang>/<page>.json`` when a
lesson uses a new one
(``tests/test_translations.py`` fails while a ``t("...")`` in a lesson has no
entry).  Leave product, dataset and unit names as they are (OSTIA, NO₂, °C).
"""

from __future__ import annotations

import os

__all__ = [
    "LABELS",
    "LANGUAGES",
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "language",
    "month_label",
    "t",
]

LANGUAGE_VARIABLE = "EOLAB_LANG"
SOURCE_LANGUAGE = "en"

# language -> {English text: translation}, read from data/labels/<language>/<page>.json
# (one small file per page, so translators of different pages never edit the same file).


def _read_labels() -> dict[str, dict[str, str]]:
    import json
    from importlib import resources

    tables: dict[str, dict[str, str]] = {}
    root = resources.files("eolab").joinpath("data", "labels")
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir():
            continue
        table = tables.setdefault(folder.name, {})
        for page in sorted(folder.iterdir(), key=lambda p: p.name):
            if page.name.endswith(".json"):
                table.update(json.loads(page.read_text(encoding="utf-8")))
    return tables


LABELS: dict[str, dict[str, str]] = _read_labels()
LANGUAGES = (SOURCE_LANGUAGE, *LABELS)


def language() -> str:
    """The language figures are drawn in: ``EOLAB_LANG``, ``"en"`` when unset.

    Raises
    ------
    ValueError
        If ``EOLAB_LANG`` names a language with no table here.
    """
    code = os.environ.get(LANGUAGE_VARIABLE, "").strip().lower() or SOURCE_LANGUAGE
    if code not in LANGUAGES:
        raise ValueError(
            f"{LANGUAGE_VARIABLE}={code!r} is not a language of the course; use one of "
            f"{', '.join(LANGUAGES)} (or unset it for English)."
        )
    return code


def t(text: str) -> str:
    """``text`` (English) in the current :func:`language`.

    Parameters
    ----------
    text : str
        The English words, exactly as the lesson writes them.

    Returns
    -------
    str
        The translation from :data:`LABELS`; ``text`` itself in English, or if
        the table has no entry for it (the figure then stays readable, and
        ``tests/test_translations.py`` reports the missing entry).

    Examples
    --------
    >>> import os
    >>> os.environ["EOLAB_LANG"] = "fr"
    >>> t("Sea-surface temperature (°C)")
    'Température de surface de la mer (°C)'
    >>> del os.environ["EOLAB_LANG"]
    >>> t("Sea-surface temperature (°C)")
    'Sea-surface temperature (°C)'
    """
    if not isinstance(text, str):
        raise TypeError(f"t() takes the English text as a str, not {type(text).__name__}")
    code = language()
    if code == SOURCE_LANGUAGE:
        return text
    return LABELS[code].get(text, text)


# Month names as each language abbreviates them on a figure (French: the
# Imprimerie nationale's abbreviations, as Météo-France and the IGN print them).
MONTH_ABBREVIATIONS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
}
MONTH_NAMES = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}


def month_label(when, full: bool = False) -> str:
    """A month and its year for a figure, in the current :func:`language`.

    ``strftime("%b %Y")`` writes the month in English whatever the page's
    language; this does not depend on the machine's locale either.

    Parameters
    ----------
    when : str, datetime, numpy.datetime64 or pandas.Timestamp
        Any date in the month.
    full : bool, default False
        The whole month name ("April 2018") instead of its abbreviation.

    Returns
    -------
    str
        ``"Apr 2018"`` in English, ``"avr. 2018"`` in French.

    Examples
    --------
    >>> import os
    >>> month_label("2018-07-15")
    'Jul 2018'
    >>> os.environ["EOLAB_LANG"] = "fr"
    >>> month_label("2018-07-15"), month_label("2018-02-01", full=True)
    ('juil. 2018', 'février 2018')
    >>> del os.environ["EOLAB_LANG"]
    """
    import pandas as pd

    try:
        stamp = pd.Timestamp(when)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"month_label() needs a date (e.g. '2018-07-15' or a time value of a "
            f"dataset), got {when!r:.60}"
        ) from err
    if pd.isna(stamp):
        raise ValueError("month_label() got a missing date (NaT): pass a real time value")
    names = (MONTH_NAMES if full else MONTH_ABBREVIATIONS).get(language(), MONTH_NAMES["en"])
    return f"{names[stamp.month - 1]} {stamp.year}"
