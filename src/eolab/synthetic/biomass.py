"""SYNTHETIC above-ground biomass map of Kenya (GeoTIFF) and protected-area polygons (shapefile).

No package registry ships a biomass map, so this module *makes* one that
looks and behaves like the real products: the NCEO Africa above-ground
biomass maps and the ESA Climate Change Initiative (CCI) Biomass maps.

What imitates the real product
------------------------------
* Above-ground biomass (AGB) in Mg ha-1 (tonnes of dry matter per
  hectare) with a per-pixel standard deviation layer, as two float32
  GeoTIFFs with nodata -9999 (water, ocean).
* Latitude/longitude grid (EPSG:4326, WGS 84), like the CCI Biomass maps,
  here at 0.01° (about 1.1 km; the real maps are 100 m).
* A real region: Kenya and its borderlands, 33.5°E-42.5°E, 5.5°S-6°N.
* Realistic values: montane forests of 200-350 Mg ha-1 at the real places
  (Mount Kenya, the Aberdares, the Mau, Mount Elgon, Cherangani, Kakamega,
  Kilimanjaro...), with moorland above the tree line; 20-80 Mg ha-1
  in the moist savannas and woodlands of the west and south; below
  20 Mg ha-1 in the arid north and east; coastal forests near Mombasa.

What is made up
---------------
The whole field (a rainfall-like gradient, forest outlines, texture and
uncertainty) and the protected areas: three polygons around forests,
written in Arc 1960 / UTM zone 37S (EPSG:21037), a CRS Kenyan agencies
use, so the lesson must reproject them.  Their names say SYNTHETIC; they
are *not* the legal boundaries of any reserve.  Lakes Victoria and Turkana
are crude outlines.

The country boundaries are real: Natural Earth 1:50m (public domain),
shipped with eolab (:func:`eolab._offline_maps.natural_earth_path`).

:func:`ground_truth` gives the exact biomass field in memory and the
pixel-centre membership of each region, so tests can check zonal totals.
Deterministic: one seed gives identical bytes.

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`build` writes the files once and returns their folder (:func:`files`
gives the path of each), :func:`load` returns the map as an xarray Dataset,
:func:`ground_truth` the exact fields, and :data:`INFO` is the catalogue entry.

>>> from eolab.synthetic import biomass
>>> paths = biomass.files()          # doctest: +SKIP
>>> paths["agb"]                     # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder
from eolab.dataset_info import DatasetInfo

GENERATOR = "eolab.synthetic.biomass"
VERSION = "1"
TITLE = "SYNTHETIC above-ground biomass of Kenya (imitating NCEO / ESA CCI Biomass), 0.01°"
REAL_PRODUCT = (
    "NCEO Africa above-ground biomass map (Rodríguez-Veiga et al., 100 m; from the University "
    "of Leicester / NCEO and the CEDA archive) and ESA Climate Change Initiative Biomass AGB maps "
    "(100 m; 2010 and 2015-2021, version 6 adds 2007 and 2022; "
    "https://climate.esa.int/en/projects/biomass/, "
    "data on the CEDA archive)"
)
CRS = "EPSG:4326"
PROTECTED_CRS = "EPSG:21037"
"""Arc 1960 / UTM zone 37S, the CRS of the synthetic protected-area shapefile."""
RESOLUTION = 0.01
BOUNDS = (33.5, -5.5, 42.5, 6.0)
"""west, south, east, north (degrees)."""
NODATA = -9999.0
UNITS = "Mg ha-1"

_FORESTS = [  # name, lat, lon, radius (deg, N-S), radius (deg, E-W), peak AGB (Mg/ha), alpine core
    ("Mount Kenya", -0.15, 37.31, 0.30, 0.28, 330, True),
    ("Aberdares", -0.40, 36.70, 0.35, 0.14, 300, False),
    ("Mau", -0.55, 35.72, 0.40, 0.28, 280, False),
    ("Mount Elgon", 1.12, 34.58, 0.22, 0.22, 300, True),
    ("Cherangani", 1.22, 35.45, 0.18, 0.10, 250, False),
    ("Kakamega", 0.29, 34.87, 0.08, 0.07, 260, False),
    ("Mount Marsabit", 2.32, 37.98, 0.10, 0.09, 200, False),
    ("Mathews Range", 1.25, 37.30, 0.15, 0.06, 180, False),
    ("Chyulu Hills", -2.55, 37.85, 0.20, 0.06, 170, False),
    ("Taita Hills", -3.40, 38.35, 0.06, 0.05, 220, False),
    ("Arabuko-Sokoke", -3.32, 39.88, 0.12, 0.08, 150, False),
    ("Shimba Hills", -4.27, 39.42, 0.07, 0.07, 160, False),
    ("Kilimanjaro", -3.07, 37.35, 0.30, 0.32, 320, True),
    ("Mount Meru", -3.24, 36.75, 0.10, 0.10, 260, True),
]
_LAKES = {  # crude outlines (lon, lat)
    "Lake Victoria": [
        (33.5, -2.6),
        (33.9, -2.4),
        (34.0, -1.6),
        (34.1, -1.0),
        (34.25, -0.45),
        (34.8, -0.3),
        (34.75, -0.1),
        (34.05, 0.0),
        (33.9, 0.25),
        (33.5, 0.3),
    ],
    "Lake Turkana": [
        (36.05, 4.55),
        (36.25, 4.5),
        (36.45, 3.6),
        (36.7, 2.9),
        (36.62, 2.45),
        (36.45, 2.75),
        (36.2, 3.5),
        (35.95, 4.1),
    ],
}
_PROTECTED = [  # name, centre lat, lon, semi-axes (deg) N-S, E-W, rotation (deg)
    ("Mount Kenya (SYNTHETIC outline)", -0.15, 37.31, 0.36, 0.33, 0),
    ("Mau Forest (SYNTHETIC outline)", -0.50, 35.72, 0.42, 0.22, 25),
    ("Tsavo-like savanna (SYNTHETIC outline)", -2.95, 38.60, 0.65, 0.45, -35),
]


# ================================================================ the field
def grid() -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre latitudes (north to south) and longitudes (west to east), degrees."""
    west, south, east, north = BOUNDS
    lon = np.round(west + RESOLUTION * (np.arange(round((east - west) / RESOLUTION)) + 0.5), 6)
    lat = np.round(north - RESOLUTION * (np.arange(round((north - south) / RESOLUTION)) + 0.5), 6)
    return lat, lon


