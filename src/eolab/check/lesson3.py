"""Checkers for Lesson 3, *An Open Data Cube sandbox: cloud statistics and water extent*."""

from __future__ import annotations

from functools import cache

from eolab.i18n import MONTH_ABBREVIATIONS, MONTH_NAMES, language

from . import Feedback, number

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]

RESERVOIR = (25.872, -24.738, 25.950, -24.678)
MONTHS = MONTH_NAMES["en"]  # the calendar months, as an answer may name them


def _data():
    return _load()


@cache
def _load():
    import odc.stac
    import xarray as xr
    from shapely.geometry import box

    from eolab import clouds, water
    from eolab.synthetic import landsat

    items = (
        landsat.open_catalogue()
        .search(collections=["landsat-c2-l2"], datetime="2014-01-01/2022-12-31")
        .item_collection()
    )
    cube = odc.stac.load(
        items, bands=["green", "swir16", "qa_pixel"], groupby="solar_day", chunks={}
    )
    reservoir = clouds.aoi_mask(cube, box(*RESERVOIR))
    stats = (
        xr.Dataset(
            {
                "cloud_pct": 100 * clouds.cloud_fraction(cube["qa_pixel"], reservoir),
                "clear_pct": 100 * clouds.clear_fraction(cube["qa_pixel"], reservoir),
            }
        )
        .compute()
        .to_dataframe()[["cloud_pct", "clear_pct"]]
    )
    sr = (
        cube[["green", "swir16"]].where(cube["green"] != landsat.NODATA) * landsat.SCALE
        + landsat.OFFSET
    )
    sr["qa_pixel"] = cube["qa_pixel"]
    truth = landsat.ground_truth()
    true_area = (truth["true_water"].astype(bool) & reservoir).sum(
        ["y", "x"]
    ) * water.pixel_area_km2(cube)
    return cube, reservoir, stats, sr, true_area


def _name(month: int) -> str:
    """The month's name in the reader's language."""
    return MONTH_NAMES.get(language(), MONTH_NAMES["en"])[month - 1]


def _month(value) -> int:
    """A calendar month from 1-12 or its name in any language of the course ("July",
    "Jul", "juillet", "juil.")."""
    if isinstance(value, str):
        key = value.strip().lower().rstrip(".")
        for lang, names in MONTH_NAMES.items():
            short = MONTH_ABBREVIATIONS.get(lang, names)
            for i, (name, abbreviation) in enumerate(zip(names, short, strict=True), start=1):
                if key in (name.lower(), name[:3].lower(), abbreviation.lower().rstrip(".")):
                    return i
        raise ValueError(f"month {value!r} is not a month name (e.g. 'July') or a number 1-12")
    month = int(number(value, "month"))
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    return month


def exercise1(clearest, cloudiest, show_solution: bool = False) -> Feedback:
    """*The best month for a field campaign*: the calendar months (1-12 or names) with the
    highest and the lowest mean clear percentage over the reservoir."""
    _, _, stats, _, _ = _data()
    by_month = stats["clear_pct"].groupby(stats.index.month).mean()
    want = int(by_month.idxmax()), int(by_month.idxmin())
    got = _month(clearest), _month(cloudiest)
    solution = f"clearest {_name(want[0])}, cloudiest {_name(want[1])}" if show_solution else None
    if got == want:
        return Feedback(
            True,
            "Right: both months match; the dry southern winter is the clearest.",
            None,
            solution,
        )
    if got == want[::-1]:
        return Feedback(
            False,
            "Not quite: clearest and cloudiest are swapped (highest clear percentage first).",
            "swapped",
            solution,
        )
    scene = stats.groupby(stats.index.month).size()
    if got[0] == int(scene.idxmax()):
        return Feedback(
            False,
            "Not quite: that is the month with the most *scenes*, not the highest mean clear "
            "percentage; take the mean of `clear_pct` per month.",
            "count not mean",
            solution,
        )
    by_cloud = stats["cloud_pct"].groupby(stats.index.month).mean()
    if got == (int(by_cloud.idxmin()), int(by_cloud.idxmax())) and got != want:
        return Feedback(
            False,
            "Not quite: that uses `cloud_pct`, which leaves out shadows; the clear percentage "
            "is what tells you the ground was seen.",
            "cloud not clear",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared your two months with the months of the highest and lowest mean "
        "`clear_pct` grouped by `stats.index.month`; they differ.",
        "unknown",
        solution,
    )


