"""Real ESA CCI Biomass above-ground biomass: a windowed read of the 100 m GeoTIFF tiles on CEDA.

Lesson 2b teaches on a SYNTHETIC biomass map (:mod:`eolab.synthetic.biomass`).  The
real one is the ESA Climate Change Initiative (CCI) Biomass map of above-ground biomass
(AGB, Mg ha-1) and its standard deviation (AGB_SD), 100 m, on CEDA's public archive,
served over plain HTTPS by ``dap.ceda.ac.uk`` (no account)::

    https://dap.ceda.ac.uk/neodc/esacci/biomass/data/agb/maps/v6.0/geotiff/2020/
        N00E030_ESACCI-BIOMASS-L4-AGB-MERGED-100m-2020-fv6.0.tif
        N00E030_ESACCI-BIOMASS-L4-AGB_SD-MERGED-100m-2020-fv6.0.tif

Each GeoTIFF is a 10 x 10 degree tile named after its upper-left (north-west) corner
(``N00E030`` covers 0 to 10 degrees south, 30 to 40 degrees east), 11250 x 11250 pixels
of 1/1125 degree in EPSG:4326.  :func:`load` reads **only the window** over a box from
each tile it touches (GDAL ``/vsicurl/``: HTTP range requests), never the whole tile,
and returns what the lesson's analysis cells take: ``agb`` and ``agb_sd`` (y, x) in
Mg ha-1, float32, NaN where the file has no data.
"""

from __future__ import annotations

import math

from eolab.archives import _common

SOURCE = _common.ArchiveSource(
    product="ESA CCI Biomass L4 above-ground biomass, 100 m (v6.0)",
    endpoint="https://dap.ceda.ac.uk/neodc/esacci/biomass/data/agb/maps",
    env_var="EOLAB_ENDPOINT_BIOMASS_CCI",
    protocol="HTTP range (GeoTIFF window, GDAL /vsicurl/)",
    account="none",
    licence="ESA CCI Biomass terms and conditions (free; cite the dataset DOI)",
    lesson_reads=(
        "the window over two forests (~2.1 x 1.1 degrees) from 2 tiles x 2 layers: "
        "~10 MB if the tiles are internally tiled, up to ~60 MB if they are stripped"
    ),
    docs="https://catalogue.ceda.ac.uk/uuid/95913ffb6467447ca72c4e9d8cf30501/",
)

VERSION = "6.0"
YEARS = (2007, 2010, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022)
"""The years of v6.0 (the CEDA catalogue record)."""
TILE_DEG = 10
TILE_PIXELS = 11250
RESOLUTION = TILE_DEG / TILE_PIXELS
CRS = "EPSG:4326"
UNITS = "Mg ha-1"
LAYERS = {"agb": "AGB", "agb_sd": "AGB_SD"}
LONG_NAMES = {"agb": "above-ground biomass", "agb_sd": "standard deviation of above-ground biomass"}

GDAL_OPTIONS = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",  # do not list the CEDA folder
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif",
    "GDAL_HTTP_MAX_RETRY": "3",
    "GDAL_HTTP_RETRY_DELAY": "1",
    "GDAL_HTTP_TIMEOUT": "60",
    "GDAL_HTTP_MULTIRANGE": "YES",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "VSI_CACHE": "TRUE",
}


def tile_name(lat_top: int, lon_left: int) -> str:
    """``N00E030`` for the tile whose north-west corner is (0 N, 30 E)."""
    return (
        f"{'N' if lat_top >= 0 else 'S'}{abs(lat_top):02d}"
        f"{'E' if lon_left >= 0 else 'W'}{abs(lon_left):03d}"
    )


def tiles_for(bbox) -> list[tuple[str, int, int]]:
    """The tiles a (west, south, east, north) box touches: ``[(name, lat_top, lon_left)]``."""
    west, south, east, north = (float(v) for v in bbox)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(
            f"bbox {tuple(bbox)} is not (west, south, east, north) in degrees "
            "with west < east and south < north"
        )
    tops = range(
        math.ceil(north / TILE_DEG) * TILE_DEG, math.floor(south / TILE_DEG) * TILE_DEG, -TILE_DEG
    )
    lefts = range(
        math.floor(west / TILE_DEG) * TILE_DEG, math.ceil(east / TILE_DEG) * TILE_DEG, TILE_DEG
    )
    return [(tile_name(t, lo), t, lo) for t in tops for lo in lefts]


def tile_url(
    tile: str,
    layer: str = "agb",
    year: int = 2020,
    version: str = VERSION,
    endpoint: str | None = None,
) -> str:
    """HTTPS address of one tile of one layer (``"agb"`` or ``"agb_sd"``)."""
    base = _common.endpoint(SOURCE, endpoint).rstrip("/")
    return (
        f"{base}/v{version}/geotiff/{year}/{tile}_ESACCI-BIOMASS-L4-{LAYERS[layer]}"
        f"-MERGED-100m-{year}-fv{version}.tif"
    )


