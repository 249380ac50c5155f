"""The geographic basics of a grid, written once: coordinates, CRS, pixel area, time axis.

Every analysis module asks the same few questions of its input; they are
answered here, with errors that name the problem and what to do:

* :func:`coord_name` and :func:`lat_lon_names` - which coordinates are
  latitude and longitude (``lat``, ``latitude``, ``nav_lat``... or the name
  you pass);
* :func:`crs_of` - the coordinate reference system of data loaded by
  odc-stac, rioxarray, or carrying ``attrs["crs"]``;
* :func:`pixel_area_m2` - the true area of every pixel: on the CRS's
  ellipsoid for a geographic grid (degrees), the product of the pixel
  sizes for a projected one; :func:`pixel_size_m2` - the one area all
  pixels of a projected grid share (a geographic grid has none: its pixels
  shrink towards the poles, so it is refused);
* :func:`check_time_dim`, :func:`check_scenes` and
  :func:`check_time_range` - a ``time`` axis that exists, is not empty, and
  covers the dates asked for.

>>> from eolab import grid
>>> lat, lon = grid.lat_lon_names(sst)                     # doctest: +SKIP
>>> area = grid.pixel_area_m2(agb)                         # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

LAT_NAMES = ("lat", "latitude", "nav_lat", "y")
"""Names tried, in order, for a latitude (or northing) coordinate."""
LON_NAMES = ("lon", "longitude", "nav_lon", "x")
"""Names tried, in order, for a longitude (or easting) coordinate."""

__all__ = [
    "LAT_NAMES",
    "LON_NAMES",
    "CoordinateNotFound",
    "coord_name",
    "lat_lon_names",
    "crs_of",
    "pixel_area_m2",
    "pixel_size_m2",
    "check_time_dim",
    "check_scenes",
    "check_time_range",
]


# ====================================================================== coordinates
class CoordinateNotFound(KeyError, ValueError):
    """A coordinate the function needs is missing (both a :class:`KeyError` and a
    :class:`ValueError`)."""

    def __str__(self) -> str:  # the message itself, not KeyError's quoted repr of it
        return str(self.args[0]) if self.args else ""


def coord_name(da, given: str | None, candidates: tuple[str, ...], what: str) -> str:
    """The name of a coordinate: ``given`` if present, else the first of ``candidates`` present.

    Parameters
    ----------
    da : xarray.DataArray or xarray.Dataset
        The data.
    given : str or None
        The name the caller asked for, if any.
    candidates : tuple of str
        Names to try in order, e.g. :data:`LAT_NAMES`.
    what : str
        What the coordinate is, for the message (e.g. ``"lat"``); the
        message suggests passing ``<what>_name=``.

    Raises
    ------
    CoordinateNotFound
        Naming what was looked for and the coordinates the data have.
    """
    names = set(da.coords) | set(da.dims)
    if given is not None and given in names:
        return given
    for name in candidates:
        if name in names:
            return name
    asked = f"{given!r}" if given else "any of " + ", ".join(map(repr, candidates))
    raise CoordinateNotFound(
        f"the data have no {what} coordinate {asked}; they have "
        f"{sorted(map(str, names))}. Pass its name, e.g. {what}_name='...'"
    )


def lat_lon_names(
    da,
    lat_name: str | None = None,
    lon_name: str | None = None,
    *,
    xy: bool = False,
    what: tuple[str, str] = ("lat", "lon"),
) -> tuple[str, str]:
    """Names of the latitude and longitude coordinates of ``da``.

    Parameters
    ----------
    da : xarray.DataArray or xarray.Dataset
        The data.
    lat_name, lon_name : str, optional
        Names to use when present; otherwise ``lat``, ``latitude`` and
        ``nav_lat`` (``lon``, ``longitude``, ``nav_lon``) are tried in order.
    xy : bool
        Also accept ``y``/``x`` (a grid whose rows and columns are in
        degrees north and east, or a projected grid) as a last resort.
    what : (str, str)
        Words for the two coordinates in the error message.

    Returns
    -------
    (str, str)
        The latitude and the longitude coordinate's names.

    Raises
    ------
    CoordinateNotFound
        If either is missing (the message lists the data's coordinates).
    """
    n = len(LAT_NAMES) if xy else len(LAT_NAMES) - 1
    return (
        coord_name(da, lat_name, LAT_NAMES[:n], what[0]),
        coord_name(da, lon_name, LON_NAMES[:n], what[1]),
    )


# ====================================================================== the CRS
def crs_of(data):
    """The :class:`pyproj.CRS` of data loaded by odc-stac, rioxarray, or with ``attrs["crs"]``.

    Looks, in order, at the ``spatial_ref`` coordinate (``crs_wkt`` or
    ``spatial_ref`` attribute), at ``attrs["crs"]``, then at rioxarray's
    ``data.rio.crs`` (another grid-mapping coordinate).

    Raises
    ------
    ValueError
        If the data carry no CRS (the message says how to set one).
    """
    from pyproj import CRS

    candidates = []
    if "spatial_ref" in data.coords:
        attrs = data.coords["spatial_ref"].attrs
        candidates += [attrs.get("crs_wkt"), attrs.get("spatial_ref")]
    candidates.append(data.attrs.get("crs"))
    for value in candidates:
        if value:
            return CRS.from_user_input(value)
    rio_crs = None
    if hasattr(data, "rio"):  # the accessor exists once rioxarray has been imported
        try:
            rio_crs = data.rio.crs
        except Exception:  # noqa: BLE001 - a malformed grid mapping: no CRS we can use
            rio_crs = None
    if rio_crs is not None:
        return CRS.from_user_input(rio_crs.to_wkt())
    raise ValueError(
        "the data have no CRS (no 'spatial_ref' coordinate and no attrs['crs']): "
        "load them with odc.stac.load or rioxarray.open_rasterio, or set one with "
        "data.rio.write_crs('EPSG:4326') or data.attrs['crs'] = 'EPSG:32635'"
    )


# ====================================================================== pixel area
def _resolution(data) -> tuple[float, float]:
    """Pixel size along x and y in CRS units (rioxarray's reading of the grid)."""
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    for dim in ("x", "y"):
        if dim not in data.coords:
            raise ValueError(f"cannot tell the pixel size: coordinate {dim!r} is missing")
    try:
        rx, ry = data.rio.resolution()
    except Exception as err:  # noqa: BLE001 - e.g. one row or column and no stored transform
        raise ValueError(
            "cannot tell the pixel size: coordinate 'x' or 'y' has fewer than 2 "
            f"values and the data store no transform ({type(err).__name__})"
        ) from None
    return float(rx), float(ry)


def _ellipsoidal_band_m2(crs, lat: np.ndarray, dlat: float, dlon: float) -> np.ndarray:
    """Area, m², of cells ``dlon`` wide and ``dlat`` tall centred on latitudes ``lat`` (degrees).

    The exact area of an ellipsoidal zone: a²(1 - e²) dlon / 2 [q(phi2) - q(phi1)],
    with q(phi) = sin phi / (1 - e² sin² phi) + artanh(e sin phi) / e.
    """
    from pyproj import CRS

    ellipsoid = CRS.from_user_input(crs.to_wkt()).ellipsoid
    a, inv_f = ellipsoid.semi_major_metre, ellipsoid.inverse_flattening
    e2 = 0.0 if not inv_f else (2 - 1 / inv_f) / inv_f  # first eccentricity squared

    def q(phi_deg):
        s = np.sin(np.radians(np.clip(phi_deg, -90, 90)))
        if e2 == 0:
            return 2 * s
        e = np.sqrt(e2)
        return s / (1 - e2 * s**2) + np.arctanh(e * s) / e

    half = abs(dlat) / 2
    band = q(lat + half) - q(lat - half)
    return a**2 * (1 - e2) * np.radians(abs(dlon)) * band / 2


def _projected_pixel_m2(data, crs, rx: float, ry: float) -> float:
    """Area of one pixel of a projected grid, m², after refusing a CRS that distorts area."""
    from eolab import _validate

    _validate.check_area_crs(
        crs,
        float(data["x"].values.mean()),
        float(data["y"].values.mean()),
        "the data's coordinates",
    )
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0  # metres per unit
    return abs(rx * ry) * factor**2


def pixel_area_m2(data) -> xr.DataArray:
    """True area of each pixel, m², in a geographic (degrees) or projected CRS.

    In a geographic CRS the area of a cell between latitudes phi1 and phi2,
    dlon wide, is computed on the CRS's ellipsoid (WGS 84 for EPSG:4326):
    a²(1 - e²) dlon / 2 [q(phi2) - q(phi1)], with
    q(phi) = sin phi / (1 - e² sin² phi) + artanh(e sin phi) / e, the exact
    area of an ellipsoidal zone (the same as ``pyproj.Geod`` gives for the
    cell).  It shrinks roughly with the cosine of the latitude; a sphere
    (authalic radius) would make equatorial cells about 0.45 % too large
    and polar ones too small.  In a projected CRS it is the product of the
    pixel sizes (exact in an equal-area projection, within 0.1 % in UTM
    near the central meridian); a CRS that distorts area (e.g. Web
    Mercator) is refused.

    Parameters
    ----------
    data : xarray.DataArray or xarray.Dataset
        On a regular (y, x) grid, with a CRS (see :func:`crs_of`).

    Returns
    -------
    xarray.DataArray
        (y, x) pixel area, m² (constant along x for a geographic grid).

    Raises
    ------
    ValueError
        No CRS, no pixel size, or a CRS whose map areas are not true areas.
    """
    crs = crs_of(data)
    rx, ry = _resolution(data)
    if crs.is_geographic:
        area = _ellipsoidal_band_m2(crs, data["y"].values, ry, rx)
        out = xr.DataArray(area, dims="y", coords={"y": data["y"]}).broadcast_like(data["x"])
        out = out.transpose("y", "x")
    else:
        like = (
            data
            if isinstance(data, xr.DataArray)
            else xr.DataArray(
                np.empty((data.sizes["y"], data.sizes["x"])),
                dims=("y", "x"),
                coords={"y": data["y"], "x": data["x"]},
            )
        )
        out = xr.full_like(like, _projected_pixel_m2(data, crs, rx, ry), dtype="float64")
    out.attrs = {"units": "m2", "long_name": "pixel area"}
    return out.rename("pixel_area")


def pixel_size_m2(data) -> float:
    """The area every pixel of a projected grid shares, m².

    Raises
    ------
    ValueError
        If the CRS is geographic (degrees) or not in linear units: its pixels
        have no single area (they shrink towards the poles), so reproject to
        a projected CRS first (e.g. UTM), or use :func:`pixel_area_m2` for
        each pixel's area on the ellipsoid.  Also without a CRS or pixel
        size, or in a CRS that distorts area.
    """
    crs = crs_of(data)
    unit = crs.axis_info[0].unit_name if crs.axis_info else "unknown"
    if crs.is_geographic or not crs.is_projected:
        # (the message lesson 3 shows; eolab.grid.pixel_area_m2 gives each pixel's own area)
        raise ValueError(
            f"the data's CRS {crs.to_string()} has units of {unit!r}; area needs a "
            "projected CRS in metres. Load or reproject to one, e.g. "
            "odc.stac.load(..., crs='EPSG:32635', resolution=30) for UTM zone 35"
        )
    rx, ry = _resolution(data)
    return _projected_pixel_m2(data, crs, rx, ry)


# ====================================================================== the time axis
def check_time_dim(da) -> None:
    """Refuse anything but a DataArray with a ``time`` dimension."""
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"expected an xarray.DataArray, got {type(da).__name__}")
    if "time" not in da.dims:
        raise ValueError(f"the data need a 'time' dimension; they have {da.dims}")


def check_scenes(da) -> None:
    """Refuse an empty ``time`` axis (a search that found no scenes)."""
    if "time" in da.dims and da.sizes["time"] == 0:
        raise ValueError(
            "no scenes: the time range is empty; widen the search's datetime "
            "or relax its cloud-cover filter"
        )


def check_time_range(da, time: tuple | None) -> slice:
    """The ``time`` selection for a ``(start, end)`` range (inclusive), checked against the data.

    Returns
    -------
    slice
        ``slice(None)`` when ``time`` is None, else ``slice(start, end)``.

    Raises
    ------
    ValueError
        Not a pair, an inverted range, or a range outside the data (the
        message gives the dates the data cover).
    """
    if time is None:
        return slice(None)
    if len(time) != 2:
        raise ValueError(f"time must be (start, end), got {time!r}")
    start, end = (pd.Timestamp(t) for t in time)
    if start > end:
        raise ValueError(f"inverted time range: start {time[0]!r} is after end {time[1]!r}")
    first, last = (pd.Timestamp(t) for t in da["time"].values[[0, -1]])
    if end < first or start > last:
        raise ValueError(
            f"time range {time[0]}..{time[1]} lies outside the cube, which covers "
            f"{first.date()}..{last.date()}"
        )
    return slice(str(time[0]), str(time[1]))
