"""Real Landsat 8/9 Collection 2 Level-2 scenes of Gaborone Dam, from Digital Earth Africa's STAC.

Lesson 3 teaches on SYNTHETIC scenes (:mod:`eolab.synthetic.landsat`).  The real ones
are USGS Landsat Collection 2 Level-2 surface reflectance, mirrored by Digital Earth
Africa (DE Africa) in the public bucket ``deafrica-landsat`` (AWS af-south-1) and
catalogued by its STAC API, ``https://explorer.digitalearth.africa/stac``: collections
``ls8_sr`` and ``ls9_sr``, one item per scene, one Cloud-Optimised GeoTIFF asset per band
(``SR_B1`` ... ``SR_B7``, ``QA_PIXEL``...).  No account is needed.

What this module adds to ``pystac-client`` and ``odc-stac`` (the lesson's own tools):

* :func:`search` -- a STAC search (pystac-client) against DE Africa, or against
  ``$EOLAB_ENDPOINT_LANDSAT_STAC``; every item is checked against the documented layout
  (``schemas/landsat_gaborone.json``) and errors name the endpoint.
* :func:`https_assets` -- DE Africa's asset hrefs are ``s3://deafrica-landsat/...``; this
  rewrites them to the bucket's public HTTPS address (or ``$EOLAB_ENDPOINT_LANDSAT_COGS``),
  so GDAL reads them with plain HTTP range requests, no AWS configuration.  It plays the
  part that ``planetary_computer.sign_inplace`` plays for the Planetary Computer.
* :func:`load` -- the lesson's ``odc.stac.load`` call on those items, with DE Africa's band
  names renamed to the lesson's (``SR_B3`` -> ``green``, ``SR_B6`` -> ``swir16``,
  ``QA_PIXEL`` -> ``qa_pixel``), so the analysis cells run unchanged.

The same scenes are in the Microsoft Planetary Computer (collection ``landsat-c2-l2``;
asset URLs must be signed with the ``planetary-computer`` package, free, no account) and
at USGS (EarthExplorer, and the USGS STAC server ``landsatlook``; a free USGS login
for downloads).
"""

from __future__ import annotations

import os

from eolab.archives import _common

SOURCE = _common.ArchiveSource(
    product="USGS Landsat 8/9 Collection 2 Level-2 surface reflectance (DE Africa ls8_sr, ls9_sr)",
    endpoint="https://explorer.digitalearth.africa/stac",
    env_var="EOLAB_ENDPOINT_LANDSAT_STAC",
    protocol="STAC API + HTTP range (COG)",
    account="none",
    licence="Landsat: public domain (USGS); DE Africa catalogue CC BY 4.0",
    lesson_reads=(
        "STAC search (~100 kB of JSON) + a 9 x 11 km window of 3 bands per scene: "
        "about 1-2 MB per scene, ~50 MB for two years"
    ),
    docs="https://docs.digitalearthafrica.org/en/latest/data_specs/Landsat_C2_SR_specs.html",
)

BUCKET = "deafrica-landsat"
BUCKET_HTTPS = "https://deafrica-landsat.s3.af-south-1.amazonaws.com"
COGS_ENV = "EOLAB_ENDPOINT_LANDSAT_COGS"
"""Environment variable replacing :data:`BUCKET_HTTPS` (a mirror, or a local test server)."""

COLLECTIONS = ("ls8_sr", "ls9_sr")
BBOX = (25.87, -24.74, 25.95, -24.68)
"""Longitude/latitude box around Gaborone Dam (west, south, east, north), as in the lesson."""
CRS = "EPSG:32635"
"""USGS grids path 172 row 077 in UTM zone 35 *north* (negative northings)."""
RESOLUTION = 30
REGION_CODE = "172077"
"""WRS-2 path 172, row 077: the Landsat scene holding Gaborone Dam."""

BANDS = {
    "SR_B2": "blue",
    "SR_B3": "green",
    "SR_B4": "red",
    "SR_B5": "nir08",
    "SR_B6": "swir16",
    "SR_B7": "swir22",
    "QA_PIXEL": "qa_pixel",
}
"""DE Africa asset key -> the lesson's band name (Planetary Computer's ``landsat-c2-l2`` keys)."""
SCALE = 0.0000275
OFFSET = -0.2
"""Surface reflectance = DN x SCALE + OFFSET (USGS Collection 2 Level-2)."""
NODATA = 0
"""DN of missing surface reflectance (``QA_PIXEL`` marks fill with bit 0; its nodata is 1)."""

