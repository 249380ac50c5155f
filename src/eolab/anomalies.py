"""Climatologies, anomalies, area means over a box, and trends.

Functions take and return :class:`xarray.DataArray` objects with a ``time``
dimension and keep the input's units.  They work on NumPy- and Dask-backed
arrays alike (nothing is computed until you ask).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

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
    base = da.sel(time=slice(start, end))
    if base.sizes["time"] == 0:
        first, last = (pd.Timestamp(t).date() for t in da["time"].values[[0, -1]])
        raise ValueError(f"base_period {start.date()}..{end.date()} holds no data; "
                         f"the data cover {first}..{last}")
    return base


def climatology(da: xr.DataArray, by: str = "month", base_period=None) -> xr.DataArray:
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

    Returns
    -------
    xarray.DataArray
        With dimension ``month`` (1-12), ``dayofyear`` or ``season`` instead of time.
    """
    _check_time(da)
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}, got {by!r}")
    clim = _base(da, base_period).groupby(GROUPINGS[by]).mean("time")
    clim.attrs = {**da.attrs, "long_name": f"{da.attrs.get('long_name', da.name or 'value')} climatology"}
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
    anom.attrs = {**da.attrs, "long_name": f"{da.attrs.get('long_name', da.name or 'value')} anomaly"}
    return anom


def check_box(da: xr.DataArray, lat: tuple[float, float], lon: tuple[float, float],
              lat_name: str = "lat", lon_name: str = "lon") -> tuple[slice, slice]:
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
    (s, n), (w, e) = map(float, lat), map(float, lon)
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise ValueError(f"latitudes must lie in -90..90, got lat={lat}; did you swap lat and lon?")
    if s >= n:
        raise ValueError(f"lat must be (south, north) with south < north, got {lat}")
    if w >= e:
        raise ValueError(f"lon must be (west, east) with west < east, got {lon}")
    lats, lons = da[lat_name].values, da[lon_name].values
    if n < lats.min() or s > lats.max() or e < lons.min() or w > lons.max():
        raise ValueError(
            f"box lat={lat}, lon={lon} lies outside the data, which cover lat "
            f"{lats.min():.2f}..{lats.max():.2f}, lon {lons.min():.2f}..{lons.max():.2f}"
        )
    lat_slice = slice(s, n) if lats[0] < lats[-1] else slice(n, s)
    lon_slice = slice(w, e) if lons[0] < lons[-1] else slice(e, w)
    return lat_slice, lon_slice


def box_mean(da: xr.DataArray, lat: tuple[float, float], lon: tuple[float, float],
             lat_name: str = "lat", lon_name: str = "lon") -> xr.DataArray:
    """Area-weighted mean over a latitude/longitude box (weights cos(latitude)).

    See :func:`check_box` for the box convention and errors.  Returns the
    mean with the box's other dimensions (usually ``time``) kept.
    """
    lat_slice, lon_slice = check_box(da, lat, lon, lat_name, lon_name)
    box = da.sel({lat_name: lat_slice, lon_name: lon_slice})
    weights = np.cos(np.deg2rad(box[lat_name]))
    mean = box.weighted(weights).mean((lat_name, lon_name))
    mean.attrs = dict(da.attrs)
    return mean


def linear_trend(da: xr.DataArray, per: str = "decade") -> xr.DataArray:
    """Least-squares linear trend along time, per pixel.

    Parameters
    ----------
    da : xarray.DataArray
        Data with a ``time`` dimension (NumPy or Dask backed).
    per : {"year", "decade"}
        Time unit of the slope.

    Returns
    -------
    xarray.DataArray
        Slope in the data's units per ``per``, without the time dimension.
    """
    _check_time(da)
    scale = {"year": 1.0, "decade": 10.0}
    if per not in scale:
        raise ValueError(f"per must be 'year' or 'decade', got {per!r}")
    years = (da["time"] - da["time"][0]) / np.timedelta64(1, "D") / 365.25
    t = years - years.mean()
    slope = ((da - da.mean("time")) * t).sum("time") / (t**2).sum()
    slope = slope * scale[per]
    units = da.attrs.get("units", "")
    slope.attrs = {"long_name": f"Linear trend of {da.attrs.get('long_name', da.name or 'value')}",
                   "units": f"{units} per {per}".strip()}
    return slope
