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
from dataclasses import dataclass, field

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

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        text = ("✔ " if self.correct else "✘ ") + self.message
        return text + (f"\nSolution: {self.solution}" if self.solution else "")

    __repr__ = __str__

    def _repr_markdown_(self) -> str:  # one readable line in Jupyter
        return str(self).replace("\n", "  \n")


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