STAC_CFG = {
    c: {
        "assets": {
            "*": {"data_type": "uint16", "nodata": NODATA},
            "QA_PIXEL": {"data_type": "uint16", "nodata": 1},
        }
    }
    for c in COLLECTIONS
}
"""Band types for odc-stac: DE Africa's items carry no ``raster:bands``; these are its
ODC product definitions' (``uint16``, nodata 0; ``QA_PIXEL`` nodata 1, the fill bit)."""

GDAL_OPTIONS = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",  # do not list the bucket "folder"
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.TIF,.tiff",
    "GDAL_HTTP_MAX_RETRY": "3",
    "GDAL_HTTP_RETRY_DELAY": "1",
    "GDAL_HTTP_TIMEOUT": "60",
    "GDAL_HTTP_MULTIRANGE": "YES",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "VSI_CACHE": "TRUE",
}
"""GDAL settings for reading COGs over HTTP (set by :func:`load`)."""


def stac_url(endpoint: str | None = None) -> str:
    """The STAC API read: ``endpoint``, else ``$EOLAB_ENDPOINT_LANDSAT_STAC``, else DE Africa's."""
    return _common.endpoint(SOURCE, endpoint).rstrip("/")


def bucket_url() -> str:
    """HTTPS address of the ``deafrica-landsat`` bucket (or ``$EOLAB_ENDPOINT_LANDSAT_COGS``)."""
    return (os.environ.get(COGS_ENV) or BUCKET_HTTPS).rstrip("/")


def https_href(href: str) -> str:
    """``s3://deafrica-landsat/key`` -> ``<bucket_url()>/key``; other hrefs unchanged."""
    prefix = f"s3://{BUCKET}/"
    return bucket_url() + "/" + href[len(prefix) :] if href.startswith(prefix) else href


def https_assets(obj):
    """Rewrite the ``s3://`` asset hrefs of items to HTTPS, in place; returns ``obj``.

    Takes a pystac Item or ItemCollection, or their dicts (a search page): usable as
    pystac-client's ``modifier=``, as ``planetary_computer.sign_inplace`` is.
    """
    if isinstance(obj, dict):
        for item in obj.get("features", [obj]):
            for asset in item.get("assets", {}).values():
                asset["href"] = https_href(asset["href"])
        return obj
    items = getattr(obj, "items", None)
    for item in items if isinstance(items, list) else [obj]:
        for asset in item.assets.values():
            asset.href = https_href(asset.href)
    return obj


def item_problems(item: dict) -> list[str]:
    """How one STAC item (a dict) differs from the documented DE Africa layout."""
    spec = _common.schema("landsat_gaborone")["parts"]["item"]
    spec = dict(spec, collection=None)  # ls8_sr or ls9_sr
    problems = _common.stac_item_problems(item, spec)
    if item.get("collection") not in COLLECTIONS:
        problems.append(f"collection is {item.get('collection')!r}, expected one of {COLLECTIONS}")
    return problems


def search(
    bbox=BBOX,
    datetime: str = "2016-06-01/2017-06-30",
    max_cloud: float = 60,
    region_code: str | None = REGION_CODE,
    collections=COLLECTIONS,
    endpoint: str | None = None,
    limit: int = 100,
):
    """Search DE Africa's STAC API for the Landsat scenes over a box (network!).

    Parameters
    ----------
    bbox : tuple of float
        (west, south, east, north) in degrees; default the lesson's reservoir box.
    datetime : str
        STAC datetime interval, e.g. ``"2016-06-01/2017-06-30"``.
    max_cloud : float
        Keep scenes with scene-wide ``eo:cloud_cover`` below this (percent).
    region_code : str or None
        Keep the scenes of this WRS-2 path/row (``odc:region_code``, default ``"172077"``,
        the lesson's scene): a box near a scene edge also finds the neighbouring rows and
        paths.  ``None`` keeps them all.
    collections : sequence of str
        DE Africa collections, default ``("ls8_sr", "ls9_sr")``.
    endpoint : str, optional
        STAC API root; default ``$EOLAB_ENDPOINT_LANDSAT_STAC`` or DE Africa's.
    limit : int
        Items per page of the API's answer.

    Returns
    -------
    pystac.ItemCollection
        Items sorted by time, with HTTPS asset hrefs (:func:`https_assets`).

    Raises
    ------
    ArchiveUnavailable
        The API did not answer, or answered items that do not have the documented
        layout (the archive changed): the message names the endpoint.
    """
    import pystac
    import pystac_client
    from pystac_client.exceptions import APIError

    url = stac_url(endpoint)
    what = f"the STAC search for {', '.join(collections)}"
    with _common.explained(SOURCE, url, what):
        try:
            client = pystac_client.Client.open(url, modifier=https_assets)
            # collections, bbox and datetime are core item search (every STAC API has
            # them); the cloud filter is applied here, to the items returned, because
            # the 'query' and 'filter' extensions are optional and not every API has them.
            found = client.search(
                collections=list(collections), bbox=list(bbox), datetime=datetime, limit=limit
            )
            items = list(found.items())
        except APIError as err:
            raise OSError(f"the STAC API answered an error: {err}") from None
    for item in items:
        problems = item_problems(item.to_dict())
        if problems:
            raise _common.ArchiveUnavailable(
                f"item {item.id} from {url} does not have the documented layout "
                f"({SOURCE.docs}): "
                + "; ".join(problems)
                + ". The archive may have changed: check the documentation, or update eolab."
            )
    items = sorted(
        (
            i
            for i in items
            if i.properties["eo:cloud_cover"] < max_cloud
            and region_code in (None, i.properties["odc:region_code"])
        ),
        key=lambda i: i.datetime,
    )
    return pystac.ItemCollection(items)


