"""Clouds in Landsat scenes: decode the ``QA_PIXEL`` band, measure cloud and clear fractions.

Landsat Collection 2 scenes carry a 16-bit quality band, ``QA_PIXEL``,
computed by the USGS CFMask algorithm.  Each bit is a yes/no flag, and four
pairs of bits hold a confidence level (0 none, 1 low, 2 medium, 3 high)::

    bit  0  fill                    bits  8-9   cloud confidence
    bit  1  dilated cloud           bits 10-11  cloud shadow confidence
    bit  2  cirrus                  bits 12-13  snow/ice confidence
    bit  3  cloud                   bits 14-15  cirrus confidence
    bit  4  cloud shadow
    bit  5  snow
    bit  6  clear  (cloud and dilated-cloud bits both unset)
    bit  7  water

So clear land is ``21824`` (bits 6, 8, 10, 12, 14) and a high-confidence
cloud ``22280``.  Note that USGS's *clear* bit does not exclude cloud
shadow or cirrus: for analysis use :func:`clear_mask`, which does.

All functions take the ``qa_pixel`` :class:`xarray.DataArray` (unsigned
integers, any dimensions with ``y`` and ``x``) and return xarray objects.
Reference: USGS, *Landsat 8-9 Collection 2 Level 2 Science Product Guide*
(LSDS-1619), section on the Pixel Quality Assessment band, and the USGS page
*Landsat Collection 2 Quality Assessment Bands*
(https://www.usgs.gov/landsat-missions/landsat-collection-2-quality-assessment-bands),
which tabulates the QA_PIXEL bits and values (table numbers change between
versions of the guide).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from eolab import _validate, grid
from eolab.grid import crs_of  # noqa: F401  (kept here: lessons call clouds.crs_of)

QA_FLAGS = {
    "fill": 0,
    "dilated_cloud": 1,
    "cirrus": 2,
    "cloud": 3,
    "cloud_shadow": 4,
    "snow": 5,
    "clear": 6,
    "water": 7,
}
"""Single-bit flags of ``QA_PIXEL`` and their bit numbers."""
QA_CONFIDENCES = {
    "cloud_confidence": 8,
    "cloud_shadow_confidence": 10,
    "snow_ice_confidence": 12,
    "cirrus_confidence": 14,
}
"""Two-bit confidence fields of ``QA_PIXEL`` and their lowest bit."""
CONFIDENCE_LEVELS = {"none": 0, "low": 1, "medium": 2, "high": 3}
NOT_CLEAR = ("dilated_cloud", "cirrus", "cloud", "cloud_shadow", "snow")
"""Flags that make a pixel unusable for surface analysis (see :func:`clear_mask`)."""


def _check_qa(qa) -> xr.DataArray:
    if not isinstance(qa, xr.DataArray):
        raise TypeError(
            f"qa must be an xarray.DataArray (the 'qa_pixel' band), got {type(qa).__name__}"
        )
    if not np.issubdtype(qa.dtype, np.integer):
        raise TypeError(
            f"qa must hold integers (the raw QA_PIXEL bits), got dtype {qa.dtype}; "
            "load the band without scaling and without converting it to float"
        )
    if qa.dtype.itemsize > 2 and qa.size and not _is_lazy(qa):
        low, high = int(qa.min()), int(qa.max())
        if low < 0 or high > 65535:
            raise ValueError(f"QA_PIXEL values must lie in 0-65535 (16 bits), got {low} to {high}")
    return qa


def _is_lazy(da: xr.DataArray) -> bool:
    return da.chunks is not None


def _check_flag(flag: str) -> None:
    if flag not in QA_FLAGS:
        raise ValueError(f"unknown QA_PIXEL flag {flag!r}; valid flags: {', '.join(QA_FLAGS)}")


def flag_mask(qa: xr.DataArray, flag: str) -> xr.DataArray:
    """True where one ``QA_PIXEL`` bit is set.

    Parameters
    ----------
    qa : xarray.DataArray
        ``qa_pixel`` band (integers).
    flag : str
        One of :data:`QA_FLAGS`: ``"fill"``, ``"dilated_cloud"``, ``"cirrus"``,
        ``"cloud"``, ``"cloud_shadow"``, ``"snow"``, ``"clear"``, ``"water"``.

    Returns
    -------
    xarray.DataArray of bool
        Same shape as ``qa``.

    Examples
    --------
    >>> qa = xr.DataArray(np.array([21824, 21952, 22280], dtype="uint16"))
    >>> flag_mask(qa, "cloud").values
    array([False, False,  True])
    """
    _check_qa(qa)
    _check_flag(flag)
    out = ((qa >> QA_FLAGS[flag]) & 1).astype(bool)
    out.attrs = {"long_name": f"QA_PIXEL {flag.replace('_', ' ')} flag (bit {QA_FLAGS[flag]})"}
    return out.rename(flag)


def confidence(qa: xr.DataArray, name: str) -> xr.DataArray:
    """A two-bit confidence level, 0 (none), 1 (low), 2 (medium) or 3 (high).

    Parameters
    ----------
    qa : xarray.DataArray
        ``qa_pixel`` band (integers).
    name : str
        One of :data:`QA_CONFIDENCES`, e.g. ``"cloud_confidence"``.
    """
    _check_qa(qa)
    if name not in QA_CONFIDENCES:
        raise ValueError(
            f"unknown QA_PIXEL confidence {name!r}; valid: {', '.join(QA_CONFIDENCES)}"
        )
    bit = QA_CONFIDENCES[name]
    out = ((qa >> bit) & 3).astype("uint8")
    out.attrs = {
        "long_name": f"QA_PIXEL {name.replace('_', ' ')} (bits {bit}-{bit + 1})",
        "flag_values": [0, 1, 2, 3],
        "flag_meanings": "none low medium high",
    }
    return out.rename(name)


def decode_qa(qa: xr.DataArray, flags=None) -> xr.Dataset:
    """Decode ``QA_PIXEL`` into one boolean mask per flag (and the confidence levels).

    Parameters
    ----------
    qa : xarray.DataArray
        ``qa_pixel`` band (integers).
    flags : sequence of str, optional
        Names from :data:`QA_FLAGS` or :data:`QA_CONFIDENCES`; default all of them.

    Returns
    -------
    xarray.Dataset
        One variable per flag: bool for flags, uint8 0-3 for confidences.
    """
    flags = (
        list(QA_FLAGS) + list(QA_CONFIDENCES)
        if flags is None
        else _validate.as_names(flags, "flags")
    )
    out = {}
    for name in flags:
        if name in QA_CONFIDENCES:
            out[name] = confidence(qa, name)
        else:
            out[name] = flag_mask(qa, name)
    return xr.Dataset(out)


def valid_mask(qa: xr.DataArray) -> xr.DataArray:
    """True where the pixel holds data (the fill bit is unset)."""
    out = ~flag_mask(qa, "fill")
    out.attrs = {"long_name": "valid (not fill) pixels"}
    return out.rename("valid")


def clear_mask(qa: xr.DataArray, exclude=NOT_CLEAR) -> xr.DataArray:
    """True where the surface is seen clearly: valid, and none of the ``exclude`` flags set.

    Stricter than USGS's ``clear`` bit, which ignores cloud shadow and cirrus.

    Parameters
    ----------
    qa : xarray.DataArray
        ``qa_pixel`` band (integers).
    exclude : sequence of str
        Flags that make a pixel unusable; default :data:`NOT_CLEAR` (dilated
        cloud, cirrus, cloud, cloud shadow, snow).
    """
    _check_qa(qa)
    exclude = _validate.as_names(exclude, "exclude")
    bits = 1 << QA_FLAGS["fill"]
    for flag in exclude:
        _check_flag(flag)
        if flag in ("clear", "water"):
            raise ValueError(
                f"{flag!r} cannot be excluded: it describes clear pixels; "
                f"choose from {', '.join(NOT_CLEAR)}"
            )
        bits |= 1 << QA_FLAGS[flag]
    out = (qa & bits) == 0
    out.attrs = {
        "long_name": "clear pixels (no " + ", ".join(f.replace("_", " ") for f in exclude) + ")"
    }
    return out.rename("clear")


def _check_aoi(aoi, qa: xr.DataArray):
    if aoi is None:
        return None
    if not isinstance(aoi, xr.DataArray) or aoi.dtype != bool:
        raise TypeError(
            "aoi must be a boolean xarray.DataArray on the same (y, x) grid "
            "(True inside the area of interest); make one with eolab.clouds.aoi_mask"
        )
    missing = set(aoi.dims) - set(qa.dims)
    if missing:
        raise ValueError(f"aoi has dimensions {aoi.dims} that the data lack ({qa.dims})")
    for dim in aoi.dims:
        if aoi.sizes[dim] != qa.sizes[dim] or (
            dim in aoi.coords and dim in qa.coords and not np.allclose(aoi[dim], qa[dim])
        ):
            raise ValueError(f"aoi and data are not on the same grid along {dim!r}")
    if not bool(aoi.any()):
        raise ValueError("the area of interest is empty (aoi is False everywhere)")
    return aoi


def _spatial_dims(qa: xr.DataArray) -> list[str]:
    dims = [d for d in ("y", "x") if d in qa.dims]
    if len(dims) != 2:
        raise ValueError(f"qa needs dimensions 'y' and 'x', got {qa.dims}")
    return dims


def fraction(mask: xr.DataArray, qa: xr.DataArray, aoi: xr.DataArray | None = None) -> xr.DataArray:
    """Fraction (0-1) of the valid pixels in the AOI where ``mask`` is True, per scene.

    Parameters
    ----------
    mask : xarray.DataArray of bool
        E.g. ``flag_mask(qa, "cloud")``.
    qa : xarray.DataArray
        ``qa_pixel`` band, used to exclude fill pixels.
    aoi : xarray.DataArray of bool, optional
        Area of interest on the (y, x) grid; default the whole array.

    Returns
    -------
    xarray.DataArray
        Dimensionless fraction for each remaining dimension (usually
        ``time``); NaN for a scene with no valid pixel in the AOI.
    """
    grid.check_scenes(qa)
    dims = _spatial_dims(qa)
    aoi = _check_aoi(aoi, qa)
    valid = valid_mask(qa)
    if aoi is not None:
        valid = valid & aoi
    n_valid = valid.sum(dims)
    out = (mask & valid).sum(dims) / n_valid.where(n_valid > 0)
    out.attrs = {
        "units": "1",
        "long_name": f"fraction of valid AOI pixels: {mask.attrs.get('long_name', mask.name)}",
    }
    return out


def cloud_fraction(qa: xr.DataArray, aoi: xr.DataArray | None = None) -> xr.DataArray:
    """Fraction (0-1) of the valid pixels in the AOI flagged as cloud (bit 3), per scene.

    This is the AOI's own cloud cover, which can differ a lot from the
    scene-wide STAC property ``eo:cloud_cover`` (a percentage over the whole
    185 km scene).
    """
    out = fraction(flag_mask(qa, "cloud"), qa, aoi)
    out.attrs["long_name"] = "cloud fraction over the area of interest"
    return out.rename("cloud_fraction")


def clear_fraction(
    qa: xr.DataArray, aoi: xr.DataArray | None = None, exclude=NOT_CLEAR
) -> xr.DataArray:
    """Fraction (0-1) of the valid pixels in the AOI that are clear (:func:`clear_mask`),
    per scene."""
    out = fraction(clear_mask(qa, exclude), qa, aoi)
    out.attrs["long_name"] = "clear fraction over the area of interest"
    return out.rename("clear_fraction")


def aoi_mask(like: xr.DataArray, geometry, crs="EPSG:4326") -> xr.DataArray:
    """Boolean mask, True inside ``geometry``, on the (y, x) grid of ``like``.

    Parameters
    ----------
    like : xarray.DataArray or Dataset
        Data with ``y`` and ``x`` coordinates (pixel centres, in metres of
        the data's CRS) and a CRS (as loaded by odc-stac, or ``attrs["crs"]``).
    geometry : shapely geometry or GeoJSON-like dict
        The area of interest.
    crs : str
        CRS of ``geometry``; default longitude/latitude.
    """
    import geopandas as gpd
    import shapely.geometry
    from affine import Affine
    from rasterio.features import geometry_mask

    data_crs = crs_of(like)
    geom = shapely.geometry.shape(geometry) if isinstance(geometry, dict) else geometry
    geom = gpd.GeoSeries([geom], crs=crs).to_crs(data_crs).iloc[0]
    x, y = like["x"].values, like["y"].values
    dx, dy = float(x[1] - x[0]), float(y[0] - y[1])
    transform = Affine(dx, 0.0, x[0] - dx / 2, 0.0, -dy, y[0] + dy / 2)
    inside = geometry_mask([geom], out_shape=(y.size, x.size), transform=transform, invert=True)
    if not inside.any():
        raise ValueError(
            "the area of interest does not overlap the data; check its coordinates and crs"
        )
    return xr.DataArray(
        inside,
        coords={"y": like["y"], "x": like["x"]},
        dims=("y", "x"),
        name="aoi",
        attrs={"long_name": "area of interest"},
    )