def file_problems(src) -> list[str]:
    """How an open rasterio dataset differs from the documented tile layout."""
    spec = _common.schema("biomass_kenya")
    problems = []
    if src.count != spec["dims"]["band"]:
        problems.append(f"{src.count} bands, documented {spec['dims']['band']}")
    if src.crs is None or src.crs.to_epsg() != 4326:
        problems.append(f"CRS {src.crs}, documented EPSG:4326")
    if (src.height, src.width) != (spec["dims"]["y"], spec["dims"]["x"]):
        problems.append(
            f"{src.height} x {src.width} pixels, documented "
            f"{spec['dims']['y']} x {spec['dims']['x']}"
        )
    if not math.isclose(src.res[0], RESOLUTION, rel_tol=1e-6):
        problems.append(f"pixel size {src.res[0]} degrees, documented {RESOLUTION}")
    if src.nodata is None:
        problems.append("no nodata value")
    return problems


def _read_window(url: str, bbox, lat_top: int, lon_left: int):
    import numpy as np
    import rasterio
    import xarray as xr
    from rasterio.windows import Window

    west, south, east, north = bbox
    with rasterio.open("/vsicurl/" + url) as src:
        problems = file_problems(src)
        if problems:
            raise _common.ArchiveUnavailable(
                f"{url} does not have the documented layout ({SOURCE.docs}): "
                + "; ".join(problems)
                + ". The archive may have changed: check the "
                "documentation, or update eolab."
            )
        x0, y0 = src.transform.c, src.transform.f
        c0 = max(0, math.floor((west - x0) / RESOLUTION + 1e-6))
        c1 = min(src.width, math.ceil((east - x0) / RESOLUTION - 1e-6))
        r0 = max(0, math.floor((y0 - north) / RESOLUTION + 1e-6))
        r1 = min(src.height, math.ceil((y0 - south) / RESOLUTION - 1e-6))
        data = src.read(1, window=Window(c0, r0, c1 - c0, r1 - r0))
        nodata = src.nodata
    values = np.where(data == nodata, np.nan, data).astype("float32")
    x = np.round(x0 + (np.arange(c0, c1) + 0.5) * RESOLUTION, 9)
    y = np.round(y0 - (np.arange(r0, r1) + 0.5) * RESOLUTION, 9)
    return xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"))


def load(bbox, year: int = 2020, version: str = VERSION, endpoint: str | None = None):
    """Read AGB and its standard deviation over a box from the real tiles (network!).

    Parameters
    ----------
    bbox : tuple of float
        (west, south, east, north) in degrees, e.g. ``regions.total_bounds``.
        Only this window is read from each tile (HTTP range requests).
    year : int
        Map year (v6.0: 2007, 2010, 2015-2022).
    version : str
        Product version, as in the CEDA folder (``"6.0"``).
    endpoint : str, optional
        Folder holding ``v<version>/geotiff/<year>/``; default
        ``$EOLAB_ENDPOINT_BIOMASS_CCI`` or CEDA's.

    Returns
    -------
    xarray.Dataset
        ``agb`` and ``agb_sd`` (y, x), float32, Mg ha-1, NaN where no data, in
        EPSG:4326 (``.rio.crs`` set); ``attrs["source"]`` lists the files read.

    Raises
    ------
    ArchiveUnavailable
        A tile could not be read, or does not have the documented layout.
    """
    import rasterio
    import rioxarray  # noqa: F401  (registers .rio)
    import xarray as xr

    if int(year) not in YEARS:
        raise ValueError(f"year {year} is not in ESA CCI Biomass v6.0; choose one of {YEARS}")
    bbox = tuple(float(v) for v in bbox)
    tiles = tiles_for(bbox)
    layers, urls = {}, []
    with rasterio.Env(**GDAL_OPTIONS):
        for layer in LAYERS:
            parts = []
            for name, top, left in tiles:
                url = tile_url(name, layer, year, version, endpoint)
                urls.append(url)
                with _common.explained(SOURCE, url, f"the {layer} window of tile {name}"):
                    parts.append(_read_window(url, bbox, top, left))
            da = xr.combine_by_coords([p.to_dataset(name=layer) for p in parts])[layer]
            layers[layer] = (
                da.sortby("y", ascending=False)
                .sortby("x")
                .assign_attrs(units=UNITS, long_name=LONG_NAMES[layer])
            )
    ds = xr.Dataset(layers).rio.write_crs(CRS)
    ds.attrs = {
        "title": f"ESA CCI Biomass AGB {year}, v{version}, window {bbox}",
        "source": " ".join(urls),
        "crs": CRS,
    }
    problems = _common.structure_problems(ds, _common.schema("biomass_kenya")["loaded"])
    if problems:
        raise _common.ArchiveUnavailable(
            "the biomass window read does not have the expected layout: " + "; ".join(problems)
        )
    return ds


def live_check() -> dict:
    """A small real window (0.1 degree over Mount Kenya), for ``make check-live``."""
    import time

    start = time.perf_counter()
    out = {
        "endpoint": _common.endpoint(SOURCE),
        "ok": False,
        "bytes": 0,
        "seconds": 0.0,
        "detail": "",
    }
    try:
        ds = load((37.25, -0.2, 37.35, -0.1))
        out.update(
            ok=True,
            bytes=int(ds.nbytes),
            detail=f"window {dict(ds.sizes)}, mean AGB {float(ds.agb.mean()):.0f} Mg/ha",
        )
    except Exception as err:  # noqa: BLE001 - a report, never raised
        out["detail"] = f"{type(err).__name__}: {err}"
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out
