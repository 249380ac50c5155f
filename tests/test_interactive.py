"""Lesson 5's interactive Bokeh map works on the static site, offline, with no kernel.

The page is served on 127.0.0.1 and opened in headless Chromium: BokehJS must
come from the site itself (never a CDN), the map must draw, and moving the
month slider must change what is drawn, with no console error.  A screenshot
before and after is kept in ``tests/artifacts/`` for a person to look at.

Run it on the whole site (``_build/html``) or on Lesson 5 built alone::

    EONB_SITE=_build/lessons/lesson5-dask/_build/html PYTHONPATH=tools/offline_guard \\
        .venv/bin/python -m pytest tests/test_interactive.py -q
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

PAGE = "book/lesson5-dask.html"
ROOT = Path(__file__).resolve().parents[1]

# The Bokeh document's slider value and the map title, read through BokehJS itself.
BOKEH_STATE = """() => {
  const doc = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  if (!doc) return null;
  const models = [...doc.all_models];
  const slider = models.find(m => m.type === "Slider" || (m.constructor &&
      m.constructor.__name__ === "Slider"));
  const title = models.find(m => typeof m.text === "string" &&
      m.text.startsWith("SYNTHETIC SST anomaly"));
  return {version: Bokeh.version, slider: slider ? slider.value : null,
      end: slider ? slider.end : null,
          title: title ? title.text : null};
}"""


# --------------------------------------------------------------------------- the helper, no browser


def _monthly(n=14):
    import numpy as np
    import pandas as pd
    import xarray as xr

    values = np.linspace(-3, 3, n * 4 * 8).reshape(n, 4, 8).astype("float32")
    values[0, 0, 0] = np.nan
    return xr.DataArray(
        values,
        dims=("time", "lat", "lon"),
        coords={
            "time": pd.date_range("2014-01-01", periods=n, freq="MS"),
            "lat": [-67.5, -22.5, 22.5, 67.5],
            "lon": np.arange(22.5, 360, 45),
        },
    )


def test_maps_travel_in_the_page_as_bytes_of_002_degC_with_gaps_transparent():
    from bokeh.models import ColumnDataSource, Slider

    from eolab import interactive

    frames = _monthly()
    layout = interactive.time_slider_map(
        frames, frames.mean(("lat", "lon")), title="SYNTHETIC test", limit=2
    )
    sources = [
        m
        for m in layout.references()
        if isinstance(m, ColumnDataSource) and len(m.data.get("image", [])) > 1
    ]
    images = sources[0].data["image"]
    assert len(images) == 14 and images[0].dtype.name == "int8"
    inside = abs(frames.values) < 2
    decoded = images[7] * interactive.STEP_DEGC
    assert inside[7].sum() > 10
    assert abs(decoded - frames.values[7])[inside[7]].max() <= interactive.STEP_DEGC / 2 + 1e-6
    assert (
        images[-1].max() == 100 and images[0].min() == -128
    )  # beyond 2 °C: the end colour, not a hole
    assert images[0][0, 0] == -128  # the gap: drawn transparent
    assert (images[0][images[0] != -128] >= -100).all()
    slider = next(m for m in layout.references() if isinstance(m, Slider))
    assert (slider.start, slider.end) == (0, 13)
    # the slider shows the month, not the frame number
    from bokeh.models import CustomJSTickFormatter, MultiLine

    assert isinstance(slider.format, CustomJSTickFormatter)
    assert slider.format.args["months"][:2] == ["2014-01", "2014-02"]
    # coastlines (Natural Earth, shipped offline) are drawn over the map, in the data's 0-360
    # longitudes
    coasts = [m for m in layout.references() if isinstance(m, MultiLine)]
    assert coasts, "the map has no coastlines"
    source = next(
        m for m in layout.references() if isinstance(m, ColumnDataSource) and "xs" in m.data
    )
    xs = [x for seg in source.data["xs"] for x in seg]
    assert len(source.data["xs"]) > 50 and min(xs) >= 0 and max(xs) <= 360


def test_coastlines_follow_the_longitude_convention_of_the_data():
    from eolab import interactive

    xs, ys = interactive.coastline_segments(-180, 180)
    flat = [x for seg in xs for x in seg]
    assert min(flat) < -100 and max(flat) <= 180
    xs, _ = interactive.coastline_segments(0, 359)
    assert all(abs(a - b) <= 180 for seg in xs for a, b in zip(seg, seg[1:], strict=False)), (
        "a segment jumps across the map"
    )


def test_the_helper_refuses_what_it_cannot_draw_and_figures_without_words():
    from eolab import interactive

    with pytest.raises(ValueError, match=r"dimensions \(time, lat, lon\)"):
        interactive.time_slider_map(_monthly().rename(lat="y"))
    with pytest.raises(ValueError, match="limit must be in"):
        interactive.time_slider_map(_monthly(), limit=5)
    layout = interactive.time_slider_map(_monthly())
    with pytest.raises(ValueError, match="caption and a label"):
        interactive.embed(layout, caption="", label="a map")
    html = interactive.embed(layout, caption="SYNTHETIC <test>", label="A map").data
    assert (
        "<figcaption>SYNTHETIC &lt;test&gt;</figcaption>" in html and 'aria-label="A map"' in html
    )
    assert "cdn." not in html  # nothing to fetch from elsewhere


# --------------------------------------------------------------------------- the built page


@pytest.fixture(scope="module")
def lesson_page(site_dir: Path) -> Path:
    page = site_dir / PAGE
    if not page.exists():
        pytest.fail(
            f"{page} is not built: build the site, or Lesson 5 alone with "
            "`tools/build_lesson.py book/lesson5-dask.md` and "
            "EONB_SITE=_build/lessons/lesson5-dask/_build/html"
        )
    return page


@pytest.mark.build
def test_bokehjs_is_served_by_the_site_itself(site_dir: Path, lesson_page: Path):
    html = lesson_page.read_text(encoding="utf-8")
    assert "_static/vendor/bokeh/bokeh.min.js" in html, (
        "the Lesson 5 page does not load the site's own BokehJS"
    )
    for name in ("bokeh.min.js", "bokeh-widgets.min.js"):
        assert (site_dir / "_static" / "vendor" / "bokeh" / name).stat().st_size > 10_000
    assert "cdn.bokeh.org" not in html and "cdn.holoviz.org" not in html


def test_the_extension_refuses_a_page_that_loads_bokeh_from_a_cdn():
    import eonb_interactive  # _ext/ (on the path through conftest.py)

    body = '<script src="https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"></script>'
    assert eonb_interactive._CDN.search(body)
    inline = (
        "<script>const js_urls = "
        '["https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"];</script>'
    )
    assert eonb_interactive._CDN.search(inline), (
        "Bokeh's notebook output fetches BokehJS from its CDN"
    )
    # A link for the reader to follow is not a request.
    assert not eonb_interactive._CDN.search(
        '<p>See <a href="https://cdn.jsdelivr.net/npm/x/">x</a></p>'
    )


@pytest.mark.build
@pytest.mark.browser
def test_the_map_draws_and_the_slider_steps_through_time_offline(
    site_url: str, browser, artifacts_dir: Path, lesson_page: Path
):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    hosts, errors = set(), []
    page.on(
        "request",
        lambda request: hosts.add(urlparse(request.url).hostname or request.url.split(":")[0]),
    )
    # The browser's own request for /favicon.ico (the site has none) is not the page's doing.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    try:
        page.goto(site_url + PAGE, wait_until="load")
        figure = page.locator("figure.eonb-interactive")
        figure.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0", timeout=15_000
        )
        page.wait_for_selector("figure.eonb-interactive canvas", state="attached", timeout=15_000)
        page.wait_for_timeout(500)  # let BokehJS paint
        canvases = page.locator("figure.eonb-interactive canvas")
        assert canvases.count() >= 1, "the Bokeh map drew no canvas"
        box = canvases.first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150, f"the map canvas is tiny: {box}"
        before = page.evaluate(BOKEH_STATE)
        assert before and before["slider"] == 0 and before["end"] >= 11, before
        assert before["title"].endswith(", 2014-01"), before
        figure.screenshot(path=str(artifacts_dir / "lesson5-interactive-before.png"))
        pixels_before = figure.screenshot()

        # Step through time with the keyboard, as a reader can: focus the slider's handle.
        handle = page.locator("figure.eonb-interactive .noUi-handle").first
        assert handle.get_attribute("aria-label"), "the slider's handle has no accessible name"
        handle.focus()
        for _ in range(6):
            handle.press("ArrowRight")
            page.wait_for_timeout(100)
            # The theme's navigation_with_keys once turned this key into "next lesson".
            assert page.url.endswith(PAGE), (
                f"an arrow key on the slider navigated away, to {page.url}"
            )
        page.wait_for_timeout(500)
        after = page.evaluate(BOKEH_STATE)
        assert after["slider"] == 6, f"the slider did not move: {after}"
        assert after["title"].endswith(", 2014-07"), (
            f"the map title did not follow the slider: {after}"
        )
        shown = page.evaluate("""() => {
            const texts = [];
            const walk = root => root.querySelectorAll('*').forEach(e => {
                if (e.shadowRoot) walk(e.shadowRoot);
                if (e.tagName !== 'STYLE' && e.childElementCount === 0 &&
                    e.textContent) texts.push(e.textContent);
            });
            walk(document);
            return texts.join(' ');
        }""")
        assert "2014-07" in shown, "the slider does not show the month it is on"
        figure.screenshot(path=str(artifacts_dir / "lesson5-interactive-after.png"))
        assert figure.screenshot() != pixels_before, (
            "moving the slider did not change what is drawn"
        )
    finally:
        context.close()
    assert hosts == {"127.0.0.1"}, (
        f"the page made requests to other hosts than 127.0.0.1: {sorted(hosts)}"
    )
    assert not errors, f"console errors on the Lesson 5 page: {errors}"
