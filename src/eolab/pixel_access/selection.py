"""What a question needs from a cube: one point's series, a box, one day's map (all lazy).

Each function picks from an :class:`xarray.Dataset` with ``time`` and
latitude/longitude dimensions (opened with :func:`open_remote_cube` or from
disk) and fails clearly for a point outside the cube, an unknown variable
or an inverted time range.  Nothing is computed: call ``.compute()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from eolab import grid


def _variable(ds: xr.Dataset, variable: str) -> xr.DataArray:
    """``ds[variable]``; a :class:`KeyError` listing the cube's variables if absent."""
    if variable not in ds.data_vars:
        raise KeyError(f"no variable {variable!r} in the cube; it has {sorted(ds.data_vars)}")
    return ds[variable]


def _extent(values: np.ndarray) -> tuple[float, float]:
    """Outer edges of the cells whose centres are ``values``."""
    half = float(abs(values[1] - values[0])) / 2 if len(values) > 1 else 0.0
    return float(values.min()) - half, float(values.max()) + half


def point_series(
    ds: xr.Dataset, lat: float, lon: float, variable: str = "sm", time: tuple | None = None
) -> xr.DataArray:
    """Time series of the cell containing one point (lazy).

    Parameters
    ----------
    ds : xarray.Dataset
        A cube with ``time`` and latitude/longitude dimensions.
    lat, lon : float
        The point, degrees north and east.
    variable : str
        Variable to extract (default ``"sm"``).
    time : (str, str), optional
        Start and end dates (inclusive); the whole record when omitted.

    Returns
    -------
    xarray.DataArray
        Along ``time``, in the variable's units; ``lat``/``lon`` of the cell
        centre kept as coordinates.

    Raises
    ------
    KeyError
        Unknown variable (the message lists the cube's variables).
    ValueError
        A point outside the cube (the message gives the cube's extent) or
        an inverted or out-of-range time range.

    Examples
    --------
    >>> series = pixel_access.point_series(ds, lat=52.6, lon=12.4)      # doctest: +SKIP
    >>> series.compute()                                       # doctest: +SKIP
    """
    da = _variable(ds, variable)
    lat_name, lon_name = grid.lat_lon_names(da, xy=True)
    (south, north), (west, east) = _extent(da[lat_name].values), _extent(da[lon_name].values)
    if not (south <= float(lat) <= north and west <= float(lon) <= east):
        raise ValueError(
            f"point lat={lat}, lon={lon} lies outside the cube, which covers "
            f"lat {south:g}..{north:g} and lon {west:g}..{east:g} (degrees)"
        )
    series = da.sel({lat_name: lat, lon_name: lon}, method="nearest")
    return series.sel(time=grid.check_time_range(da, time))


def area_subset(
    ds: xr.Dataset,
    lat: tuple[float, float],
    lon: tuple[float, float],
    variable: str = "sm",
    time: tuple | None = None,
) -> xr.DataArray:
    """The cells of a latitude/longitude box over a time range (lazy).

    Parameters
    ----------
    lat : (float, float)
        South and north edge, degrees north (south first).
    lon : (float, float)
        West and east edge, degrees east (west first).
    variable, time
        As in :func:`point_series`.

    Raises
    ------
    KeyError, ValueError
        Unknown variable; an inverted box, a box outside the cube, or an
        inverted time range (see :func:`eolab.anomalies.check_box`).
    """
    from eolab.anomalies import check_box

    da = _variable(ds, variable)
    lat_name, lon_name = grid.lat_lon_names(da, xy=True)
    lat_slice, lon_slice = check_box(da, lat, lon, lat_name, lon_name)
    when = grid.check_time_range(da, time)
    return da.sel({lat_name: lat_slice, lon_name: lon_slice, "time": when})


def day_map(ds: xr.Dataset, date: str, variable: str = "sm") -> xr.DataArray:
    """The whole area on one day (lazy).

    Raises
    ------
    ValueError
        If the cube has no time step on ``date``.
    """
    da = _variable(ds, variable)
    when = pd.Timestamp(date)
    times = pd.DatetimeIndex(da["time"].values)
    if when not in times:
        raise ValueError(
            f"the cube has no time step on {when.date()}; it covers "
            f"{times[0].date()}..{times[-1].date()}"
        )
    return da.sel(time=when)
