"""JupyterLite with no internet: the practice says at once that it needs Pyodide.

Specifications, in Chromium that resolves no host but this machine (as on a
laptop with no network):
* opening a lesson's practice notebook from the site shows, within a few
  seconds, a message that the practice needs the internet or the offline
  bundle built with Pyodide (instead of a kernel that waits for ever);
* the check reads the Pyodide address from the site's own ``jupyter-lite.json``
  (which the offline bundle points at its local copy), reachable offline.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import launch_chromium
from eonb_delivery import OFFLINE_NOTICE_ID  # _ext/ (on the path through conftest.py)
from launch_results import recording

from eonb_book import lite as lite_contents
from eonb_book import toc

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [
    doc
    for doc, src in toc.pages(ROOT)
    if Path(doc).name.startswith("lesson") and lite_contents.read_practice(src, doc)
]
# No name resolves except this machine: every request to the outside fails as offline.
OFFLINE_RESOLVER = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="module")
def offline_browser(playwright_session):
    b = launch_chromium(playwright_session, OFFLINE_RESOLVER)
    yield b
    b.close()


@pytest.mark.build
@pytest.mark.browser
def test_offline_practice_says_it_needs_pyodide_within_seconds(
    offline_browser, site_dir, site_url, artifacts_dir
):
    doc = LESSONS[0]
    name = lite_contents.practice_name(doc)
    url = f"{site_url}lite/lab/index.html?path={lite_contents.PRACTICE_DIR}/{name}.ipynb"
    with recording("lite-offline", [lite_contents.practice_name(d) for d in LESSONS]) as details:
        context = offline_browser.new_context(viewport={"width": 1280, "height": 800})
        failed = []
        context.on("requestfailed", lambda r: failed.append(r.url))
        page = context.new_page()
        try:
            start = time.time()
            page.goto(url, wait_until="load")
            notice = page.locator(f"#{OFFLINE_NOTICE_ID}")
            notice.wait_for(state="visible", timeout=10_000)
            seconds = time.time() - start
            text = notice.inner_text()
            page.locator(".jp-RenderedMarkdown h1").filter(has_text="Practice:").first.wait_for(
                timeout=60_000
            )
            page.screenshot(path=str(artifacts_dir / f"lite-offline-{name}.png"))
            # The check reads the configured Pyodide URL from the site's own jupyter-lite.json,
            # which loads offline (so a bundle's local Pyodide is what it would ask for).
            found = page.evaluate("""async () => {
                const r = await fetch('../jupyter-lite.json', {mode: 'no-cors'}); return r.ok; }""")
        finally:
            context.close()
        assert seconds < 8, f"the offline message took {seconds:.1f} s"
        assert "needs the internet, or the offline bundle built with Pyodide" in text, text
        assert "cdn.jsdelivr.net" in text and "make offline PYODIDE_DIST" in text, text
        assert any("cdn.jsdelivr.net" in u for u in failed), failed
        assert found
        details.update(
            seconds_to_message=round(seconds, 1),
            message=text.split(".")[0],
            browser="Chromium, every outside host unresolvable",
        )