def transform():
    """The affine transform of the grid (rasterio convention)."""
    from rasterio.transform import from_origin

    return from_origin(BOUNDS[0], BOUNDS[3], RESOLUTION, RESOLUTION)


def _smooth(rng, shape, sigma):
    from scipy.ndimage import gaussian_filter

    field = gaussian_filter(rng.standard_normal(shape), sigma, mode="nearest")
    return (field - field.mean()) / field.std()


def _countries():
    import geopandas as gpd

    from eolab._offline_maps import natural_earth_path

    world = gpd.read_file(natural_earth_path("admin_0_countries", "50m"))
    west, south, east, north = BOUNDS
    return world.cx[west:east, south:north].reset_index(drop=True)


def _water_mask(shape) -> np.ndarray:
    """True over ocean (outside every country) and the two big lakes."""
    from rasterio.features import geometry_mask
    from shapely.geometry import Polygon

    land = geometry_mask(list(_countries().geometry), shape, transform(), invert=True)
    lakes = geometry_mask([Polygon(p) for p in _LAKES.values()], shape, transform(), invert=True)
    return ~land | lakes


def _fields(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """AGB and its standard deviation (Mg ha-1), NaN over water."""
    rng = np.random.default_rng([seed, 2017])
    lat, lon = grid()
    y, x = np.meshgrid(lat, lon, indexing="ij")
    # a rainfall-like index, 0 (arid) to 1 (wet)
    wet = (
        0.9
        * np.exp(-(((x - 34.3) / 1.4) ** 2))
        * np.exp(-(((y - 0.3) / 2.5) ** 2))  # Lake Victoria basin
        + 0.7 * np.exp(-(((x - 36.9) / 0.9) ** 2) - ((y + 0.5) / 1.0) ** 2)  # central highlands
        + 0.5 * np.exp(-(((x - 39.6) / 0.5) ** 2) - ((y + 3.6) / 1.0) ** 2)  # coast
        + 0.45
        * np.exp(-(((y + 5.0) / 1.6) ** 2))
        * np.exp(-(((x - 37.5) / 3.0) ** 2))  # Tanzanian woodland
        + 0.6 * np.exp(-(((y - 6.5) / 1.3) ** 2)) * np.exp(-(((x - 37.0) / 2.0) ** 2))
    )  # Ethiopian highlands
    wet = np.clip(wet + 0.08 * _smooth(rng, y.shape, 25), 0.0, 1.0)
    texture = np.exp(0.35 * _smooth(rng, y.shape, 3) - 0.06)
    agb = (4 + 85 * wet**1.6) * texture
    edge_noise = _smooth(rng, y.shape, 4)
    for _, flat, flon, rlat, rlon, peak, alpine in _FORESTS:
        d = np.sqrt(((y - flat) / rlat) ** 2 + ((x - flon) / rlon) ** 2) + 0.12 * edge_noise
        cover = np.clip((1.0 - d) / 0.25, 0, 1)  # 1 inside, soft edge
        forest = peak * np.exp(0.08 * _smooth(rng, y.shape, 2) - 0.003)
        if alpine:  # moorland above the tree line
            forest = np.where(d < 0.3, 25 + (peak - 25) * np.clip((d - 0.15) / 0.15, 0, 1), forest)
        agb = (1 - cover) * agb + cover * forest
    agb = np.minimum(agb, 420.0)
    sd = (6 + 0.25 * agb) * np.exp(0.1 * _smooth(rng, y.shape, 3))
    water = _water_mask(y.shape)
    agb = np.where(water, np.nan, agb).astype("float32")
    sd = np.where(water, np.nan, sd).astype("float32")
    return agb, sd


# ================================================================ protected areas
def protected_areas():
    """The SYNTHETIC protected-area polygons, as a GeoDataFrame in EPSG:21037 (Arc 1960 /
    UTM 37S)."""
    import geopandas as gpd
    from shapely import affinity
    from shapely.geometry import Polygon

    rng = np.random.default_rng(21037)
    shapes = []
    for _name, clat, clon, a_lat, a_lon, angle in _PROTECTED:
        theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
        wobble = (
            1
            + 0.08 * np.sin(3 * theta + rng.uniform(0, 6))
            + 0.05 * np.sin(7 * theta + rng.uniform(0, 6))
        )
        ring = [
            (clon + a_lon * w * np.cos(t), clat + a_lat * w * np.sin(t))
            for t, w in zip(theta, wobble, strict=True)
        ]
        poly = affinity.rotate(Polygon(ring), angle, origin=(clon, clat))
        shapes.append(poly)
    gdf = gpd.GeoDataFrame(
        {
            "NAME": [p[0] for p in _PROTECTED],
            "STATUS": ["SYNTHETIC, not a legal boundary"] * len(_PROTECTED),
        },
        geometry=shapes,
        crs=CRS,
    )
    return gdf.to_crs(PROTECTED_CRS)


# ================================================================ files
def _folder(seed: int) -> Path:
    return cache_dir("biomass") / f"kenya-v{VERSION}-seed{seed}"


_FILES = {
    "agb": "agb_kenya_synthetic.tif",
    "agb_sd": "agb_sd_kenya_synthetic.tif",
    "protected_areas": "protected_areas_synthetic.shp",
}


def build(seed: int = 0, overwrite: bool = False, folder: str | os.PathLike | None = None) -> Path:
    """Write the synthetic GeoTIFFs and shapefile once (cached) and return their folder.

    Parameters
    ----------
    seed : int
        Seed of the generator.
    overwrite : bool
        Regenerate even if the files exist.
    folder : path, optional
        Where to write; default under ``eolab.cache.cache_dir("biomass")``.

    Returns
    -------
    pathlib.Path
        The folder, holding ``agb_kenya_synthetic.tif``,
        ``agb_sd_kenya_synthetic.tif`` and ``protected_areas_synthetic.shp``
        (see :func:`files`).
    """
    seed = _validate.seed(seed)
    folder = Path(folder) if folder is not None else _folder(seed)

    def write(tmp: Path) -> None:
        agb, sd = _fields(seed)
        _write_tif(
            tmp / _FILES["agb_sd"], sd, "agb_sd", "standard deviation of above-ground biomass", seed
        )
        _write_tif(tmp / _FILES["agb"], agb, "agb", "above-ground biomass", seed)
        # A fixed DBF date, so the shapefile is byte-identical from one build to the next.
        protected_areas().to_file(
            tmp / _FILES["protected_areas"],
            engine="pyogrio",
            layer_options={"DBF_DATE_LAST_UPDATE": "2024-01-01"},
        )

    note = (
        f"{TITLE}\nSYNTHETIC data made by {GENERATOR} (seed {seed}, version {VERSION}); "
        "safe to delete, regenerated on demand.\n"
    )
    return ensure_folder(folder, note, write, overwrite=overwrite)


def files(seed: int = 0, overwrite: bool = False) -> dict[str, Path]:
    """Write the synthetic files once (cached, :func:`build`) and return their paths.

    Parameters
    ----------
    seed : int
        Seed of the generator.
    overwrite : bool
        Regenerate even if the files exist.

    Returns
    -------
    dict of pathlib.Path
        ``agb`` and ``agb_sd`` (GeoTIFF, Mg ha-1, EPSG:4326),
        ``protected_areas`` (shapefile, EPSG:21037, SYNTHETIC) and
        ``countries`` (Natural Earth 1:50m admin-0 countries shapefile,
        real, shipped with eolab).
    """
    from eolab._offline_maps import natural_earth_path

    folder = build(seed, overwrite=overwrite)
    paths = {key: folder / name for key, name in _FILES.items()}
    paths["countries"] = natural_earth_path("admin_0_countries", "50m")
    return paths


def _write_tif(path: Path, array: np.ndarray, name: str, long_name: str, seed: int) -> None:
    import rasterio

    data = np.where(np.isnan(array), NODATA, array).astype("float32")
    tmp = path.with_suffix(f".tmp{os.getpid()}.tif")
    profile = dict(
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype="float32",
        crs=CRS,
        transform=transform(),
        nodata=NODATA,
        compress="deflate",
        predictor=3,
        tiled=True,
        blockxsize=256,
        blockysize=256,
    )
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data, 1)
        dst.set_band_description(1, name)
        dst.update_tags(1, units=UNITS, long_name=f"{long_name} (SYNTHETIC)")
        dst.update_tags(
            TITLE=TITLE,
            EOLAB_KIND="synthetic",
            SOURCE=f"{GENERATOR} seed {seed} version {VERSION}",
            REAL_PRODUCT=REAL_PRODUCT,
            LICENCE="CC BY 4.0 (EO Notebooks, synthetic)",
        )
    tmp.replace(path)


