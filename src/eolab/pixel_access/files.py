"""The traditional route: download whole files over HTTP, then read them.

:func:`daily_file_urls` builds the URLs of a ``YYYY/<name>`` daily archive,
:func:`download_files` fetches whole files (several at a time) and
:func:`open_daily_files` stacks one variable of many daily netCDF files held
in memory along time.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import xarray as xr

from eolab.pixel_access.remote import Sessions, _http_fs


def download_files(urls: Iterable[str]) -> dict[str, bytes]:
    """Download whole files over HTTP, several at a time; returns ``{url: content}``.

    Raises
    ------
    ValueError
        If no URL is given.
    FileNotFoundError
        If any URL does not exist (the message names the first).
    """
    urls = list(urls)
    if not urls:
        raise ValueError("no URLs given")
    sessions = Sessions()
    try:
        contents = _http_fs(sessions, asynchronous=False).cat(urls, on_error="return")
    finally:
        sessions.close_all()
    if len(urls) == 1:  # fsspec returns the bytes themselves for a single URL
        contents = {urls[0]: contents} if not isinstance(contents, dict) else contents
    for url in urls:
        if isinstance(contents.get(url), BaseException):
            raise FileNotFoundError(f"could not download {url!r}: {contents[url]}")
    return contents


def _decode_times(values: list[float], units: list[str]) -> pd.DatetimeIndex:
    """CF times: ``values`` in ``units`` such as ``"days since 1970-01-01 00:00:00 UTC"``.

    xarray's own CF decoder, one call per distinct ``units`` string (the
    daily files of one archive share one).
    """
    values, units = np.asarray(values, dtype="f8"), np.asarray(units, dtype=object)
    out = np.empty(values.size, dtype="datetime64[ns]")
    for unit in dict.fromkeys(units):
        pick = units == unit
        coded = xr.Dataset(coords={"time": ("time", values[pick], {"units": unit})})
        out[pick] = xr.decode_cf(coded)["time"].values
    return pd.DatetimeIndex(out)


def open_daily_files(contents: Iterable[bytes], variable: str = "sm") -> xr.DataArray:
    """Read one variable from many daily netCDF files held in memory and stack them along time.

    Parameters
    ----------
    contents : iterable of bytes
        The files, e.g. the values of :func:`download_files`.
    variable : str
        Variable to read.

    Returns
    -------
    xarray.DataArray
        (time, lat, lon), sorted by time; fill values become NaN.

    Raises
    ------
    KeyError
        If a file lacks ``variable`` (the message lists what it has).
    ValueError
        If no file is given.
    """
    import netCDF4

    frames, times, units, lat, lon, attrs = [], [], [], None, None, {}
    for i, blob in enumerate(contents):
        with netCDF4.Dataset(f"inmemory-{i}.nc", memory=bytes(blob)) as nc:
            if variable not in nc.variables:
                raise KeyError(
                    f"no variable {variable!r} in the file; it has {sorted(nc.variables)}"
                )
            nc.set_auto_mask(False)  # faster: we turn the fill value into NaN ourselves
            var = nc.variables[variable]
            data = np.asarray(var[0], dtype="f4")
            if "_FillValue" in var.ncattrs():
                data[data == var.getncattr("_FillValue")] = np.nan
            frames.append(data)
            times.append(float(nc["time"][0]))
            units.append(nc["time"].units)
            if lat is None:
                lat, lon = np.asarray(nc["lat"][:], "f8"), np.asarray(nc["lon"][:], "f8")
                attrs = {k: var.getncattr(k) for k in ("units", "long_name") if k in var.ncattrs()}
    if not frames:
        raise ValueError("no files given")
    da = xr.DataArray(
        np.stack(frames),
        dims=("time", "lat", "lon"),
        name=variable,
        attrs=attrs,
        coords={"time": _decode_times(times, units), "lat": lat, "lon": lon},
    )
    return da.sortby("time")


CCI_SM_DAILY_NAME = "ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-{:%Y%m%d}000000-fv08.1.nc"
"""File name of one day of ESA CCI Soil Moisture COMBINED v08.1 (a :meth:`str.format`
pattern of the date)."""


def daily_file_urls(
    base_url: str, start: str, end: str, name: str = CCI_SM_DAILY_NAME
) -> list[str]:
    """URLs of the daily files from ``start`` to ``end`` in a ``YYYY/<name>`` archive layout.

    Parameters
    ----------
    base_url : str
        URL of the archive folder, e.g. ``server.url + "daily"``.
    start, end : str
        First and last day, inclusive.
    name : str
        :meth:`str.format` pattern of the date; default the ESA CCI Soil
        Moisture file name (:data:`CCI_SM_DAILY_NAME`).

    Raises
    ------
    ValueError
        An inverted time range.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first > last:
        raise ValueError(f"inverted time range: start {start!r} is after end {end!r}")
    base = base_url if base_url.endswith("/") else base_url + "/"
    return [f"{base}{day:%Y}/{name.format(day)}" for day in pd.date_range(first, last, freq="D")]
