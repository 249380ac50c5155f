"""The course is usable by everyone: screen readers, keyboards, low vision, colour-vision
deficiency.

* axe-core (the accessibility engine behind many browser audits, shipped
  inside ``axe-playwright-python`` so nothing is downloaded) audits every
  page of the built site in Chromium, in light and in dark mode: no serious
  or critical violation is allowed.  All violations, of every impact, are
  saved to ``tests/artifacts/accessibility-axe.json`` for a person to read.
* Every image has a text alternative that describes it (not a file name),
  every figure from a notebook has a caption, and headings never skip a level.
* Keyboard users reach the content first ("Skip to main content") and can
  open the hidden solutions of exercises with Tab and Enter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import html_pages

pytestmark = [pytest.mark.build, pytest.mark.browser]

BLOCKING = {"serious", "critical"}
MODES = ("light", "dark")
FILE_NAME = re.compile(
    r"(\.(png|jpe?g|gif|svg|webp)$)|(^[0-9a-f]{16,})|(^_?images?/)", re.IGNORECASE
)
GENERIC_ALT = {"image", "figure", "png", "plot", "graph", "chart", "output", "picture"}


def is_redirect(path: Path) -> bool:
    """A bare redirect page (e.g. the root index.html) has no content to audit."""
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    return 'http-equiv="refresh"' in head.lower()


def content_pages(site_dir: Path) -> list[Path]:
    return [p for p in html_pages(site_dir) if not is_redirect(p)]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(doc: BeautifulSoup):
    """The page's main content (what a reader reads), without theme chrome."""
    return doc.select_one("article.bd-article") or doc.select_one("main") or doc


# --------------------------------------------------------------------------- axe-core


@pytest.fixture(scope="module")
def axe_results(site_dir: Path, site_url: str, browser, artifacts_dir: Path) -> dict:
    """axe-core results for every page in both colour modes; also written as a JSON report."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = content_pages(site_dir)
    assert pages, f"no content pages found in {site_dir}"
    results: dict = {}
    for mode in MODES:
        context = browser.new_context(color_scheme=mode)
        # The theme follows the system colour scheme unless told otherwise; say so explicitly.
        context.add_init_script(
            f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
        )
        page = context.new_page()
        for path in pages:
            rel = path.relative_to(site_dir).as_posix()
            page.goto(site_url + rel, wait_until="load")
            theme = page.evaluate("document.documentElement.dataset.theme || 'light'")
            assert theme == mode, f"{rel}: asked for {mode} mode, the page shows {theme!r}"
            violations = axe.run(page).response["violations"]
            results.setdefault(rel, {})[mode] = [
                {
                    "rule": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "help_url": v["helpUrl"],
                    "nodes": [
                        {
                            "target": n["target"],
                            "html": n["html"][:300],
                            "summary": n.get("failureSummary", "")[:500],
                        }
                        for n in v["nodes"]
                    ],
                }
                for v in violations
            ]
        context.close()
    report = {
        "engine": "axe-core (axe-playwright-python)",
        "pages": len(pages),
        "modes": list(MODES),
        "blocking_impacts": sorted(BLOCKING),
        "counts": {
            rel: {
                mode: {v["rule"]: f"{v['impact']} x{len(v['nodes'])}" for v in found}
                for mode, found in modes.items()
            }
            for rel, modes in results.items()
        },
        "violations": results,
    }
    (artifacts_dir / "accessibility-axe.json").write_text(
        json.dumps(report, indent=1), encoding="utf-8"
    )
    return results


def _selector(target) -> str:
    """axe's target: a list of CSS selectors, nested in lists for elements inside shadow DOM."""
    return " >> ".join(_selector(t) if isinstance(t, list) else str(t) for t in target)


@pytest.mark.parametrize("mode", MODES)
def test_no_serious_or_critical_accessibility_violations(axe_results: dict, mode: str):
    lines = []
    for rel, modes in sorted(axe_results.items()):
        for v in modes[mode]:
            if v["impact"] in BLOCKING:
                targets = "; ".join(_selector(n["target"]) for n in v["nodes"][:3])
                lines.append(
                    f"{rel} [{mode}] {v['rule']} ({v['impact']}, {len(v['nodes'])} element(s)): "
                    f"{v['help']} -- e.g. {targets}\n      {v['nodes'][0]['summary'][:300]}"
                )
    assert not lines, (
        "axe-core found serious/critical accessibility problems "
        "(full report: tests/artifacts/accessibility-axe.json):\n" + "\n".join(lines)
    )


def test_every_page_was_audited(axe_results: dict, site_dir: Path):
    audited = set(axe_results)
    expected = {p.relative_to(site_dir).as_posix() for p in content_pages(site_dir)}
    assert audited == expected
    assert all(set(modes) == set(MODES) for modes in axe_results.values())


