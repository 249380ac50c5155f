"""Interactive maps for a static web page: pan, zoom, hover and step through time, no kernel.

A figure made here is plain Bokeh: its data travel inside the page and
BokehJS draws them in the reader's browser, so it works on a static site
(and offline) with no Python behind it.  The course website serves BokehJS
from its own ``_static/vendor/bokeh`` folder (see ``_ext/eonb_interactive.py``),
never from a CDN.

>>> from eolab import interactive
>>> layout = interactive.time_slider_map(monthly_anomalies, global_mean)   # doctest: +SKIP
>>> interactive.embed(layout, caption="...", label="...")                  # doctest: +SKIP
"""

from __future__ import annotations

import html

import numpy as np
import xarray as xr

from eolab.i18n import t

STEP_DEGC = 0.02
"""Maps are stored in the page as whole numbers of 0.02 °C (one byte a value,
four times lighter than float32); values beyond +-2.54 °C are clipped."""
_MISSING = -128


def _palette(name: str = "balance", n: int = 256) -> list[str]:
    import matplotlib.colors as mcolors

    if name == "balance":
        import cmocean

        cmap = cmocean.cm.balance
    else:
        import matplotlib

        cmap = matplotlib.colormaps[name]
    return [mcolors.to_hex(c) for c in cmap(np.linspace(0, 1, n))]