def load(items=None, bands=("green", "swir16", "qa_pixel"), bbox=BBOX, chunks=None, **search_kw):
    """The lesson's cube, from the real scenes (network!).

    Runs ``odc.stac.load(items, bands=..., bbox=bbox, crs="EPSG:32635", resolution=30,
    groupby="solar_day", chunks=...)`` with DE Africa's band names and renames them to the
    lesson's, so ``cube["green"]``, ``cube["swir16"]`` and ``cube["qa_pixel"]`` are what
    the synthetic lesson's analysis cells expect (``uint16`` digital numbers).

    Parameters
    ----------
    items : pystac.ItemCollection, optional
        From :func:`search`; searched with ``**search_kw`` when omitted.
    bands : sequence of str
        The lesson's band names (keys or values of :data:`BANDS`).
    bbox : tuple of float
        (west, south, east, north) in degrees: only this window is read from each COG.
    chunks : dict, optional
        Dask chunks (``{}`` for one chunk per scene, lazy); default: read now.

    Returns
    -------
    xarray.Dataset
        (time, y, x) on the 30 m UTM 35N grid; ``attrs["source"]`` names the archive.
    """
    import odc.stac

    if items is None:
        items = search(bbox=bbox, **search_kw)
    if len(items) == 0:
        raise ValueError(
            "no scenes to load: widen the datetime interval or max_cloud of the search"
        )
    to_key = {v: k for k, v in BANDS.items()}
    keys = [to_key.get(b, b) for b in bands]
    unknown = [b for b in keys if b not in BANDS]
    if unknown:
        raise ValueError(f"unknown band(s) {unknown}; choose among {sorted(BANDS.values())}")
    url = items[0].assets[keys[0]].href
    odc.stac.configure_rio(cloud_defaults=True, **GDAL_OPTIONS)
    with _common.explained(SOURCE, url.rsplit("/", 1)[0], f"{len(items)} scenes' COGs"):
        cube = odc.stac.load(
            items,
            bands=keys,
            bbox=list(bbox),
            crs=CRS,
            resolution=RESOLUTION,
            groupby="solar_day",
            chunks=chunks,
            stac_cfg=STAC_CFG,
        )
        if chunks is None:
            cube = cube.load()
    cube = cube.rename({k: BANDS[k] for k in keys})
    cube.attrs["source"] = f"{SOURCE.product}, {stac_url()}"
    return cube


def live_check() -> dict:
    """One real search and a one-band read of one scene's window (for ``make check-live``)."""
    import time

    start = time.perf_counter()
    out = {"endpoint": stac_url(), "ok": False, "bytes": 0, "seconds": 0.0, "detail": ""}
    try:
        items = search(datetime="2021-06-01/2021-07-31", max_cloud=30)
        cube = load(items[:1], bands=("qa_pixel",))
        out.update(
            ok=True,
            bytes=int(cube["qa_pixel"].nbytes),
            detail=f"{len(items)} items; read {dict(cube.sizes)} of QA_PIXEL",
        )
    except Exception as err:  # noqa: BLE001 - a report, never raised
        out["detail"] = f"{type(err).__name__}: {err}"
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out