# --------------------------------------------------------------------------- images and figures


def test_every_image_has_a_meaningful_text_alternative(site_dir: Path):
    problems = []
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        for img in soup(path).find_all("img"):
            alt = (img.get("alt") or "").strip()
            src = img.get("src", "")
            decorative = img.get("role") == "presentation" or img.get("aria-hidden") == "true"
            if decorative:
                continue
            if not alt:
                problems.append(f"{rel}: <img src={src!r}> has no alt text")
            elif FILE_NAME.search(alt) or alt.lower() in GENERIC_ALT or alt == Path(src).name:
                problems.append(
                    f"{rel}: <img src={src!r}> has alt text that describes nothing: {alt!r}"
                )
    assert not problems, "images without a text alternative:\n" + "\n".join(problems)


def test_every_notebook_figure_has_a_caption(site_dir: Path):
    """Figures drawn by lesson code are <figure>s with a caption, and every <figure> has one."""
    problems = []
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        doc = article(soup(path))
        for img in doc.select("div.cell_output img"):
            figure = img.find_parent("figure")
            if figure is None:
                problems.append(
                    f"{rel}: output image {img.get('src')!r} is not a captioned figure "
                    "(add mystnb: figure: caption: to the cell metadata)"
                )
        for figure in doc.find_all("figure"):
            caption = figure.find("figcaption")
            if caption is None or not caption.get_text(strip=True):
                img = figure.find("img")
                problems.append(f"{rel}: figure {img.get('src') if img else ''!r} has no caption")
    assert not problems, "figures without captions:\n" + "\n".join(problems)


def test_headings_are_in_order(site_dir: Path):
    """One h1 per page and no skipped levels: screen-reader users navigate by headings."""
    problems = []
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        levels = [int(h.name[1]) for h in article(soup(path)).find_all(re.compile(r"^h[1-6]$"))]
        if levels.count(1) != 1:
            problems.append(f"{rel}: {levels.count(1)} <h1> headings (want exactly one)")
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"{rel}: heading level jumps from h{before} to h{after}")
                break
    assert not problems, "\n".join(problems)


def test_pages_declare_their_language(site_dir: Path):
    missing = [
        p.relative_to(site_dir).as_posix()
        for p in content_pages(site_dir)
        if not (soup(p).html or {}).get("lang")
    ]
    assert not missing, (
        f"pages without <html lang=...> (screen readers need it to pronounce text): {missing}"
    )


# --------------------------------------------------------------------------- keyboard


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, cls: String(e.className || ''), text: (e.textContent ||
            '').trim().slice(0, 60),
                href: e.getAttribute('href') || '', id: e.id || ''}; }""")


def test_first_tab_offers_skip_to_main_content(site_dir: Path, site_url: str, browser):
    page = browser.new_page()
    problems = []
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        page.goto(site_url + rel, wait_until="load")
        page.keyboard.press("Tab")
        first = _focused(page)
        # "Skip to main content", or its translation on a translated page (the theme's catalogue).
        skip = ("skip", "passer au contenu")
        if not any(w in first["text"].lower() for w in skip) or not first["href"].startswith("#"):
            problems.append(
                f"{rel}: the first Tab focuses {first}, not a 'Skip to main content' link"
            )
            continue
        target = page.locator(first["href"].replace("/", "\\/"))
        if target.count() == 0:
            problems.append(f"{rel}: the skip link points to {first['href']}, which does not exist")
    page.close()
    assert not problems, "\n".join(problems)


def test_solutions_open_with_the_keyboard(site_dir: Path, site_url: str, browser):
    """Tab reaches each hidden solution's toggle; Enter shows the solution."""
    pages = [
        p
        for p in content_pages(site_dir)
        if 'class="solution dropdown' in p.read_text(encoding="utf-8")
    ]
    if not pages:
        pytest.skip("no page with hidden solutions in this build")
    page = browser.new_page()
    problems = []
    for path in pages:
        rel = path.relative_to(site_dir).as_posix()
        page.goto(site_url + rel, wait_until="load")
        hidden = page.locator(".solution.dropdown.toggle-hidden").count()
        if hidden == 0:
            problems.append(f"{rel}: solutions are not hidden behind a toggle")
            continue
        for _ in range(1500):  # Tab through the page until the first solution toggle
            page.keyboard.press("Tab")
            if "toggle-button" in _focused(page)["cls"]:
                break
        else:
            problems.append(f"{rel}: Tab never reaches a solution's toggle button")
            continue
        page.keyboard.press("Enter")
        page.wait_for_timeout(200)
        if page.locator(".solution.dropdown.toggle-hidden").count() != hidden - 1:
            problems.append(f"{rel}: Enter on the focused toggle does not open the solution")
    page.close()
    assert not problems, "\n".join(problems)
