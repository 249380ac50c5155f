"""Climatologies, anomalies, area means over a box, and the Niño-3.4 index (lesson 1).

Functions take and return :class:`xarray.DataArray` objects with a ``time``
dimension and keep the input's units.  They work on NumPy- and Dask-backed
arrays alike (nothing is computed until you ask).  Trends live in
:mod:`eolab.trend`; ``anomaly_trend`` and ``linear_trend`` can still be
imported from here, for old notebooks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from eolab import grid

GROUPINGS = {"month": "time.month", "dayofyear": "time.dayofyear", "season": "time.season"}


def _check_time(da: xr.DataArray) -> None:
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"expected an xarray.DataArray, got {type(da).__name__}")
    if "time" not in da.dims:
        raise ValueError(f"the data need a 'time' dimension; they have {da.dims}")


def _base(da: xr.DataArray, base_period) -> xr.DataArray:
    if base_period is None:
        return da
    start, end = (pd.Timestamp(t) for t in base_period)
    if start > end:
        raise ValueError(f"base_period starts after it ends: {start.date()} > {end.date()}")
    # Slice with the strings, not the timestamps: "2020" then means the whole
    # of 2020 (partial-date indexing), not just 2020-01-01 00:00.
    base = da.sel(time=slice(*(str(t) for t in base_period)))
    if base.sizes["time"] == 0:
        first, last = (pd.Timestamp(t).date() for t in da["time"].values[[0, -1]])
        raise ValueError(
            f"base_period {start.date()}..{end.date()} holds no data; "
            f"the data cover {first}..{last}"
        )
    return base


def climatology(
    da: xr.DataArray, by: str = "month", base_period=None, skipna: bool = True
) -> xr.DataArray:
    """Mean seasonal cycle: the average of each month (or day of year, or season).

    Parameters
    ----------
    da : xarray.DataArray
        Data with a ``time`` dimension.
    by : {"month", "dayofyear", "season"}
        What to average over.
    base_period : tuple of str, optional
        ``(start, end)`` dates of the reference period, e.g. ``("1991", "2020")``;
        all times when omitted.
    skipna : bool
        Average each group's valid (non-NaN) values (default).  With ``False``
        the data must have no gaps: every group's mean is then one weighted
        sum over time (a matrix product with one column per group), about
        half the work per chunk of a grouped mean, which matters for tens of
        GB.  A gap then makes that pixel NaN in every group, never a wrong mean.

    Returns
    -------
    xarray.DataArray
        With dimension ``month`` (1-12), ``dayofyear`` or ``season`` instead of time.
    """
    _check_time(da)
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}, got {by!r}")
    base = _base(da, base_period)
    if skipna:
        clim = base.groupby(GROUPINGS[by]).mean("time")
    else:
        labels = base[GROUPINGS[by]]
        groups = np.unique(labels.values)
        members = labels == xr.DataArray(groups, dims=by, coords={by: groups})
        weights = (members / members.sum("time")).astype(
            da.dtype if da.dtype.kind == "f" else np.float64
        )
        from eolab.trend import _weighted_sums  # the BLAS path, shared with the trends

        clim = _weighted_sums(base, weights)
    clim.attrs = {
        **da.attrs,
        "long_name": f"{da.attrs.get('long_name', da.name or 'value')} climatology",
    }
    return clim


def anomalies(da: xr.DataArray, by: str = "month", base_period=None) -> xr.DataArray:
    """Departure of each value from its climatology (same units as the input).

    Parameters
    ----------
    da : xarray.DataArray
        Data with a ``time`` dimension.
    by, base_period
        As in :func:`climatology`.

    Returns
    -------
    xarray.DataArray
        Same shape as ``da``.  Averaged over the base period, the anomalies of
        each month are zero.
    """
    clim = climatology(da, by=by, base_period=base_period)
    anom = da.groupby(GROUPINGS[by]) - clim
    anom = anom.drop_vars(by, errors="ignore")
    anom.attrs = {
        **da.attrs,
        "long_name": f"{da.attrs.get('long_name', da.name or 'value')} anomaly",
    }
    return anom


def check_box(
    da: xr.DataArray,
    lat: tuple[float, float],
    lon: tuple[float, float],
    lat_name: str = "lat",
    lon_name: str = "lon",
) -> tuple[slice, slice]:
    """Check a latitude/longitude box against the data's coverage.

    Parameters
    ----------
    lat : (float, float)
        Southern and northern edge in degrees north, south first.
    lon : (float, float)
        Western and eastern edge in degrees east, in the data's convention
        (0-360 or -180-180).

    Returns
    -------
    (slice, slice)
        Selections for latitude and longitude that respect the order of the
        data's coordinates.

    Raises
    ------
    ValueError
        If the box is inverted, has latitudes beyond +-90 (a sign that lat
        and lon were swapped), or lies outside the data.
    """
    lat_slice, lon_index, lat_name, lon_name = _box(da, lat, lon, lat_name, lon_name)
    lons = da[lon_name].values[lon_index]
    if lon_index.size > 1 and np.any(np.diff(lon_index) != 1):
        raise ValueError(
            f"the box lon={lon} crosses the seam of the data's longitudes "
            f"({da[lon_name].values.min():g}..{da[lon_name].values.max():g}); "
            "eolab.anomalies.box_mean handles such boxes, or use lon in the data's convention"
        )
    lon_slice = slice(lons[0], lons[-1])
    return lat_slice, lon_slice


def _box(da, lat, lon, lat_name, lon_name):
    """Latitude slice and longitude positions of a box, in any longitude convention."""
    lat_name, lon_name = grid.lat_lon_names(da, lat_name, lon_name)
    try:
        (s, n), (w, e) = map(float, lat), map(float, lon)
    except (TypeError, ValueError):
        raise ValueError(
            f"lat and lon must each be a pair of numbers (south, north), (west, east); "
            f"got lat={lat!r}, lon={lon!r}"
        ) from None
    if not all(np.isfinite(v) for v in (s, n, w, e)):
        raise ValueError(f"lat and lon must be finite numbers, got lat={lat}, lon={lon}")
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise ValueError(f"latitudes must lie in -90..90, got lat={lat}; did you swap lat and lon?")
    if s >= n:
        raise ValueError(f"lat must be (south, north) with south < north, got {lat}")
    if w >= e:
        raise ValueError(
            f"lon must be (west, east) with west < east, got {lon}; a box across the "
            "antimeridian is written with east > 180, e.g. lon=(170, 190)"
        )
    if e - w > 360:
        raise ValueError(f"lon={lon} spans more than 360 degrees")
    lats, lons = da[lat_name].values, da[lon_name].values
    # Any convention (0-360 or -180-180, in the box or the data): compare modulo 360.
    inside = ((lons - w) % 360) <= (e - w)
    if n < lats.min() or s > lats.max() or not inside.any():
        raise ValueError(
            f"box lat={lat}, lon={lon} lies outside the data, which cover lat "
            f"{lats.min():.2f}..{lats.max():.2f}, lon {lons.min():.2f}..{lons.max():.2f}"
        )
    lon_index = np.flatnonzero(inside)
    if lons.size > 1 and lons[0] > lons[-1]:
        lon_index = lon_index[::-1]
    # Order the positions from west to east across the seam, so the selection is
    # contiguous in the box.
    order = np.argsort((lons[lon_index] - w) % 360, kind="stable")
    lon_index = lon_index[order]
    lat_slice = slice(s, n) if lats[0] < lats[-1] else slice(n, s)
    return lat_slice, lon_index, lat_name, lon_name


def box_mean(
    da: xr.DataArray,
    lat: tuple[float, float],
    lon: tuple[float, float],
    lat_name: str = "lat",
    lon_name: str = "lon",
) -> xr.DataArray:
    """Area-weighted mean over a latitude/longitude box (weights cos(latitude)).

    See :func:`check_box` for the box convention and errors.  The box may be
    given in either longitude convention whatever the data use (-180-180 or
    0-360), and may cross the seam (``lon=(-20, 10)`` on 0-360 data, or
    ``lon=(170, 190)`` on -180-180 data).  ``latitude``/``longitude`` are
    found when the data have no ``lat``/``lon``.  Returns the mean with the
    box's other dimensions (usually ``time``) kept.
    """
    lat_slice, lon_index, lat_name, lon_name = _box(da, lat, lon, lat_name, lon_name)
    box = da.sel({lat_name: lat_slice}).isel({lon_name: np.sort(lon_index)})
    if box.sizes[lat_name] == 0:
        raise ValueError(
            f"no grid row lies within lat={lat}; the data's latitude spacing is coarser "
            "than the box: widen it"
        )
    weights = np.cos(np.deg2rad(box[lat_name]))
    mean = box.weighted(weights).mean((lat_name, lon_name))
    mean.attrs = dict(da.attrs)
    return mean


_MOVED_TO_TREND = ("anomaly_trend", "linear_trend")


def __getattr__(name: str):
    """Old names, kept for old notebooks: the trends moved to :mod:`eolab.trend`."""
    if name in _MOVED_TO_TREND:
        from eolab import trend

        return getattr(trend, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------
# El Niño: the Niño-3.4 index
# --------------------------------------------------------------------------

NINO34_LAT = (-5.0, 5.0)
"""Niño-3.4 box, latitudes: 5° S to 5° N (degrees north)."""

NINO34_LON = (-170.0, -120.0)
"""Niño-3.4 box, longitudes: 170° W to 120° W (degrees east, -180..180); 190-240 in 0-360."""

NINO34_THRESHOLD = 0.5
"""Anomaly (°C) beyond which NOAA calls conditions El Niño (above) or La Niña (below)."""

_LAT_NAMES = ("lat", "latitude")
_LON_NAMES = ("lon", "longitude")
_SST_UNITS = {
    "degC": "degC",
    "degree_C": "degC",
    "degree_Celsius": "degC",
    "degrees_C": "degC",
    "celsius": "degC",
    "Celsius": "degC",
    "C": "degC",
    "K": "K",
    "kelvin": "K",
    "Kelvin": "K",
}


def _find_coord(da: xr.DataArray, names: tuple[str, ...], what: str) -> str:
    for name in names:
        if name in da.coords and da[name].ndim == 1:
            return name
    raise ValueError(
        f"no 1-D {what} coordinate found (looked for {', '.join(names)}); "
        f"the data have coordinates {list(da.coords)}"
    )


def _nino34_box(sst: xr.DataArray, lat_name: str | None, lon_name: str | None):
    if not isinstance(sst, xr.DataArray):
        hint = " - pick the variable, e.g. ds['sst']" if isinstance(sst, xr.Dataset) else ""
        raise TypeError(f"expected an xarray.DataArray of SST, got {type(sst).__name__}{hint}")
    _check_time(sst)
    units = sst.attrs.get("units")
    if units not in _SST_UNITS:
        raise ValueError(
            f"SST needs a 'units' attribute of degC or K, got {units!r}; "
            "set it, e.g. sst.attrs['units'] = 'degC'"
        )
    finite = np.asarray(
        sst.isel({d: slice(None, None, max(1, sst.sizes[d] // 20)) for d in sst.dims}).values,
        dtype=float,
    )
    finite = finite[np.isfinite(finite)]
    median = float(np.median(finite)) if finite.size else np.nan
    if _SST_UNITS[units] == "degC" and median > 100:
        raise ValueError(
            f"SST is labelled {units!r} but its median is {median:.1f}: these look like kelvin. "
            "Convert: sst = sst - 273.15 (keep units 'degC'), or set sst.attrs['units'] = 'K'"
        )
    if _SST_UNITS[units] == "K" and median < 100:
        raise ValueError(
            f"SST is labelled {units!r} but its median is {median:.1f}: these look like degC. "
            "Set sst.attrs['units'] = 'degC'"
        )
    lat_name = lat_name or _find_coord(sst, _LAT_NAMES, "latitude")
    lon_name = lon_name or _find_coord(sst, _LON_NAMES, "longitude")
    lats, lons = sst[lat_name].values, sst[lon_name].values
    if np.nanmax(np.abs(lats)) > 90:
        raise ValueError(
            f"coordinate {lat_name!r} runs {lats.min():g}..{lats.max():g}, beyond +-90: "
            "latitude and longitude look swapped; check which coordinate is which"
        )
    lon_box = tuple(lon % 360 for lon in NINO34_LON) if np.nanmax(lons) > 180 else NINO34_LON
    # The box must be (almost) covered: a mean over a sliver of it is not Niño-3.4.
    tolerance = 1.0  # degrees: one coarse grid cell, e.g. OSTIA's last row at 4.4 N
    south, north = NINO34_LAT
    west, east = lon_box
    if (
        lats.min() > south + tolerance
        or lats.max() < north - tolerance
        or lons.min() > west + tolerance
        or lons.max() < east - tolerance
    ):
        raise ValueError(
            f"the data cover lat {lats.min():.2f}..{lats.max():.2f}, "
            f"lon {lons.min():.2f}..{lons.max():.2f}, "
            f"which does not cover the Niño-3.4 box (lat {south:g}..{north:g}, "
            f"lon {west:g}..{east:g}) "
            f"to within {tolerance:g} degree"
        )
    return lat_name, lon_name, NINO34_LAT, lon_box, _SST_UNITS[units]


def nino34_sst(
    sst: xr.DataArray, lat_name: str | None = None, lon_name: str | None = None
) -> xr.DataArray:
    """Mean sea-surface temperature over the Niño-3.4 box (5° S-5° N, 170° W-120° W).

    The box is clipped to the data: a grid that stops short of 5° N (OSTIA's
    sample ends at 4.44° N) averages only the part it covers, which shifts
    the index by less than about 0.1 °C (0.04 °C on average for OSTIA).

    Parameters
    ----------
    sst : xarray.DataArray
        SST with ``time``, latitude and longitude dimensions and a ``units``
        attribute (``degC`` or ``K``).  Longitudes may run 0-360 or -180-180.
    lat_name, lon_name : str, optional
        Names of the latitude and longitude coordinates; found automatically
        (``lat``/``latitude``, ``lon``/``longitude``) when omitted.

    Returns
    -------
    xarray.DataArray
        Area-weighted box mean along ``time``, in the input's units.

    Raises
    ------
    ValueError
        If the units are missing, latitude and longitude look swapped, or the
        data do not cover the box.
    """
    lat_name, lon_name, lat_box, lon_box, _ = _nino34_box(sst, lat_name, lon_name)
    mean = box_mean(sst, lat_box, lon_box, lat_name=lat_name, lon_name=lon_name)
    mean.attrs = {**sst.attrs, "long_name": "Niño-3.4 mean sea-surface temperature"}
    mean.name = "nino34_sst"
    return mean


def nino34_index(
    sst: xr.DataArray, base_period=None, lat_name: str | None = None, lon_name: str | None = None
) -> xr.DataArray:
    """The Niño-3.4 index: SST anomaly over 5° S-5° N, 170° W-120° W.

    The area-weighted mean SST of the box (:func:`nino34_sst`) minus its
    mean for the same calendar month over ``base_period``.  Positive values
    beyond +0.5 °C mark El Niño conditions, below -0.5 °C La Niña
    (:data:`NINO34_THRESHOLD`; NOAA's ONI also smooths with a 3-month mean).

    Parameters
    ----------
    sst : xarray.DataArray
        Monthly SST with ``time``, latitude and longitude, ``units`` degC or K;
        longitudes 0-360 or -180-180.
    base_period : (str, str), optional
        Reference period for the climatology, e.g. ``("1991", "2020")``;
        the whole record when omitted.
    lat_name, lon_name : str, optional
        Coordinate names, found automatically when omitted.

    Returns
    -------
    xarray.DataArray
        ``nino34`` along ``time``; units ``degC`` (an anomaly in K equals one
        in °C, so kelvin input also gives °C).

    Examples
    --------
    >>> from eolab import datasets, anomalies
    >>> sst = datasets.load("ostia_sst")["sst"]                  # doctest: +SKIP
    >>> anomalies.nino34_index(sst).sel(time="2009-12")         # doctest: +SKIP
    """
    box = nino34_sst(sst, lat_name, lon_name)
    months = set(np.unique(_base(box, base_period)["time"].dt.month.values).tolist())
    if len(months) < 12:
        missing = sorted(set(range(1, 13)) - months)
        raise ValueError(
            f"base_period {base_period} lacks calendar month(s) {missing}: every month "
            "needs a climatology; choose a period of whole years"
        )
    index = anomalies(box, by="month", base_period=base_period)
    index.attrs = {
        "long_name": "Niño-3.4 SST anomaly",
        "units": "degC",
        "comment": "area-mean SST over 5S-5N, 170W-120W minus its monthly climatology"
        + (f" for {base_period[0]}-{base_period[1]}" if base_period else " over the whole record"),
    }
    index.name = "nino34"
    return index
