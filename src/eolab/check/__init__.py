"""Checkers for the lessons' exercises: "right", or the likely mistake, by name.

Each lesson has a module (``lesson1``, ``lesson2a``, ...) with one function per
exercise, numbered as in the lesson::

    from eolab.check import lesson2a
    lesson2a.exercise1(weekdays)          # your answer: a Dataset, a number, ...

A checker recomputes the lesson's own answer from the course data and
compares yours with it and with the answers that typical mistakes give (cloudy
pixels kept, the wrong baseline, Kelvin instead of Celsius, ...).  It returns
a :class:`Feedback`, shown as one line in the notebook.  Where it cannot tell
which mistake you made, it says what it compared.  It never shows the solution
unless you ask: ``lesson2a.exercise1(weekdays, show_solution=True)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "Feedback",
    "lesson1",
    "lesson2a",
    "lesson2b",
    "lesson3",
    "lesson4",
    "lesson5",
    "lesson6",
]


@dataclass
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    correct : bool
        True when the answer matches the lesson's own, within the tolerance.
    message : str
        What a learner reads: "Right: ..." or the likely mistake.
    mistake : str or None
        A short name of the mistake recognised (e.g. ``"kelvin"``), None if
        the answer is right or no known mistake matches (``"unknown"``).
    solution : str or None
        The lesson's answer, only when ``show_solution=True`` was asked.
    """

    correct: bool
    message: str
    mistake: str | None = None
    solution: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # In the reader's language (EOLAB_LANG, as the figures): the verdict is the same.
        self.message = in_language(self.message)
        if self.solution:
            self.solution = in_language(self.solution)

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        text = ("✔ " if self.correct else "✘ ") + self.message
        label = _SOLUTION_LABEL.get(_language(), "Solution: ")
        return text + (f"\n{label}{self.solution}" if self.solution else "")

    __repr__ = __str__

    def _repr_markdown_(self) -> str:  # one readable line in Jupyter
        return str(self).replace("\n", "  \n")


# --------------------------------------------------------------------------- languages
# The checkers write English.  A message in another language comes from its table,
# data/feedback/<lang>.json: {English template: translation}, where the template is the
# English text with {} for each value it holds (a number, a date, a name, or a shorter
# message of the table) and the translation names them {0}, {1}, ...
# tests/test_check_fr.py checks that every message the checkers can write has an entry.

_SOLUTION_LABEL = {"fr": "Solution : "}
_DECIMAL_COMMA = {"fr"}
_NUMBER = re.compile(r"[-+−]?\d+\.\d+")


def _language() -> str:
    from eolab.i18n import language

    return language()


@cache
def _templates(lang: str) -> list[tuple[re.Pattern, str, int]]:
    """(pattern, translation, slots) of one language, the most specific first."""
    import json
    from importlib import resources

    path = resources.files("eolab").joinpath("data", "feedback", f"{lang}.json")
    if not path.is_file():
        return []
    found = []
    for english, translated in json.loads(path.read_text(encoding="utf-8")).items():
        parts = [p.replace("{{", "{").replace("}}", "}") for p in english.split("{}")]
        pattern = re.compile("(.*?)".join(re.escape(p) for p in parts), re.DOTALL)
        found.append((pattern, translated, len(parts) - 1, sum(map(len, parts))))
    found.sort(key=lambda t: -t[3])
    return [(pattern, translated, slots) for pattern, translated, slots, _ in found]


def in_language(text: str, lang: str | None = None) -> str:
    """A checker's English message in the current language (``EOLAB_LANG``).

    The English itself when the language is English, or when no template of the
    language's table matches (a message is never lost, at worst left English).
    Values in the message keep their spelling, except that a decimal number gets
    the language's decimal comma.

    Examples
    --------
    >>> in_language("Not quite: west and east are swapped.", "fr")
    'Pas tout à fait : l’ouest et l’est sont inversés.'
    """
    lang = lang or _language()
    if lang == "en" or not text:
        return text
    for pattern, translated, slots in _templates(lang):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = []
        for value in match.groups():
            inner = in_language(value, lang) if len(value) > 3 else value
            if inner == value and lang in _DECIMAL_COMMA and _NUMBER.fullmatch(value.strip()):
                inner = value.replace(".", ",")
            values.append(inner)
        return translated.format(*values) if slots else translated
    return text


def number(value, what: str) -> float:
    """A plain float from a number, a 0-d xarray/NumPy object or a 1-element Series."""
    if hasattr(value, "values") and not isinstance(value, (int, float)):
        value = value.values
    try:
        import numpy as np

        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{what} must be a number (or a 0-d xarray object), got {type(value).__name__}: "
            f"{value!r:.80}"
        ) from None
    if array.size != 1:
        raise TypeError(
            f"{what} must be a single number, got an array of shape {array.shape}: "
            "reduce it first (e.g. `.mean()`, or `float(...)`)"
        )
    return float(array.reshape(()))


def close(a: float, b: float, tolerance: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tolerance


def verdict(
    answer: float,
    expected: float,
    tolerance: float,
    what: str,
    mistakes: list[tuple[str, float, str]],
    show_solution: bool = False,
    unit: str = "",
    right: str = "",
) -> Feedback:
    """Compare one number with the expected one and with the values known mistakes give.

    ``mistakes`` holds ``(name, value_the_mistake_gives, explanation)``; the
    first that matches (within ``tolerance``) is named.  The expected value
    itself is shown only with ``show_solution``.
    """
    solution = f"{what} = {expected:.4g} {unit}".strip() if show_solution else None
    if close(answer, expected, tolerance):
        return Feedback(
            True,
            f"Right: {what} matches the lesson's answer (within {tolerance:g} {unit}). " + right,
            None,
            solution,
        )
    for name, value, why in mistakes:
        if close(answer, value, tolerance) and not close(value, expected, tolerance):
            return Feedback(False, f"Not quite: {why}", name, solution)
    return Feedback(
        False,
        f"Not quite: I compared your {what} ({answer:.4g} {unit}) with the lesson's answer, "
        f"allowing ± {tolerance:g} {unit}, and with the values that the usual mistakes give; "
        "it matches none of them. Re-read the exercise and check each step.".replace("  ", " "),
        "unknown",
        solution,
    )
