"""Checkers for Lesson 1, *What is a notebook? SST maps, Niño-3.4 and a CMIP6 archive*."""

from __future__ import annotations

from functools import cache

from . import Feedback, number, verdict

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]


@cache
def _sst():
    from eolab import datasets

    return datasets.load("ostia_sst")["sst"]


def _cold_span(month: str, threshold: float = 26.0, dim: str = "lat", colder: bool = True):
    field = _sst().sel(lon=slice(120, 290), time=month).squeeze()
    profile = field.mean(dim)
    other = "lon" if dim == "lat" else "lat"
    picked = profile[other].where(profile < threshold if colder else profile > threshold, drop=True)
    if picked.size == 0:
        return float("nan"), float("nan")
    return float(picked.min()), float(picked.max())


def exercise1(west, east, show_solution: bool = False) -> Feedback:
    """*A colour scale for La Niña*: the longitudes (°E, 0–360) between which the
    equatorial Pacific was colder than 26 °C in December 2007."""
    west, east = number(west, "west"), number(east, "east")
    expected = _cold_span("2007-12")
    solution = f"from {expected[0]:.0f} to {expected[1]:.0f} °E" if show_solution else None
    tolerance = 3.0
    if abs(west - expected[0]) <= tolerance and abs(east - expected[1]) <= tolerance:
        return Feedback(
            True,
            "Right: both longitudes match the lesson's (within 3°). The cold tongue of "
            "La Niña stretches from South America far west along the equator.",
            None,
            solution,
        )
    if (
        west < 0
        or east < 0
        or (abs(west - (expected[0] - 360)) <= tolerance)
        or (abs(east - (expected[1] - 360)) <= tolerance)
    ):
        return Feedback(
            False,
            "Not quite: give the longitudes in °E from 0 to 360, as the data's `lon` is "
            "(−163 is 197 °E).",
            "longitude convention",
            solution,
        )
    warm = _cold_span("2007-12", colder=False)
    if abs(west - warm[0]) <= tolerance and abs(east - warm[1]) <= tolerance:
        return Feedback(
            False,
            "Not quite: those are where the water is *warmer* than 26 °C; the exercise "
            "asks where it is colder.",
            "comparison reversed",
            solution,
        )
    if abs(west - expected[1]) <= tolerance and abs(east - expected[0]) <= tolerance:
        return Feedback(False, "Not quite: west and east are swapped.", "swapped", solution)
    kelvin = _cold_span("2007-12", threshold=26.0 + 273.15)
    if abs(west - kelvin[0]) <= tolerance and abs(east - kelvin[1]) <= tolerance:
        return Feedback(
            False,
            "Not quite: that threshold looks like kelvin; the data are in °C.",
            "kelvin",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your span {west:.0f}–{east:.0f} °E with the lesson's, allowing "
        "± 3°, and with the spans that the usual mistakes give (°W instead of °E, warmer "
        "instead of "
        "colder, December 2009 instead of 2007); it matches none. Did you average over `lat` and "
        "select December 2007?",
        "unknown",
        solution,
    )


def exercise2(peak, lowest, n_el_nino, n_la_nina, show_solution: bool = False) -> Feedback:
    """*When did El Niño peak?*: the months (``"YYYY-MM"``) of the highest and lowest
    Niño-3.4 index, and the numbers of El Niño (> +0.5 °C) and La Niña (< −0.5 °C) months."""
    from eolab import anomalies

    sst = _sst()
    nino34 = anomalies.nino34_index(sst)
    box = anomalies.nino34_sst(sst)
    want = {
        "peak": str(nino34.idxmax().values)[:7],
        "lowest": str(nino34.idxmin().values)[:7],
        "n_el_nino": int((nino34 > 0.5).sum()),
        "n_la_nina": int((nino34 < -0.5).sum()),
    }
    got = {
        "peak": str(peak)[:7],
        "lowest": str(lowest)[:7],
        "n_el_nino": int(number(n_el_nino, "n_el_nino")),
        "n_la_nina": int(number(n_la_nina, "n_la_nina")),
    }
    solution = str(want) if show_solution else None
    if got == want:
        return Feedback(
            True, "Right: both months and both counts match the lesson's.", None, solution
        )
    if got["peak"] == str(box.idxmax().values)[:7] and got["peak"] != want["peak"]:
        return Feedback(
            False,
            "Not quite: that peak is the warmest month of the box's SST itself; the index is "
            "its anomaly (`nino34`), which removes the seasonal cycle.",
            "SST not anomaly",
            solution,
        )
    if (got["n_el_nino"], got["n_la_nina"]) == (want["n_la_nina"], want["n_el_nino"]) and want[
        "n_el_nino"
    ] != want["n_la_nina"]:
        return Feedback(
            False,
            "Not quite: the counts are swapped: El Niño is above +0.5 °C, La Niña below −0.5.",
            "swapped counts",
            solution,
        )
    if got["n_el_nino"] == int((nino34 >= 0).sum()) or got["n_la_nina"] == int((nino34 < 0).sum()):
        return Feedback(
            False,
            "Not quite: the counts use 0 as threshold; El Niño months are above +0.5 °C and "
            "La Niña months below −0.5 °C.",
            "threshold",
            solution,
        )
    wrong = [k for k in want if got[k] != want[k]]
    return Feedback(
        False,
        f"Not quite: I compared the peak month, the lowest month and both counts with the "
        f"lesson's; these differ: {', '.join(wrong)}.",
        "unknown",
        solution,
    )


