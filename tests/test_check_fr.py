"""The exercise checkers speak the reader's language (issue 19).

`eolab.check` writes English; with ``EOLAB_LANG=fr`` (set by the French site's build
and the French launch notebooks) every verdict, named mistake and solution reads
French, from the table ``src/eolab/data/feedback/fr.json``.  The verdict itself
never changes with the language.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from eolab import check
from eolab.check import lesson1, lesson2a

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "src" / "eolab" / "check"
TABLE = json.loads((ROOT / "src" / "eolab" / "data" / "feedback" / "fr.json").read_text("utf-8"))


def _template(node) -> str | None:
    """The English template of a str expression: its text, with {} where a value goes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value.replace("{", "{{").replace("}", "}}") if isinstance(v, ast.Constant) else "{}"
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def _not_shown(tree) -> set[int]:
    """Strings a learner never reads as feedback: docstrings, error messages (raised),
    mistake names (the first item of a (name, value, why) tuple and Feedback's third
    argument), and data the checkers compare answers with (lists of session names)."""
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Raise):
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Tuple) and len(node.elts) == 3:
            skip.add(id(node.elts[0]))
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:  # ("session", minutes)
            skip.add(id(node.elts[0]))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Feedback":
            if len(node.args) >= 3:
                skip.add(id(node.args[2]))
        if isinstance(node, ast.IfExp) and isinstance(node.body, ast.Constant):
            if "(" in str(node.body.value) and "=" in str(node.body.value):  # code
                skip.add(id(node.body))
    return skip


def messages() -> dict[str, str]:
    """English template -> file:line of every learner-facing text the checkers build."""
    found = {}
    for path in sorted(CHECK.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        skip, inside = _not_shown(tree), set()
        for node in ast.walk(tree):
            if id(node) in skip or id(node) in inside:
                continue
            text = _template(node)
            if text is None:
                continue
            inside |= {id(n) for n in ast.walk(node)}
            words = [w for w in text.replace("{}", " ").split() if re.search(r"[a-z]{2}", w)]
            if len(words) >= 2:
                found.setdefault(text, f"{path.name}:{node.lineno}")
    return found


def test_every_message_of_the_checkers_has_a_french_template():
    found = messages()
    assert len(found) > 120, "the scan should see the checkers' messages"
    missing = [f"{where}: {text[:70]!r}" for text, where in found.items() if text not in TABLE]
    assert not missing, "no French for (add it to src/eolab/data/feedback/fr.json):\n  " + (
        "\n  ".join(missing)
    )


def test_each_french_template_fills_the_same_slots():
    for english, french in TABLE.items():
        slots = english.replace("{{", "").replace("}}", "").count("{}")
        named = set(re.findall(r"\{(\d+)\}", french.replace("{{", "").replace("}}", "")))
        assert named == {str(i) for i in range(slots)}, (english, french)
        assert "`" not in english or english.count("`") == french.count("`"), (english, french)


def test_french_verdicts_name_the_mistake_with_a_decimal_comma(monkeypatch):
    monkeypatch.setenv("EOLAB_LANG", "fr")
    west, east = lesson1._cold_span("2007-12")  # the lesson's answer
    swapped = lesson1.exercise1(east, west)
    assert not swapped and swapped.mistake == "swapped"
    assert str(swapped) == "✘ Pas tout à fait : l’ouest et l’est sont inversés."
    fraction = lesson2a.exercise1(-0.2486, show_solution=True)
    assert fraction.mistake == "fraction not percent"
    assert fraction.message.startswith("Pas tout à fait : cela ressemble à une fraction")
    solution = fraction.solution
    assert solution.startswith("variation des jours ouvrés = -24,") and "." not in solution, (
        solution
    )
    assert "\nSolution : variation" in str(fraction)
    unknown = lesson2a.exercise1(-3.25)
    assert unknown.mistake == "unknown" and "(-3,25 %)" in unknown.message, unknown.message
    assert "± 0,5 %" in unknown.message


def test_french_right_answers_read_juste(monkeypatch):
    monkeypatch.setenv("EOLAB_LANG", "fr")
    fb = check.verdict(1.0, 1.0, 0.1, "weekday change", [], unit="%", right="")
    assert fb.correct
    assert fb.message.startswith("Juste : votre réponse pour « variation des jours ouvrés »")
    assert "(à 0,1 % près)" in fb.message, fb.message


def test_english_is_unchanged_without_a_language(monkeypatch):
    monkeypatch.delenv("EOLAB_LANG", raising=False)
    west, east = lesson1._cold_span("2007-12")
    swapped = lesson1.exercise1(east, west)
    assert str(swapped) == "✘ Not quite: west and east are swapped."
    fb = check.verdict(1.0, 1.0, 0.1, "weekday change", [], unit="%")
    assert fb.message.startswith("Right: weekday change matches the lesson's answer")


def test_a_message_with_no_template_stays_english():
    assert check.in_language("Something new a checker writes.", "fr") == (
        "Something new a checker writes."
    )


@pytest.mark.parametrize("lang", ["fr"])
def test_the_verdict_does_not_depend_on_the_language(monkeypatch, lang):
    west, east = lesson1._cold_span("2007-12")
    answers = [(east, west), (west, east), (west - 360, east - 360), (100, 120)]
    monkeypatch.delenv("EOLAB_LANG", raising=False)
    english = [(f.correct, f.mistake) for f in (lesson1.exercise1(*a) for a in answers)]
    monkeypatch.setenv("EOLAB_LANG", lang)
    other = [(f.correct, f.mistake) for f in (lesson1.exercise1(*a) for a in answers)]
    assert english == other


def test_a_month_can_be_named_in_either_language():
    from eolab.check import lesson3

    assert {lesson3._month(m) for m in ("July", "Jul", "juillet", "juil.", "JUIL", 7)} == {7}
    assert lesson3._month("février") == 2 and lesson3._month("août") == 8
    with pytest.raises(ValueError, match="is not a month name"):
        lesson3._month("Thermidor")
