"""Sphinx extension: self-check quizzes with immediate feedback, offline, printable.

A lesson's ``## Self-check`` holds one ``{quiz}`` directive whose body is a
YAML list of questions::

    ```{quiz}
    - question: Which colour map suits SST *anomalies*?
      options:
        - text: "`cmo.balance`, centred on zero"
          right: true
          why: A diverging map shows warmer and colder than normal apart.
        - text: "`jet`"
          why: A rainbow map invents edges and hides the zero.
    - question: Niño-3.4 in December 2009?
      answer: 1.6
      tolerance: 0.2
      units: °C
      why: The anomaly, not the SST itself.
      mistakes:                      # optional: wrong answers worth naming
        - value: 28.4
          tolerance: 0.5
          why: That is the SST, not its anomaly.
    ```

Every text is MyST inline markup.  The HTML works with no server and no outside
script: ``_static/quiz.js`` (vanilla JavaScript, a few kB) checks an answer
and shows why, reading the explanations from the page itself.  Without
JavaScript each question is followed by a collapsed ``<details>`` answer that
explains every option; that ``<details>`` has class ``eonb-answer``, so the
learner handout prints the questions only and the instructor edition (which
opens every ``<details>``) prints the answers too (``_static/quiz.css``).
"""

from __future__ import annotations

import html
import re

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

VOID = {"input"}


class html_element(nodes.General, nodes.Element):
    """One HTML element (``tag`` and ``attrs``) around its docutils children."""


def _attrs(node: html_element) -> str:
    parts = []
    for key, value in node["attrs"].items():
        if value is True:
            parts.append(key)
        elif value is not None and value is not False:
            parts.append(f'{key}="{html.escape(str(value), quote=True)}"')
    return (" " + " ".join(parts)) if parts else ""


def visit_html_element(self, node: html_element) -> None:
    self.body.append(f"<{node['tag']}{_attrs(node)}>")


def depart_html_element(self, node: html_element) -> None:
    if node["tag"] not in VOID:
        self.body.append(f"</{node['tag']}>")


def visit_skip(self, node) -> None:
    raise nodes.SkipNode


