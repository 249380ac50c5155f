"""The course works on a slow, expensive or missing connection.

* Images are sized for the web: none over 400 KB (a 400 KB figure takes about
  3 s on a 1 Mbit/s mobile connection), and no page weighs more than 3 MB
  with its images.  The largest images and heaviest pages are printed and
  saved to ``tests/artifacts/page-weight.json``.
* Pages are readable with JavaScript switched off (old phones, data-saving
  browsers, text-mode proxies): the text, the figures and their captions, and
  the exercises with their solutions are all there.

That nothing is loaded from third-party servers is tested with the delivery
checks (tests for the offline bundle and requests).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import html_pages

pytestmark = [pytest.mark.build]

MAX_IMAGE_KB = 400
MAX_PAGE_KB = 3000
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def is_redirect(path: Path) -> bool:
    return (
        'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
    )


def content_pages(site_dir: Path) -> list[Path]:
    return [p for p in html_pages(site_dir) if not is_redirect(p)]


def site_images(site_dir: Path) -> list[Path]:
    """Every image file the site serves, except the JupyterLite app (not course content)."""
    return sorted(
        p
        for p in site_dir.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES
        and p.is_file()
        and "lite" not in p.relative_to(site_dir).parts
    )


def page_weight(site_dir: Path, page: Path) -> dict:
    """Bytes of a page's HTML and of the local images it shows."""
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    images = set()
    for img in doc.find_all("img"):
        src = img.get("src", "")
        if not src or urlparse(src).scheme or src.startswith("data:"):
            continue
        target = (page.parent / unquote(urlparse(src).path)).resolve()
        if target.is_file():
            images.add(target)
    html_kb = page.stat().st_size / 1024
    images_kb = sum(p.stat().st_size for p in images) / 1024
    return {
        "page": page.relative_to(site_dir).as_posix(),
        "html_kb": round(html_kb, 1),
        "images_kb": round(images_kb, 1),
        "images": len(images),
        "total_kb": round(html_kb + images_kb, 1),
    }


@pytest.fixture(scope="module")
def weights(site_dir: Path, artifacts_dir: Path) -> dict:
    images = sorted(
        (
            (p.stat().st_size / 1024, p.relative_to(site_dir).as_posix())
            for p in site_images(site_dir)
        ),
        reverse=True,
    )
    pages = sorted(
        (page_weight(site_dir, p) for p in content_pages(site_dir)),
        key=lambda w: w["total_kb"],
        reverse=True,
    )
    report = {
        "max_image_kb": MAX_IMAGE_KB,
        "max_page_kb": MAX_PAGE_KB,
        "largest_images": [{"file": f, "kb": round(kb, 1)} for kb, f in images[:10]],
        "pages": pages,
    }
    (artifacts_dir / "page-weight.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("\nLargest images:", ", ".join(f"{f} {kb:.0f} KB" for kb, f in images[:5]))
    print("Heaviest pages:", ", ".join(f"{w['page']} {w['total_kb']:.0f} KB" for w in pages[:5]))
    return {"images": images, "pages": pages}


def test_the_site_has_images_to_check(weights: dict):
    assert weights["images"], "the built site has no images at all: is it built?"


def test_every_image_is_web_sized(weights: dict):
    too_big = [f"{f}: {kb:.0f} KB" for kb, f in weights["images"] if kb > MAX_IMAGE_KB]
    largest = weights["images"][0]
    assert not too_big, (
        f"images over {MAX_IMAGE_KB} KB (reduce figsize or dpi, or save as JPEG/WebP "
        f"for photos): {too_big}"
    )
    assert largest[0] <= MAX_IMAGE_KB, f"largest image {largest[1]} is {largest[0]:.0f} KB"


def test_no_page_is_too_heavy_for_a_slow_connection(weights: dict):
    heavy = [
        f"{w['page']}: {w['total_kb']:.0f} KB (HTML {w['html_kb']:.0f} KB + {w['images']} images "
        f"{w['images_kb']:.0f} KB)"
        for w in weights["pages"]
        if w["total_kb"] > MAX_PAGE_KB
    ]
    assert not heavy, f"pages over {MAX_PAGE_KB} KB with their images: {heavy}"


# --------------------------------------------------------------------------- JavaScript off

READ_PAGE = """() => {
  const main = document.querySelector('article.bd-article') || document.querySelector('main') ||
      document.body;
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                         return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' &&
                             s.display !== 'none'; };
  const h1 = main.querySelector('h1');
  return {
    text: main.innerText.length,
    h1: h1 ? h1.innerText.trim() : null,
    h1_visible: h1 ? visible(h1) : false,
    images: [...main.querySelectorAll('img')].map(i => ({src: i.getAttribute('src'),
        ok: i.complete && i.naturalWidth > 0 && visible(i)})),
    captions: [...main.querySelectorAll('figure figcaption')].map(c => visible(c) &&
        c.innerText.trim().length > 0),
    solutions: [...main.querySelectorAll('.solution')].map(s => visible(s) &&
        s.innerText.trim().length > 20),
    exercises: [...main.querySelectorAll('.exercise')].map(s => visible(s) &&
        s.innerText.trim().length > 20),
  };
}"""


def test_pages_are_readable_with_javascript_off(
    site_dir: Path, site_url: str, browser, artifacts_dir: Path
):
    """Compared with the same page with JavaScript on, no text, figure or solution is lost."""
    with_js = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1000, "height": 800}
    )
    page = context.new_page()
    problems, checked = [], 0
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        with_js.goto(site_url + rel, wait_until="load")
        page.goto(site_url + rel, wait_until="load")
        seen, expected = page.evaluate(READ_PAGE), with_js.evaluate(READ_PAGE)
        if not seen["h1_visible"]:
            problems.append(f"{rel}: the page title (h1) is not visible")
        if seen["text"] < 0.9 * expected["text"]:
            problems.append(
                f"{rel}: only {seen['text']} of the {expected['text']} characters of text "
                "shown with JavaScript are readable without it"
            )
        if len(seen["images"]) < len(expected["images"]):
            problems.append(
                f"{rel}: {len(seen['images'])} images without JavaScript, "
                f"{len(expected['images'])} with it"
            )
        problems += [
            f"{rel}: image {i['src']} does not show" for i in seen["images"] if not i["ok"]
        ]
        if not all(seen["captions"]):
            problems.append(f"{rel}: {seen['captions'].count(False)} figure caption(s) not shown")
        if not all(seen["exercises"]) or not all(seen["solutions"]):
            problems.append(f"{rel}: exercises or their solutions are not readable")
        if rel.endswith("first-map.html") or "lesson" in rel:
            page.screenshot(path=str(artifacts_dir / f"nojs-{path.stem}.png"), full_page=False)
        checked += 1
    context.close()
    with_js.context.close()
    assert checked, "no page checked"
    assert not problems, "pages that need JavaScript to be read:\n" + "\n".join(problems)


