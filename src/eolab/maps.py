"""Small map helpers on cartopy, so lesson cells stay short.

>>> from eolab import maps
>>> ax = maps.map_axes(extent=(-30, 60, -40, 40))          # doctest: +SKIP
>>> maps.plot_map(sst.isel(time=0), ax=ax, cmap="cmo.thermal")  # doctest: +SKIP

Coastlines and borders come from the Natural Earth copy shipped with eolab
(see :mod:`eolab._offline_maps`), so no download happens.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import cartopy.feature as cfeature
import cmocean  # noqa: F401  (registers the perceptually uniform "cmo.*" colour maps)
import matplotlib.pyplot as plt
import xarray as xr

from eolab import i18n
from eolab._offline_maps import AVAILABLE_RESOLUTIONS

PROJECTIONS = {
    "platecarree": ccrs.PlateCarree,
    "robinson": ccrs.Robinson,
    "equalearth": ccrs.EqualEarth,
    "mercator": ccrs.Mercator,
}


def _projection(projection, central_longitude: float):
    if isinstance(projection, ccrs.Projection):
        return projection
    key = str(projection).lower().replace(" ", "").replace("_", "")
    if key not in PROJECTIONS:
        raise ValueError(
            f"unknown projection {projection!r}; use a cartopy CRS or one of {sorted(PROJECTIONS)}"
        )
    return PROJECTIONS[key](central_longitude=central_longitude)


def check_extent(extent) -> tuple[float, float, float, float]:
    """Validate a map extent ``(lon_min, lon_max, lat_min, lat_max)`` in degrees.

    Raises
    ------
    ValueError
        If it does not have four numbers, latitudes are outside -90..90, or a
        minimum is not below its maximum (a common sign of lat/lon swapped).
    """
    if extent is None or len(extent) != 4:
        raise ValueError(f"extent must be (lon_min, lon_max, lat_min, lat_max), got {extent!r}")
    lon_min, lon_max, lat_min, lat_max = map(float, extent)
    if not (-90 <= lat_min < lat_max <= 90):
        raise ValueError(
            f"extent latitudes must satisfy -90 <= lat_min < lat_max <= 90, got "
            f"lat_min={lat_min}, lat_max={lat_max}; the order is (lon_min, lon_max, lat_min, "
            "lat_max)"
        )
    if not lon_min < lon_max:
        raise ValueError(f"extent needs lon_min < lon_max, got {lon_min} and {lon_max}")
    return lon_min, lon_max, lat_min, lat_max


def map_axes(
    projection="platecarree",
    extent=None,
    central_longitude: float = 0.0,
    resolution: str = "110m",
    borders: bool = False,
    gridlines: bool = True,
    figsize=(9, 4.5),
    ax=None,
):
    """A cartopy map with coastlines, optional borders and labelled gridlines.

    Parameters
    ----------
    projection : str or cartopy.crs.Projection
        ``"platecarree"``, ``"robinson"``, ``"equalearth"``, ``"mercator"`` or a CRS.
    extent : tuple of float, optional
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees; global if omitted.
    central_longitude : float
        Centre of the map in degrees east (180 puts the Pacific in the middle).
    resolution : {"110m", "50m"}
        Natural Earth scale for coastlines and borders.
    borders : bool
        Draw national land borders.
    gridlines : bool
        Draw and label latitude/longitude lines.
    figsize : tuple of float
        Figure size in inches, used when ``ax`` is not given.
    ax : cartopy.mpl.geoaxes.GeoAxes, optional
        Draw on this axes instead of making a new figure.

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
    """
    if resolution not in AVAILABLE_RESOLUTIONS:
        raise ValueError(f"resolution must be one of {AVAILABLE_RESOLUTIONS}, got {resolution!r}")
    if ax is None:
        _, ax = plt.subplots(
            figsize=figsize, subplot_kw={"projection": _projection(projection, central_longitude)}
        )
    if extent is not None:
        ax.set_extent(check_extent(extent), crs=ccrs.PlateCarree())
    else:
        ax.set_global()
    ax.coastlines(resolution=resolution, linewidth=0.6)
    if borders:
        ax.add_feature(cfeature.BORDERS.with_scale(resolution), linewidth=0.4, edgecolor="0.3")
    if gridlines:
        gl = ax.gridlines(draw_labels=True, linewidth=0.3, color="0.5", alpha=0.6)
        gl.top_labels = gl.right_labels = False
        if i18n.language() == "fr":  # 7,5°O, not 7.5°W, on a French page
            gl.xformatter, gl.yformatter = _french_formatters()
    return ax


def _french_formatters():
    """Gridline labels as French maps write them: O for ouest, a decimal comma."""
    from cartopy.mpl.ticker import LatitudeFormatter, LongitudeFormatter

    class Comma:
        def __call__(self, value, pos=None):
            return super().__call__(value, pos).replace(".", ",")

        def format_ticks(self, values):
            return [label.replace(".", ",") for label in super().format_ticks(values)]

    class Longitude(Comma, LongitudeFormatter):
        pass

    class Latitude(Comma, LatitudeFormatter):
        pass

    return Longitude(cardinal_labels={"west": "O"}), Latitude()


UNIT_LABELS = {
    "degC": "°C",
    "degree_Celsius": "°C",
    "K": "K",
    "m3 m-3": "m³ m⁻³",
    "mol m-2": "mol m⁻²",
    "Mg ha-1": "Mg ha⁻¹",
    "km2": "km²",
}
"""How CF unit strings are written on colour bars and axes."""


def colorbar_label(da: xr.DataArray) -> str:
    """``"Long name (units)"`` from a DataArray's CF attributes, units written nicely."""
    name = da.attrs.get("long_name") or da.attrs.get("standard_name") or da.name or "value"
    units = da.attrs.get("units")
    return f"{name} ({UNIT_LABELS.get(units, units)})" if units else str(name)


