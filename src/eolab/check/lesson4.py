"""Checkers for Lesson 4, *Pixel-based access: the 2018 drought without downloading the archive*.

The checkers read the lesson's Zarr stores from the local cache (no service
needed): the layout changes the cost of a question, never its answer.
"""

from __future__ import annotations

from functools import cache

from . import Feedback, number, verdict

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]


@cache
def _store():
    import xarray as xr

    from eolab.synthetic import soil_moisture

    return xr.open_zarr(soil_moisture.build_store() / "sm_time.zarr")


@cache
def _aoi_anomaly():
    from eolab import anomalies

    monthly = _store()["sm"].resample(time="MS").mean().compute()
    anomaly = anomalies.anomalies(monthly, by="month")
    return anomalies.box_mean(anomaly, lat=(51.5, 53.5), lon=(11.0, 14.0))


def _mean(answer, what: str) -> float:
    if hasattr(answer, "dims") and "time" in getattr(answer, "dims", ()):
        answer = answer.mean()
    return number(answer, what)


def exercise1(series_west, show_solution: bool = False) -> Feedback:
    """*Another pixel, both layouts*: the ten-year series at 50.4°N, 7.1°E (a DataArray
    on ``time``) or its mean, in m³ m⁻³."""
    from eolab import cube

    ds = _store()
    expected = float(cube.point_series(ds, lat=50.4, lon=7.1).mean())
    mistakes = [
        (
            "Brandenburg pixel",
            float(cube.point_series(ds, lat=52.6, lon=12.4).mean()),
            "that is the Brandenburg pixel (52.6°N, 12.4°E); the exercise asks for 50.4°N, 7.1°E.",
        ),
        (
            "percent not m3/m3",
            100 * expected,
            "that looks like percent; soil moisture here is in m³ m⁻³.",
        ),
        (
            "anomaly not value",
            0.0,
            "a mean near zero is an anomaly; the exercise asks for the soil moisture itself.",
        ),
    ]
    return verdict(
        _mean(series_west, "series_west"),
        expected,
        0.0005,
        "mean soil moisture",
        mistakes,
        show_solution,
        "m³ m⁻³",
        "Both layouts give the same values; only the cost differs.",
    )


def exercise2(errors, show_solution: bool = False) -> Feedback:
    """*Ask for the impossible*: the three exceptions (in order: outside the cube, unknown
    variable, reversed dates) that ``cube.point_series`` raised."""
    errors = list(errors)
    solution = (
        "ValueError naming the extent; KeyError naming the variables; ValueError naming the date "
        "order"
        if show_solution
        else None
    )
    if len(errors) != 3:
        raise TypeError(
            f"pass the three exceptions, in order (a), (b), (c); got {len(errors)} items"
        )
    not_errors = [i for i, e in enumerate(errors) if not isinstance(e, BaseException)]
    if not_errors:
        which = ", ".join("abc"[i] for i in not_errors)
        return Feedback(
            False,
            f"Not quite: request ({which}) gave a result, not an error: a service must refuse "
            "a bad request rather than answer it with a wrong number. Check the request's values.",
            "answered the impossible",
            solution,
        )
    kinds = [type(e).__name__ for e in errors]
    if kinds != ["ValueError", "KeyError", "ValueError"]:
        if sorted(kinds) == sorted(["ValueError", "KeyError", "ValueError"]):
            return Feedback(
                False,
                "Not quite: the three errors are not in the order (a) outside, (b) variable, "
                "(c) dates.",
                "order",
                solution,
            )
        return Feedback(
            False,
            f"Not quite: I expected ValueError, KeyError, ValueError, got {', '.join(kinds)}.",
            "unknown",
            solution,
        )
    a, c = str(errors[0]).lower(), str(errors[2]).lower()
    if ("2019" in a or "time" in a) and not ("2019" in c or "time" in c):
        return Feedback(
            False,
            "Not quite: the errors are not in the order (a) outside the cube, (b) unknown "
            "variable, (c) reversed dates.",
            "order",
            solution,
        )
    return Feedback(
        True,
        "Right: each message names the bad value and what would be valid (the extent, the "
        "variables, the order of the dates).",
        None,
        solution,
    )


