"""SYNTHETIC Landsat 8/9 Collection 2 Level-2 scenes of a reservoir, served as a STAC catalogue.

No package registry ships Landsat scenes, so this module *makes* some, as
close to the real product as we can, and stores them the way a real archive
does: one Cloud-Optimised GeoTIFF per band, described by a STAC catalogue
that :func:`odc.stac.load` reads exactly as it reads the Microsoft Planetary
Computer ``landsat-c2-l2`` collection.

What imitates the real product
------------------------------
* Asset (band) names of the Planetary Computer collection: ``coastal``,
  ``blue``, ``green``, ``red``, ``nir08``, ``swir16``, ``swir22`` (uint16
  digital numbers, nodata 0) and ``qa_pixel``.
* Collection 2 surface-reflectance scaling: ``reflectance = DN * 0.0000275 - 0.2``.
* ``qa_pixel`` with the USGS bit layout (bit 0 fill, 1 dilated cloud,
  2 cirrus, 3 cloud, 4 cloud shadow, 5 snow, 6 clear, 7 water, 8-9 cloud
  confidence, 10-11 cloud-shadow confidence, 12-13 snow/ice confidence,
  14-15 cirrus confidence); e.g. clear land is 21824, clear water 21952 and
  high-confidence cloud 22280, as in real scenes.
* A real place and grid: WRS-2 path 172 row 077 (south-east Botswana), a
  300 x 360 pixel (9 x 10.8 km) window at 30 m around Gaborone Dam, in
  EPSG:32635 (WGS 84 / UTM zone 35N with negative northings, as USGS
  delivers southern-hemisphere Landsat scenes).
* STAC metadata: ``eo:cloud_cover`` (scene-wide, percent), ``platform``,
  ``landsat:wrs_path``/``row``, ``view:sun_azimuth``/``elevation``,
  projection and raster extensions.

What is made up
---------------
The landscape (a dammed valley, ephemeral rivers, savanna and bare soil),
the lake level (a drought from 2014 that almost empties the reservoir by
2016, a sudden refill in February 2017, later ups and downs; loosely
inspired by Gaborone Dam's real history), clouds with their shadows,
dilated edges and cirrus, and a seasonal cloudiness (wet summers, clear
winters).  Everything is deterministic: one seed gives identical bytes.

The truth injected is returned by :func:`ground_truth`: per scene the lake
and water areas (km²), the fraction of the window under cloud and the
fraction clear, and the true water mask of every scene.

>>> from eolab.synthetic import landsat
>>> catalogue = landsat.open_catalogue()          # doctest: +SKIP
>>> items = catalogue.search(datetime="2017", query={"eo:cloud_cover": {"lt": 20}}).item_collection()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.datasets import DatasetInfo, cache_dir, ensure_folder, synthetic_note

GENERATOR = "eolab.synthetic.landsat"
VERSION = "3"
REAL_PRODUCT = ("USGS Landsat 8/9 Collection 2 Level-2 surface reflectance (OLI), as served by the "
                "Microsoft Planetary Computer STAC collection 'landsat-c2-l2' and Digital Earth Africa")
TITLE = "SYNTHETIC Landsat 8/9 Collection 2 Level-2 scenes, Gaborone Dam (Botswana), 2014-2022"

# ---------------------------------------------------------------- the product's conventions
REFLECTANCE_BANDS = ("coastal", "blue", "green", "red", "nir08", "swir16", "swir22")
"""Surface-reflectance assets, in the order of the OLI bands 1-7."""
BANDS = REFLECTANCE_BANDS + ("qa_pixel",)
SCALE = 0.0000275
"""Collection 2 surface reflectance scale factor (reflectance per DN)."""
OFFSET = -0.2
"""Collection 2 surface reflectance offset (reflectance)."""
NODATA = 0
"""DN of missing surface reflectance."""
QA_FILL = 1
"""``qa_pixel`` value of fill pixels (bit 0 set)."""
_BAND_INFO = {  # OLI band number, common name, centre wavelength (µm), full width (µm)
    "coastal": (1, "coastal", 0.44, 0.02), "blue": (2, "blue", 0.48, 0.06),
    "green": (3, "green", 0.56, 0.06), "red": (4, "red", 0.65, 0.04),
    "nir08": (5, "nir08", 0.87, 0.03), "swir16": (6, "swir16", 1.61, 0.09),
    "swir22": (7, "swir22", 2.2, 0.19),
}

# ---------------------------------------------------------------- the place and grid
EPSG = 32635
WRS_PATH, WRS_ROW = 172, 77
PIXEL_M = 30.0
SHAPE = (300, 360)
"""Rows (y, north to south) x columns (x, west to east)."""
X0, Y0 = 385350.0, -2727660.0
"""Upper-left corner of the window in EPSG:32635 (m)."""
TRANSFORM = (PIXEL_M, 0.0, X0, 0.0, -PIXEL_M, Y0)
PLACE = "Gaborone Dam, south-east Botswana (about 24.70°S, 25.92°E)"
PIXEL_AREA_KM2 = PIXEL_M * PIXEL_M / 1e6

START, END = "2014-01-01", "2022-12-31"
_L8_FIRST = _dt.date(2014, 1, 4)       # a Landsat 8 pass over path 172
_L9_FIRST = _dt.date(2022, 1, 20)      # Landsat 9 is 8 days out of phase with Landsat 8
_STEP_DAYS = 64                        # every 4th 16-day revisit, to keep the set small
_OVERPASS_UTC = _dt.time(8, 13, 30)

# ---------------------------------------------------------------- the landscape
_DEPTH_M = 14.0                        # depth at the dam when full
_FLOOR_GRADIENT = 0.0015               # valley floor rises 1.5 m per km upstream
_SIDE_SLOPE = 0.025                    # valley sides rise 2.5 m per 100 m
_MAIN = [(299, 10), (250, 60), (200, 120), (160, 180), (120, 235), (95, 262)]   # upstream -> dam
_DOWNSTREAM = [(95, 262), (60, 300), (20, 340), (-5, 365)]
_TRIBUTARIES = [[(299, 205), (250, 192), (205, 165), (178, 152)],
                [(105, -5), (130, 60), (152, 100), (195, 124)]]
_DAM = np.array(_MAIN[-1], dtype=float)

_LEVEL_KNOTS = [  # (date, fraction of full depth at the dam)
    ("2013-12-01", 0.80), ("2014-04-01", 0.86), ("2014-12-01", 0.60), ("2015-04-01", 0.58),
    ("2015-12-01", 0.30), ("2016-04-01", 0.30), ("2016-12-01", 0.17), ("2017-02-10", 0.16),
    ("2017-03-05", 1.00), ("2017-12-01", 0.88), ("2018-04-01", 0.95), ("2018-12-01", 0.80),
    ("2019-04-01", 0.80), ("2019-12-01", 0.62), ("2020-04-01", 0.74), ("2020-12-01", 0.64),
    ("2021-03-15", 1.00), ("2021-12-01", 0.90), ("2022-04-01", 1.00), ("2023-01-01", 0.90),
]
_MONTHLY_CLOUD = np.array([55, 50, 40, 25, 10, 5, 3, 3, 8, 20, 40, 50], dtype=float)
"""Mean scene-wide cloud cover (%) by calendar month: wet summers, dry winters."""

# Surface reflectance spectra (coastal, blue, green, red, nir08, swir16, swir22).
_SPECTRA = {
    "water": [0.070, 0.065, 0.075, 0.055, 0.030, 0.015, 0.010],
    "veg_green": [0.030, 0.040, 0.075, 0.050, 0.320, 0.200, 0.100],
    "veg_dry": [0.050, 0.060, 0.090, 0.110, 0.240, 0.300, 0.200],
    "soil": [0.080, 0.100, 0.150, 0.210, 0.270, 0.350, 0.290],
    "lakebed": [0.060, 0.070, 0.100, 0.130, 0.170, 0.220, 0.180],
    "sand": [0.100, 0.120, 0.170, 0.220, 0.270, 0.330, 0.270],
    "cloud": [0.450, 0.460, 0.460, 0.470, 0.500, 0.380, 0.280],
    "cirrus": [0.040, 0.040, 0.040, 0.040, 0.040, 0.030, 0.020],
}
# Cloud shadows are lit by blue-rich skylight: SWIR drops much more than the visible.
_SHADOW_FACTOR = np.array([0.60, 0.58, 0.55, 0.50, 0.40, 0.18, 0.15])

# ---------------------------------------------------------------- QA_PIXEL bits
_BIT = {"fill": 0, "dilated_cloud": 1, "cirrus": 2, "cloud": 3, "cloud_shadow": 4,
        "snow": 5, "clear": 6, "water": 7}
_CONF_SHIFT = {"cloud_confidence": 8, "cloud_shadow_confidence": 10,
               "snow_ice_confidence": 12, "cirrus_confidence": 14}


# ================================================================ schedule
def acquisitions(start: str = START, end: str = END) -> pd.DataFrame:
    """The acquisition schedule: one row per scene with ``time``, ``platform`` and ``id``.

    Landsat 8 from 2014, joined by Landsat 9 (eight days out of phase) in
    2022; every fourth 16-day revisit of WRS-2 path 172 row 077 is kept.

    Parameters
    ----------
    start, end : str
        Dates (inclusive), ISO format; must lie within 2014-2022.
    """
    t0, t1 = _validate.timestamp(start, "start"), _validate.timestamp(end, "end")
    if t1 < t0:
        raise ValueError(f"empty time range: end {end!r} is before start {start!r}")
    rows = []
    for first, last_year, platform, code in ((_L8_FIRST, 2022, "landsat-8", "LC08"),
                                             (_L9_FIRST, 2022, "landsat-9", "LC09")):
        day = first
        while day.year <= last_year:
            when = pd.Timestamp(_dt.datetime.combine(day, _OVERPASS_UTC))
            if t0 <= when.normalize() <= t1:
                rows.append({"time": when, "platform": platform,
                             "id": f"{code}_L2SP_{WRS_PATH:03d}{WRS_ROW:03d}_{day:%Y%m%d}_02_T1"})
            day += _dt.timedelta(days=_STEP_DAYS)
    if not rows:
        raise ValueError(f"no synthetic Landsat scenes between {start!r} and {end!r}; "
                         f"the archive covers {START} to {END}")
    return pd.DataFrame(rows).sort_values("time").reset_index(drop=True)


# ================================================================ landscape
def _polyline_distance(points, rr, cc):
    """Distance (pixels) to a polyline and the arc length (pixels) from its last point."""
    pts = np.asarray(points, dtype=float)
    seg_len = np.hypot(*np.diff(pts, axis=0).T)
    from_end = np.concatenate([np.cumsum(seg_len[::-1])[::-1], [0.0]])  # arc length to the end
    best_d = np.full(rr.shape, np.inf)
    best_s = np.zeros(rr.shape)
    for k in range(len(pts) - 1):
        p, q = pts[k], pts[k + 1]
        v = q - p
        t = np.clip(((rr - p[0]) * v[0] + (cc - p[1]) * v[1]) / (v @ v), 0, 1)
        d = np.hypot(rr - (p[0] + t * v[0]), cc - (p[1] + t * v[1]))
        s = from_end[k + 1] + (1 - t) * seg_len[k]
        closer = d < best_d
        best_d = np.where(closer, d, best_d)
        best_s = np.where(closer, s, best_s)
    return best_d, best_s


def _smooth_noise(rng, shape, sigma):
    from scipy.ndimage import gaussian_filter

    field = gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    return (field - field.mean()) / field.std()


def landscape(seed: int = 0) -> dict[str, np.ndarray]:
    """The fixed landscape: elevation, reservoir basin, river channels, vegetation.

    Returns
    -------
    dict of numpy.ndarray, each (y, x)
        ``elevation_m`` (m above the dam's valley floor), ``basin`` (upstream
        of the dam wall), ``channel`` (river channels), ``vegetation``
        (fraction 0-1 of savanna cover, the rest bare soil), ``turbidity``.
    """
    seed = _validate.seed(seed)
    rng = np.random.default_rng([seed, 1])
    rr, cc = np.mgrid[0:SHAPE[0], 0:SHAPE[1]].astype(float)
    px = PIXEL_M
    d_main, s_main = _polyline_distance(_MAIN, rr, cc)
    floor_main = _FLOOR_GRADIENT * s_main * px
    z = floor_main + _SIDE_SLOPE * d_main * px
    d_down, s_to_edge = _polyline_distance(_DOWNSTREAM, rr, cc)
    below_dam = s_to_edge.max() - s_to_edge                       # distance downstream of the dam
    z = np.minimum(z, -0.003 * below_dam * px + _SIDE_SLOPE * d_down * px)
    channel = (d_main < 1.0) | (d_down < 1.0)
    for trib in _TRIBUTARIES:
        d_t, s_t = _polyline_distance(trib, rr, cc)
        _, s_join = _polyline_distance(_MAIN, np.array([trib[-1][0]], float), np.array([trib[-1][1]], float))
        z_t = _FLOOR_GRADIENT * s_join[0] * px + 0.003 * s_t * px + _SIDE_SLOPE * d_t * px
        z = np.minimum(z, z_t)
        channel |= d_t < 0.6
        d_main = np.minimum(d_main, d_t)
    z = z + 0.6 * _smooth_noise(rng, SHAPE, 4) + 3.0 * _smooth_noise(rng, SHAPE, 40) * np.clip(d_main / 40, 0, 1)
    # The dam wall: a straight line across the valley at the dam, upstream is south-west.
    axis = np.array(_MAIN[-2], float) - _DAM
    axis /= np.hypot(*axis)
    basin = ((rr - _DAM[0]) * axis[0] + (cc - _DAM[1]) * axis[1]) > 0
    riparian = np.exp(-d_main * px / 150.0)
    vegetation = np.clip(0.45 + 0.18 * _smooth_noise(rng, SHAPE, 12) + 0.35 * riparian, 0.05, 0.95)
    turbidity = 1 + 0.15 * _smooth_noise(rng, SHAPE, 20)
    return {"elevation_m": z, "basin": basin, "channel": channel,
            "vegetation": vegetation, "turbidity": turbidity}


def level_fraction(time) -> np.ndarray:
    """Injected reservoir level as a fraction of full depth (0-1) at ``time`` (array-like of dates)."""
    knots = pd.to_datetime([k[0] for k in _LEVEL_KNOTS]).values.astype("datetime64[D]").astype(float)
    values = [k[1] for k in _LEVEL_KNOTS]
    t = pd.to_datetime(np.atleast_1d(time)).values.astype("datetime64[D]").astype(float)
    return np.interp(t, knots, values)


def _greenness(when: pd.Timestamp) -> float:
    """Seasonal vegetation greenness 0-1: peaks mid-February, lowest mid-August; weak in drought years."""
    g = 0.5 + 0.5 * np.cos(2 * np.pi * (when.day_of_year - 45) / 365.25)
    return g * (0.6 if when.year in (2015, 2016) else 1.0)


def _sun_angles(when: pd.Timestamp) -> tuple[float, float]:
    """Approximate sun (azimuth, elevation) in degrees at the 10:13 local overpass."""
    season = np.cos(2 * np.pi * (when.day_of_year - 355) / 365.25)  # +1 at the December solstice
    return float(62 + 30 * season), float(48 + 14 * season)


# ================================================================ one scene
def scene(time, seed: int = 0, land: dict | None = None) -> xr.Dataset:
    """Generate one scene: digital numbers of every band, ``qa_pixel`` and the truth.

    Parameters
    ----------
    time : str or pandas.Timestamp
        Acquisition time; the scene depends only on it and on ``seed``.
    seed : int
        Random seed.
    land : dict, optional
        Output of :func:`landscape` (computed if not given).

    Returns
    -------
    xarray.Dataset
        uint16 bands (``coastal`` ... ``swir22``, ``qa_pixel``) on (y, x) in
        EPSG:32635, and truth variables ``true_water``, ``true_lake``,
        ``true_cloud``, ``true_clear``; scalar truths in ``attrs``.
    """
    when = pd.Timestamp(time)
    land = landscape(seed) if land is None else land
    rng = np.random.default_rng([seed, 2, int(when.value // 86_400_000_000_000)])
    ny, nx = SHAPE
    z = land["elevation_m"]
    level = float(level_fraction(when)[0])
    lake = land["basin"] & (z < level * _DEPTH_M)
    max_lake = land["basin"] & (z < _DEPTH_M)
    g = _greenness(when)
    flowing = g > 0.55 and level > 0.3
    river = land["channel"] & ~lake & flowing
    water = lake | river

    s = {k: np.array(v)[:, None, None] for k, v in _SPECTRA.items()}
    veg = g * s["veg_green"] + (1 - g) * s["veg_dry"]
    v = land["vegetation"][None]
    refl = v * veg + (1 - v) * s["soil"]
    refl = np.where((max_lake & ~lake)[None], 0.7 * s["lakebed"] + 0.3 * refl, refl)
    refl = np.where((land["channel"] & ~water)[None], s["sand"], refl)
    turbid = s["water"] * np.array([1, 1, 1.2, 1.4, 1.2, 1, 1])[:, None, None] ** (land["turbidity"][None] - 1) * land["turbidity"][None]
    # Shallow margins: the lake bed shows through the last 30 cm of water (half its reflectance at
    # the shore, fading linearly to none at 0.3 m depth).
    bottom = np.clip(1 - (level * _DEPTH_M - z) / 0.3, 0, 1)[None] * 0.5
    turbid = np.where(lake[None], (1 - bottom) * turbid + bottom * s["lakebed"], turbid)
    refl = np.where(water[None], turbid, refl)
    refl = refl + rng.normal(0, 0.004, refl.shape)

    # Clouds: scene-wide cover first (the STAC eo:cloud_cover), then the window's share.
    mean_cc = _MONTHLY_CLOUD[when.month - 1] / 100
    scene_cc = float(np.clip(rng.beta(1.2, 1.2 * (1 - mean_cc) / mean_cc), 0.0, 0.98))
    if rng.random() < (0.5 if scene_cc < 0.25 else 0.25 if scene_cc < 0.5 else 0.0):
        target = 0.0                    # clouds elsewhere in the scene, none over the window
    else:
        target = float(np.clip(scene_cc * rng.lognormal(0, 0.7) + rng.normal(0, 0.05), 0.0, 0.95))
    pad = 80
    field = _smooth_noise(rng, (ny + 2 * pad, nx + 2 * pad), 9)
    thr = np.quantile(field[pad:-pad, pad:-pad], 1 - target) if target > 0 else np.inf
    cloud_big = field > thr
    azimuth, elevation = _sun_angles(when)
    shift = 1500.0 / np.tan(np.radians(elevation)) / PIXEL_M        # 1.5 km high clouds
    dr = int(round(shift * np.cos(np.radians(azimuth))))            # shadow falls away from the sun
    dc = int(round(-shift * np.sin(np.radians(azimuth))))
    shadow_big = np.roll(cloud_big, (dr, dc), axis=(0, 1))
    window = (slice(pad, pad + ny), slice(pad, pad + nx))
    cloud = cloud_big[window]
    from scipy.ndimage import binary_dilation

    dilated = binary_dilation(cloud_big, iterations=3)[window] & ~cloud
    shadow = shadow_big[window] & ~cloud & ~dilated
    cirrus = np.zeros(SHAPE, bool)
    if rng.random() < 0.1 + 0.4 * mean_cc:
        cirrus = _smooth_noise(rng, SHAPE, 25) > rng.uniform(0.8, 1.6)

    opacity = np.clip((field[window] - thr) / 0.6 + 0.5, 0.5, 1.0)[None] if target > 0 else 0.0
    refl = np.where(shadow[None], refl * _SHADOW_FACTOR[:, None, None], refl)
    refl = np.where(cirrus[None], refl + s["cirrus"], refl)
    cloud_refl = s["cloud"] * (1 + 0.08 * _smooth_noise(rng, SHAPE, 3))[None]
    refl = np.where(cloud[None], opacity * cloud_refl + (1 - opacity) * refl, refl)
    dn = np.clip(np.round((refl - OFFSET) / SCALE), 1, 65535).astype("uint16")

    # QA_PIXEL with the USGS bit layout.  The water bit (CFMask's own test)
    # only flags clear, deeper water: shallow margins are missed.
    clear_bit = ~cloud & ~dilated
    deep = water & ~(lake & (z > level * _DEPTH_M - 1.0)) & ~river
    qa = np.zeros(SHAPE, "uint16")
    for name, mask in (("dilated_cloud", dilated), ("cirrus", cirrus), ("cloud", cloud),
                       ("cloud_shadow", shadow), ("clear", clear_bit), ("water", deep & clear_bit)):
        qa |= (mask.astype("uint16") << _BIT[name])
    cloud_conf = np.where(cloud, 3, np.where(dilated, 2, 1)).astype("uint16")
    qa |= cloud_conf << _CONF_SHIFT["cloud_confidence"]
    qa |= np.where(shadow, 3, 1).astype("uint16") << _CONF_SHIFT["cloud_shadow_confidence"]
    qa |= np.uint16(1) << _CONF_SHIFT["snow_ice_confidence"]
    qa |= np.where(cirrus, 3, 1).astype("uint16") << _CONF_SHIFT["cirrus_confidence"]

    usable = ~(cloud | dilated | shadow | cirrus)
    y = Y0 - PIXEL_M * (np.arange(ny) + 0.5)
    x = X0 + PIXEL_M * (np.arange(nx) + 0.5)
    data = {b: (("y", "x"), dn[i]) for i, b in enumerate(REFLECTANCE_BANDS)}
    data["qa_pixel"] = (("y", "x"), qa)
    data.update(true_water=(("y", "x"), water), true_lake=(("y", "x"), lake),
                true_cloud=(("y", "x"), cloud), true_clear=(("y", "x"), usable))
    ds = xr.Dataset(data, coords={"y": y, "x": x})
    ds.attrs.update(
        title=f"{TITLE}: {when:%Y-%m-%d}", eolab_kind="synthetic", source=GENERATOR,
        time=str(when), crs=f"EPSG:{EPSG}", level_fraction=level,
        lake_area_km2=float(lake.sum() * PIXEL_AREA_KM2), water_area_km2=float(water.sum() * PIXEL_AREA_KM2),
        cloud_fraction=float(cloud.mean()), clear_fraction=float(usable.mean()),
        eo_cloud_cover=round(100 * scene_cc, 2), sun_azimuth=round(azimuth, 2),
        sun_elevation=round(elevation, 2),
    )
    return ds


# ================================================================ STAC catalogue on disk
def _write_cog(path: Path, array: np.ndarray, nodata: int) -> None:
    import rasterio
    from rasterio.transform import Affine

    profile = dict(driver="COG", width=array.shape[1], height=array.shape[0], count=1,
                   dtype=array.dtype.name, crs=f"EPSG:{EPSG}", transform=Affine(*TRANSFORM),
                   nodata=nodata, compress="deflate", predictor=2, blocksize=256,
                   overview_resampling="nearest")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)


def _lonlat_footprint():
    from pyproj import Transformer

    to_ll = Transformer.from_crs(EPSG, 4326, always_xy=True)
    x1, y1 = X0 + PIXEL_M * SHAPE[1], Y0 - PIXEL_M * SHAPE[0]
    ring = [(X0, Y0), (x1, Y0), (x1, y1), (X0, y1), (X0, Y0)]
    ll = [tuple(round(v, 6) for v in to_ll.transform(x, y)) for x, y in ring]
    lons, lats = zip(*ll)
    return {"type": "Polygon", "coordinates": [ll]}, [min(lons), min(lats), max(lons), max(lats)]


def _item(ds: xr.Dataset, acq: pd.Series, folder: Path):
    import pystac

    geometry, bbox = _lonlat_footprint()
    when = acq["time"].to_pydatetime().replace(tzinfo=_dt.timezone.utc)
    item = pystac.Item(
        id=acq["id"], geometry=geometry, bbox=bbox, datetime=when,
        properties={
            "platform": acq["platform"], "instruments": ["oli", "tirs"],
            "eo:cloud_cover": ds.attrs["eo_cloud_cover"],
            "view:off_nadir": 0, "view:sun_azimuth": ds.attrs["sun_azimuth"],
            "view:sun_elevation": ds.attrs["sun_elevation"],
            "landsat:wrs_path": f"{WRS_PATH:03d}", "landsat:wrs_row": f"{WRS_ROW:03d}",
            "landsat:collection_category": "T1", "landsat:collection_number": "02",
            "landsat:correction": "L2SP",
            "proj:code": f"EPSG:{EPSG}", "proj:shape": list(SHAPE), "proj:transform": list(TRANSFORM),
            "eolab:synthetic": True, "eolab:generator": GENERATOR,
        },
        stac_extensions=[
            "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
            "https://stac-extensions.github.io/projection/v2.0.0/schema.json",
            "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
            "https://stac-extensions.github.io/view/v1.0.0/schema.json",
        ],
    )
    for band in BANDS:
        href = folder / f"{acq['id']}_{band}.tif"
        if band == "qa_pixel":
            _write_cog(href, ds[band].values, QA_FILL)
            raster = {"data_type": "uint16", "nodata": QA_FILL, "unit": "bit index"}
            extra = {"raster:bands": [raster]}
            title = "Pixel quality assessment band (QA_PIXEL)"
        else:
            _write_cog(href, ds[band].values, NODATA)
            number, common, centre, width = _BAND_INFO[band]
            raster = {"data_type": "uint16", "nodata": NODATA, "scale": SCALE, "offset": OFFSET,
                      "unit": "1", "spatial_resolution": PIXEL_M}
            extra = {"raster:bands": [raster],
                     "eo:bands": [{"name": f"OLI_B{number}", "common_name": common,
                                   "center_wavelength": centre, "full_width_half_max": width}]}
            title = f"Surface reflectance, OLI band {number} ({common}), SYNTHETIC"
        item.add_asset(band, pystac.Asset(
            href=href.name, media_type="image/tiff; application=geotiff; profile=cloud-optimized",
            roles=["data"] if band != "qa_pixel" else ["cloud", "cloud-shadow", "snow-ice", "water-mask"],
            title=title, extra_fields=extra))
    return item


def _folder(seed: int) -> Path:
    return cache_dir("landsat") / f"gaborone-v{VERSION}-seed{seed}"


def build_catalogue(seed: int = 0, folder: str | os.PathLike | None = None,
                    start: str = START, end: str = END) -> Path:
    """Generate the scenes, write them as COGs with a STAC catalogue, return ``catalog.json``.

    Reuses a complete catalogue already in ``folder``.  Written to a
    temporary folder first and renamed, so a half-written catalogue is never
    used (several builds may run at once).

    Parameters
    ----------
    seed : int
        Random seed; one seed gives identical bytes.
    folder : path, optional
        Where to write; default ``eolab.datasets.cache_dir("landsat")/gaborone-v1-seed<seed>``.
    start, end : str
        Limit the scenes to this date range (for small test catalogues).

    Returns
    -------
    pathlib.Path
        Path of the root ``catalog.json``.
    """
    seed = _validate.seed(seed)
    import pystac

    folder = Path(folder) if folder is not None else _folder(seed)
    schedule = acquisitions(start, end)

    def write(tmp: Path) -> None:
        land = landscape(seed)
        catalog = pystac.Catalog(
            id="eolab-synthetic-landsat", title="SYNTHETIC Landsat archive (EO Notebooks)",
            description=f"{TITLE}. Made by {GENERATOR} (seed {seed}); not real measurements. "
                        f"Imitates {REAL_PRODUCT}.")
        extent = pystac.Extent(
            pystac.SpatialExtent([_lonlat_footprint()[1]]),
            pystac.TemporalExtent([[schedule["time"].iloc[0].to_pydatetime().replace(tzinfo=_dt.timezone.utc),
                                    schedule["time"].iloc[-1].to_pydatetime().replace(tzinfo=_dt.timezone.utc)]]))
        collection = pystac.Collection(
            id="landsat-c2-l2", title="SYNTHETIC Landsat Collection 2 Level-2",
            description=f"{TITLE}. Asset names, scaling and QA_PIXEL bits as in the Planetary Computer "
                        "collection 'landsat-c2-l2'.", extent=extent,
            license="CC-BY-4.0")
        catalog.add_child(collection)
        truth = []
        for _, acq in schedule.iterrows():
            ds = scene(acq["time"], seed=seed, land=land)
            scene_dir = tmp / "landsat-c2-l2" / acq["id"]
            scene_dir.mkdir(parents=True)
            collection.add_item(_item(ds, acq, scene_dir))
            truth.append(ds[["true_water", "true_cloud", "true_clear"]].assign_coords(time=acq["time"]).expand_dims("time")
                         .assign(lake_area_km2=("time", [ds.attrs["lake_area_km2"]]),
                                 water_area_km2=("time", [ds.attrs["water_area_km2"]]),
                                 cloud_fraction=("time", [ds.attrs["cloud_fraction"]]),
                                 clear_fraction=("time", [ds.attrs["clear_fraction"]]),
                                 eo_cloud_cover=("time", [ds.attrs["eo_cloud_cover"]]),
                                 level_fraction=("time", [ds.attrs["level_fraction"]]),
                                 id=("time", [acq["id"]])))
        catalog.normalize_hrefs(str(tmp) + os.sep)
        catalog.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
        _truth_dataset(xr.concat(truth, "time"), seed).to_netcdf(
            tmp / "truth.nc", engine="netcdf4",
            encoding={v: {"zlib": True} for v in ("true_water", "true_cloud", "true_clear")})

    # Reuses a complete catalogue; never deletes a folder eolab did not make (eolab.datasets.ensure_folder).
    return ensure_folder(folder, synthetic_note(TITLE, GENERATOR, seed, VERSION), write) / "catalog.json"


def _truth_dataset(ds: xr.Dataset, seed: int) -> xr.Dataset:
    for name in ("true_water", "true_cloud", "true_clear"):
        ds[name] = ds[name].astype("int8")
    ds["lake_area_km2"].attrs.update(units="km2", long_name="true reservoir area")
    ds["water_area_km2"].attrs.update(units="km2", long_name="true open-water area (reservoir and rivers)")
    ds["cloud_fraction"].attrs.update(units="1", long_name="fraction of the window under cloud (QA bit 3)")
    ds["clear_fraction"].attrs.update(units="1", long_name="fraction of the window free of cloud, "
                                      "dilated cloud, cirrus and cloud shadow")
    ds["eo_cloud_cover"].attrs.update(units="%", long_name="scene-wide cloud cover (STAC eo:cloud_cover)")
    ds["level_fraction"].attrs.update(units="1", long_name="reservoir level as a fraction of full depth")
    ds.attrs.update(title="SYNTHETIC Landsat scenes: injected ground truth", eolab_kind="synthetic",
                    source=f"{GENERATOR} (seed {seed})", crs=f"EPSG:{EPSG}",
                    comment=f"Truth injected into {TITLE}.")
    return ds


class LocalCatalogue:
    """A STAC catalogue on disk with a ``search`` like ``pystac_client.Client.search``.

    Online you would write ``pystac_client.Client.open(url).search(...)``;
    here the same keywords search the local synthetic archive.
    """

    def __init__(self, path: str | os.PathLike):
        import pystac

        self.path = Path(path)
        self.catalog = pystac.Catalog.from_file(str(self.path))
        self._items = None

    def __repr__(self) -> str:
        return f"<LocalCatalogue {self.catalog.id!r}: {len(self.all_items())} items, {self.path}>"

    def all_items(self) -> list:
        if self._items is None:
            self._items = sorted(self.catalog.get_items(recursive=True), key=lambda i: i.datetime)
            for item in self._items:
                item.make_asset_hrefs_absolute()
        return self._items

    def search(self, collections=None, bbox=None, datetime=None, query=None, max_items=None) -> "_Search":
        """Filter items like a STAC API search.

        Parameters
        ----------
        collections : list of str, optional
            Collection ids, e.g. ``["landsat-c2-l2"]``.
        bbox : (west, south, east, north), optional
            Longitude/latitude box (degrees) the items must intersect.
        datetime : str, optional
            ``"2017"``, ``"2017-03"``, ``"2016-01-01/2017-12-31"`` (open ends with ``..``).
        query : dict, optional
            Property filters, e.g. ``{"eo:cloud_cover": {"lt": 20}}``
            (operators ``eq``, ``lt``, ``lte``, ``gt``, ``gte``).
        max_items : int, optional
            Return at most this many items.
        """
        items = self.all_items()
        if collections is not None:
            wanted = {collections} if isinstance(collections, str) else set(collections)
            known = {i.collection_id for i in items}
            if not wanted & known:
                raise ValueError(f"no collection {sorted(wanted)} in this catalogue; it has {sorted(known)}")
            items = [i for i in items if i.collection_id in wanted]
        if bbox is not None:
            w, s, e, n = bbox
            if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
                raise ValueError(f"bbox must be (west, south, east, north) in degrees, got {bbox}")
            items = [i for i in items if not (i.bbox[0] > e or i.bbox[2] < w or i.bbox[1] > n or i.bbox[3] < s)]
        if datetime is not None:
            t0, t1 = _time_range(datetime)
            items = [i for i in items if t0 <= pd.Timestamp(i.datetime).tz_localize(None) < t1]
        ops = {"eq": np.equal, "lt": np.less, "lte": np.less_equal, "gt": np.greater, "gte": np.greater_equal}
        for prop, conditions in (query or {}).items():
            for op, value in conditions.items():
                if op not in ops:
                    raise ValueError(f"unknown query operator {op!r} for {prop!r}; use one of {sorted(ops)}")
                items = [i for i in items if prop in i.properties and ops[op](i.properties[prop], value)]
        return _Search(items[:max_items] if max_items else items)


class _Search:
    """Result of :meth:`LocalCatalogue.search`, with ``items()`` and ``item_collection()``."""

    def __init__(self, items):
        self._found = items

    def matched(self) -> int:
        return len(self._found)

    def items(self):
        return iter(self._found)

    def item_collection(self):
        import pystac

        return pystac.ItemCollection(self._found)


def _time_range(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    def bounds(part: str):
        p = pd.Period(part)
        return p.start_time, p.end_time + pd.Timedelta(1, "ns")

    if "/" in text:
        a, b = text.split("/")
        t0 = pd.Timestamp.min if a in ("", "..") else bounds(a)[0]
        t1 = pd.Timestamp.max if b in ("", "..") else bounds(b)[1]
    else:
        t0, t1 = bounds(text)
    if t1 <= t0:
        raise ValueError(f"empty time range {text!r}: the end is before the start")
    return t0, t1


def open_catalogue(seed: int = 0) -> LocalCatalogue:
    """Open the synthetic Landsat archive as a searchable STAC catalogue (made on first use)."""
    return LocalCatalogue(build_catalogue(seed))


def ground_truth(seed: int = 0) -> xr.Dataset:
    """The truth injected into the archive: per-scene areas and fractions, and true masks.

    Returns
    -------
    xarray.Dataset
        On ``time``: ``lake_area_km2``, ``water_area_km2``, ``cloud_fraction``,
        ``clear_fraction``, ``eo_cloud_cover`` (%), ``level_fraction``, ``id``;
        on (time, y, x): ``true_water``, ``true_cloud``, ``true_clear`` (0/1).
    """
    path = build_catalogue(seed).parent / "truth.nc"
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()


def load_landsat(bands=("green", "swir16", "qa_pixel"), seed: int = 0, chunks=None,
                 groupby: str = "solar_day", **search) -> xr.Dataset:
    """The whole synthetic archive as a data cube, loaded with :func:`odc.stac.load`.

    Parameters
    ----------
    bands : sequence of str
        Asset names from :data:`BANDS`.
    seed : int
        Archive seed.
    chunks : dict, optional
        Dask chunks, e.g. ``{}`` for one chunk per scene; ``None`` loads into memory.
    groupby : str
        How odc-stac groups items into time steps.
    **search
        Passed to :meth:`LocalCatalogue.search` (``datetime``, ``query``...).
    """
    import odc.stac

    items = open_catalogue(seed).search(**search).item_collection()
    if not len(items):
        raise ValueError(f"the search {search} matched no scenes: the archive covers {START} to {END}")
    ds = odc.stac.load(items, bands=list(bands), groupby=groupby, chunks=chunks)
    ds.attrs.update(title=TITLE, eolab_kind="synthetic", source=f"{GENERATOR} (seed {seed})",
                    comment=f"SYNTHETIC scenes imitating {REAL_PRODUCT}; DN = (reflectance - {OFFSET}) / {SCALE}")
    return ds


CATALOGUE_ENTRIES = [
    DatasetInfo(
        name="landsat_gaborone",
        title=TITLE,
        kind="synthetic",
        description=("Landsat 8/9 OLI surface reflectance (bands coastal, blue, green, red, nir08, swir16, "
                     "swir22; uint16 DN, reflectance = DN x 0.0000275 - 0.2) and QA_PIXEL (USGS bit layout), "
                     f"{len(acquisitions())} scenes 2014-2022 of WRS-2 path 172 row 077, a 300 x 360 window "
                     "of 30 m pixels in EPSG:32635 around Gaborone Dam, Botswana; one COG per band with a "
                     "STAC catalogue. Injected: reservoir drought (2014-2016) and refill (2017), ephemeral "
                     "rivers, seasonal clouds with shadows and cirrus. Truth: eolab.synthetic.landsat.ground_truth()."),
        real_product=REAL_PRODUCT + "; real scenes: https://planetarycomputer.microsoft.com/dataset/landsat-c2-l2, "
                     "https://www.digitalearthafrica.org, https://earthexplorer.usgs.gov",
        provenance=f"{GENERATOR}.build_catalogue (deterministic from the seed, cached under "
                   "eolab.datasets.cache_dir('landsat'); nothing downloaded)",
        licence="CC BY 4.0 (EO Notebooks, synthetic)",
        loader=load_landsat,
        lessons=("lesson3-data-cube",),
    )
]
