"""SYNTHETIC Sentinel-2-like surface reflectance over two adjacent tiles, with a known drought.

For the mosaicking, band-combination and NDVI parts of the pixel-access
lesson: two neighbouring "tiles" of farmland, forest, a lake and a town in
north-east Germany (the region of the injected 2018 drought in
:mod:`eolab.synthetic.soil_moisture`), four summer dates in 2017 (normal)
and 2018 (drought).  Each tile is a Zarr store, as a data-cube service
would hold it.

What imitates the real product
------------------------------
* Sentinel-2 Level-2A band names and centre wavelengths: ``B02`` blue
  (490 nm), ``B03`` green (560 nm), ``B04`` red (665 nm), ``B08`` NIR
  (842 nm), ``B11`` SWIR (1610 nm), at 20 m.
* Stored as ``uint16`` digital numbers with processing-baseline-04.00
  scaling, ``reflectance = DN x 0.0001 - 0.1`` and nodata 0, written as CF
  ``scale_factor``/``add_offset``/``_FillValue`` so xarray decodes
  reflectance (0-1) on reading.
* A UTM grid (EPSG:32633, WGS 84 / UTM zone 33N); the tiles overlap, as
  real Sentinel-2 tiles do, and the eastern tile has no data in a wedge
  at its western edge (outside the satellite's swath), so a mosaic must
  take those pixels from the western tile.

What is made up
---------------
The landscape (parcels of wheat, maize and grassland, forest, a lake, a
town), the vegetation cover on each date, and a drought in 2018 that
browns grassland and maize and ripens wheat early.  Deterministic: one
seed gives identical bytes.  :func:`ground_truth` returns the land-cover
classes and the true green-vegetation cover of every date.

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`build` writes one Zarr store per tile (``build_store`` is its old
name; :func:`tiles_in_memory` makes the tiles without writing), :func:`load`
opens one tile (old name ``load_tile``), :func:`ground_truth` returns the
truth, and :data:`INFO` is the catalogue entry.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder, synthetic_note
from eolab.dataset_info import DatasetInfo

GENERATOR = "eolab.synthetic.reflectance"
VERSION = "1"
TITLE = (
    "SYNTHETIC Sentinel-2-like surface reflectance, two adjacent tiles, north-east Germany, "
    "2017-2018"
)
REAL_PRODUCT = (
    "Copernicus Sentinel-2 MSI Level-2A surface reflectance (ESA), from the Copernicus "
    "Data Space Ecosystem (dataspace.copernicus.eu)"
)

BANDS = {
    "B02": ("blue", 490),
    "B03": ("green", 560),
    "B04": ("red", 665),
    "B08": ("nir", 842),
    "B11": ("swir16", 1610),
}
"""Band name: (common name, centre wavelength in nm)."""
SCALE, OFFSET, NODATA = 0.0001, -0.1, 0
EPSG = 32633
PIXEL_M = 20.0
TILE_SIZE = 240
"""Pixels per side of one tile (4.8 km)."""
OVERLAP = 40
"""Columns shared by the two tiles (800 m)."""
TILES = ("33UUU", "33UVU")
"""West and east tile (MGRS-like names)."""
X0, Y0 = 322000.0, 5834000.0
"""Upper-left corner of the western tile, EPSG:32633 metres (about 52.6°N, 12.4°E)."""
DATES = pd.DatetimeIndex(["2017-06-25", "2017-08-04", "2018-06-20", "2018-08-09"])
"""Acquisition dates (10:20 UTC overpass not modelled)."""
CLASSES = {0: "water", 1: "forest", 2: "town", 3: "wheat", 4: "maize", 5: "grassland"}

# Spectra (B02, B03, B04, B08, B11) of the end members.
_GREEN = np.array([0.03, 0.07, 0.04, 0.42, 0.20])
_DRY = np.array([0.07, 0.10, 0.13, 0.24, 0.33])
_SOIL = np.array([0.08, 0.11, 0.15, 0.22, 0.30])
_WATER = np.array([0.05, 0.06, 0.04, 0.02, 0.01])
_TOWN = np.array([0.10, 0.11, 0.12, 0.16, 0.20])
# Green cover per class on each date: normal year (2017) and drought year (2018).
_COVER = {  # class: (June, August) normal, (June, August) drought
    "forest": ((0.85, 0.85), (0.82, 0.72)),
    "wheat": ((0.85, 0.05), (0.55, 0.02)),
    "maize": ((0.35, 0.90), (0.25, 0.40)),
    "grassland": ((0.75, 0.65), (0.50, 0.15)),
}


def _grid(ncols: int) -> tuple[np.ndarray, np.ndarray]:
    x = X0 + PIXEL_M * (np.arange(ncols) + 0.5)
    y = Y0 - PIXEL_M * (np.arange(TILE_SIZE) + 0.5)
    return x, y


def landscape(seed: int = 0) -> np.ndarray:
    """Land-cover class (see :data:`CLASSES`) of every pixel of both tiles together (rows, cols)."""
    seed = _validate.seed(seed)
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng([seed, 11])
    ncols = 2 * TILE_SIZE - OVERLAP
    rows, cols = np.mgrid[0:TILE_SIZE, 0:ncols]
    # Parcels: a jittered grid of blocks, each one crop.
    block = 24
    jitter_r = (6 * gaussian_filter(rng.standard_normal((TILE_SIZE, ncols)), 12) / 0.05).astype(int)
    pr, pc = (rows + jitter_r) // block, (cols + 2 * np.sin(rows / 9.0)).astype(int) // (block + 8)
    crops = rng.choice([3, 4, 5], size=(pr.max() + 2, pc.max() + 2), p=[0.4, 0.3, 0.3])
    classes = crops[np.clip(pr, 0, None), pc]
    forest = gaussian_filter(rng.standard_normal((TILE_SIZE, ncols)), 18)
    classes = np.where(forest > np.quantile(forest, 0.8), 1, classes)
    lake = ((rows - 150) / 28.0) ** 2 + ((cols - 300) / 45.0) ** 2 < 1
    town = ((rows - 60) / 22.0) ** 2 + ((cols - 140) / 22.0) ** 2 < 1
    classes = np.where(town, 2, classes)
    return np.where(lake, 0, classes).astype(np.uint8)


def _cover(classes: np.ndarray, date: pd.Timestamp, rng) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    cover = np.zeros(classes.shape)
    drought, august = date.year == 2018, date.month >= 8
    for code, name in CLASSES.items():
        if name in _COVER:
            cover[classes == code] = _COVER[name][int(drought)][int(august)]
    wobble = gaussian_filter(rng.standard_normal(classes.shape), 3)
    return np.clip(cover + 0.6 * wobble * (cover > 0), 0, 0.95)


def scene(date, seed: int = 0, classes: np.ndarray | None = None) -> xr.Dataset:
    """Reflectance (0-1) of both tiles together on one date; variables ``B02``..``B11`` (y, x)."""
    date = pd.Timestamp(date)
    classes = landscape(seed) if classes is None else classes
    rng = np.random.default_rng([seed, int(date.strftime("%Y%m%d"))])
    cover = _cover(classes, date, rng)
    harvested = ((classes == 3) & (date.month >= 8))[..., None]
    brown = np.where(harvested, _SOIL, _DRY)
    refl = cover[..., None] * _GREEN + (1 - cover[..., None]) * brown
    refl = np.where((classes == 0)[..., None], _WATER, refl)
    refl = np.where((classes == 2)[..., None], _TOWN, refl)
    refl = refl * (1 + 0.03 * rng.standard_normal(classes.shape))[..., None]
    refl = np.clip(refl + 0.004 * rng.standard_normal(refl.shape), 0.001, 1.0)
    x, y = _grid(classes.shape[1])
    return xr.Dataset(
        {b: (("y", "x"), refl[..., i].astype(np.float32)) for i, b in enumerate(BANDS)},
        coords={"y": y, "x": x},
    )


def _tile(full: xr.Dataset, which: int) -> xr.Dataset:
    start = 0 if which == 0 else TILE_SIZE - OVERLAP
    tile = full.isel(x=slice(start, start + TILE_SIZE))
    if which == 1:  # outside the swath: a wedge of no data at the western edge
        r, c = np.mgrid[0:TILE_SIZE, 0:TILE_SIZE]
        outside = c < (OVERLAP - 4) * (1 - r / TILE_SIZE) + 2
        tile = tile.where(~xr.DataArray(outside, dims=("y", "x")))
    return tile


def tiles_in_memory(seed: int = 0) -> dict[str, xr.Dataset]:
    """Both tiles for all dates, as reflectance (float), keyed by tile name."""
    classes = landscape(seed)
    full = xr.concat([scene(d, seed, classes) for d in DATES], dim=pd.Index(DATES, name="time"))
    out = {}
    for i, name in enumerate(TILES):
        tile = _tile(full, i)
        for band, (common, wavelength) in BANDS.items():
            tile[band].attrs = {
                "long_name": f"{band} ({common}, {wavelength} nm) surface reflectance (SYNTHETIC)",
                "units": "1",
                "wavelength_nm": wavelength,
            }
        tile["x"].attrs = {"standard_name": "projection_x_coordinate", "units": "m"}
        tile["y"].attrs = {"standard_name": "projection_y_coordinate", "units": "m"}
        tile.attrs = {
            "title": f"{TITLE}: tile {name}",
            "eolab_kind": "synthetic",
            "source": f"{GENERATOR} (seed {seed})",
            "tile": name,
            "crs": f"EPSG:{EPSG}",
            "comment": f"Not real measurements. Imitates {REAL_PRODUCT}. Injected: a drought "
            "in summer 2018 that browns grassland and maize (see ground_truth()).",
        }
        out[name] = tile
    return out


def ground_truth(seed: int = 0) -> xr.Dataset:
    """Land-cover class of every pixel of the two tiles together and the green cover of
    each date."""
    classes = landscape(seed)
    x, y = _grid(classes.shape[1])
    covers = [
        _cover(classes, d, np.random.default_rng([seed, int(d.strftime("%Y%m%d"))])) for d in DATES
    ]
    ds = xr.Dataset(
        {
            "land_cover": (("y", "x"), classes),
            "green_cover": (("time", "y", "x"), np.stack(covers).astype(np.float32)),
        },
        coords={"time": DATES, "y": y, "x": x},
    )
    ds["land_cover"].attrs = {
        "flag_values": list(CLASSES),
        "flag_meanings": " ".join(CLASSES.values()),
    }
    ds["green_cover"].attrs = {
        "long_name": "fraction of the pixel under green vegetation",
        "units": "1",
    }
    ds.attrs = {
        "title": "SYNTHETIC reflectance tiles: injected ground truth",
        "eolab_kind": "synthetic",
        "source": f"{GENERATOR} (seed {seed})",
        "crs": f"EPSG:{EPSG}",
    }
    return ds


def store_folder(seed: int = 0) -> Path:
    """Where :func:`build` keeps the tiles for ``seed`` (under ``cache_dir("cube")``)."""
    return cache_dir("cube") / f"reflectance-v{VERSION}-seed{seed}"


def build(seed: int = 0, folder: str | os.PathLike | None = None) -> Path:
    """Write each tile as a Zarr store ``tile_<name>.zarr`` (uint16 DN, CF scaling); return the
    folder."""
    seed = _validate.seed(seed)
    folder = Path(folder) if folder is not None else store_folder(seed)

    def write(tmp: Path) -> None:
        for name, tile in tiles_in_memory(seed).items():
            encoding = {
                b: {
                    "dtype": "uint16",
                    "scale_factor": SCALE,
                    "add_offset": OFFSET,
                    "_FillValue": NODATA,
                    "chunks": (1, 120, 120),
                }
                for b in BANDS
            }
            with warnings.catch_warnings():
                # zarr 3: consolidated metadata is not yet in the v3 spec; we want it for HTTP.
                warnings.filterwarnings(
                    "ignore", message="Consolidated metadata is currently not part"
                )
                tile.to_zarr(
                    tmp / f"tile_{name}.zarr", mode="w", consolidated=True, encoding=encoding
                )
        (tmp / "COMPLETE").write_text("ok\n")

    # Reuses a complete store; never deletes a folder eolab did not make
    # (eolab.datasets.ensure_folder).
    return ensure_folder(folder, synthetic_note(TITLE, GENERATOR, seed, VERSION), write)


build_store = build
"""Old name of :func:`build`."""


def load(tile: str = TILES[0], seed: int = 0) -> xr.Dataset:
    """Open one tile's Zarr store lazily (reflectance 0-1), building the stores if needed."""
    if tile not in TILES:
        raise ValueError(f"tile must be one of {TILES}, got {tile!r}")
    return xr.open_zarr(build(seed) / f"tile_{tile}.zarr", consolidated=True)


load_tile = load
"""Old name of :func:`load`."""


INFO = DatasetInfo(
    name="sentinel2_tiles",
    title=TITLE,
    kind="synthetic",
    description=(
        "Surface reflectance bands B02, B03, B04, B08, B11 (uint16 DN, reflectance = DN x 0.0001 "
        "- 0.1) at 20 m, two overlapping 240 x 240 pixel tiles (33UUU, 33UVU) in EPSG:32633, "
        "four dates (June and August 2017 and 2018), one Zarr store per tile. Injected: "
        "a 2018 summer drought browning grassland and maize. Truth: "
        "eolab.synthetic.reflectance.ground_truth()."
    ),
    real_product=REAL_PRODUCT + "; real data: https://dataspace.copernicus.eu",
    provenance=f"{GENERATOR}.build (deterministic from the seed, cached under "
    "eolab.datasets.cache_dir('cube'); nothing downloaded)",
    licence="CC BY 4.0 (EO Notebooks, synthetic)",
    loader=load,
    lessons=("lesson4-pixel-access",),
    url="https://dataspace.copernicus.eu",
    version=VERSION,
    seed=0,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