def test_figure_pngs_are_palette_encoded_smaller_and_the_same_size(tmp_path):
    """The build re-encodes figure PNGs with a 256-colour palette: same pixels grid, fewer bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import eonb_build  # _ext/ (on the path through conftest.py)
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    y, x = np.mgrid[0:200, 0:400]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.pcolormesh(
        np.sin(x / 30) * np.cos(y / 20) + np.random.default_rng(0).normal(0, 0.1, x.shape),
        cmap="viridis",
    )
    path = tmp_path / "figure.png"
    fig.savefig(path)
    plt.close(fig)
    with Image.open(path) as original:
        size = original.size
        pixels = np.asarray(original.convert("RGB"), dtype=float)
    before, after = eonb_build.shrink_png(path)
    assert after < 0.6 * before, (before, after)
    with Image.open(path) as shrunk:
        assert shrunk.size == size and shrunk.mode == "P"
        assert np.abs(np.asarray(shrunk.convert("RGB"), dtype=float) - pixels).mean() < 3  # of 255
    assert eonb_build.shrink_png(path) == (after, after), "a shrunk image is left alone"


# --------------------------------------------------------------------------- a light first visit


def test_first_visit_is_light_and_text_comes_first(site_dir: Path):
    """No 1.45 MB icon script; search index and BokehJS never block the text; figures lazy and
    sized."""
    problems = []
    for path in content_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in doc.find_all("script", src=True):
            src = script["src"]
            if "fontawesome" in src:
                problems.append(f"{rel}: loads {src} (icons come from _static/eonb-icons.css)")
            if any(
                k in src for k in ("searchindex.js", "searchtools.js", "vendor/bokeh/")
            ) and not script.has_attr("defer"):
                problems.append(f"{rel}: {src} blocks rendering (no defer)")
        if not doc.find("link", href=lambda h: h and h.endswith("_static/eonb-icons.css")):
            problems.append(f"{rel}: no icon stylesheet")
        meta = doc.find("meta", attrs={"name": "description"})
        if not meta or len(meta.get("content", "")) < 40:
            problems.append(f"{rel}: no meta description")
        article = doc.select_one("article.bd-article")
        figures = [
            img
            for img in (article.find_all("img") if article else [])
            if "_images/" in img.get("src", "")
        ]
        for img in figures:
            if not (img.get("width") and img.get("height")):
                problems.append(f"{rel}: {img['src']} has no width/height")
        for img in figures[1:]:
            if img.get("loading") != "lazy":
                problems.append(f"{rel}: {img['src']} below the first figure is not loading=lazy")
    assert not problems, "\n".join(problems[:20])


def test_icon_stylesheet_draws_every_icon_the_pages_use(site_dir: Path):
    import eonb_build  # _ext/ (on the path through conftest.py)

    css = (site_dir / "_static" / "eonb-icons.css").read_text(encoding="utf-8")
    assert len(css) < 30_000, f"icon stylesheet is {len(css)} bytes"
    used = set()
    for path in content_pages(site_dir):
        used |= eonb_build.icons_used(path.read_text(encoding="utf-8"))
    assert used, "no icons found on the pages"
    missing = [name for _, name in used if f".fa-{name} " not in css and f".fa-{name}," not in css]
    assert not missing, f"icons used on the pages but not drawn: {missing}"
