"""Every page of the built website, in headless Chromium, as a reader would open it.

Each page loads with no console error and no request to any host but the
site itself, every image on it loads, and a full-page screenshot is kept in
``tests/artifacts/pages/`` for a person to look at.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import SITE, html_pages, open_guarded

pytestmark = [pytest.mark.build, pytest.mark.browser]

PAGES = [p.relative_to(SITE).as_posix() for p in html_pages(SITE)] if SITE.exists() else []


def open_page(browser, url: str, allowed_hosts: set[str]):
    """Open ``url``; returns (page, console errors, requests to other hosts)."""
    return open_guarded(
        browser, url, lambda u: u.startswith("file:") or urlparse(u).hostname in allowed_hosts
    )


def broken_images(page) -> list[str]:
    """Images that fail to load; images below the fold (loading="lazy") are loaded first."""
    return page.evaluate("""async () => {
        for (const img of document.images) { img.loading = 'eager'; }
        await Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(r => { img.onload = img.onerror = r; setTimeout(r, 10000); })));
        return [...document.images].filter(img => !img.complete ||
            img.naturalWidth === 0).map(img => img.src);
    }""")


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(path, browser, site_url, artifacts_dir):
    page, errors, foreign = open_page(browser, site_url + path, {"127.0.0.1"})
    try:
        shot = artifacts_dir / "pages" / path.replace("/", "__").replace(".html", ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        assert not foreign, f"{path} requested other hosts: {foreign}"
        assert not errors, f"{path} logged console errors: {errors}"
        assert not broken_images(page), (
            f"{path} has images that did not load: {broken_images(page)}"
        )
        assert page.locator("main h1").count() >= 1, f"{path} has no title"
    finally:
        page.close()


def test_every_toc_page_was_built(site_dir, repo_root):
    from eonb_book.toc import pages as toc_pages

    missing = [doc for doc, _ in toc_pages(repo_root) if not (site_dir / f"{doc}.html").exists()]
    assert not missing, f"pages of _toc.yml missing from the site: {missing}"


def test_search_finds_a_glossary_term(browser, site_url):
    """Sphinx search works from the built site (it is all client-side)."""
    page, errors, foreign = open_page(browser, site_url + "search.html?q=anomaly", {"127.0.0.1"})
    try:
        page.wait_for_selector("#search-results li", timeout=15000)
        results = page.locator("#search-results li").all_inner_texts()
        assert any("Glossary" in r or "glossary" in r for r in results), results
        assert not foreign and not errors, (foreign, errors)
    finally:
        page.close()