def load(seed: int = 0) -> xr.Dataset:
    """The synthetic biomass map as an xarray Dataset (read with rioxarray, nodata masked).

    Returns
    -------
    xarray.Dataset
        ``agb`` and ``agb_sd`` (Mg ha-1, float32) on (y, x) in EPSG:4326;
        ``ds.rio.crs`` is set.
    """
    import rioxarray

    paths = files(seed)
    layers = {}
    for key in ("agb", "agb_sd"):
        da = rioxarray.open_rasterio(paths[key], masked=True).squeeze("band", drop=True).load()
        da.attrs.update(units=UNITS)
        layers[key] = da
    ds = xr.Dataset(layers)
    ds["agb"].attrs["long_name"] = "above-ground biomass (SYNTHETIC)"
    ds["agb_sd"].attrs["long_name"] = "standard deviation of above-ground biomass (SYNTHETIC)"
    ds.attrs = {
        "title": TITLE,
        "eolab_kind": "synthetic",
        "real_product": REAL_PRODUCT,
        "source": f"{GENERATOR}.files(seed={seed}), version {VERSION}",
    }
    return ds.rio.write_crs(CRS)


load_agb = load
"""Old name of :func:`load`."""


def ground_truth(seed: int = 0) -> xr.Dataset:
    """The exact fields the generator wrote (float32, NaN over water), as (y, x) arrays in
    EPSG:4326."""
    agb, sd = _fields(seed)
    lat, lon = grid()
    return xr.Dataset(
        {"agb": (("y", "x"), agb, {"units": UNITS}), "agb_sd": (("y", "x"), sd, {"units": UNITS})},
        coords={"y": lat, "x": lon},
        attrs={"title": "Truth of " + TITLE, "crs": CRS},
    )


INFO = DatasetInfo(
    name="biomass_kenya",
    title=TITLE,
    kind="synthetic",
    description=(
        "Above-ground biomass (agb) and its standard deviation (agb_sd), Mg ha-1, float32 GeoTIFFs "
        "on a 0.01° grid in EPSG:4326 over Kenya and its borderlands (33.5-42.5°E, 5.5°S-6°N), "
        "nodata -9999 over water; montane and coastal forests at their real places, savanna to "
        "arid gradient; plus three SYNTHETIC protected-area polygons (shapefile, EPSG:21037). "
        "Paths: eolab.synthetic.biomass.files(); country boundaries are the real Natural Earth "
        "1:50m countries shipped with eolab."
    ),
    real_product=REAL_PRODUCT,
    provenance=(
        f"{GENERATOR}.build (deterministic from the seed, cached under "
        "eolab.datasets.cache_dir('biomass'); nothing downloaded)"
    ),
    licence="CC BY 4.0 (EO Notebooks, synthetic); Natural Earth boundaries public domain",
    loader=load,
    lessons=("lesson2-biomass-shapefiles",),
    url="https://climate.esa.int/en/projects/biomass/",
    version=VERSION,
    seed=0,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