def el(tag: str, *children, **attrs) -> html_element:
    node = html_element(
        tag=tag, attrs={k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    )
    node.extend(children)
    return node


def _number(value, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


# Languages that write a decimal comma (the page's numbers; the data attributes keep a point).
DECIMAL_COMMA = {"fr"}


def _fmt(value: float, language: str | None = None) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if language in DECIMAL_COMMA else text


class QuizDirective(Directive):
    has_content = True

    def _text(self, text) -> str:
        """One text of the quiz as the page shows it: every translatable field (question,
        option, why, hint) passes here, so a translated build can swap it (eonb_i18n)."""
        return str(text).strip()

    def _inline(self, text) -> list[nodes.Node]:
        parsed, messages = self.state.inline_text(self._text(text), self.lineno)
        return list(parsed) + list(messages)

    def run(self) -> list[nodes.Node]:
        source = "\n".join(self.content)
        try:
            questions = yaml.safe_load(source)
        except yaml.YAMLError as err:
            raise self.error(f"quiz: the body is not valid YAML: {err}") from err
        if not isinstance(questions, list) or not questions:
            raise self.error("quiz: the body must be a YAML list of questions (`- question: ...`)")
        env = self.state.document.settings.env
        serial = env.temp_data.setdefault("eonb_quiz_serial", {}).get(env.docname, 0)
        base = re.sub(r"[^\w-]+", "-", env.docname.split("/")[-1])
        quiz = el("section", class_="eonb-quiz", aria_label="Self-check quiz")
        for number, item in enumerate(questions, start=1):
            serial += 1
            qid = f"quiz-{base}-{serial}"
            try:
                quiz.append(self._question(number, item, qid))
            except ValueError as err:
                raise self.error(f"quiz question {number}: {err}") from err
        env.temp_data["eonb_quiz_serial"][env.docname] = serial
        return [quiz]

    def _question(self, number: int, item, qid: str) -> html_element:
        if not isinstance(item, dict) or not item.get("question"):
            raise ValueError("each question needs a `question:` text")
        if not item.get("why") and "options" not in item:
            raise ValueError(
                "a numeric question needs `why:` (the explanation shown with the answer)"
            )
        legend = el(
            "legend",
            el("span", nodes.Text(f"Question {number}. "), class_="eonb-q-number"),
            *self._inline(item["question"]),
            id=f"{qid}-text",
        )
        fieldset = el("fieldset", legend)
        answer = el("details", el("summary", nodes.Text("Answer and why")), class_="eonb-answer")
        if "options" in item:
            attrs = {"data_kind": "choice"}
            options = item["options"]
            if not isinstance(options, list) or len(options) < 2:
                raise ValueError("`options:` needs at least two options")
            if sum(bool(o.get("right")) for o in options if isinstance(o, dict)) != 1:
                raise ValueError("exactly one option must have `right: true`")
            listing, why = (
                el("ol", type="A", class_="eonb-q-options"),
                el("ul", class_="eonb-q-why"),
            )
            for index, option in enumerate(options):
                if not isinstance(option, dict) or not option.get("text") or not option.get("why"):
                    raise ValueError(
                        f"option {index + 1} needs `text:` and `why:` "
                        "(why it is right, or why it is wrong)"
                    )
                letter = chr(ord("A") + index)
                field = el("input", type="radio", name=qid, value=str(index), id=f"{qid}-{index}")
                listing.append(
                    el(
                        "li",
                        el(
                            "label",
                            field,
                            nodes.Text(" "),
                            *self._inline(option["text"]),
                            for_=f"{qid}-{index}",
                        ),
                    )
                )
                right = bool(option.get("right"))
                verdict = f"{letter}: right." if right else f"{letter}: wrong."
                why.append(
                    el(
                        "li",
                        el("strong", nodes.Text(verdict)),
                        nodes.Text(" "),
                        el("span", *self._inline(option["why"]), class_="eonb-why"),
                        data_option=str(index),
                        class_="eonb-right" if right else "eonb-wrong",
                    )
                )
            fieldset.append(listing)
            answer.append(why)
        elif "answer" in item:
            value = _number(item["answer"], "`answer:`")
            tolerance = _number(item.get("tolerance", 0), "`tolerance:`")
            units = self._text(item.get("units", ""))  # "chunks" is a word to translate
            attrs = {
                "data_kind": "numeric",
                "data_answer": repr(value),
                "data_tolerance": repr(tolerance),
                "data_units": units,
            }
            field = el(
                "input",
                type="text",
                inputmode="decimal",
                autocomplete="off",
                id=f"{qid}-input",
                class_="eonb-q-input",
                aria_describedby=f"{qid}-text",
            )
            label = el(
                "label",
                nodes.Text("Your answer" + (f" (in {units})" if units else "")),
                for_=f"{qid}-input",
            )
            fieldset.append(
                el(
                    "p",
                    label,
                    nodes.Text(" "),
                    field,
                    nodes.Text(f" {units}" if units else ""),
                    class_="eonb-q-numeric eonb-js",
                    hidden=True,
                )
            )
            lang = self.state.document.settings.env.config.language
            shown = f"{_fmt(value, lang)} {units}".strip() + (
                f" (± {_fmt(tolerance, lang)})" if tolerance else ""
            )
            answer.append(
                el(
                    "p",
                    el("strong", nodes.Text(f"Answer: {shown}.")),
                    nodes.Text(" "),
                    el("span", *self._inline(item["why"]), class_="eonb-why"),
                    class_="eonb-right",
                )
            )
            mistakes = item.get("mistakes") or []
            if mistakes:
                listing = el("ul", class_="eonb-q-why")
                for index, mistake in enumerate(mistakes, start=1):
                    if (
                        not isinstance(mistake, dict)
                        or "value" not in mistake
                        or not mistake.get("why")
                    ):
                        raise ValueError(f"mistake {index} needs `value:` and `why:`")
                    wrong = _number(mistake["value"], f"mistake {index} `value:`")
                    tol = _number(
                        mistake.get("tolerance", tolerance), f"mistake {index} `tolerance:`"
                    )
                    listing.append(
                        el(
                            "li",
                            el("strong", nodes.Text(f"{_fmt(wrong, lang)} {units}".strip() + ":")),
                            nodes.Text(" "),
                            el("span", *self._inline(mistake["why"]), class_="eonb-why"),
                            class_="eonb-wrong",
                            data_value=repr(wrong),
                            data_tolerance=repr(tol),
                        )
                    )
                answer.append(listing)
        else:
            raise ValueError(
                "a question needs `options:` (multiple choice) or `answer:` (a number)"
            )
        if item.get("hint"):
            attrs["data_hint"] = self._text(item["hint"])
        fieldset.append(
            el(
                "p",
                el("button", nodes.Text("Check"), type="button", class_="eonb-q-check"),
                class_="eonb-q-actions eonb-js",
                hidden=True,
            )
        )
        fieldset.append(
            el(
                "p",
                role="status",
                aria_live="polite",
                class_="eonb-q-feedback",
                id=f"{qid}-feedback",
            )
        )
        return el("div", fieldset, answer, class_="eonb-q", id=qid, **attrs)


def setup(app: Sphinx) -> dict:
    app.add_node(
        html_element,
        html=(visit_html_element, depart_html_element),
        latex=(visit_skip, None),
        text=(visit_skip, None),
        man=(visit_skip, None),
        texinfo=(visit_skip, None),
    )
    app.add_directive("quiz", QuizDirective)
    # Both files live in book/_static (html_static_path): a few kB, no outside script.
    app.add_css_file("quiz.css")
    app.add_js_file("quiz.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
