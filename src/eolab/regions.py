"""Rasters and regions: check CRSs, clip a raster to shapes, zonal statistics, carbon stock.

The steps of a "how much biomass (or carbon) is in each region?" study:

1. Read the regions with ``geopandas.read_file`` (a shapefile, GeoPackage...)
   and the raster with ``rioxarray.open_rasterio(path, masked=True)``.
2. Bring them to the same coordinate reference system:
   ``shapes.to_crs(raster.rio.crs)``.  :func:`check_crs` refuses a pair in
   different CRSs, because a polygon in metres laid on a grid in degrees
   selects the wrong pixels (or none) without any error.
3. :func:`clip` the raster to a region (for maps), and
   :func:`zonal_stats` for the area, mean and total per region, from the
   *real* area of each pixel on the WGS 84 ellipsoid (:func:`pixel_area_ha`): a 0.01° pixel is
   smaller near the poles than at the equator.
4. :func:`carbon_stock`: biomass x carbon fraction (0.47, IPCC 2006 default for
   above-ground forest biomass).

Rasters are :class:`xarray.DataArray` objects on (y, x) with a CRS set
(``da.rio.crs``, from rioxarray); regions are :class:`geopandas.GeoDataFrame`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor on xarray objects)
import xarray as xr

from eolab import grid

IPCC_CARBON_FRACTION = 0.47
"""Carbon fraction of above-ground forest biomass, dry matter (IPCC 2006 Guidelines, Vol. 4,
Table 4.3, default for all forests; the same table gives 0.49 for tropical and subtropical wood)."""
AUTHALIC_RADIUS_M = 6371007.2
"""Radius of the sphere with the same surface area as the WGS 84 ellipsoid, m (for comparison;
:func:`pixel_area_ha` uses the ellipsoid itself)."""


_raster_crs = grid.crs_of


def _check_shapes(shapes) -> None:
    import geopandas as gpd

    if not isinstance(shapes, gpd.GeoDataFrame | gpd.GeoSeries):
        raise TypeError(f"regions must be a geopandas GeoDataFrame, got {type(shapes).__name__}")
    if len(shapes) == 0:
        raise ValueError(
            "no regions: the GeoDataFrame is empty (check the selection, e.g. the spelling "
            "of a country name)"
        )
    if shapes.crs is None:
        raise ValueError(
            "the regions have no CRS: set the one they were drawn in, e.g. "
            "shapes.set_crs('EPSG:4326')"
        )


def check_crs(raster: xr.DataArray, shapes) -> None:
    """Refuse a raster and regions in different coordinate reference systems.

    Parameters
    ----------
    raster : xarray.DataArray
        With a CRS (``raster.rio.crs``).
    shapes : geopandas.GeoDataFrame
        With a CRS (``shapes.crs``).

    Raises
    ------
    ValueError
        Naming both CRSs and the fix, ``shapes.to_crs(raster.rio.crs)``.
    """
    from pyproj import CRS

    _check_shapes(shapes)
    r, s = CRS.from_user_input(_raster_crs(raster)), CRS.from_user_input(shapes.crs)
    if not r.equals(s, ignore_axis_order=True):
        raise ValueError(
            f"the raster is in {r.to_string()} ({r.name}) but the regions are in "
            f"{s.to_string()} ({s.name}); reproject the regions first: "
            "shapes = shapes.to_crs(raster.rio.crs)"
        )


def _label(shapes, by, i):
    if by is not None and by in shapes.columns:
        return str(shapes[by].iloc[i])
    return str(shapes.index[i])


def check_overlap(raster: xr.DataArray, shapes, by: str | None = None) -> None:
    """Refuse regions that do not overlap the raster at all.

    Raises
    ------
    ValueError
        Naming each region outside the raster, its bounds and the raster's bounds.
    """
    from shapely.geometry import box

    check_crs(raster, shapes)
    left, bottom, right, top = raster.rio.bounds()
    frame = box(left, bottom, right, top)
    outside = [
        i for i, geom in enumerate(shapes.geometry) if geom is None or not geom.intersects(frame)
    ]
    if outside:
        names = ", ".join(
            f"{_label(shapes, by, i)!r} (bounds "
            f"{tuple(round(v, 2) for v in shapes.geometry.iloc[i].bounds)})"
            for i in outside
        )
        raise ValueError(
            f"region(s) {names} lie outside the raster, whose bounds are "
            f"({left:.2f}, {bottom:.2f}, {right:.2f}, {top:.2f}) in {raster.rio.crs}"
        )


def clip(raster: xr.DataArray, shapes, all_touched: bool = False) -> xr.DataArray:
    """The raster cut to the bounding box of the regions, NaN outside them.

    Parameters
    ----------
    raster : xarray.DataArray
        (y, x) with a CRS.
    shapes : geopandas.GeoDataFrame
        Regions in the raster's CRS.
    all_touched : bool
        Keep every pixel a region touches (True) or only those whose centre
        is inside (False, the default, as :func:`zonal_stats`).

    Returns
    -------
    xarray.DataArray

    Raises
    ------
    ValueError
        If the CRSs differ or a region lies outside the raster.
    """
    check_overlap(raster, shapes)
    return raster.rio.clip(shapes.geometry, shapes.crs, drop=True, all_touched=all_touched)


def pixel_area_ha(raster: xr.DataArray) -> xr.DataArray:
    """Area of each pixel, hectares (1 ha = 10 000 m²).

    In a geographic CRS (degrees) the area of a cell between latitudes
    phi1 and phi2, dlon wide, is computed on the CRS's ellipsoid (WGS 84
    for EPSG:4326): a²(1 - e²) dlon / 2 [q(phi2) - q(phi1)], with
    q(phi) = sin phi / (1 - e² sin² phi) + artanh(e sin phi) / e, the exact
    area of an ellipsoidal zone (the same as ``pyproj.Geod`` gives for the
    cell).  It shrinks roughly with the cosine of the latitude; a sphere
    (authalic radius) would make equatorial cells about 0.45 % too large
    and polar ones too small.  In a projected CRS it is the product
    of the pixel sizes (exact in an equal-area projection, within 0.1 % in
    UTM near the central meridian).

    Parameters
    ----------
    raster : xarray.DataArray
        (y, x) on a regular grid, with a CRS.

    Returns
    -------
    xarray.DataArray
        (y, x) area in ha (constant along x for a geographic grid).
    """
    out = grid.pixel_area_m2(raster) / 1e4
    out.attrs = {"units": "ha", "long_name": "pixel area"}
    return out.rename("pixel_area")


def region_masks(raster: xr.DataArray, shapes, by: str | None = None) -> xr.DataArray:
    """One boolean mask per region: the pixels whose centre lies inside it.

    Parameters
    ----------
    raster : xarray.DataArray
        (y, x) with a CRS.
    shapes : geopandas.GeoDataFrame
        Regions in the raster's CRS.
    by : str, optional
        Column naming the regions (default: the index).

    Returns
    -------
    xarray.DataArray
        Boolean (region, y, x).
    """
    from rasterio.features import geometry_mask

    check_overlap(raster, shapes, by)
    shape = (raster.sizes["y"], raster.sizes["x"])
    masks = [
        geometry_mask([geom], shape, raster.rio.transform(recalc=True), invert=True)
        for geom in shapes.geometry
    ]
    names = [_label(shapes, by, i) for i in range(len(shapes))]
    return xr.DataArray(
        np.array(masks),
        dims=("region", "y", "x"),
        coords={"region": names, "y": raster["y"], "x": raster["x"]},
    )


def _total_units(units: str) -> str:
    units = units.strip()
    for suffix in (" ha-1", "/ha", " ha^-1"):
        if units.endswith(suffix):
            return units[: -len(suffix)]
    return f"{units} ha" if units else "ha"


def zonal_stats(
    raster: xr.DataArray, shapes, by: str | None = None, uncertainty: xr.DataArray | None = None
) -> xr.Dataset:
    """Area, mean and total of a per-hectare raster within each region.

    Parameters
    ----------
    raster : xarray.DataArray
        (y, x) density per hectare (e.g. biomass, Mg ha-1), NaN where unknown,
        with a CRS.
    shapes : geopandas.GeoDataFrame
        Regions in the raster's CRS.
    by : str, optional
        Column naming the regions (default: the index).
    uncertainty : xarray.DataArray, optional
        Per-pixel standard deviation, same grid and units as ``raster``.

    Returns
    -------
    xarray.Dataset
        Along ``region``: ``area_km2`` (area of the valid pixels),
        ``mean`` (area-weighted, raster units), ``total`` (raster units x ha,
        e.g. Mg) and, with ``uncertainty``, ``total_sd_independent`` (pixel
        errors independent) and ``total_sd_correlated`` (errors fully
        correlated, an upper bound).  ``.to_dataframe()`` gives a table.

    Raises
    ------
    ValueError
        If the CRSs differ, a region lies outside the raster, or the
        uncertainty is on another grid.
    """
    _raster_crs(raster)
    masks = region_masks(raster, shapes, by)
    area = pixel_area_ha(raster)
    valid = raster.notnull()
    weights = (area * valid).where(masks, 0.0)
    values = raster.fillna(0.0).astype("float64")
    area_ha = weights.sum(["y", "x"])
    total = (values * weights).sum(["y", "x"])
    units = raster.attrs.get("units", "")
    out = xr.Dataset(
        {
            "area_km2": (area_ha / 100).assign_attrs(units="km2", long_name="area of valid pixels"),
            "mean": (total / area_ha.where(area_ha > 0)).assign_attrs(
                units=units, long_name="area-weighted mean"
            ),
            "total": total.assign_attrs(
                units=_total_units(units), long_name="sum of value x pixel area"
            ),
        }
    )
    if uncertainty is not None:
        if uncertainty.shape != raster.shape or not (
            np.allclose(uncertainty["x"], raster["x"])
            and np.allclose(uncertainty["y"], raster["y"])
        ):
            raise ValueError(
                f"the uncertainty layer (shape {uncertainty.shape}) is not on the raster's grid "
                f"(shape {raster.shape})"
            )
        sd = uncertainty.fillna(0.0).astype("float64") * weights
        out["total_sd_independent"] = np.sqrt((sd**2).sum(["y", "x"])).assign_attrs(
            units=_total_units(units), long_name="sd of the total, independent pixel errors"
        )
        out["total_sd_correlated"] = sd.sum(["y", "x"]).assign_attrs(
            units=_total_units(units),
            long_name="sd of the total, fully correlated errors (upper bound)",
        )
    return out


def carbon_stock(agb: xr.DataArray, carbon_fraction: float = IPCC_CARBON_FRACTION) -> xr.DataArray:
    """Carbon in above-ground biomass: biomass x carbon fraction.

    Parameters
    ----------
    agb : xarray.DataArray
        Above-ground dry biomass, Mg ha-1 (or a total in Mg).
    carbon_fraction : float
        Mass fraction of carbon in dry biomass, in (0, 1); 0.47 is the
        IPCC (2006, Vol. 4, Table 4.3) default for above-ground forest
        biomass (0.49 for tropical and subtropical wood).

    Returns
    -------
    xarray.DataArray
        Carbon, Mg C ha-1 (or Mg C); multiply by 44/12 for CO2.

    Raises
    ------
    ValueError
        If ``carbon_fraction`` is outside (0, 1).
    """
    if not 0 < carbon_fraction < 1:
        raise ValueError(
            f"carbon_fraction is a mass fraction in (0, 1), got {carbon_fraction} "
            f"(the IPCC default is {IPCC_CARBON_FRACTION})"
        )
    units = agb.attrs.get("units", "Mg ha-1")
    carbon = agb * carbon_fraction
    carbon.attrs = {
        "units": units.replace("Mg", "Mg C", 1) if "Mg" in units else units,
        "long_name": "above-ground carbon stock",
        "carbon_fraction": carbon_fraction,
    }
    return carbon.rename("carbon")


def table(stats: xr.Dataset, scale: float = 1e-6, unit: str = "Tg") -> pd.DataFrame:
    """Zonal statistics as a readable table, totals converted (default Mg -> Tg, i.e. million
    tonnes).

    Parameters
    ----------
    stats : xarray.Dataset
        Output of :func:`zonal_stats`.
    scale : float
        Factor applied to ``total`` and its standard deviations.
    unit : str
        Name of the new unit of the totals, for the column titles.
    """
    df = stats.to_dataframe()
    df = df.drop(columns=[c for c in ("spatial_ref",) if c in df.columns])
    renamed = {}
    for col in df.columns:
        if col.startswith("total"):
            df[col] = df[col] * scale
            renamed[col] = f"{col} ({unit})"
    renamed.update({"mean": f"mean ({stats['mean'].attrs.get('units', '')})"})
    return df.rename(columns=renamed)
