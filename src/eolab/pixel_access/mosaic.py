"""Sentinel-2 tiles into one mosaic, and three bands into a colour composite for display."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import xarray as xr

from eolab.pixel_access.selection import _variable


def mosaic(tiles: Iterable[xr.Dataset]) -> xr.Dataset:
    """Mosaic tiles on the same grid into one cube; where tiles overlap, the first valid value wins.

    Parameters
    ----------
    tiles : iterable of xarray.Dataset
        Tiles with the same variables, times and coordinate reference
        system (``attrs["crs"]``), on grids with the same pixel size.

    Returns
    -------
    xarray.Dataset
        Covering the union of the tiles (lazy if they are); ``attrs["tiles"]``
        lists them.

    Raises
    ------
    ValueError
        Fewer than two tiles, or tiles with different variables, coordinate
        reference systems, dates, pixel sizes, or pixels that do not line up.

    Examples
    --------
    >>> both = pixel_access.mosaic([west, east])          # doctest: +SKIP
    """
    tiles = list(tiles)
    if len(tiles) < 2:
        raise ValueError(f"a mosaic needs at least two tiles, got {len(tiles)}")
    first = tiles[0]
    for other in tiles[1:]:
        if set(other.data_vars) != set(first.data_vars):
            raise ValueError(
                f"tiles have different variables: {sorted(first.data_vars)} and "
                f"{sorted(other.data_vars)}"
            )
        if other.attrs.get("crs") != first.attrs.get("crs"):
            raise ValueError(
                f"tiles are in different coordinate reference systems "
                f"({first.attrs.get('crs')} and {other.attrs.get('crs')}); "
                "reproject first"
            )
        if "time" in first.dims and not np.array_equal(first["time"].values, other["time"].values):
            raise ValueError("tiles have different time steps; select common dates first")
        for dim in ("x", "y"):
            if dim not in first.dims:
                continue
            step, other_step = np.diff(first[dim].values[:2]), np.diff(other[dim].values[:2])
            if not np.isclose(step, other_step).all():
                raise ValueError(
                    f"tiles have different pixel sizes along {dim} "
                    f"({float(step[0]):g} and {float(other_step[0]):g}); "
                    "resample first"
                )
            shift = (float(other[dim].values[0]) - float(first[dim].values[0])) / float(step[0])
            if not np.isclose(shift, round(shift), atol=1e-3):
                raise ValueError(
                    f"the tiles' pixels do not line up along {dim} (offset of "
                    f"{shift % 1:.2f} pixel); resample one onto the other's grid "
                    "first"
                )
    out = first
    for other in tiles[1:]:
        out = out.combine_first(other)
    out = out.sortby("x").sortby("y", ascending=False) if {"x", "y"} <= set(out.dims) else out
    names = ", ".join(str(t.attrs.get("tile", i)) for i, t in enumerate(tiles))
    out.attrs = {**first.attrs, "tiles": names}
    out.attrs.pop("tile", None)
    if "title" in out.attrs:
        out.attrs["title"] = out.attrs["title"].split(": tile")[0] + ": mosaic"
    return out


def composite(
    ds: xr.Dataset,
    bands: tuple[str, str, str] = ("B04", "B03", "B02"),
    max_reflectance: float = 0.3,
) -> xr.DataArray:
    """Three bands as a red-green-blue image, scaled to 0-1 for display.

    Parameters
    ----------
    ds : xarray.Dataset
        Reflectance (0-1) bands as variables.
    bands : (str, str, str)
        Bands shown as red, green and blue: ``("B04", "B03", "B02")`` is
        true colour, ``("B08", "B04", "B03")`` the classic false colour
        (vegetation red).
    max_reflectance : float
        Reflectance shown as full brightness (0.3 suits land).

    Returns
    -------
    xarray.DataArray
        With a ``band`` dimension of length 3, values 0-1; plot with
        ``.plot.imshow(rgb="band")``.
    """
    if len(bands) != 3:
        raise ValueError(f"a composite needs exactly three bands (red, green, blue), got {bands!r}")
    for band in bands:
        _variable(ds, band)
    if not 0 < max_reflectance <= 1:
        raise ValueError(f"max_reflectance must be in (0, 1], got {max_reflectance!r}")
    rgb = xr.concat([ds[b] for b in bands], dim=pd.Index(list(bands), name="band"))
    rgb = (rgb / max_reflectance).clip(0, 1)
    rgb.attrs = {"long_name": f"composite R={bands[0]} G={bands[1]} B={bands[2]}", "units": "1"}
    return rgb
