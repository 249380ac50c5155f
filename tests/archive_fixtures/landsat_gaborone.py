"""Test fixture shaped like Digital Earth Africa's Landsat Collection 2 Level-2 STAC items and COGs.

SYNTHETIC values with KNOWN truth, in the real product's layout: STAC items of the
collections ``ls8_sr`` / ``ls9_sr`` (DE Africa explorer: item ids are ODC dataset UUIDs,
``odc:product``, ``odc:region_code``, ``landsat:wrs_path``/``row``, ``eo:cloud_cover``...),
one asset per band keyed ``SR_B2`` ... ``SR_B7``, ``QA_PIXEL``, with hrefs
``s3://deafrica-landsat/collection02/level-2/standard/oli-tirs/<year>/172/077/<scene>/
<scene>_<band>.TIF`` (the bucket's key layout); each asset a Cloud-Optimised GeoTIFF in
EPSG:32635, 30 m, pixel edges at odd multiples of 15 m like USGS's grid, ``uint16``,
nodata 0 (surface reflectance) or 1 (``QA_PIXEL``, the fill bit).

What is smaller than the real thing: each COG covers 1024 x 1024 pixels (31 km) around
the dam, not a 185 km scene, and its values are invented.  The truth per scene:

* ``cloud_pct``: percentage of the lesson's reservoir box under cloud (0, 100 or ~50:
  a cloud over the box north of its middle northing);
* ``lake_km2``: a rectangular lake of known size in the middle of the box, drawn on
  clear scenes (on cloudy ones it is hidden).

Six scenes of 2016-2017 in ``ls8_sr``, one of them too cloudy (``eo:cloud_cover`` 85,
dropped by the lesson's search), and one 2022 scene in ``ls9_sr`` (outside the dates).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import numpy as np

EPSG = 32635
PIXEL = 30.0
SIZE = 1024
X0, Y0 = 375015.0, -2716995.0  # odd multiples of 15 m, like USGS's UTM grid
TRANSFORM = [PIXEL, 0.0, X0, 0.0, -PIXEL, Y0]
BOX = (25.872, -24.738, 25.950, -24.678)  # the lesson's reservoir box (lon/lat)
BLOCK = 256
BUCKET_FOLDER = "deafrica-landsat"
"""Folder of the fixture that stands for the bucket (``s3://deafrica-landsat/``)."""

SCALE, OFFSET = 0.0000275, -0.2
QA_CLEAR, QA_WATER, QA_CLOUD = 21824, 21952, 22280
SR_BANDS = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7"]
ASSETS = SR_BANDS + ["QA_PIXEL"]
# surface reflectance of land, water and cloud per band (B1..B7)
_LAND = [0.06, 0.07, 0.10, 0.14, 0.25, 0.30, 0.24]
_WATER = [0.05, 0.06, 0.07, 0.05, 0.03, 0.01, 0.008]
_CLOUD = [0.50, 0.52, 0.55, 0.56, 0.58, 0.45, 0.35]

# (date, collection, scene-wide eo:cloud_cover, cloud over the box: "none"/"all"/"north",
#  lake size in pixels (rows, cols))
SCENES = [
    ("2016-06-14", "ls8_sr", 12.0, "none", (20, 30)),
    ("2016-09-18", "ls8_sr", 35.0, "all", (20, 30)),
    ("2016-12-23", "ls8_sr", 48.0, "north", (20, 30)),
    ("2017-03-13", "ls8_sr", 22.0, "none", (60, 90)),
    ("2017-04-30", "ls8_sr", 85.0, "all", (60, 90)),
    ("2017-05-16", "ls8_sr", 4.0, "none", (70, 100)),
    ("2022-05-04", "ls9_sr", 3.0, "none", (70, 100)),
]
SEARCH = dict(datetime="2016-06-01/2017-06-30", max_cloud=60)
"""The search the lesson's real-archive cells make (what the truth below is for)."""


def _box_utm():
    from pyproj import Transformer

    to_utm = Transformer.from_crs(4326, EPSG, always_xy=True)
    xs, ys = to_utm.transform([BOX[0], BOX[2], BOX[0], BOX[2]], [BOX[1], BOX[1], BOX[3], BOX[3]])
    return min(xs), min(ys), max(xs), max(ys)


def _rowcol(x, y):
    return int((Y0 - y) // PIXEL), int((x - X0) // PIXEL)


def scene_id(date: str, collection: str) -> str:
    sensor = "LC08" if collection == "ls8_sr" else "LC09"
    processed = (dt.date.fromisoformat(date) + dt.timedelta(days=120)).strftime("%Y%m%d")
    return f"{sensor}_L2SP_172077_{date.replace('-', '')}_{processed}_02_T1"


def _scene_id_l1(date: str, collection: str) -> str:
    day = dt.date.fromisoformat(date)
    sensor = "LC8" if collection == "ls8_sr" else "LC9"
    return f"{sensor}172077{day.year}{day.timetuple().tm_yday:03d}LGN00"


def key_prefix(date: str, collection: str) -> str:
    """The bucket key of a scene's folder, as in s3://deafrica-landsat/."""
    return f"collection02/level-2/standard/oli-tirs/{date[:4]}/172/077/{scene_id(date, collection)}"


def truth() -> dict:
    """Known answers for the scenes the lesson's search returns, by date.

    ``cloud_pct`` (of the reservoir box, approximate for "north": the box is not a
    rectangle in UTM) and ``lake_km2`` (None where cloud hides the lake).
    """
    out = {}
    for date, _coll, cc, cloud, (h, w) in SCENES:
        start, end = SEARCH["datetime"].split("/")
        if not start <= date <= end or cc >= SEARCH["max_cloud"]:
            continue
        out[date] = {
            "cloud_pct": {"none": 0.0, "all": 100.0, "north": 50.0}[cloud],
            "lake_km2": None if cloud != "none" else h * w * PIXEL * PIXEL / 1e6,
            "eo:cloud_cover": cc,
        }
    return out


def _bands(cloud: str, lake: tuple[int, int], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = _box_utm()
    r0, c0 = _rowcol(x0, y1)
    r1, c1 = _rowcol(x1, y0)
    mid_r, mid_c = (r0 + r1) // 2, (c0 + c1) // 2
    water = np.zeros((SIZE, SIZE), bool)
    h, w = lake
    # the lake sits in the south half of the box, clear of the "north" cloud
    lr0 = mid_r + 4
    water[lr0 : lr0 + h, mid_c - w // 2 : mid_c - w // 2 + w] = True
    cloudy = np.zeros((SIZE, SIZE), bool)
    if cloud == "all":
        cloudy[max(r0 - 40, 0) : r1 + 40, max(c0 - 40, 0) : c1 + 40] = True
    elif cloud == "north":
        ymid = (y0 + y1) / 2
        rmid = int(round((Y0 - ymid) / PIXEL))  # rows above the box's middle northing
        cloudy[:rmid, max(c0 - 40, 0) : c1 + 40] = True
    out = {}
    # texture in 2 x 2 pixel cells: files of a few hundred kB, compressible like real land
    cell = np.ones((2, 2))
    texture = np.kron(rng.normal(0, 0.004, (SIZE // 2, SIZE // 2)), cell)
    for i, band in enumerate(SR_BANDS):
        refl = np.where(water, _WATER[i], _LAND[i] + texture)
        refl = np.where(cloudy, _CLOUD[i], refl)
        out[band] = np.clip(np.round((refl - OFFSET) / SCALE), 1, 65535).astype("uint16")
    # clear land with and without "low cirrus confidence" (bits 14-15): both clear
    land = np.where(
        np.kron(rng.random((SIZE // 2, SIZE // 2)) < 0.5, cell) > 0, QA_CLEAR, QA_CLEAR - (1 << 14)
    )
    qa = np.where(water, QA_WATER, land)
    out["QA_PIXEL"] = np.where(cloudy, QA_CLOUD, qa).astype("uint16")
    return out


def _write_cog(path: Path, array: np.ndarray, nodata: int) -> None:
    import rasterio
    from rasterio.transform import Affine

    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path,
        "w",
        driver="COG",
        width=SIZE,
        height=SIZE,
        count=1,
        dtype="uint16",
        crs=f"EPSG:{EPSG}",
        transform=Affine(*TRANSFORM),
        nodata=nodata,
        compress="deflate",
        predictor=2,
        blocksize=BLOCK,
        overview_resampling="nearest",
    ) as dst:
        dst.write(array, 1)


def _footprint():
    from pyproj import Transformer

    to_ll = Transformer.from_crs(EPSG, 4326, always_xy=True)
    x1, y1 = X0 + SIZE * PIXEL, Y0 - SIZE * PIXEL
    lon, lat = to_ll.transform([X0, x1, x1, X0, X0], [Y0, Y0, y1, y1, Y0])
    ring = [[round(a, 6), round(b, 6)] for a, b in zip(lon, lat, strict=True)]
    return ({"type": "Polygon", "coordinates": [ring]}, [min(lon), min(lat), max(lon), max(lat)])


def item(
    date: str, collection: str, cloud_cover: float, bucket_prefix: str = "s3://deafrica-landsat"
):
    """One STAC item as DE Africa's explorer serves it (a dict)."""
    geometry, bbox = _footprint()
    sid = scene_id(date, collection)
    prefix = f"{bucket_prefix}/{key_prefix(date, collection)}/{sid}"
    platform = "landsat-8" if collection == "ls8_sr" else "landsat-9"
    assets = {}
    for key in ASSETS:
        assets[key] = {
            "href": f"{prefix}_{key}.TIF",
            "type": "image/tiff; application=geotiff",
            "roles": ["data"],
            "title": key,
            "eo:bands": [{"name": key}],
            "proj:epsg": EPSG,
            "proj:shape": [SIZE, SIZE],
            "proj:transform": TRANSFORM,
        }
    assets["thumbnail"] = {
        "href": f"{prefix}_thumb_small.jpeg",
        "type": "image/jpeg",
        "roles": ["thumbnail"],
        "title": "Thumbnail image",
    }
    when = f"{date}T08:13:30.123456Z"
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [
            "https://stac-extensions.github.io/eo/v1.0.0/schema.json",
            "https://stac-extensions.github.io/projection/v1.0.0/schema.json",
            "https://stac-extensions.github.io/view/v1.0.0/schema.json",
        ],
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{collection}/{sid}")),
        "collection": collection,
        "geometry": geometry,
        "bbox": bbox,
        "properties": {
            "datetime": when,
            "title": sid,
            "platform": platform,
            "instruments": ["oli", "tirs"],
            "eo:cloud_cover": cloud_cover,
            "eo:gsd": 30.0,
            "proj:epsg": EPSG,
            "landsat:wrs_path": 172,
            "landsat:wrs_row": 77,
            "landsat:collection_number": "02",
            "landsat:collection_category": "T1",
            "landsat:landsat_scene_id": _scene_id_l1(date, collection),
            "view:sun_azimuth": 40.0,
            "view:sun_elevation": 45.0,
            "odc:product": collection,
            "odc:region_code": "172077",
            "odc:file_format": "GeoTIFF",
            "odc:processing_datetime": when,
        },
        "assets": assets,
        "links": [],
    }


LESSON_BANDS = ("SR_B3", "SR_B6", "QA_PIXEL")
"""The bands the lesson reads: only their COGs are written (the items list every asset)."""


def write_archive(folder: Path, bands=LESSON_BANDS) -> dict:
    """Write the bucket (``folder/deafrica-landsat/...`` COGs of ``bands``) and the items.

    Returns ``{"items": [item dicts], "collections": [collection dicts], "cogs": {key: path}}``.
    """
    folder = Path(folder)
    items, cogs = [], {}
    for n, (date, coll, cc, cloud, lake) in enumerate(SCENES):
        it = item(date, coll, cc)
        items.append(it)
        arrays = _bands(cloud, lake, seed=n)
        for key in bands:
            rel = it["assets"][key]["href"].replace("s3://", "")
            path = folder / rel
            _write_cog(path, arrays[key], nodata=1 if key == "QA_PIXEL" else 0)
            cogs[rel] = path
    collections = [collection(c) for c in ("ls8_sr", "ls9_sr")]
    return {"items": items, "collections": collections, "cogs": cogs}


def collection(cid: str) -> dict:
    sat = "8" if cid == "ls8_sr" else "9"
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "id": cid,
        "title": cid,
        "description": f"USGS Landsat {sat} Collection 2 Level-2 Surface Reflectance",
        "license": "CC-BY-4.0",
        "links": [],
        "extent": {
            "spatial": {"bbox": [[-26.0, -47.0, 64.0, 38.0]]},
            "temporal": {"interval": [["2013-03-01T00:00:00Z", None]]},
        },
    }


def write_ndjson(items: list[dict], path: Path) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    return path


def structure(tmp_path: Path) -> dict:
    """The fixture's layout, keyed like the schema's parts: one item, one SR COG, one QA COG."""
    import rioxarray

    built = write_archive(tmp_path, bands=["SR_B3", "QA_PIXEL"])
    first = built["items"][0]
    parts = {"item": first}
    for part, key in (("sr_band", "SR_B3"), ("qa_pixel", "QA_PIXEL")):
        rel = first["assets"][key]["href"].replace("s3://", "")
        da = rioxarray.open_rasterio(tmp_path / rel)
        parts[part] = da.to_dataset(name=key)
    return parts
