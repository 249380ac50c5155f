"""Spectral indices from reflectance bands: NDVI, MNDWI.

All functions take :class:`xarray.DataArray` bands of surface reflectance
(unitless, 0-1; scale raw digital numbers first) and return a DataArray with
``long_name`` and ``units`` set.  Pixels where both bands are zero are NaN.
Dask-backed bands stay lazy: their values are checked (fill values, raw
digital numbers) chunk by chunk when the result is computed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def _check_band(band, name: str) -> None:
    if not isinstance(band, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(band).__name__}")


def _check_reflectance(values: np.ndarray, label: str) -> np.ndarray:
    """``values`` unchanged; an error if they look like a fill value or raw digital numbers."""
    present = values[~np.isnan(values)] if values.dtype.kind == "f" else values
    if present.size == 0:
        return values
    low, peak = float(present.min()), float(present.max())
    if low < -1:
        raise ValueError(
            f"band {label!r} has values down to {low:g}: reflectance is never below -1, so these "
            "look "
            f"like a fill value; mask it first, e.g. band.where(band != {low:g})"
        )
    if peak > 5:
        raise ValueError(
            f"band {label!r} has values up to {peak:g}: these look like raw digital numbers; "
            "convert to surface reflectance (0-1) first, e.g. with the product's scale and offset"
        )
    return values


def _checked(band: xr.DataArray, label: str) -> xr.DataArray:
    """``band``, its values checked now (NumPy) or chunk by chunk when computed (Dask,
    still lazy)."""
    if band.size == 0:
        raise ValueError(f"band {label!r} is empty: select a region and dates the data cover")
    if band.chunks is None:
        _check_reflectance(band.values, label)
        return band
    return band.copy(data=band.data.map_blocks(_check_reflectance, label, dtype=band.dtype))


def normalized_difference(
    a: xr.DataArray, b: xr.DataArray, long_name: str = "Normalized difference"
) -> xr.DataArray:
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
    a, b = _checked(a, a.name or "a"), _checked(b, b.name or "b")
    total = a + b
    if total.size == 0:
        raise ValueError(
            f"the bands do not overlap: a covers {dict(a.sizes)}, b covers {dict(b.sizes)} but "
            "they share no coordinate values; use bands of the same tile and dates"
        )
    out = xr.where(total != 0, (a - b) / total, np.nan)
    out.attrs = {"long_name": long_name, "units": "1"}
    return out.rename(None)


def ndvi(red: xr.DataArray, nir: xr.DataArray) -> xr.DataArray:
    """Normalized Difference Vegetation Index, ``(NIR - red) / (NIR + red)``.

    Dense green vegetation gives 0.6-0.9, bare soil 0.1-0.2, water below 0.
    """
    return normalized_difference(nir, red, long_name="NDVI")


def mndwi(green: xr.DataArray, swir: xr.DataArray) -> xr.DataArray:
    """Modified NDWI (Xu 2006), ``(green - SWIR1) / (green + SWIR1)``; water is above 0."""
    return normalized_difference(green, swir, long_name="MNDWI")
