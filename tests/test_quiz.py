"""Every lesson ends with a self-check quiz that gives feedback, with or without JavaScript.

In Chromium, on every lesson page: answering a question right says "Right" and
why; answering another wrong says "Not quite" and why that answer is wrong
(the page's own explanation of that option or mistake).  With JavaScript
disabled, the same page still shows every question followed by its answer in
a collapsed ``<details>``.  The quiz loads nothing from outside the site.
The ``{quiz}`` directive itself (_ext/eonb_quiz.py) refuses a question with no
explanation or no right option, naming the problem.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_lesson_structure import LESSONS

PAGES = [f"book/{p.stem}.html" for p in LESSONS]


def _built(site_dir: Path, rel: str) -> Path:
    path = site_dir / rel
    if not path.exists():
        pytest.skip(f"{rel} is not built")
    return path


@pytest.mark.build
@pytest.mark.parametrize("rel", PAGES)
def test_every_lesson_page_has_a_quiz_with_answers_in_details(site_dir: Path, rel: str):
    doc = BeautifulSoup(_built(site_dir, rel).read_text(encoding="utf-8"), "html.parser")
    questions = doc.select(".eonb-quiz .eonb-q")
    assert 4 <= len(questions) <= 8, (
        f"{rel}: the self-check has {len(questions)} questions, not 4-8"
    )
    for q in questions:
        answer = q.select_one("details.eonb-answer")
        assert answer is not None and answer.find("summary"), (
            f"{rel} {q['id']}: no <details> answer"
        )
        assert answer.select(".eonb-why"), f"{rel} {q['id']}: the answer explains nothing"
        if q["data-kind"] == "choice":
            options = q.select(".eonb-q-options input[type=radio]")
            whys = answer.select("li[data-option]")
            assert len(whys) == len(options) >= 2, f"{rel} {q['id']}: every option needs its 'why'"
            assert len(answer.select("li.eonb-right")) == 1
    scripts = [s.get("src", "") for s in doc.find_all("script")]
    assert any(s.split("?")[0].endswith("quiz.js") and not s.startswith("http") for s in scripts), (
        f"{rel}: quiz.js is not loaded from the site itself"
    )


def _answer(page, q, right: bool) -> str:
    """Answer question ``q`` (a locator) right or wrong, press Check, return the feedback text."""
    if q.get_attribute("data-kind") == "choice":
        index = q.locator(
            "li[data-option].eonb-right" if right else "li[data-option].eonb-wrong"
        ).first.get_attribute("data-option")
        q.locator(f"input[type=radio][value='{index}']").check()
    else:
        value = float(q.get_attribute("data-answer"))
        wrong = q.locator("li[data-value]")
        typed = (
            value
            if right
            else (
                float(wrong.first.get_attribute("data-value"))
                if wrong.count()
                else value + 10 * float(q.get_attribute("data-tolerance")) + 1000
            )
        )
        q.locator("input.eonb-q-input").fill(f"{typed:g}")
    q.locator("button.eonb-q-check").press("Enter") if right else q.locator(
        "button.eonb-q-check"
    ).click()
    return q.locator(".eonb-q-feedback").inner_text().strip()


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("rel", PAGES)
def test_a_right_and_a_wrong_answer_get_feedback(
    site_dir: Path, site_url: str, browser, rel: str, artifacts_dir: Path
):
    _built(site_dir, rel)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site_url) else None)
    page.goto(site_url + rel, wait_until="load")
    questions = page.locator(".eonb-quiz .eonb-q")
    first, second = questions.nth(0), questions.nth(1)
    assert first.locator("button.eonb-q-check").is_visible(), (
        f"{rel}: no Check button with JavaScript on"
    )
    said = _answer(page, first, right=True)
    assert said.startswith("Right"), f"{rel}: a right answer got {said!r}"
    expected_why = (
        (
            first.locator("li.eonb-right .eonb-why")
            if first.get_attribute("data-kind") == "choice"
            else first.locator("p.eonb-right .eonb-why")
        )
        .text_content()
        .strip()
    )
    assert expected_why[:40] in said, f"{rel}: the feedback does not say why: {said!r}"
    said = _answer(page, second, right=False)
    assert said.startswith("Not quite"), f"{rel}: a wrong answer got {said!r}"
    assert len(said) > 30, f"{rel}: the feedback on a wrong answer explains nothing: {said!r}"
    assert first.locator("details.eonb-answer").get_attribute("open") is None, (
        "the answer opened by itself"
    )
    second.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / f"quiz-{Path(rel).stem}.png"))
    context.close()
    assert not [u for u in outside if not u.startswith(("data:", "blob:", "about:"))], (
        f"{rel}: the page loaded from outside the site: {outside[:5]}"
    )


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("rel", PAGES)
def test_without_javascript_each_question_is_followed_by_its_collapsed_answer(
    site_dir: Path, site_url: str, browser, rel: str
):
    _built(site_dir, rel)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + rel, wait_until="load")
    questions = page.locator(".eonb-quiz .eonb-q")
    assert questions.count() >= 4
    for i in range(questions.count()):
        q = questions.nth(i)
        assert q.locator("legend").is_visible(), (
            f"{rel}: question {i + 1} is not visible without JavaScript"
        )
        assert not q.locator("button.eonb-q-check").is_visible(), (
            "a Check button that cannot work is shown"
        )
        answer = q.locator("details.eonb-answer")
        assert answer.locator("summary").is_visible() and answer.get_attribute("open") is None
        assert not answer.locator(".eonb-why").first.is_visible(), "the answer is not collapsed"
        answer.locator("summary").click()
        assert answer.locator(".eonb-why").first.is_visible(), (
            f"{rel}: question {i + 1}'s answer does not open"
        )
    context.close()


# --------------------------------------------------------------------------- the directive


def _quiz_problem(body: str) -> str:
    """Build a one-page Sphinx project with this quiz body; the error message, or '' if it
    builds."""
    import tempfile

    from sphinx.application import Sphinx

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        # eonb_quiz is found in _ext/, on the path through conftest.py.
        (src / "conf.py").write_text("extensions = ['myst_parser', 'eonb_quiz']\n")
        (src / "index.md").write_text("# Quiz\n\n```{quiz}\n" + body + "\n```\n")
        import io

        warnings = io.StringIO()
        app = Sphinx(
            str(src),
            str(src),
            str(src / "_out"),
            str(src / "_dt"),
            "html",
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
        return warnings.getvalue() or (
            "" if (src / "_out" / "index.html").exists() else "no output"
        )


def test_the_directive_names_a_missing_explanation_or_right_option():
    ok = (
        "- question: Q?\n  options:\n    - text: a\n      right: true\n      why: because\n    "
        "- text: b\n      why: not this"
    )
    assert _quiz_problem(ok) == ""
    assert "needs `text:` and `why:`" in _quiz_problem(ok.replace("      why: not this", ""))
    assert "exactly one option" in _quiz_problem(ok.replace("      right: true\n", ""))
    assert "needs `why:`" in _quiz_problem("- question: How much?\n  answer: 3\n  units: km")
    assert "must be a number" in _quiz_problem("- question: How much?\n  answer: three\n  why: x")


def test_the_quiz_script_stays_small(repo_root: Path):
    """No heavy script: the quiz adds a few kB to a page, not a framework."""
    sizes = {
        name: (repo_root / "book" / "_static" / name).stat().st_size
        for name in ("quiz.js", "quiz.css")
    }
    assert sum(sizes.values()) < 8_000, f"quiz assets grew to {sizes} bytes"
    assert not re.search(
        r"https?://|import\s", (repo_root / "book" / "_static" / "quiz.js").read_text()
    ), "quiz.js must load nothing from outside"


@pytest.mark.build
@pytest.mark.browser
def test_print_shows_questions_to_learners_and_answers_to_instructors(
    site_dir: Path, site_url: str, browser, artifacts_dir: Path
):
    """Learner handout: questions (and a line for numbers), no answers. Instructor edition
    (``html.eonb-instructor``, every ``<details>`` opened, as tools/pdf_handouts.py does): answers
    and why."""
    rel = PAGES[0]
    _built(site_dir, rel)
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + rel, wait_until="load")
    page.emulate_media(media="print")
    quiz = page.locator(".eonb-quiz")
    assert quiz.locator("legend").first.is_visible()
    assert not quiz.locator("button.eonb-q-check").first.is_visible(), "a Check button is printed"
    assert not quiz.locator("details.eonb-answer").first.is_visible(), (
        "the learner handout prints the answers"
    )
    numeric = quiz.locator(".eonb-q[data-kind=numeric] .eonb-q-numeric")
    if numeric.count():
        assert numeric.first.is_visible(), "the learner handout has no line for a numeric answer"
    page.evaluate(
        "document.documentElement.classList.add('eonb-instructor');"
        "document.querySelectorAll('details').forEach(d => d.open = true)"
    )
    assert quiz.locator("details.eonb-answer .eonb-why").first.is_visible(), (
        "the instructor edition has no answers"
    )
    page.pdf(path=str(artifacts_dir / "quiz-instructor-print.pdf"))
    context.close()


@pytest.mark.build
@pytest.mark.browser
def test_the_quiz_works_from_the_offline_bundle_over_file_urls(site_dir: Path, browser):
    """The offline bundle is opened from a USB stick (file://): no server, the quiz still
    answers."""
    rel = PAGES[-1]
    path = _built(site_dir, rel)
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.resolve().as_uri(), wait_until="load")
    said = _answer(page, page.locator(".eonb-quiz .eonb-q").first, right=True)
    context.close()
    assert said.startswith("Right"), f"from file:// the quiz said {said!r}"


@pytest.mark.build
def test_a_long_option_wraps_under_its_text_with_its_letter_on_the_first_line(
    site_dir: Path, site_url: str, browser
):
    """On a phone, an option that takes several lines flows line by line (an inline
    label), so its letter (A., B.) stays beside its first line; as an inline-block (the
    theme's style for labels) the letter dropped to the last line, under the radio."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wrapped, stacked = 0, []
    for rel in PAGES + [f"fr/{p}" for p in PAGES]:
        if not (site_dir / rel).exists():
            continue
        page.goto(site_url + rel, wait_until="load")
        for label in page.locator(".eonb-q-options label").all():
            lines = label.evaluate(
                "e => { const h = parseFloat(getComputedStyle(e).lineHeight) || 24;"
                " return [e.getBoundingClientRect().height / h, e.getClientRects().length]; }"
            )
            if lines[0] > 1.5:
                wrapped += 1
                if lines[1] < 2:
                    stacked.append(f"{rel}: {label.inner_text()[:60]!r}")
    context.close()
    assert wrapped, "no option wraps at 390 px: the test checks nothing"
    assert not stacked, "options set as one block (letter on the last line):\n  " + "\n  ".join(
        stacked
    )
