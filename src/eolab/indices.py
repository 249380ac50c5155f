"""Spectral indices from reflectance bands: NDVI, NDWI, MNDWI.

All functions take :class:`xarray.DataArray` bands of surface reflectance
(unitless, 0-1; scale raw digital numbers first) and return a DataArray with
``long_name`` and ``units`` set.  Pixels where both bands are zero are NaN.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def _check_band(band, name: str) -> None:
    if not isinstance(band, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(band).__name__}")


def normalized_difference(a: xr.DataArray, b: xr.DataArray, long_name: str = "Normalized difference") -> xr.DataArray:
    """``(a - b) / (a + b)``, the building block of most spectral indices.

    Parameters
    ----------
    a, b : xarray.DataArray
        Reflectance bands on the same grid (unitless).
    long_name : str
        Name stored in the result's attributes.

    Returns
    -------
    xarray.DataArray
        Values in [-1, 1]; NaN where ``a + b == 0`` or either band is NaN.

    Raises
    ------
    ValueError
        If the bands do not share dimensions, or hold raw digital numbers
        (values far above 1) instead of reflectance.
    """
    _check_band(a, "a")
    _check_band(b, "b")
    if set(a.dims) != set(b.dims):
        raise ValueError(f"bands must share dimensions, got {a.dims} and {b.dims}")
    for band, label in ((a, a.name or "a"), (b, b.name or "b")):
        if band.size == 0:
            raise ValueError(f"band {label!r} is empty: select a region and dates the data cover")
        low = float(band.min(skipna=True).compute())
        if low < -1:
            raise ValueError(
                f"band {label!r} has values down to {low:g}: reflectance is never below -1, so these look "
                f"like a fill value; mask it first, e.g. band.where(band != {low:g})")
        peak = float(band.max(skipna=True).compute()) if band.size else 0.0
        if peak > 5:
            raise ValueError(
                f"band {label!r} has values up to {peak:g}: these look like raw digital numbers; "
                "convert to surface reflectance (0-1) first, e.g. with the product's scale and offset"
            )
    total = a + b
    if total.size == 0:
        raise ValueError(f"the bands do not overlap: a covers {dict(a.sizes)}, b covers {dict(b.sizes)} but "
                         "they share no coordinate values; use bands of the same tile and dates")
    out = xr.where(total != 0, (a - b) / total, np.nan)
    out.attrs = {"long_name": long_name, "units": "1"}
    return out.rename(None)


def ndvi(red: xr.DataArray, nir: xr.DataArray) -> xr.DataArray:
    """Normalized Difference Vegetation Index, ``(NIR - red) / (NIR + red)``.

    Dense green vegetation gives 0.6-0.9, bare soil 0.1-0.2, water below 0.
    """
    return normalized_difference(nir, red, long_name="NDVI")


def ndwi(green: xr.DataArray, nir: xr.DataArray) -> xr.DataArray:
    """McFeeters (1996) Normalized Difference Water Index, ``(green - NIR) / (green + NIR)``."""
    return normalized_difference(green, nir, long_name="NDWI")


def mndwi(green: xr.DataArray, swir: xr.DataArray) -> xr.DataArray:
    """Modified NDWI (Xu 2006), ``(green - SWIR1) / (green + SWIR1)``; water is above 0."""
    return normalized_difference(green, swir, long_name="MNDWI")
