"""Shared fixtures: the repository, the built site served on loopback, and Chromium.

Browser tests use Debian's ``chromium`` (installed by ``make test``) through
Playwright; they never download a browser.  Screenshots go to
``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from eonb_book.serve import serve
from eonb_book.settings import CHROMIUM_ARGS, ROOT, SITE_DIR

# The Sphinx extensions are modules of _ext/ (Sphinx finds them through _config.yml's
# local_extensions); the tests that check their functions import them from here.
sys.path.insert(0, str(ROOT / "_ext"))

# EONB_SITE points the tests at another built site, e.g. one page built with
# tools/build_lesson.py (_build/lessons/<name>/_build/html).
SITE = Path(os.environ.get("EONB_SITE", SITE_DIR))
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built website; `make test` builds it first."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"the website is not built ({SITE} has no index.html): run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    """Base URL of the built site served on 127.0.0.1 (ends with '/')."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver for the whole run (a second sync_playwright() inside
    the first one fails: "Sync API inside the asyncio loop")."""
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is not installed: `make test` installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch_chromium(playwright_session, extra_args=()):
    """Headless Debian Chromium with the course's arguments (plus ``extra_args``)."""
    return playwright_session.chromium.launch(
        executable_path=shutil.which("chromium"), args=[*CHROMIUM_ARGS, *extra_args]
    )


@pytest.fixture(scope="session")
def browser(playwright_session):
    """Headless Debian Chromium driven by Playwright."""
    b = launch_chromium(playwright_session)
    yield b
    b.close()


def html_pages(site_dir: Path) -> list[Path]:
    """Every content page of the built site (not search, index or lite pages)."""
    skip = {"search.html", "genindex.html"}
    return sorted(
        p
        for p in site_dir.rglob("*.html")
        if p.name not in skip and not {"_static", "lite", "_sources"} & set(p.parts)
    )


def open_guarded(browser, url: str, allowed, viewport=(1280, 900)):
    """Open ``url`` in a new page, refusing every request for which ``allowed(url)`` is false.

    Returns ``(page, console errors, refused URLs)``; the caller closes the page.
    ``data:`` and ``blob:`` URLs are always allowed (they never leave the browser).
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors, refused = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        request_url = route.request.url
        if request_url.startswith(("data:", "blob:")) or allowed(request_url):
            route.continue_()
        else:
            refused.append(request_url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, refused


# --- Markers from what a test uses, so `make unit` can leave the site out -------------
# A test that uses the built site (directly or through another fixture) is `build`; one
# that drives Chromium is `browser`.  `make unit` runs what is neither, nor `slow`.
_BUILD_FIXTURES = {"site_dir", "site_url"}
_BROWSER_FIXTURES = {"browser", "playwright_session"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _BUILD_FIXTURES:
            item.add_marker(pytest.mark.build)
        if used & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