def exercise3(driest_year, margin, show_solution: bool = False) -> Feedback:
    """*Was 2018 unusual?*: the year with the driest growing season (April-October) over the
    area of interest, and by how much (m³ m⁻³) its mean anomaly is below the next-driest year's."""
    aoi_anomaly = _aoi_anomaly()

    def ranking(months):
        picked = aoi_anomaly.where(aoi_anomaly["time"].dt.month.isin(months), drop=True)
        return picked.groupby("time.year").mean().to_series().sort_values()

    season = ranking(range(4, 11))
    year, gap = int(season.index[0]), float(season.iloc[1] - season.iloc[0])
    solution = f"{year}, {gap:.3f} m³ m⁻³ below the next-driest" if show_solution else None
    got_year = int(number(driest_year, "driest_year"))
    if got_year != year:
        if got_year == int(season.index[-1]):
            return Feedback(
                False,
                "Not quite: that is the *wettest* growing season (the highest anomaly).",
                "wettest not driest",
                solution,
            )
        return Feedback(
            False,
            f"Not quite: I compared your year with the year of the lowest mean anomaly from "
            f"April to October; {got_year} is not it.",
            "unknown",
            solution,
        )
    whole = ranking(range(1, 13))
    mistakes = [
        (
            "whole year not growing season",
            float(whole.iloc[1] - whole.iloc[0]),
            "that gap comes from whole years; keep April to October only (months 4-10).",
        ),
        ("sign", -gap, "the gap is positive: the next-driest year's anomaly minus the driest's."),
    ]
    return verdict(
        number(margin, "margin"),
        gap,
        0.002,
        "gap to the next-driest year",
        mistakes,
        show_solution,
        "m³ m⁻³",
    )


def exercise4(class_name, show_solution: bool = False) -> Feedback:
    """*Which land cover suffered?*: the name of the class (``reflectance.CLASSES``) whose
    median NDVI fell most from August 2017 to August 2018."""
    import xarray as xr

    from eolab import cube, indices
    from eolab.synthetic import reflectance

    tiles = reflectance.build_store()
    both = cube.mosaic(
        [xr.open_zarr(tiles / "tile_33UUU.zarr"), xr.open_zarr(tiles / "tile_33UVU.zarr")]
    )
    august = both.sel(time=["2017-08-04", "2018-08-09"])
    ndvi = indices.ndvi(august["B04"], august["B08"]).compute()
    classes = reflectance.ground_truth()["land_cover"]
    median = (
        ndvi.groupby(classes.rename("land_cover"))
        .median()
        .to_pandas()
        .T.rename(index=reflectance.CLASSES)
    )
    change = (median.iloc[:, 1] - median.iloc[:, 0]).sort_values()
    names = {str(n).lower(): str(n) for n in change.index}
    key = str(class_name).strip().lower()
    if key not in names:
        raise ValueError(f"class {class_name!r} is not one of {sorted(names.values())}")
    solution = f"{change.index[0]} ({change.iloc[0]:+.2f})" if show_solution else None
    if names[key] == change.index[0]:
        return Feedback(
            True,
            "Right: shallow roots reach only the dried top soil; the forest's deep roots kept "
            "it green.",
            None,
            solution,
        )
    if names[key] == change.index[1]:
        return Feedback(
            False,
            "Close, but not the most: that class lost a lot too, yet another lost more; compare "
            "the changes of all classes.",
            "second not first",
            solution,
        )
    if names[key] == change.index[-1]:
        return Feedback(
            False,
            "Not quite: that class changed *least* (or even gained); the question asks which "
            "lost most, the most negative change.",
            "least not most",
            solution,
        )
    if key == "wheat":
        return Feedback(
            False,
            "Not quite: wheat's NDVI is low in both Augusts because it was already harvested: "
            "stubble, not drought.",
            "harvest not drought",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared your class with the class whose median NDVI fell most (August "
        "2018 minus August 2017); it is another.",
        "unknown",
        solution,
    )
