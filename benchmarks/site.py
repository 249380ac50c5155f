"""Page weight of the built website: what a learner on a slow connection downloads.

    .venv/bin/python benchmarks/site.py [--site _build/html]      (or: make site-benchmark)

Prints, for every page of ``_toc.yml``: the HTML, the images it shows, and
the two together (the page's own weight; the theme's CSS/JS are shared by
every page and cached after the first).  Then the median page weight (target:
under 500 KB), the largest image, the shared assets loaded by every page, the
PDF handouts, and the whole site with and without ``lite/`` (JupyterLite) and
as the offline zip would hold it.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from lite_contents import toc_pages  # noqa: E402

_SRC = re.compile(r'<(?:img|script|link)\b[^>]*?\b(?:src|href)="([^"#?]+)', re.IGNORECASE)
TARGET_MEDIAN_KB = 500


def kb(n: int) -> str:
    return f"{n / 1e3:,.0f} kB"


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*")
               if f.is_file() and not any(part in skip for part in f.relative_to(folder).parts))


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
        if target.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp") and "_static" not in target.parts:
            images[target] = target.stat().st_size
        elif "_static" in target.parts:
            shared[target] = target.stat().st_size
    return {"doc": doc, "html": html_path.stat().st_size, "images": sum(images.values()),
            "n_images": len(images), "largest_image": max(images.items(), key=lambda kv: kv[1], default=(None, 0)),
            "shared": sum(shared.values()),
            "shared_gzip": sum(len(gzip.compress(p.read_bytes(), 6)) for p in shared)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    site = args.site
    if not (site / "index.html").exists():
        sys.exit(f"{site} is not a built site: run `make book` first")

    docs = [doc for doc, _ in toc_pages(ROOT)]
    missing = [doc for doc in docs if not (site / f"{doc}.html").exists()]
    if missing:
        print(f"not in this build (skipped): {', '.join(missing)}")
    rows = [page_weight(site, doc) for doc in docs if doc not in missing]
    print(f"{'page':40s} {'HTML':>9s} {'images':>9s} {'n':>3s} {'page':>9s}")
    for r in rows:
        print(f"{r['doc']:40s} {kb(r['html']):>9s} {kb(r['images']):>9s} {r['n_images']:>3d} "
              f"{kb(r['html'] + r['images']):>9s}")
    lessons = [r for r in rows if Path(r["doc"]).name.startswith("lesson")]
    for label, group in (("all pages", rows), ("lesson pages", lessons)):
        if group:
            median = statistics.median(r["html"] + r["images"] for r in group)
            verdict = "OK" if median < TARGET_MEDIAN_KB * 1e3 else f"OVER the {TARGET_MEDIAN_KB} kB target"
            print(f"median page weight, {label}: {kb(median)} ({verdict})")
    largest = max(rows, key=lambda r: r["largest_image"][1])
    path, size = largest["largest_image"]
    if path is not None:
        print(f"largest image: {kb(size)} ({path.name}, on {largest['doc']})")
    heaviest = max(rows, key=lambda r: r["shared"])
    print(f"shared theme CSS/JS per page (cached after the first page): {kb(heaviest['shared'])}, "
          f"{kb(heaviest['shared_gzip'])} gzip-compressed as web servers usually send it")
    pdf = site / "_downloads" / "pdf"
    if pdf.exists():
        pdfs = sorted(pdf.rglob("*.pdf"), key=lambda p: p.stat().st_size)
        print(f"PDF handouts: {len(pdfs)} files, {kb(sum(p.stat().st_size for p in pdfs))}; "
              f"largest {pdfs[-1].name} {kb(pdfs[-1].stat().st_size)}")
    total = folder_bytes(site)
    without_lite = folder_bytes(site, skip=("lite",))
    print(f"whole site: {total / 1e6:.1f} MB; without lite/ (JupyterLite): {without_lite / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
