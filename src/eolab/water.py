"""Open water from Landsat surface reflectance: classify, measure area, map how often.

The steps of a water-extent study (the idea behind Digital Earth Africa's
and Australia's *Water Observations from Space*, WOfS):

1. :func:`classify_water` - each clear pixel of each scene is *wet* (1) or
   *dry* (0) from the MNDWI, ``(green - SWIR1) / (green + SWIR1) > 0``;
   cloudy, shadowed and missing pixels are NaN (*not observed*), never dry.
2. :func:`water_area_km2` - wet pixels x the real pixel area of the CRS.
3. :func:`water_frequency` - per pixel, the percentage of *clear*
   observations that were wet.

Inputs are :class:`xarray.Dataset` objects as loaded by ``odc.stac.load``
from a Landsat Collection 2 Level-2 archive, with bands ``green``,
``swir16`` (surface reflectance, 0-1) and ``qa_pixel``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from eolab import clouds, grid, indices

REQUIRED_BANDS = ("green", "swir16", "qa_pixel")


def _check_bands(ds, needed=REQUIRED_BANDS) -> None:
    if not isinstance(ds, xr.Dataset):
        raise TypeError(
            f"expected an xarray.Dataset with bands {', '.join(needed)}, got {type(ds).__name__}"
        )
    missing = [b for b in needed if b not in ds.data_vars]
    if missing:
        raise ValueError(
            f"bands missing: {', '.join(missing)}; the dataset has "
            f"{', '.join(map(str, ds.data_vars)) or 'none'}. "
            f"Load them, e.g. odc.stac.load(items, bands={list(needed)})"
        )


def classify_water(
    ds: xr.Dataset, threshold: float = 0.0, exclude=clouds.NOT_CLEAR
) -> xr.DataArray:
    """Wet (1), dry (0) or not observed (NaN) for every pixel of every scene, from the MNDWI.

    Parameters
    ----------
    ds : xarray.Dataset
        ``green`` and ``swir16`` surface reflectance (unitless, 0-1: apply
        the product's scale and offset first) and the raw ``qa_pixel`` band.
    threshold : float
        MNDWI above which a pixel is water, in [-1, 1]; 0 by default
        (Xu 2006).  Turbid or shallow water may need a lower value.
    exclude : sequence of str
        QA flags that make a pixel unobserved (see :func:`eolab.clouds.clear_mask`).

    Returns
    -------
    xarray.DataArray
        float32: 1 water, 0 not water, NaN cloud/shadow/fill.

    Raises
    ------
    ValueError
        If a band is missing, the threshold lies outside [-1, 1], the
        bands hold raw digital numbers, or there are no scenes.
    """
    _check_bands(ds)
    grid.check_scenes(ds["green"])
    if not -1 <= threshold <= 1:
        raise ValueError(f"threshold is an MNDWI value and must lie in [-1, 1], got {threshold}")
    index = indices.mndwi(ds["green"], ds["swir16"])
    observed = clouds.clear_mask(ds["qa_pixel"], exclude) & index.notnull()
    wet = xr.where(observed, (index > threshold).astype("float32"), np.float32(np.nan))
    wet.attrs = {
        "long_name": "open water (1 wet, 0 dry, NaN not observed)",
        "units": "1",
        "method": f"MNDWI > {threshold} on clear pixels",
    }
    crs = ds.attrs.get("crs", ds["green"].attrs.get("crs"))
    if crs is not None:
        wet.attrs["crs"] = crs
    return wet.rename("water")


def pixel_area_km2(data) -> float:
    """Area of one pixel in km², from the pixel size and the data's CRS
    (:func:`eolab.grid.pixel_size_m2`).

    Raises
    ------
    ValueError
        If the CRS is geographic (degrees): its pixels have no single area,
        so reproject to a projected CRS first (e.g. UTM), or use
        :func:`eolab.grid.pixel_area_m2` for each pixel's area.  Also for a
        CRS that distorts area (e.g. Web Mercator).
    """
    return grid.pixel_size_m2(data) / 1e6


def water_area_km2(water: xr.DataArray, aoi: xr.DataArray | None = None) -> xr.DataArray:
    """Area of open water in km² per scene: wet pixels x pixel area.

    Parameters
    ----------
    water : xarray.DataArray
        Output of :func:`classify_water` (1 wet, 0 dry, NaN unobserved), with
        a projected CRS in metres.
    aoi : xarray.DataArray of bool, optional
        Count only inside this area of interest.

    Returns
    -------
    xarray.DataArray
        km² of water *seen*; pixels hidden by cloud count as nothing, so
        use scenes that are clear over the water body (check
        :func:`observed_fraction`).
    """
    grid.check_scenes(water)
    area = pixel_area_km2(water)
    wet = water == 1
    if aoi is not None:
        clouds._check_aoi(aoi, water)
        wet = wet & aoi
    out = wet.sum(["y", "x"]) * area
    out.attrs = {"units": "km2", "long_name": "open-water area"}
    return out.rename("water_area_km2")


def observed_fraction(water: xr.DataArray, aoi: xr.DataArray | None = None) -> xr.DataArray:
    """Fraction (0-1) of the AOI's pixels observed (not NaN) in each scene."""
    grid.check_scenes(water)
    seen = water.notnull()
    if aoi is not None:
        clouds._check_aoi(aoi, water)
        out = (seen & aoi).sum(["y", "x"]) / int(aoi.sum())
    else:
        out = seen.mean(["y", "x"])
    out.attrs = {"units": "1", "long_name": "fraction of the area of interest observed"}
    return out.rename("observed_fraction")


def water_frequency(water: xr.DataArray, min_observations: int = 1) -> xr.DataArray:
    """Per pixel, the percentage of clear observations that were wet (the WOfS summary).

    Parameters
    ----------
    water : xarray.DataArray
        Output of :func:`classify_water`, dimensions (time, y, x).
    min_observations : int
        Pixels with fewer clear observations are NaN.

    Returns
    -------
    xarray.DataArray
        Percent, 0-100 (0 never wet, 100 always wet); NaN where unobserved.
        The number of clear observations is in the coordinate-free
        attribute ``"n_scenes"`` and via :func:`clear_count`.
    """
    if "time" not in water.dims:
        raise ValueError(f"water frequency needs a 'time' dimension, got {water.dims}")
    grid.check_scenes(water)
    if min_observations < 1:
        raise ValueError(f"min_observations must be at least 1, got {min_observations}")
    n_clear = water.notnull().sum("time")
    n_wet = (water == 1).sum("time")
    out = (100 * n_wet / n_clear).where(n_clear >= min_observations)
    out.attrs = {
        "units": "%",
        "long_name": "water frequency (wet / clear observations)",
        "n_scenes": int(water.sizes["time"]),
    }
    return out.rename("water_frequency")


def clear_count(water: xr.DataArray) -> xr.DataArray:
    """Number of clear observations of each pixel."""
    grid.check_scenes(water)
    out = water.notnull().sum("time")
    out.attrs = {"units": "1", "long_name": "number of clear observations"}
    return out.rename("clear_count")