def exercise3(coldest_c, show_solution: bool = False) -> Feedback:
    """*Daily data in the archive*: the temperature (°C) of the coldest day of
    NorESM2-LM's daily ``ta`` at 850 hPa, averaged over the grid points."""
    from eolab import archive

    root = archive.sample_archive()
    daily = archive.find_files(root, table="day", variable="ta")
    ta = archive.open_files(daily[daily["model"] == "NorESM2-LM"])["ta"]
    at850 = ta.sel(plev=85000.0)
    expected = float(at850.mean(("lat", "lon")).min()) - 273.15
    mistakes = [
        (
            "kelvin",
            expected + 273.15,
            "that is in kelvin; the exercise asks for °C (subtract 273.15).",
        ),
        (
            "coldest grid point not mean",
            float(at850.min()) - 273.15,
            "that is the coldest single grid point; average over `lat` and `lon` first, then "
            "find the coldest day.",
        ),
        (
            "mean over the wrong dimension",
            float(at850.mean("time").min()) - 273.15,
            "that averages over `time`; average over `lat` and `lon` and keep the days.",
        ),
    ]
    return verdict(
        number(coldest_c, "coldest_c"), expected, 0.1, "coldest day", mistakes, show_solution, "°C"
    )


def exercise4(ax, show_solution: bool = False) -> Feedback:
    """*The same recipe on a model grid*: the map axes of your NEMO SST plot
    (what ``maps.map_axes`` returned). Checks the projection, the colour map and the colour limits.
    """
    import numpy as np

    from eolab import datasets

    images = [c for c in getattr(ax, "collections", []) if hasattr(c, "get_clim")] + [
        i for i in getattr(ax, "images", [])
    ]
    if not images:
        raise TypeError(
            "pass the axes your map was drawn on (the `ax` from maps.map_axes), after plotting"
        )
    mappable = images[-1]
    vmin, vmax = mappable.get_clim()
    tos = datasets.load("nemo_tos")["tos"].isel(time=0)
    low, high = (float(v) for v in np.nanpercentile(tos.values, [2, 98]))
    solution = (
        (
            f"Robinson projection, cmo.thermal, limits about {low:.1f} to {high:.1f} °C "
            "(robust=True, center=False)"
        )
        if show_solution
        else None
    )
    name = mappable.get_cmap().name
    projection = type(getattr(ax, "projection", None)).__name__
    if vmin < 0 and abs(vmin + vmax) < 1e-6 * max(1.0, abs(vmax)):
        return Feedback(
            False,
            f"Not quite: the colour limits are symmetric ({vmin:.0f} to {vmax:.0f} °C): xarray "
            "assumed a diverging quantity because the data cross zero. Add `center=False`.",
            "symmetric limits",
            solution,
        )
    if "thermal" not in name:
        return Feedback(
            False,
            f"Not quite: the colour map is {name!r}; SST is a quantity, use the perceptually "
            "uniform `cmo.thermal`.",
            "colour map",
            solution,
        )
    if projection != "Robinson":
        return Feedback(
            False,
            f"Not quite: the map is in {projection}; the exercise asks for Robinson "
            '(`maps.map_axes(projection="robinson", central_longitude=180)`).',
            "projection",
            solution,
        )
    if abs(vmin - float(np.nanmin(tos))) < 0.05 and abs(vmax - float(np.nanmax(tos))) < 0.05:
        return Feedback(
            False,
            "Not quite: the limits are the data's minimum and maximum; `robust=True` uses the "
            "2nd and 98th percentiles, so a few extreme cells do not wash out the map.",
            "not robust",
            solution,
        )
    if abs(vmin - low) <= 0.5 and abs(vmax - high) <= 0.5:
        return Feedback(
            True,
            "Right: Robinson projection, cmo.thermal, and robust limits that start below 0 °C "
            "without being symmetric.",
            None,
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your colour limits ({vmin:.1f} to {vmax:.1f} °C) with the robust "
        "limits of January 2015, allowing ± 0.5 °C; they differ. Did you plot `isel(time=0)`?",
        "unknown",
        solution,
    )
