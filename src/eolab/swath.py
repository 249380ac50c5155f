"""Satellite swaths onto a regular latitude/longitude grid (Level 2 to Level 3).

A Level-2 product such as Sentinel-5P TROPOMI NO2 gives one value per ground
pixel of the swath: a 2-D array on (``scanline``, ``ground_pixel``) with the
latitude and longitude of each pixel's centre and of its four corners.  The
lessons' analyses (:mod:`eolab.pollution`) take a regular grid on
(``latitude``, ``longitude``).  :func:`grid_swath` makes one from the other:
it keeps the good pixels (``qa_value`` at or above a threshold), spreads each
pixel over the grid cells its footprint covers, and averages, weighting each
pixel by the part of it inside each cell.  :func:`combine_grids` merges the
grids of several orbits of one day into one.

The footprint is sampled: each pixel quadrilateral (its four corners) is cut
into ``subdivisions`` x ``subdivisions`` equal parts in the pixel's own
coordinates, and each part adds ``1 / subdivisions**2`` of the pixel to the
cell its centre falls in.  With many parts this tends to the exact
area-weighted average; 4 x 4 is within a few per cent of it for pixels
smaller than the cells (TROPOMI: 5.5 x 3.5 km, cells of 0.25 degree, about
28 x 18 km at 50 degrees N).  Without corners (``use_corners=False``) each
pixel goes whole to the cell of its centre.

Longitudes are taken as given (degrees east, -180 to 180); a swath that
crosses the antimeridian should be gridded in a box on one side of it.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

NO2 = "nitrogendioxide_tropospheric_column"
QA = "qa_value"
WEIGHT = "pixel_weight"
SWATH_DIMS = ("scanline", "ground_pixel")


def _box_edges(box, res_deg: float):
    """Grid edges (south, north, west, east) snapped outwards to multiples of ``res_deg``."""
    try:
        west, east, south, north = (float(v) for v in box)
    except (TypeError, ValueError):
        raise TypeError(
            f"box must be (lon_min, lon_max, lat_min, lat_max) in degrees, got {box!r}"
        ) from None
    if not (west < east and south < north):
        raise ValueError(
            f"box {box!r} is empty: give (lon_min, lon_max, lat_min, lat_max) with "
            "lon_min < lon_max and lat_min < lat_max"
        )
    if not (-90 <= south and north <= 90 and -180 <= west and east <= 360):
        raise ValueError(
            f"box {box!r} is outside the globe: latitudes -90..90, longitudes -180..360"
        )
    snap = lambda v, f: round(f(round(v / res_deg, 9)) * res_deg, 9)  # noqa: E731
    return snap(south, np.floor), snap(north, np.ceil), snap(west, np.floor), snap(east, np.ceil)


def _check(orbit: xr.Dataset, variable: str, use_corners: bool):
    if not isinstance(orbit, xr.Dataset):
        raise TypeError(
            f"grid_swath needs an xarray.Dataset (one orbit), got {type(orbit).__name__}"
        )
    need = [variable, QA, "latitude", "longitude"]
    if use_corners:
        need += ["latitude_bounds", "longitude_bounds"]
    missing = [v for v in need if v not in orbit.variables]
    if missing:
        hint = (
            (
                " (the corners are in the group PRODUCT/SUPPORT_DATA/GEOLOCATIONS of a Sentinel-5P "
                "file; or pass use_corners=False to grid pixel centres)"
            )
            if use_corners
            else ""
        )
        raise ValueError(
            f"the orbit lacks {', '.join(missing)}{hint}; it has "
            f"{', '.join(sorted(map(str, orbit.variables)))}"
        )
    for dim in SWATH_DIMS:
        if dim not in orbit[variable].dims:
            raise ValueError(
                f"{variable} has dims {orbit[variable].dims}; a swath has "
                f"{SWATH_DIMS} (and optionally time of size 1)"
            )
    if "time" in orbit.dims and orbit.sizes["time"] != 1:
        raise ValueError(
            f"one orbit at a time: time has size {orbit.sizes['time']}; "
            "grid each orbit and merge them with combine_grids"
        )


def grid_swath(
    orbit: xr.Dataset,
    res_deg: float = 0.25,
    qa_min: float = 0.75,
    box=None,
    variable: str = NO2,
    use_corners: bool = True,
    subdivisions: int = 4,
) -> xr.Dataset:
    """Average the good pixels of one swath onto a regular latitude/longitude grid.

    Parameters
    ----------
    orbit : xarray.Dataset
        One orbit on (``scanline``, ``ground_pixel``) (a ``time`` dimension of
        size 1 is dropped), with ``variable``, ``qa_value`` (0-1, decoded),
        ``latitude`` and ``longitude`` of the pixel centres (degrees) and, for
        ``use_corners``, ``latitude_bounds`` and ``longitude_bounds`` on
        (``scanline``, ``ground_pixel``, ``corner``) with the four corners in
        order around the pixel, as in Sentinel-5P Level-2 files.
    res_deg : float
        Grid spacing in degrees (0.25 is the lessons' grid). Cell edges are
        multiples of ``res_deg``, so grids of different orbits line up.
    qa_min : float
        Keep pixels with ``qa_value >= qa_min`` (0.75: the product user
        manual's recommendation for the tropospheric column).
    box : tuple, optional
        ``(lon_min, lon_max, lat_min, lat_max)`` of the grid, degrees, snapped
        outwards to multiples of ``res_deg``; by default the extent of the good
        pixels.
    variable : str
        The variable to grid (its units are kept, e.g. mol m-2).
    use_corners : bool
        Spread each pixel over its footprint (corners); ``False`` puts each
        pixel whole into the cell of its centre.
    subdivisions : int
        Parts per side a footprint is cut into (``use_corners`` only).

    Returns
    -------
    xarray.Dataset
        On (``latitude``, ``longitude``), cell centres in degrees: ``variable``
        (weighted mean of the good pixels, NaN where none), ``qa_value`` (the
        weighted mean ``qa_value`` of the pixels used) and ``pixel_weight``
        (how many pixels' worth of footprint each cell holds, 1).

    Raises
    ------
    ValueError
        If a variable is missing, the dims are not a swath's, ``qa_min`` is
        outside [0, 1], ``res_deg`` is not positive or no good pixel lies in
        the box.
    """
    _check(orbit, variable, use_corners)
    if isinstance(res_deg, bool) or not isinstance(res_deg, (int, float)) or not 0 < res_deg <= 10:
        raise ValueError(
            f"res_deg is a grid spacing in degrees (0 < res_deg <= 10), got {res_deg!r}"
        )
    if not 0 <= qa_min <= 1:
        raise ValueError(f"qa_min is a qa_value in [0, 1], got {qa_min}")
    if isinstance(subdivisions, bool) or not isinstance(subdivisions, int) or subdivisions < 1:
        raise ValueError(f"subdivisions must be a whole number >= 1, got {subdivisions!r}")
    orbit = orbit.squeeze("time", drop=True) if "time" in orbit.dims else orbit

    def values(name):
        return np.asarray(orbit[name].transpose(*SWATH_DIMS, ...).values, dtype="float64")

    x, qa = values(variable), values(QA)
    good = np.isfinite(x) & np.isfinite(qa) & (qa >= qa_min)
    if use_corners:
        lat_c, lon_c = values("latitude_bounds")[good], values("longitude_bounds")[good]  # (n, 4)
        if lat_c.shape[-1] != 4:
            raise ValueError(f"latitude_bounds has {lat_c.shape[-1]} corners per pixel, expected 4")
        u = (np.arange(subdivisions) + 0.5) / subdivisions
        uu, vv = (a.ravel() for a in np.meshgrid(u, u))
        w = np.stack(
            [(1 - uu) * (1 - vv), uu * (1 - vv), uu * vv, (1 - uu) * vv], axis=-1
        )  # (k, 4)
        lat, lon = lat_c @ w.T, lon_c @ w.T  # (n, k) points inside each pixel
        part = np.full(lat.shape, 1.0 / subdivisions**2)
    else:
        lat, lon = values("latitude")[good][:, None], values("longitude")[good][:, None]
        part = np.ones(lat.shape)
    xs = np.broadcast_to(x[good][:, None], lat.shape)
    qs = np.broadcast_to(qa[good][:, None], lat.shape)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if box is None:
        if not ok.any():
            raise ValueError(
                f"no pixel of the orbit has qa_value >= {qa_min} and a valid "
                f"{variable}: nothing to grid"
            )
        box = (lon[ok].min(), lon[ok].max() + 1e-9, lat[ok].min(), lat[ok].max() + 1e-9)
    south, north, west, east = _box_edges(box, res_deg)
    ny, nx = int(round((north - south) / res_deg)), int(round((east - west) / res_deg))
    i = np.floor((lat - south) / res_deg).astype("int64", copy=False)
    j = np.floor((lon - west) / res_deg).astype("int64", copy=False)
    inside = ok & (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
    cell = (i * nx + j)[inside]
    weight = np.bincount(cell, part[inside], ny * nx).reshape(ny, nx)
    total = np.bincount(cell, (part * xs)[inside], ny * nx).reshape(ny, nx)
    qa_total = np.bincount(cell, (part * qs)[inside], ny * nx).reshape(ny, nx)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, total / weight, np.nan)
        qa_mean = np.where(weight > 0, qa_total / weight, np.nan)
    lat_axis = np.round(south + res_deg * (np.arange(ny) + 0.5), 6)
    lon_axis = np.round(west + res_deg * (np.arange(nx) + 0.5), 6)
    how = (
        f"{subdivisions}x{subdivisions} parts of each pixel footprint"
        if use_corners
        else "pixel centres"
    )
    grid = xr.Dataset(
        {
            variable: (
                ("latitude", "longitude"),
                mean.astype("float32"),
                dict(orbit[variable].attrs),
            ),
            QA: (
                ("latitude", "longitude"),
                qa_mean.astype("float32"),
                {"long_name": "mean qa_value of the pixels averaged", "units": "1"},
            ),
            WEIGHT: (
                ("latitude", "longitude"),
                weight.astype("float32"),
                {"long_name": "pixels' worth of footprint averaged in the cell", "units": "1"},
            ),
        },
        coords={
            "latitude": ("latitude", lat_axis, {"units": "degrees_north"}),
            "longitude": ("longitude", lon_axis, {"units": "degrees_east"}),
        },
        attrs={
            "gridding": f"eolab.swath.grid_swath: {res_deg:g} degree cells, qa_value >= {qa_min}, "
            f"weighted by {how}"
        },
    )
    for enc in ("_FillValue", "scale_factor", "add_offset", "missing_value"):
        grid[variable].attrs.pop(enc, None)
    return grid


def combine_grids(grids) -> xr.Dataset:
    """Merge gridded orbits (of one day) into one grid, weighting each by its ``pixel_weight``.

    Parameters
    ----------
    grids : sequence of xarray.Dataset
        Outputs of :func:`grid_swath` on the same grid spacing (their boxes may differ).

    Returns
    -------
    xarray.Dataset
        Same variables, on the union of the grids; a cell seen by two orbits
        holds the pixel-weighted mean of both.
    """
    grids = list(grids)
    if not grids:
        raise ValueError("combine_grids needs at least one grid from grid_swath")
    for g in grids:
        if not isinstance(g, xr.Dataset) or WEIGHT not in g:
            raise TypeError(
                "combine_grids takes the outputs of grid_swath (Datasets with pixel_weight)"
            )
    aligned = xr.align(*grids, join="outer", fill_value=np.nan)
    weight = sum(g[WEIGHT].fillna(0) for g in aligned)
    out = xr.Dataset(attrs=grids[0].attrs)
    for name in grids[0].data_vars:
        if name == WEIGHT:
            continue
        total = sum((g[name] * g[WEIGHT]).fillna(0) for g in aligned)
        out[name] = (total / weight).where(weight > 0).astype("float32")
        out[name].attrs = grids[0][name].attrs
    out[WEIGHT] = weight.astype("float32")
    out[WEIGHT].attrs = grids[0][WEIGHT].attrs
    return out
