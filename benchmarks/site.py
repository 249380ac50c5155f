"""Page weight of the built website: what a learner on a slow connection downloads.

    .venv/bin/python benchmarks/site.py [--site _build/html]      (or: make site-benchmark)

Prints, for every page of ``_toc.yml``: the HTML, the images it shows, and
the two together (the page's own weight; the theme's CSS/JS are shared by
every page and cached after the first).  Then the median page weight (target:
under 500 KB), the largest image, the shared assets loaded by every page, the
PDF handouts, and the whole site with and without ``lite/`` (JupyterLite) and
as the offline zip would hold it.

Then, for every lesson page, a **first visit** in Chromium (Debian's
``chromium``, empty cache, 390 px phone viewport) from a loopback server that
sends text gzip-compressed as web servers do, with the DevTools protocol
emulating a slow phone: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip,
4x CPU slowdown.  Printed per page: the bytes on the wire for every asset
(HTML, CSS, JS, fonts, images; ``encodedDataLength``), how much of it is
BokehJS, and the time to the largest contentful paint (LCP).  Targets: under
800 kB on every lesson page except the one with the interactive figure, and
LCP under 4 s on every lesson page.  ``--no-browser`` skips this part.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import re
import shutil
import statistics
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from eonb_book import toc
from eonb_book.settings import CHROMIUM_ARGS, PDF_DIR, ROOT, SITE_DIR

_SRC = re.compile(r'<(?:img|script|link)\b[^>]*?\b(?:src|href)="([^"#?]+)', re.IGNORECASE)
TARGET_MEDIAN_KB = 500
TARGET_FIRST_VISIT_KB = 800
TARGET_LCP_S = 4.0
# A slow phone, as Lighthouse's "slow 4G" and DevTools' presets describe it.
THROTTLE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
CPU_SLOWDOWN = 4
_COMPRESSIBLE = {
    ".html",
    ".js",
    ".mjs",
    ".css",
    ".json",
    ".svg",
    ".txt",
    ".map",
    ".xml",
    ".ipynb",
    ".md",
}


def kb(n: int) -> str:
    return f"{n / 1e3:,.0f} kB"


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> int:
    return sum(
        f.stat().st_size
        for f in folder.rglob("*")
        if f.is_file() and not any(part in skip for part in f.relative_to(folder).parts)
    )


def page_weight(site: Path, doc: str) -> dict:
    """Bytes of one page: its HTML, its images, and the shared CSS/JS it loads."""
    html_path = site / f"{doc}.html"
    html = html_path.read_text(encoding="utf-8")
    images, shared = {}, {}
    for ref in _SRC.findall(html):
        if "://" in ref or ref.startswith("data:"):
            continue
        target = (html_path.parent / unquote(ref)).resolve()
        if not target.is_file():
            continue
        if (
            target.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp")
            and "_static" not in target.parts
        ):
            images[target] = target.stat().st_size
        elif "_static" in target.parts:
            shared[target] = target.stat().st_size
    return {
        "doc": doc,
        "html": html_path.stat().st_size,
        "images": sum(images.values()),
        "n_images": len(images),
        "largest_image": max(images.items(), key=lambda kv: kv[1], default=(None, 0)),
        "shared": sum(shared.values()),
        "shared_gzip": sum(len(gzip.compress(p.read_bytes(), 6)) for p in shared),
    }


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the browser accepts it (as GitHub Pages does)."""

    _cache: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix.lower() not in _COMPRESSIBLE
            or not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
        ):
            return super().do_GET()
        key = (path, path.stat().st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), 6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_gzip(site: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_LCP_OBSERVER = """
window.__lcp = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) { window.__lcp = Math.max(window.__lcp, e.startTime); }
}).observe({type: 'largest-contentful-paint', buffered: true});
"""


def first_visit(browser, url: str) -> dict:
    """One throttled first visit: bytes on the wire (all assets), BokehJS bytes, LCP in seconds."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.add_init_script(_LCP_OBSERVER)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    urls, wire = {}, {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    try:
        page.goto(url, wait_until="load", timeout=180_000)
        try:
            page.wait_for_load_state("networkidle", timeout=60_000)
        except Exception:  # noqa: BLE001 (a page that keeps polling still has an LCP)
            pass
        page.wait_for_timeout(500)
        lcp = page.evaluate("window.__lcp") / 1e3
    finally:
        context.close()
    total = sum(wire.values())
    bokeh = sum(n for rid, n in wire.items() if "/vendor/bokeh/" in urls.get(rid, ""))
    return {"bytes": total, "bokeh": bokeh, "requests": len(wire), "lcp": lcp}


def browser_figures(site: Path, docs: list[str]) -> None:
    executable = shutil.which("chromium")
    if executable is None:
        print("first visit: Debian's chromium is not installed (make browser); skipped")
        return
    from playwright.sync_api import sync_playwright

    lessons = [d for d in docs if Path(d).name.startswith("lesson")]
    print(
        "\nfirst visit of each lesson page: 390 px, "
        f"{THROTTLE['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s, "
        f"{THROTTLE['latency']} ms RTT, {CPU_SLOWDOWN}x CPU slowdown, empty cache, text "
        "gzip-compressed"
    )
    print(f"{'page':40s} {'transfer':>10s} {'BokehJS':>9s} {'req':>4s} {'LCP':>7s}")
    with serve_gzip(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            for doc in lessons:
                r = first_visit(browser, f"{url}{doc}.html")
                interactive = r["bokeh"] > 0
                ok_kb = (
                    r["bytes"] - r["bokeh"] < TARGET_FIRST_VISIT_KB * 1e3
                    if interactive
                    else r["bytes"] < TARGET_FIRST_VISIT_KB * 1e3
                )
                verdict = (
                    ("OK" if ok_kb else f"OVER {TARGET_FIRST_VISIT_KB} kB")
                    + ", "
                    + ("OK" if r["lcp"] < TARGET_LCP_S else f"LCP OVER {TARGET_LCP_S:.0f} s")
                )
                print(
                    f"{doc:40s} {kb(r['bytes']):>10s} {kb(r['bokeh']):>9s} {r['requests']:>4d} "
                    f"{r['lcp']:>6.1f}s  {verdict}"
                )
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE_DIR)
    parser.add_argument("--no-browser", action="store_true", help="skip the throttled first visits")
    args = parser.parse_args(argv)
    site = args.site
    if not (site / "index.html").exists():
        sys.exit(f"{site} is not a built site: run `make book` first")

    docs = [doc for doc, _ in toc.pages(ROOT)]
    missing = [doc for doc in docs if not (site / f"{doc}.html").exists()]
    if missing:
        print(f"not in this build (skipped): {', '.join(missing)}")
    rows = [page_weight(site, doc) for doc in docs if doc not in missing]
    print(f"{'page':40s} {'HTML':>9s} {'images':>9s} {'n':>3s} {'page':>9s}")
    for r in rows:
        print(
            f"{r['doc']:40s} {kb(r['html']):>9s} {kb(r['images']):>9s} {r['n_images']:>3d} "
            f"{kb(r['html'] + r['images']):>9s}"
        )
    lessons = [r for r in rows if Path(r["doc"]).name.startswith("lesson")]
    for label, group in (("all pages", rows), ("lesson pages", lessons)):
        if group:
            median = statistics.median(r["html"] + r["images"] for r in group)
            verdict = (
                "OK"
                if median < TARGET_MEDIAN_KB * 1e3
                else f"OVER the {TARGET_MEDIAN_KB} kB target"
            )
            print(f"median page weight, {label}: {kb(median)} ({verdict})")
    largest = max(rows, key=lambda r: r["largest_image"][1])
    path, size = largest["largest_image"]
    if path is not None:
        print(f"largest image: {kb(size)} ({path.name}, on {largest['doc']})")
    heaviest = max(rows, key=lambda r: r["shared"])
    print(
        f"shared theme CSS/JS per page (cached after the first page): {kb(heaviest['shared'])}, "
        f"{kb(heaviest['shared_gzip'])} gzip-compressed as web servers usually send it"
    )
    pdf = site / PDF_DIR
    if pdf.exists():
        pdfs = sorted(pdf.rglob("*.pdf"), key=lambda p: p.stat().st_size)
        print(
            f"PDF handouts: {len(pdfs)} files, {kb(sum(p.stat().st_size for p in pdfs))}; "
            f"largest {pdfs[-1].name} {kb(pdfs[-1].stat().st_size)}"
        )
    total = folder_bytes(site)
    without_lite = folder_bytes(site, skip=("lite",))
    print(
        f"whole site: {total / 1e6:.1f} MB; without lite/ (JupyterLite): "
        f"{without_lite / 1e6:.1f} MB"
    )
    if not args.no_browser:
        browser_figures(site, [r["doc"] for r in rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
