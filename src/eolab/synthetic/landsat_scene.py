"""The SYNTHETIC Landsat scenes of Gaborone Dam: the product's conventions and the scene model.

One job: make one scene in memory (:func:`scene`), from the landscape
(:func:`landscape`), the reservoir level (:func:`level_fraction`) and the
acquisition schedule (:func:`acquisitions`), with the band names, scaling
and QA_PIXEL bits of USGS Landsat Collection 2 Level-2.  How the scenes are
written as Cloud-Optimised GeoTIFFs with a STAC catalogue, and the
generator's contract (``build``, ``load``, ``ground_truth``, ``INFO``), are
in :mod:`eolab.synthetic.landsat`; read its docstring for what imitates the
real product and what is made up.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate

GENERATOR = "eolab.synthetic.landsat"
VERSION = "3"
REAL_PRODUCT = (
    "USGS Landsat 8/9 Collection 2 Level-2 surface reflectance (OLI), as served by the "
    "Microsoft Planetary Computer STAC collection 'landsat-c2-l2' and Digital Earth Africa"
)
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
    "coastal": (1, "coastal", 0.44, 0.02),
    "blue": (2, "blue", 0.48, 0.06),
    "green": (3, "green", 0.56, 0.06),
    "red": (4, "red", 0.65, 0.04),
    "nir08": (5, "nir08", 0.87, 0.03),
    "swir16": (6, "swir16", 1.61, 0.09),
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
_L8_FIRST = _dt.date(2014, 1, 4)  # a Landsat 8 pass over path 172
_L9_FIRST = _dt.date(2022, 1, 20)  # Landsat 9 is 8 days out of phase with Landsat 8
_STEP_DAYS = 64  # every 4th 16-day revisit, to keep the set small
_OVERPASS_UTC = _dt.time(8, 13, 30)

# ---------------------------------------------------------------- the landscape
_DEPTH_M = 14.0  # depth at the dam when full
_FLOOR_GRADIENT = 0.0015  # valley floor rises 1.5 m per km upstream
_SIDE_SLOPE = 0.025  # valley sides rise 2.5 m per 100 m
_MAIN = [(299, 10), (250, 60), (200, 120), (160, 180), (120, 235), (95, 262)]  # upstream -> dam
_DOWNSTREAM = [(95, 262), (60, 300), (20, 340), (-5, 365)]
_TRIBUTARIES = [
    [(299, 205), (250, 192), (205, 165), (178, 152)],
    [(105, -5), (130, 60), (152, 100), (195, 124)],
]
_DAM = np.array(_MAIN[-1], dtype=float)

_LEVEL_KNOTS = [  # (date, fraction of full depth at the dam)
    ("2013-12-01", 0.80),
    ("2014-04-01", 0.86),
    ("2014-12-01", 0.60),
    ("2015-04-01", 0.58),
    ("2015-12-01", 0.30),
    ("2016-04-01", 0.30),
    ("2016-12-01", 0.17),
    ("2017-02-10", 0.16),
    ("2017-03-05", 1.00),
    ("2017-12-01", 0.88),
    ("2018-04-01", 0.95),
    ("2018-12-01", 0.80),
    ("2019-04-01", 0.80),
    ("2019-12-01", 0.62),
    ("2020-04-01", 0.74),
    ("2020-12-01", 0.64),
    ("2021-03-15", 1.00),
    ("2021-12-01", 0.90),
    ("2022-04-01", 1.00),
    ("2023-01-01", 0.90),
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
# Written out from the USGS Landsat Collection 2 Level-2 Science Product Guide, on
# purpose apart from eolab.clouds.QA_FLAGS: the generator encodes, the lesson's reader
# decodes, and the tests that they agree (tests/test_landsat.py: QA values of real
# Collection 2 scenes, cloud fraction decoded = injected) can only catch a wrong bit
# in either if the two tables are not the same object.
_BIT = {
    "fill": 0,
    "dilated_cloud": 1,
    "cirrus": 2,
    "cloud": 3,
    "cloud_shadow": 4,
    "snow": 5,
    "clear": 6,
    "water": 7,
}
_CONF_SHIFT = {
    "cloud_confidence": 8,
    "cloud_shadow_confidence": 10,
    "snow_ice_confidence": 12,
    "cirrus_confidence": 14,
}


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
    for first, last_year, platform, code in (
        (_L8_FIRST, 2022, "landsat-8", "LC08"),
        (_L9_FIRST, 2022, "landsat-9", "LC09"),
    ):
        day = first
        while day.year <= last_year:
            when = pd.Timestamp(_dt.datetime.combine(day, _OVERPASS_UTC))
            if t0 <= when.normalize() <= t1:
                rows.append(
                    {
                        "time": when,
                        "platform": platform,
                        "id": f"{code}_L2SP_{WRS_PATH:03d}{WRS_ROW:03d}_{day:%Y%m%d}_02_T1",
                    }
                )
            day += _dt.timedelta(days=_STEP_DAYS)
    if not rows:
        raise ValueError(
            f"no synthetic Landsat scenes between {start!r} and {end!r}; "
            f"the archive covers {START} to {END}"
        )
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
    rr, cc = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]].astype(float)
    px = PIXEL_M
    d_main, s_main = _polyline_distance(_MAIN, rr, cc)
    floor_main = _FLOOR_GRADIENT * s_main * px
    z = floor_main + _SIDE_SLOPE * d_main * px
    d_down, s_to_edge = _polyline_distance(_DOWNSTREAM, rr, cc)
    below_dam = s_to_edge.max() - s_to_edge  # distance downstream of the dam
    z = np.minimum(z, -0.003 * below_dam * px + _SIDE_SLOPE * d_down * px)
    channel = (d_main < 1.0) | (d_down < 1.0)
    for trib in _TRIBUTARIES:
        d_t, s_t = _polyline_distance(trib, rr, cc)
        _, s_join = _polyline_distance(
            _MAIN, np.array([trib[-1][0]], float), np.array([trib[-1][1]], float)
        )
        z_t = _FLOOR_GRADIENT * s_join[0] * px + 0.003 * s_t * px + _SIDE_SLOPE * d_t * px
        z = np.minimum(z, z_t)
        channel |= d_t < 0.6
        d_main = np.minimum(d_main, d_t)
    z = (
        z
        + 0.6 * _smooth_noise(rng, SHAPE, 4)
        + 3.0 * _smooth_noise(rng, SHAPE, 40) * np.clip(d_main / 40, 0, 1)
    )
    # The dam wall: a straight line across the valley at the dam, upstream is south-west.
    axis = np.array(_MAIN[-2], float) - _DAM
    axis /= np.hypot(*axis)
    basin = ((rr - _DAM[0]) * axis[0] + (cc - _DAM[1]) * axis[1]) > 0
    riparian = np.exp(-d_main * px / 150.0)
    vegetation = np.clip(0.45 + 0.18 * _smooth_noise(rng, SHAPE, 12) + 0.35 * riparian, 0.05, 0.95)
    turbidity = 1 + 0.15 * _smooth_noise(rng, SHAPE, 20)
    return {
        "elevation_m": z,
        "basin": basin,
        "channel": channel,
        "vegetation": vegetation,
        "turbidity": turbidity,
    }


def level_fraction(time) -> np.ndarray:
    """Injected reservoir level as a fraction of full depth (0-1) at ``time`` (array-like
    of dates)."""
    knots = (
        pd.to_datetime([k[0] for k in _LEVEL_KNOTS]).values.astype("datetime64[D]").astype(float)
    )
    values = [k[1] for k in _LEVEL_KNOTS]
    t = pd.to_datetime(np.atleast_1d(time)).values.astype("datetime64[D]").astype(float)
    return np.interp(t, knots, values)


def _greenness(when: pd.Timestamp) -> float:
    """Seasonal vegetation greenness 0-1: peaks mid-February, lowest mid-August; weak in drought
    years."""
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
    turbid = (
        s["water"]
        * np.array([1, 1, 1.2, 1.4, 1.2, 1, 1])[:, None, None] ** (land["turbidity"][None] - 1)
        * land["turbidity"][None]
    )
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
        target = 0.0  # clouds elsewhere in the scene, none over the window
    else:
        target = float(np.clip(scene_cc * rng.lognormal(0, 0.7) + rng.normal(0, 0.05), 0.0, 0.95))
    pad = 80
    field = _smooth_noise(rng, (ny + 2 * pad, nx + 2 * pad), 9)
    thr = np.quantile(field[pad:-pad, pad:-pad], 1 - target) if target > 0 else np.inf
    cloud_big = field > thr
    azimuth, elevation = _sun_angles(when)
    shift = 1500.0 / np.tan(np.radians(elevation)) / PIXEL_M  # 1.5 km high clouds
    dr = int(round(shift * np.cos(np.radians(azimuth))))  # shadow falls away from the sun
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
    for name, mask in (
        ("dilated_cloud", dilated),
        ("cirrus", cirrus),
        ("cloud", cloud),
        ("cloud_shadow", shadow),
        ("clear", clear_bit),
        ("water", deep & clear_bit),
    ):
        qa |= mask.astype("uint16") << _BIT[name]
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
    data.update(
        true_water=(("y", "x"), water),
        true_lake=(("y", "x"), lake),
        true_cloud=(("y", "x"), cloud),
        true_clear=(("y", "x"), usable),
    )
    ds = xr.Dataset(data, coords={"y": y, "x": x})
    ds.attrs.update(
        title=f"{TITLE}: {when:%Y-%m-%d}",
        eolab_kind="synthetic",
        source=GENERATOR,
        time=str(when),
        crs=f"EPSG:{EPSG}",
        level_fraction=level,
        lake_area_km2=float(lake.sum() * PIXEL_AREA_KM2),
        water_area_km2=float(water.sum() * PIXEL_AREA_KM2),
        cloud_fraction=float(cloud.mean()),
        clear_fraction=float(usable.mean()),
        eo_cloud_cover=round(100 * scene_cc, 2),
        sun_azimuth=round(azimuth, 2),
        sun_elevation=round(elevation, 2),
    )
    return ds