def exercise2(unmasked_km2, masked_km2, show_solution: bool = False) -> Feedback:
    """*Forget the cloud mask*: the water area (km²) in the reservoir on 1 March 2017,
    classified without the QA mask (``exclude=()``) and with it."""
    from eolab import clouds, water

    _, reservoir, _, sr, _ = _data()
    day = sr.sel(time="2017-03-01")

    def km2(exclude):
        return float(
            water.water_area_km2(
                water.classify_water(day, exclude=exclude), aoi=reservoir
            ).squeeze()
        )

    no_mask, masked = km2(()), km2(clouds.NOT_CLEAR)
    a, b = number(unmasked_km2, "unmasked_km2"), number(masked_km2, "masked_km2")
    solution = f"no mask {no_mask:.2f} km², QA mask {masked:.2f} km²" if show_solution else None
    if abs(a - no_mask) <= 0.01 and abs(b - masked) <= 0.01:
        return Feedback(
            True,
            "Right: without the mask clouds and shadows pass for water; with it the hidden lake "
            "is simply not observed. A cloudy scene cannot give the area either way.",
            None,
            solution,
        )
    if abs(a - masked) <= 0.01 and abs(b - no_mask) <= 0.01:
        return Feedback(
            False, "Not quite: the two areas are swapped (unmasked first).", "swapped", solution
        )
    if abs(a - no_mask * 1e6) <= 1e4 or abs(b - masked * 1e6) <= 1e4:
        return Feedback(
            False,
            "Not quite: those look like m²; `water_area_km2` gives km².",
            "m2 not km2",
            solution,
        )
    if abs(a - b) <= 0.01:
        return Feedback(
            False,
            "Not quite: both areas are the same, so the mask was applied (or left out) both "
            "times; pass `exclude=()` for the first and `clouds.NOT_CLEAR` for the second.",
            "same mask twice",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared both areas with the lesson's for 1 March 2017 (± 0.01 km²); "
        "they differ. Did you pass `aoi=reservoir`?",
        "unknown",
        solution,
    )


def exercise3(error_min_pct, error_max_pct, show_solution: bool = False) -> Feedback:
    """*Move the threshold*: the smallest and largest error (%) of the clear-scene lake
    areas against the truth with ``threshold=-0.1``."""
    from eolab import water

    _, reservoir, _, sr, true_area = _data()
    wet = water.classify_water(sr)
    seen = water.observed_fraction(wet, aoi=reservoir).compute()
    times = seen.time.where(seen >= 0.99, drop=True)

    def errors(threshold):
        est = water.water_area_km2(
            water.classify_water(sr.sel(time=times), threshold=threshold), aoi=reservoir
        ).compute()
        err = 100 * (est / true_area.sel(time=times) - 1)
        return float(err.min()), float(err.max())

    want = errors(-0.1)
    got = number(error_min_pct, "error_min_pct"), number(error_max_pct, "error_max_pct")
    solution = f"{want[0]:+.1f} % to {want[1]:+.1f} %" if show_solution else None
    if abs(got[0] - want[0]) <= 0.2 and abs(got[1] - want[1]) <= 0.2:
        return Feedback(
            True,
            "Right: a slightly negative threshold recovers the shallow margins.",
            None,
            solution,
        )
    zero = errors(0.0)
    if abs(got[0] - zero[0]) <= 0.2 and abs(got[1] - zero[1]) <= 0.2:
        return Feedback(
            False,
            "Not quite: those are the errors with the default threshold 0; pass `threshold=-0.1`.",
            "default threshold",
            solution,
        )
    low = errors(-0.5)
    if abs(got[0] - low[0]) <= 0.5 and abs(got[1] - low[1]) <= 0.5:
        return Feedback(
            False,
            "Not quite: those are the errors with −0.5; the exercise asks first for −0.1.",
            "threshold -0.5",
            solution,
        )
    if abs(got[0] - want[0] / 100) <= 0.002 and abs(got[1] - want[1] / 100) <= 0.002:
        return Feedback(
            False,
            "Not quite: those look like fractions; give percent.",
            "fraction not percent",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared your range with the errors of the clear scenes (≥ 99 % of the "
        "reservoir observed) against the injected truth, ± 0.2 %; they differ.",
        "unknown",
        solution,
    )


def exercise4(error, show_solution: bool = False) -> Feedback:
    """*Area in degrees?*: the exception ``water.water_area_km2`` raised for a cube in EPSG:4326
    (pass the exception object, or its message)."""
    message = str(error)
    solution = (
        (
            "it refuses a grid in degrees: a degree of longitude is not a fixed distance; "
            "use a projected CRS in metres"
        )
        if show_solution
        else None
    )
    if isinstance(error, (int, float)):
        return Feedback(
            False,
            "Not quite: a number means an area was computed; in EPSG:4326 `eolab` refuses, "
            "because a pixel count × degrees² is not an area. Pass the exception instead.",
            "area in degrees",
            solution,
        )
    if "4326" in message or "degree" in message.lower() or "projected" in message.lower():
        return Feedback(
            True,
            "Right: that is the refusal. A degree of longitude shrinks towards the poles, so "
            "areas need a projected CRS in metres (UTM, or EPSG:6933).",
            None,
            solution,
        )
    if "clear" in message.lower() or "qa_pixel" in message.lower():
        return Feedback(
            False,
            "Not quite: that error is about the QA band, not about the CRS: add "
            '`geo_sr["qa_pixel"] = geo["qa_pixel"]` before classifying.',
            "qa band missing",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I looked for the CRS (EPSG:4326, degrees) in the message {message[:80]!r} "
        "and did not find it.",
        "unknown",
        solution,
    )
