"""The offline bundle: a zip a teacher copies to a USB stick, that works with no network.

Specifications:
* ``tools/offline_bundle.py`` zips the built site (PDF handouts included)
  under one top folder with a README and ``serve.py``;
* unzipped and opened from disk (``file://``), every lesson page loads with
  its figures, no console error and no request to any host, and the search
  page finds a term;
* the README says plainly what JupyterLite needs (Pyodide) and how to add it;
  given a Pyodide distribution, the bundle ships it and points the kernel at
  the local copy.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import ROOT, SITE, open_guarded

from eonb_book import bundle as offline_bundle
from eonb_book import lite as lite_contents
from eonb_book import toc

pytestmark = [pytest.mark.build, pytest.mark.slow]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def log_message(self, *args):
        pass


LESSONS = [doc for doc, _ in toc.pages(ROOT) if Path(doc).name.startswith("lesson")]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    if not (SITE / "index.html").exists():
        pytest.fail(f"the website is not built ({SITE}): run `make book` first")
    tmp = tmp_path_factory.mktemp("bundle")
    zip_path = offline_bundle.make_bundle(SITE, tmp / "eo-notebooks-offline.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert all(n.startswith(offline_bundle.TOP + "/") for n in names)
        zf.extractall(tmp / "usb")
    return tmp / "usb" / offline_bundle.TOP


def test_bundle_has_the_site_handouts_and_instructions(unpacked):
    assert (unpacked / "index.html").exists()
    for doc in LESSONS:
        assert (unpacked / f"{doc}.html").exists()
        assert (unpacked / "_downloads" / "pdf" / f"{doc}.pdf").exists(), f"no PDF handout of {doc}"
    readme = (unpacked / "README.txt").read_text()
    assert "index.html" in readme and "serve.py" in readme
    assert "Pyodide" in readme and "NOT in this copy" in readme and "PYODIDE_DIST" in readme


def _open_from_disk(browser, path: Path):
    """Open a file of the unpacked bundle; every request that is not for a file is refused."""
    return open_guarded(
        browser, path.as_uri(), lambda u: urlparse(u).scheme == "file", viewport=(1200, 900)
    )


@pytest.mark.browser
@pytest.mark.parametrize("doc", LESSONS, ids=[Path(d).name for d in LESSONS])
def test_lesson_opens_from_disk_with_no_network(doc, unpacked, browser):
    page, errors, foreign = _open_from_disk(browser, unpacked / f"{doc}.html")
    try:
        page.wait_for_timeout(500)
        broken = page.evaluate("""() => [...document.images].filter(i => i.loading !== 'lazy'
            && (!i.complete || i.naturalWidth === 0)).map(i => i.src)""")
        figures = page.locator("main img").count()
        assert figures > 0, f"{doc}: no figures"
        assert not broken, f"{doc}: images that did not load from disk: {broken}"
        assert not foreign, f"{doc} asked for the network: {foreign}"
        assert not errors, f"{doc}: console errors from disk: {errors}"
    finally:
        page.close()


@pytest.mark.browser
def test_search_works_from_disk(unpacked, browser, artifacts_dir):
    search = unpacked / "search.html"
    page, errors, foreign = _open_from_disk(browser, search)
    try:
        page.goto(search.as_uri() + "?q=anomaly", wait_until="load")
        page.wait_for_selector("#search-results li", timeout=20_000)
        page.screenshot(path=str(artifacts_dir / "offline-search.png"))
        assert page.locator("#search-results li").count() > 0
        assert not foreign, foreign
    finally:
        page.close()


@pytest.mark.browser
def test_a_given_pyodide_is_shipped_and_used(tmp_path, browser):
    """With a Pyodide distribution the bundle carries it and the kernel loads it from lite/pyodide/.

    A stand-in distribution (a file named pyodide.mjs) is enough to prove the
    wiring: opening a practice notebook from the served bundle must request
    the bundle's own lite/pyodide/pyodide.mjs and nothing outside it."""
    fake = tmp_path / "pyodide"
    fake.mkdir()
    (fake / "pyodide.mjs").write_text("// stand-in for the Pyodide loader\n")
    (fake / "pyodide-lock.json").write_text("{}\n")
    folder = offline_bundle.stage(SITE, tmp_path / "staged", pyodide=fake)
    assert (folder / "lite" / "pyodide" / "pyodide.mjs").exists()
    config = json.loads((folder / "lite" / "jupyter-lite.json").read_text())
    url = config["jupyter-config-data"]["litePluginSettings"][offline_bundle.KERNEL_PLUGIN][
        "pyodideUrl"
    ]
    assert url == offline_bundle.LOCAL_PYODIDE_URL
    # resolved from an app page such as lite/lab/index.html, it lands on the shipped file
    assert (folder / "lite" / "lab" / url).resolve() == (
        folder / "lite" / "pyodide" / "pyodide.mjs"
    ).resolve()
    assert "is included" in (folder / "README.txt").read_text()

    practice = sorted((folder / "lite" / "files" / lite_contents.PRACTICE_DIR).glob("*.ipynb"))[0]
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context()
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        page.goto(f"{base}lite/lab/index.html?path={lite_contents.PRACTICE_DIR}/{practice.name}")
        deadline = time.time() + 90
        while time.time() < deadline and not any("pyodide.mjs" in u for u in requests):
            page.wait_for_timeout(500)
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert f"{base}lite/pyodide/pyodide.mjs" in requests, [u for u in requests if "pyodide" in u]
    assert all(u.startswith((base, "data:", "blob:")) for u in requests), [
        u for u in requests if not u.startswith(base)
    ]


@pytest.mark.browser
@pytest.mark.parametrize("doc", ["book/first-map", "book/glossary"])
def test_french_page_opens_from_disk_and_switches_language(doc, unpacked, browser):
    """The bundle carries the French site (fr/); its language links work from disk."""
    page, errors, foreign = _open_from_disk(browser, unpacked / "fr" / f"{doc}.html")
    try:
        assert page.evaluate("document.documentElement.lang") == "fr"
        link = page.locator('nav.eonb-language a[hreflang="en"]')
        assert link.count() == 1
        link.click()
        page.wait_for_load_state("load")
        assert page.url == (unpacked / f"{doc}.html").as_uri()
        assert not foreign, f"fr/{doc} asked for the network: {foreign}"
        assert not errors, f"fr/{doc}: console errors from disk: {errors}"
    finally:
        page.close()