def _check_frames(frames: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(frames, xr.DataArray):
        raise TypeError(
            f"frames must be an xarray.DataArray (time, lat, lon), got {type(frames).__name__}"
        )
    if set(frames.dims) != {"time", "lat", "lon"}:
        raise ValueError(f"frames must have dimensions (time, lat, lon), got {frames.dims}")
    frames = frames.transpose("time", "lat", "lon")
    lat, lon = frames["lat"].values, frames["lon"].values
    if lat.size < 2 or lon.size < 2 or np.any(np.diff(lat) <= 0) or np.any(np.diff(lon) <= 0):
        raise ValueError("frames need ascending, regular lat and lon with at least 2 values each")
    return lat, lon


def coastline_segments(
    lon_min: float, lon_max: float, resolution: str = "110m"
) -> tuple[list, list]:
    """Natural Earth coastlines (shipped with eolab, offline) as line segments for Bokeh.

    Longitudes are given in the data's convention: 0-360 when ``lon_max``
    exceeds 180, else -180-180; a line is split where it wraps around.

    Returns
    -------
    xs, ys : list of list of float
        One list of longitudes and one of latitudes per segment (``multi_line``).
    """
    from cartopy.io import shapereader

    from eolab._offline_maps import natural_earth_path

    wrap = lon_max > 180
    xs, ys = [], []
    for geom in shapereader.Reader(str(natural_earth_path("coastline", resolution))).geometries():
        for line in getattr(geom, "geoms", [geom]):
            x, y = np.asarray(line.coords).T
            if wrap:
                x = x % 360
            breaks = np.flatnonzero(np.abs(np.diff(x)) > 180) + 1
            for seg_x, seg_y in zip(np.split(x, breaks), np.split(y, breaks), strict=True):
                if seg_x.size > 1:
                    xs.append(seg_x.round(3).tolist())
                    ys.append(seg_y.round(3).tolist())
    return xs, ys


def time_slider_map(
    frames: xr.DataArray,
    series: xr.DataArray | None = None,
    *,
    title: str = "",
    label: str = "anomaly (°C)",
    limit: float = 2.0,
    palette: str = "balance",
    width: int = 720,
):
    """A map with a time slider (and, optionally, the time series below it).

    Parameters
    ----------
    frames : xarray.DataArray
        Maps along ``time`` on a regular, ascending ``lat``/``lon`` grid, in
        °C (e.g. monthly anomalies).  Keep them small: every value travels
        in the page (120 maps of 36 x 72 cells are 0.4 MB).
    series : xarray.DataArray, optional
        A value per time (e.g. the global mean), drawn under the map with a
        marker that follows the slider.
    title : str
        Title of the map; the month shown is appended.
    label : str
        What the colours mean, with units (hover tooltip and colour bar).
    limit : float
        Colour range is -limit..+limit, centred on zero (at most 2.54 °C);
        values beyond it take the end colours.
    palette : str
        ``"balance"`` (cmocean, diverging) or a matplotlib colour map name.
    width : int
        Largest width in pixels.  The figure scales down with the page, keeping
        its aspect, so it fits a phone's screen.

    Returns
    -------
    bokeh.models.LayoutDOM
        Map, slider and series in a column; show it with :func:`embed`.

    Raises
    ------
    ValueError
        If the dimensions are not (time, lat, lon), the grid is not
        ascending, or ``limit`` is outside (0, 2.54].
    """
    from bokeh.layouts import column
    from bokeh.models import (
        ColorBar,
        ColumnDataSource,
        CustomJS,
        CustomJSHover,
        CustomJSTickFormatter,
        FixedTicker,
        HoverTool,
        LinearColorMapper,
        Slider,
        Span,
    )
    from bokeh.plotting import figure

    lat, lon = _check_frames(frames)
    if not 0 < limit <= 127 * STEP_DEGC:
        raise ValueError(f"limit must be in (0, {127 * STEP_DEGC:g}] °C, got {limit!r}")
    frames = frames.transpose("time", "lat", "lon")
    steps = int(round(limit / STEP_DEGC))
    # Beyond +-limit, values take the end colours (clipped); missing values get a
    # code below the colour range, drawn transparent.
    with np.errstate(invalid="ignore"):
        scaled = np.clip(np.round(frames.values / STEP_DEGC), -steps, steps)
    coded = np.where(np.isfinite(frames.values), scaled, _MISSING).astype(np.int8)
    months = [str(when)[:7] for when in frames["time"].values]
    dlat, dlon = float(lat[1] - lat[0]), float(lon[1] - lon[0])

    colours = LinearColorMapper(
        palette=_palette(palette), low=-steps, high=steps, low_color="#00000000"
    )  # only the missing code is below -steps
    frames_source = ColumnDataSource({"image": list(coded)})
    shown = ColumnDataSource({"image": [coded[0]]})
    map_fig = figure(
        title=f"{title}, {months[0]}",
        width=width,
        height=int(width * 0.53),
        x_range=(lon[0] - dlon / 2, lon[-1] + dlon / 2),
        y_range=(lat[0] - dlat / 2, lat[-1] + dlat / 2),
        x_axis_label="longitude (°E)",
        y_axis_label="latitude (°N)",
        tools="pan,wheel_zoom,box_zoom,reset,save",
        sizing_mode="scale_width",
        max_width=width,
    )
    map_fig.image(
        "image",
        source=shown,
        x=lon[0] - dlon / 2,
        y=lat[0] - dlat / 2,
        dw=lon[-1] - lon[0] + dlon,
        dh=lat[-1] - lat[0] + dlat,
        color_mapper=colours,
    )
    coast_x, coast_y = coastline_segments(float(lon.min()), float(lon.max()))
    map_fig.multi_line(
        coast_x, coast_y, line_color="#333333", line_width=0.8
    )  # Natural Earth 1:110m
    to_degc = CustomJSHover(code=f"return (value * {STEP_DEGC}).toFixed(2)")
    map_fig.add_tools(
        HoverTool(
            tooltips=[("lon, lat", "$x{0.0}, $y{0.0}"), (label, "@image{custom}")],
            formatters={"@image": to_degc},
        )
    )
    ticks = np.linspace(-steps, steps, 5)  # colour bar labelled in °C, not in steps
    bar = ColorBar(
        color_mapper=colours,
        title=label,
        width=12,
        ticker=FixedTicker(ticks=ticks.tolist()),
        major_label_overrides={float(v): f"{v * STEP_DEGC:g}" for v in ticks},
    )
    map_fig.add_layout(bar, "right")

    # the slider steps through the frames by number, but shows the month, e.g. "2014-01"
    month_label = CustomJSTickFormatter(
        args=dict(months=months), code="return months[Math.round(tick)];"
    )
    slider = Slider(
        start=0,
        end=len(months) - 1,
        value=0,
        step=1,
        title=t("month"),
        format=month_label,
        width=width - 20,
        sizing_mode="stretch_width",
        max_width=width - 20,
    )
    args = dict(frames=frames_source, shown=shown, fig=map_fig, months=months, title=title)
    code = """
        const i = cb_obj.value;
        shown.data = {image: [frames.data.image[i]]};
        fig.title.text = title + ", " + months[i];
    """
    parts = [map_fig, slider]
    if series is not None:
        times = series["time"].values.astype("datetime64[ms]").astype(np.int64).astype(float)
        line_fig = figure(
            width=width,
            height=180,
            x_axis_type="datetime",
            y_axis_label=series.attrs.get("units", ""),
            title=series.attrs.get("long_name", ""),
            tools="pan,wheel_zoom,box_zoom,reset",
            sizing_mode="scale_width",
            max_width=width,
        )
        line_fig.line(times, series.values, color="black", line_width=1.5)
        now = Span(
            location=times[0],
            dimension="height",
            line_color="#b2182b",
            line_dash="dashed",
            line_width=2,
        )
        line_fig.add_layout(now)
        args.update(now=now, times=times.tolist())
        code += "\n        now.location = times[i];"
        parts.append(line_fig)
    slider.js_on_change("value", CustomJS(args=args, code=code))
    return column(*parts, sizing_mode="stretch_width", max_width=width)


_NAME_CONTROLS = """<script>
(function () {
  // Bokeh draws its widgets inside shadow roots, without a name for the slider's
  // handle; give it one, so screen readers and keyboard users know what it moves.
  const figure = document.getElementById(%(id)s);
  function name(root) {
    let found = false;
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      node.querySelectorAll(".noUi-handle").forEach(h => { h.setAttribute("aria-label",
          %(label)s); found = true; });
      node.querySelectorAll("*").forEach(e => { if (e.shadowRoot) stack.push(e.shadowRoot); });
    }
    return found;
  }
  let tries = 0;
  const timer = setInterval(() => { if (!figure || name(figure) ||
      ++tries > 200) clearInterval(timer); }, 50);
})();
</script>"""


def embed(layout, *, caption: str, label: str, control_label: str | None = None):
    """Bokeh layout as HTML for a notebook output or a static page, with a caption.

    The HTML holds the figure's data and a ``<script>`` that draws it with
    BokehJS, which the page must load (the course site serves it itself).
    The figure is wrapped in ``<figure>`` with a visible ``<figcaption>``
    and an ``aria-label``, so readers of the page without JavaScript or with
    a screen reader still learn what it shows; slider handles are named
    ``control_label``.

    Parameters
    ----------
    layout : bokeh.models.LayoutDOM
        E.g. from :func:`time_slider_map`.
    caption : str
        Caption shown under the figure (plain text).
    label : str
        Short description for assistive technology (plain text).
    control_label : str, optional
        Accessible name of the slider's handle; default "Month shown on the
        map", in the page's language (:func:`eolab.i18n.t`).

    Returns
    -------
    IPython.display.HTML
    """
    import json
    import uuid

    from bokeh.embed import components
    from IPython.display import HTML

    if not caption.strip() or not label.strip():
        raise ValueError(
            "an interactive figure needs a caption and a label (what it shows, in words)"
        )
    if control_label is None:
        control_label = t("Month shown on the map")
    script, div = components(layout)
    figure_id = f"eonb-interactive-{uuid.uuid4().hex[:8]}"
    name_controls = _NAME_CONTROLS % {
        "id": json.dumps(figure_id),
        "label": json.dumps(control_label),
    }
    return HTML(
        f'<figure id="{figure_id}" class="eonb-interactive" aria-label="{html.escape(label)}">'
        f"{div}<noscript><p>{t('This interactive figure needs JavaScript.')}</p></noscript>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>{script}{name_controls}"
    )
