"""Checks shared by the public functions of eolab: each names the bad value and what to do.

One place for the questions many functions ask of their inputs (issue 20):
are these temperatures in kelvin, is this a list or one string, does this
CRS preserve area, is this seed valid.  Which coordinate is latitude is
answered by :mod:`eolab.grid` (``coord_name``, re-exported here).
"""

from __future__ import annotations

import numbers

import numpy as np

from eolab.grid import LAT_NAMES, LON_NAMES, coord_name  # noqa: F401  (their old home)


def as_names(value, what: str) -> list[str]:
    """A list of names from one name or a sequence of names (a single string is one name, not
    letters)."""
    if isinstance(value, str):
        return [value]
    try:
        out = list(value)
    except TypeError:
        raise TypeError(f"{what} must be a name or a list of names, got {value!r}") from None
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{what} must hold names (strings), got {item!r} in {value!r}")
    return out


def seed(value, what: str = "seed") -> int:
    """A valid random seed (an integer >= 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an integer >= 0, got {value!r}")
    if value < 0:
        raise ValueError(f"{what} must be an integer >= 0, got {value}; use e.g. seed=0")
    return int(value)


def timestamp(value, what: str):
    """A :class:`pandas.Timestamp` from a date, with an error that names an impossible date."""
    import pandas as pd

    try:
        out = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(
            f"{what}={value!r} is not a valid date; write it as 'YYYY-MM-DD', e.g. '2020-03-25'"
        ) from None
    if out is pd.NaT:
        raise ValueError(f"{what} is missing (NaT); give a date as 'YYYY-MM-DD'")
    return out


KELVIN_UNITS = ("K", "kelvin", "Kelvin", "degK", "deg_K")
CELSIUS_UNITS = (
    "degC",
    "deg_C",
    "celsius",
    "Celsius",
    "°C",
    "degree_Celsius",
    "degrees_Celsius",
    "C",
)


def to_celsius(da, what: str = "sst"):
    """Temperatures in degC: kelvin (by ``units``) are converted; kelvin labelled degC is
    an error."""
    units = str(da.attrs.get("units", "")).strip()
    sample = da.isel({d: slice(None, None, max(1, da.sizes[d] // 50)) for d in da.dims})
    values = np.asarray(sample.values, dtype=float)
    finite = values[np.isfinite(values)]
    median = float(np.median(finite)) if finite.size else float("nan")
    if units in KELVIN_UNITS:
        out = da - 273.15
        out.attrs = {**da.attrs, "units": "degC"}
        return out
    if finite.size and median > 100:
        raise ValueError(
            f"{what} has a median of {median:.1f} {units or '(no units)'}: these look like kelvin, "
            "not degC. Convert first: sst = sst - 273.15; sst.attrs['units'] = 'degC'"
        )
    if units and units not in CELSIUS_UNITS:
        raise ValueError(f"{what} has units {units!r}; expected degC or K")
    return da


def check_area_crs(crs, x: float, y: float, what: str = "the data") -> None:
    """Refuse a projected CRS whose map areas are far from true areas at (x, y) (e.g. Web
    Mercator)."""
    from pyproj import CRS, Proj, Transformer

    crs = CRS.from_user_input(crs)
    if crs.is_geographic:
        return
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    try:
        scale = Proj(crs).get_factors(lon, lat).areal_scale
    except Exception:  # noqa: BLE001 - a CRS pyproj cannot analyse: leave it to the caller
        return
    if not np.isfinite(scale) or abs(scale - 1) > 0.02:
        raise ValueError(
            f"{what} are in {crs.name} ({crs.to_string()}), which does not preserve area: at "
            f"{lat:.1f}° its map areas are {scale:.2f} times the true areas. Reproject to an "
            "equal-area or "
            "local projected CRS first (the UTM zone, or EPSG:6933), e.g. "
            "da.rio.reproject('EPSG:32633')"
        )
