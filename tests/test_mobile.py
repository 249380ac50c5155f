"""The site on a phone (390 px) and a laptop (1366 px), in Chromium.

* Nothing is wider than the viewport or its column: the page never scrolls
  sideways and the article's content fits the article (wide tables, code and
  the interactive map scroll inside their own box).
* One header and one search box; the ☰ button opens the site navigation on a
  phone (and hides it on a laptop), and a click on a lesson link there goes to
  that lesson; the "Contents" button opens the page's table of contents.

Screenshots at 390 px with the navigation open are kept in
``tests/artifacts/mobile/`` for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import SITE, html_pages

pytestmark = [pytest.mark.build, pytest.mark.browser]

WIDTHS = (390, 1366)
PAGES = (
    [
        p.relative_to(SITE).as_posix()
        for p in html_pages(SITE)
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000].lower()
    ]
    if SITE.exists()
    else []
)

OVERFLOW = """() => {
  const doc = document.documentElement;
  const article = document.querySelector('article.bd-article');
  const wide = [];
  if (article) {
    const right = article.getBoundingClientRect().right + 1;
    // Elements sticking out of the column, unless a scrolling box holds them.
    const scrolls = el => { for (let e = el.parentElement; e && e !== article;
        e = e.parentElement) {
        const o = getComputedStyle(e).overflowX; if (o === 'auto' || o === 'scroll' ||
            o === 'hidden') return true; }
      return false; };
    for (const el of article.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right && !scrolls(el)) {
        wide.push(
          `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(r.width)} px`);
      }
    }
  }
  return {page: doc.scrollWidth, viewport: window.innerWidth,
          article: article ? [article.scrollWidth, article.clientWidth] : null,
              wide: wide.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def contexts(browser):
    made = {
        w: browser.new_context(
            viewport={"width": w, "height": 844 if w < 600 else 900},
            is_mobile=w < 600,
            has_touch=w < 600,
        )
        for w in WIDTHS
    }
    yield made
    for c in made.values():
        c.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_wider_than_the_viewport_or_its_column(path, width, contexts, site_url):
    page = contexts[width].new_page()
    try:
        page.goto(site_url + path, wait_until="load")
        page.wait_for_timeout(300)
        got = page.evaluate(OVERFLOW)
        assert got["page"] <= got["viewport"], (
            f"{path} at {width} px scrolls sideways: content "
            f"{got['page']} px wide; too wide: {got['wide']}"
        )
        assert not got["wide"], f"{path} at {width} px: wider than the column: {got['wide']}"
    finally:
        page.close()


def _sidebar_open(page) -> bool:
    """The site navigation shows: in the sidebar (laptop) or in the theme's dialog (phone)."""
    return page.evaluate("""() => {
        const shows = s => { if (!s) return false; const r = s.getBoundingClientRect();
            return getComputedStyle(s).visibility !== 'hidden' && r.width > 100 &&
                r.right > 100 && r.left >= -1
                && s.querySelectorAll('.bd-docs-nav a').length > 5; };
        const dialog = document.getElementById('pst-primary-sidebar-modal');
        return (dialog && dialog.open && shows(dialog)) ||
            shows(document.querySelector('.bd-sidebar-primary')); }""")


def test_one_header_one_search_box(contexts, site_url):
    page = contexts[390].new_page()
    try:
        page.goto(site_url + "book/lesson1-notebooks-sst.html", wait_until="load")
        first = page.locator(".primary-toggle").first
        assert first.is_visible(), (
            "the first .primary-toggle (the one the theme's scripts use) is hidden"
        )
        headers = page.evaluate("""() => [...document.querySelectorAll('header.bd-header')]
            .filter(h => h.getBoundingClientRect().height > 0).length""")
        assert headers == 0, "a second header bar is back (html_theme_options.navbar_persistent)"
        boxes = page.evaluate("document.querySelectorAll('.search-button-field').length")
        forms = page.evaluate("document.querySelectorAll('form.bd-search').length")
        assert (boxes, forms) == (1, 1), (
            f"{boxes} search boxes and {forms} search forms on the page, "
            "expected one (in the navigation)"
        )
    finally:
        page.close()


@pytest.mark.parametrize(
    "start",
    [
        "book/intro.html",
        "book/data.html",
        "book/lesson2-no2-lockdown.html",
        "book/lesson3-data-cube.html",
        "book/lesson5-dask.html",
    ],
)
def test_phone_navigation_opens_and_a_lesson_link_navigates(
    start, contexts, site_url, artifacts_dir
):
    page = contexts[390].new_page()
    try:
        page.goto(site_url + start, wait_until="load")
        assert not _sidebar_open(page), "the navigation should start closed on a phone"
        page.locator(".primary-toggle").first.click()
        page.wait_for_timeout(400)
        assert _sidebar_open(page), f"{start}: ☰ did not open the navigation"
        shots = artifacts_dir / "mobile"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / (start.split("/")[-1].replace(".html", "") + "-nav.png")))
        target = "lesson4-pixel-access" if "lesson4" not in start else "lesson1-notebooks-sst"
        link = page.locator(f".bd-sidebar-primary a[href$='{target}.html']").first
        link.click()
        page.wait_for_url(f"**/{target}.html", timeout=10000)
    finally:
        page.close()


def test_phone_contents_button_opens_the_page_toc(contexts, site_url):
    page = contexts[390].new_page()
    try:
        page.goto(site_url + "book/lesson3-data-cube.html", wait_until="load")
        page.locator(".secondary-toggle").first.click()
        page.wait_for_timeout(400)
        shown = page.evaluate("""() => {
            const s = document.getElementById('pst-secondary-sidebar-modal');
            if (!s || !s.open) return false; const r = s.getBoundingClientRect();
            return r.width > 100 && r.left < window.innerWidth - 50 &&
                s.querySelector('.page-toc') !== null; }""")
        assert shown, "the Contents button did not open the page's table of contents"
    finally:
        page.close()


def test_laptop_menu_button_hides_and_shows_the_navigation(contexts, site_url):
    page = contexts[1366].new_page()
    try:
        page.goto(site_url + "book/lesson1-notebooks-sst.html", wait_until="load")
        assert _sidebar_open(page)
        page.locator(".primary-toggle").first.click()
        page.wait_for_timeout(400)
        assert not _sidebar_open(page), "☰ did not hide the navigation on a laptop"
        page.locator(".primary-toggle").first.click()
        page.wait_for_timeout(400)
        assert _sidebar_open(page)
    finally:
        page.close()


def test_the_interactive_map_fits_a_phone(contexts, site_url):
    """Lesson 5's Bokeh map scales down to a phone's column (it keeps its aspect),
    so the reader sees the whole map and slider without scrolling inside it."""
    page = contexts[390].new_page()
    try:
        page.goto(site_url + "book/lesson5-dask.html", wait_until="load")
        page.wait_for_selector("figure.eonb-interactive canvas", state="attached", timeout=20000)
        page.wait_for_timeout(1000)
        got = page.evaluate("""() => {
          const f = document.querySelector('figure.eonb-interactive');
          return {scroll: f.scrollWidth, client: f.clientWidth};
        }""")
        # Bokeh draws in shadow roots: Playwright's locator pierces them, querySelector does not.
        got["canvas"] = page.locator("figure.eonb-interactive canvas").first.bounding_box()["width"]
        assert got["scroll"] <= got["client"] + 1, (
            f"the map scrolls inside its box at 390 px: {got}"
        )
        assert got["canvas"] > 200, f"the map is too small to read at 390 px: {got}"
    finally:
        page.close()
