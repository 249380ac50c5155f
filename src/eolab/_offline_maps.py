"""Point cartopy at the Natural Earth shapefiles shipped with eolab.

cartopy looks for ``<pre_existing_data_dir>/shapefiles/natural_earth/
<category>/ne_<resolution>_<name>.shp`` before it tries to download.  The
package ships 1:110m and 1:50m coastline, land, ocean, countries and land
borders (public domain; see ``data/natural_earth/README.md`` for how they
were made).
"""

from __future__ import annotations

from pathlib import Path

NATURAL_EARTH_DIR = Path(__file__).parent / "data" / "natural_earth"
"""Folder holding ``shapefiles/natural_earth/{physical,cultural}``."""

AVAILABLE_RESOLUTIONS = ("110m", "50m")


def use_offline_natural_earth() -> Path:
    """Make cartopy read Natural Earth from the copy shipped with eolab.

    Returns
    -------
    pathlib.Path
        The folder now set as ``cartopy.config['pre_existing_data_dir']``.
    """
    import cartopy

    cartopy.config["pre_existing_data_dir"] = NATURAL_EARTH_DIR
    return NATURAL_EARTH_DIR


def natural_earth_path(name: str, resolution: str = "110m", category: str | None = None) -> Path:
    """Path of a shipped Natural Earth shapefile.

    Parameters
    ----------
    name : str
        Layer name as Natural Earth spells it, e.g. ``"coastline"`` or
        ``"admin_0_countries"``.
    resolution : {"110m", "50m"}
        Map scale: 1:110 million or 1:50 million.
    category : {"physical", "cultural"}, optional
        Natural Earth category; guessed from the name when omitted.

    Returns
    -------
    pathlib.Path
        Path of the ``.shp`` file.

    Raises
    ------
    ValueError
        If the resolution or layer is not shipped, naming what is.
    """
    if resolution not in AVAILABLE_RESOLUTIONS:
        raise ValueError(
            f"Natural Earth resolution {resolution!r} is not shipped with eolab; "
            f"choose one of {AVAILABLE_RESOLUTIONS}."
        )
    root = NATURAL_EARTH_DIR / "shapefiles" / "natural_earth"
    categories = [category] if category else ["physical", "cultural"]
    for cat in categories:
        path = root / cat / f"ne_{resolution}_{name}.shp"
        if path.exists():
            return path
    shipped = sorted(p.stem.split("_", 2)[2] for p in root.glob(f"*/ne_{resolution}_*.shp"))
    raise ValueError(
        f"Natural Earth layer {name!r} at {resolution} is not shipped with eolab; "
        f"shipped layers: {shipped}."
    )
