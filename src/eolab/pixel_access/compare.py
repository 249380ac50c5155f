"""Both routes, measured: the same questions by pixel access and by file download."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from eolab.pixel_access.files import daily_file_urls, download_files, open_daily_files
from eolab.pixel_access.selection import area_subset, day_map, point_series
from eolab.pixel_access.server import Transfer, serve


def transfer_table(transfers: Iterable[Transfer]) -> pd.DataFrame:
    """Measurements as a table: requests, MB sent and seconds per question and route.

    A table for reading: the question and route names are in the page's
    language (:func:`eolab.i18n.t`; the column names stay as they are, so the
    same code runs on every page).  :attr:`RouteComparison.transfers` keeps the
    English names, for code."""
    from eolab.i18n import t as translate

    rows = [
        {
            "question": translate(t.label),
            **{k: translate(v) if isinstance(v, str) else v for k, v in t.extra.items()},
            "requests": t.requests,
            "MB sent": round(t.megabytes, 3),
            "seconds": round(t.seconds, 2),
        }
        for t in transfers
    ]
    return pd.DataFrame(rows)


TRANSFER_COLUMNS = ["question", "route", "requests", "bytes_sent", "seconds"]
"""Columns of :attr:`RouteComparison.transfers`."""


@dataclass(frozen=True, eq=False)
class RouteComparison:
    """What each route cost for each question, as :func:`compare_routes` measured it.

    Attributes
    ----------
    transfers : pandas.DataFrame
        One row per question and route, columns ``question``, ``route``,
        ``requests`` (HTTP requests answered), ``bytes_sent`` (exact, bytes)
        and ``seconds`` (wall clock).
    records : tuple of Transfer
        The same measurements with each request's log line, in row order.

    Examples
    --------
    >>> result = pixel_access.compare_routes(folder)              # doctest: +SKIP
    >>> result.table                                        # doctest: +SKIP
    >>> exact = result.transfers.set_index(["question", "route"])["bytes_sent"]  # doctest: +SKIP
    """

    transfers: pd.DataFrame
    records: tuple = field(default=(), repr=False)

    @classmethod
    def from_records(cls, records: Iterable[Transfer]) -> RouteComparison:
        records = tuple(records)
        rows = [
            {
                "question": t.label,
                "route": t.extra.get("route"),
                "requests": t.requests,
                "bytes_sent": t.bytes_sent,
                "seconds": t.seconds,
            }
            for t in records
        ]
        return cls(pd.DataFrame(rows, columns=TRANSFER_COLUMNS), records)

    @property
    def table(self) -> pd.DataFrame:
        """For display: ``question``, ``route``, ``requests``, ``MB sent`` (3 decimals) and
        ``seconds`` (2 decimals)."""
        return transfer_table(self.records)

    def _repr_html_(self) -> str:  # shown in a notebook as its table
        return self.table._repr_html_()


QUESTIONS = {
    "pixel": "one pixel, 10 years",
    "area": "1°×1° area, one month",
    "scene": "whole area, one day",
}
"""The three questions :func:`compare_routes` asks, by key."""


def _same(a: xr.DataArray, b: xr.DataArray) -> bool:
    a, b = np.asarray(a, dtype="f8"), np.asarray(b, dtype="f8")
    return a.shape == b.shape and bool(np.allclose(a, b, equal_nan=True, atol=1e-6))


def compare_routes(
    folder: str | os.PathLike,
    lat: float = 52.6,
    lon: float = 12.4,
    box: tuple = ((52.0, 53.0), (12.0, 13.0)),
    month: str = "2018-07",
    day: str = "2018-07-15",
    period: tuple[str, str] = ("2012-01-01", "2021-12-31"),
    layouts: Iterable[str] = ("time", "space"),
    questions: Iterable[str] = tuple(QUESTIONS),
) -> RouteComparison:
    """Ask the same questions by pixel access and by file download, and measure both.

    Serves ``folder`` (holding ``sm_<layout>.zarr`` stores and a ``daily/``
    archive of one netCDF file per day, as written by
    :func:`eolab.synthetic.soil_moisture.build_store`) on 127.0.0.1 for the
    duration of the call.  Each measurement starts from a fresh client, so
    the pixel route pays for reading the metadata too, and checks that both
    routes return the same numbers.

    Parameters
    ----------
    folder : path
        The served folder.
    lat, lon : float
        The pixel of the ``"pixel"`` question, degrees.
    box : ((south, north), (west, east))
        The area of the ``"area"`` question, degrees.
    month : str
        Month of the ``"area"`` question, ``"YYYY-MM"``.
    day : str
        Day of the ``"scene"`` question.
    period : (str, str)
        First and last day of the archive (the ``"pixel"`` question's range).
    layouts : iterable of str
        Zarr chunk layouts to try (``"time"``, ``"space"``).
    questions : iterable of str
        Keys of :data:`QUESTIONS`.

    Returns
    -------
    RouteComparison
        ``.transfers``: one row per question and route, with the exact
        ``bytes_sent``; ``.table``: the same rounded for display (``MB
        sent``); ``.records``: the :class:`Transfer` records with their
        request logs.

    Raises
    ------
    RuntimeError
        If the two routes disagree (they never should).
    """
    questions, layouts = list(questions), list(layouts)
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        raise ValueError(f"unknown question(s) {unknown}; choose from {sorted(QUESTIONS)}")
    first_day = pd.Timestamp(f"{month}-01")
    last_day = first_day + pd.offsets.MonthEnd(0)
    month_range = (str(first_day.date()), str(last_day.date()))
    asks = {
        "pixel": (
            lambda ds: point_series(ds, lat, lon),
            period,
            lambda da: da.sel(lat=lat, lon=lon, method="nearest"),
        ),
        "area": (
            lambda ds: area_subset(ds, *box, time=month_range),
            month_range,
            lambda da: area_subset(da.to_dataset(name="sm"), *box),
        ),
        "scene": (lambda ds: day_map(ds, day), (day, day), lambda da: da.isel(time=0)),
    }
    transfers = []
    with serve(folder) as server:
        for key in questions:
            pick, (start, end), pick_file = asks[key]
            with server.measure(QUESTIONS[key]) as files:
                contents = download_files(daily_file_urls(server.url + "daily", start, end))
                answer = pick_file(open_daily_files(contents.values())).load()
            files.extra = {"route": "file download"}
            del contents
            transfers.append(files)
            for layout in layouts:
                with server.measure(QUESTIONS[key]) as pixels:
                    values = pick(server.open_cube(f"sm_{layout}.zarr")).compute()
                pixels.extra = {"route": f"pixel access, {layout}-optimised chunks"}
                transfers.append(pixels)
                if not _same(values, answer):
                    raise RuntimeError(
                        f"{QUESTIONS[key]!r}: the pixel route ({layout} layout) "
                        "and the file route returned different values"
                    )
    return RouteComparison.from_records(transfers)