def plot_map(
    da: xr.DataArray,
    ax=None,
    title: str | None = None,
    cbar_label: str | None = None,
    x: str = "lon",
    y: str = "lat",
    **kwargs,
):
    """Plot a 2-D latitude/longitude field on a map with a labelled colour bar.

    Parameters
    ----------
    da : xarray.DataArray
        Two-dimensional field with longitude ``x`` and latitude ``y`` in degrees.
    ax : GeoAxes, optional
        Map to draw on; :func:`map_axes` makes one when omitted.
    title : str, optional
        Axes title; without one the map has none (not xarray's
        ``"time = ..."`` default).
    cbar_label : str, optional
        Colour-bar label; by default ``long_name (units)``.
    x, y : str
        Names of the longitude and latitude coordinates.
    **kwargs
        Passed to :meth:`xarray.DataArray.plot.pcolormesh` (``cmap``, ``vmin``,
        ``vmax``, ``levels``, ``robust``, ``center`` ...).

    Returns
    -------
    matplotlib.collections.QuadMesh
    """
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"plot_map needs an xarray.DataArray, got {type(da).__name__}")
    if da.ndim != 2:
        raise ValueError(
            f"plot_map needs a 2-D field, got dimensions {da.dims}; "
            "select one time step first, e.g. da.isel(time=0)"
        )
    for coord in (x, y):
        if coord not in da.coords:
            raise ValueError(f"coordinate {coord!r} not found; the field has {list(da.coords)}")
    if ax is None:
        ax = map_axes()
    mesh = da.plot.pcolormesh(
        ax=ax,
        x=x,
        y=y,
        transform=ccrs.PlateCarree(),
        cbar_kwargs={
            "label": cbar_label or colorbar_label(da),
            "shrink": 0.8,
            "orientation": "horizontal",
            "pad": 0.08,
        },
        **kwargs,
    )
    # xarray titles a selected field with its leftover coordinates ("time = 2009-12-16T12:00:00"):
    # use the given title, or none
    ax.set_title(title if title is not None else "")
    return mesh
