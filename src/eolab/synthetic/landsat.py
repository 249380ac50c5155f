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

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`build` writes the archive once and returns its ``catalog.json``
(``build_catalogue`` is its old name), :func:`load` loads it as a data cube
with :func:`odc.stac.load` (old name ``load_landsat``; :func:`open_catalogue`
opens it for searching), :func:`ground_truth` returns the truth, and
:data:`INFO` is the catalogue entry.  The scene model is in
:mod:`eolab.synthetic.landsat_scene`; the STAC search is
:class:`eolab.stac_local.LocalCatalogue`.

>>> from eolab.synthetic import landsat
>>> catalogue = landsat.open_catalogue()          # doctest: +SKIP
>>> items = catalogue.search(datetime="2017", query={"eo:cloud_cover": {"lt":
20}}).item_collection()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder, synthetic_note
from eolab.dataset_info import DatasetInfo
from eolab.stac_local import LocalCatalogue
from eolab.synthetic.landsat_scene import (  # noqa: F401  (part of this module's face)
    _BAND_INFO,
    BANDS,
    END,
    EPSG,
    GENERATOR,
    NODATA,
    OFFSET,
    PIXEL_AREA_KM2,
    PIXEL_M,
    PLACE,
    QA_FILL,
    REAL_PRODUCT,
    REFLECTANCE_BANDS,
    SCALE,
    SHAPE,
    START,
    TITLE,
    TRANSFORM,
    VERSION,
    WRS_PATH,
    WRS_ROW,
    X0,
    Y0,
    acquisitions,
    landscape,
    level_fraction,
    scene,
)


# ================================================================ STAC catalogue on disk
def _write_cog(path: Path, array: np.ndarray, nodata: int) -> None:
    import rasterio
    from rasterio.transform import Affine

    profile = dict(
        driver="COG",
        width=array.shape[1],
        height=array.shape[0],
        count=1,
        dtype=array.dtype.name,
        crs=f"EPSG:{EPSG}",
        transform=Affine(*TRANSFORM),
        nodata=nodata,
        compress="deflate",
        predictor=2,
        blocksize=256,
        overview_resampling="nearest",
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)


def _lonlat_footprint():
    from pyproj import Transformer

    to_ll = Transformer.from_crs(EPSG, 4326, always_xy=True)
    x1, y1 = X0 + PIXEL_M * SHAPE[1], Y0 - PIXEL_M * SHAPE[0]
    ring = [(X0, Y0), (x1, Y0), (x1, y1), (X0, y1), (X0, Y0)]
    ll = [tuple(round(v, 6) for v in to_ll.transform(x, y)) for x, y in ring]
    lons, lats = zip(*ll, strict=True)
    return {"type": "Polygon", "coordinates": [ll]}, [min(lons), min(lats), max(lons), max(lats)]


def _item(ds: xr.Dataset, acq: pd.Series, folder: Path):
    import pystac

    geometry, bbox = _lonlat_footprint()
    when = acq["time"].to_pydatetime().replace(tzinfo=_dt.UTC)
    item = pystac.Item(
        id=acq["id"],
        geometry=geometry,
        bbox=bbox,
        datetime=when,
        properties={
            "platform": acq["platform"],
            "instruments": ["oli", "tirs"],
            "eo:cloud_cover": ds.attrs["eo_cloud_cover"],
            "view:off_nadir": 0,
            "view:sun_azimuth": ds.attrs["sun_azimuth"],
            "view:sun_elevation": ds.attrs["sun_elevation"],
            "landsat:wrs_path": f"{WRS_PATH:03d}",
            "landsat:wrs_row": f"{WRS_ROW:03d}",
            "landsat:collection_category": "T1",
            "landsat:collection_number": "02",
            "landsat:correction": "L2SP",
            "proj:code": f"EPSG:{EPSG}",
            "proj:shape": list(SHAPE),
            "proj:transform": list(TRANSFORM),
            "eolab:synthetic": True,
            "eolab:generator": GENERATOR,
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
            raster = {
                "data_type": "uint16",
                "nodata": NODATA,
                "scale": SCALE,
                "offset": OFFSET,
                "unit": "1",
                "spatial_resolution": PIXEL_M,
            }
            extra = {
                "raster:bands": [raster],
                "eo:bands": [
                    {
                        "name": f"OLI_B{number}",
                        "common_name": common,
                        "center_wavelength": centre,
                        "full_width_half_max": width,
                    }
                ],
            }
            title = f"Surface reflectance, OLI band {number} ({common}), SYNTHETIC"
        item.add_asset(
            band,
            pystac.Asset(
                href=href.name,
                media_type="image/tiff; application=geotiff; profile=cloud-optimized",
                roles=["data"]
                if band != "qa_pixel"
                else ["cloud", "cloud-shadow", "snow-ice", "water-mask"],
                title=title,
                extra_fields=extra,
            ),
        )
    return item


def _folder(seed: int) -> Path:
    return cache_dir("landsat") / f"gaborone-v{VERSION}-seed{seed}"


def build(
    seed: int = 0, folder: str | os.PathLike | None = None, start: str = START, end: str = END
) -> Path:
    """Generate the scenes, write them as COGs with a STAC catalogue, return ``catalog.json``.

    Reuses a complete catalogue already in ``folder``.  Written to a
    temporary folder first and renamed, so a half-written catalogue is never
    used (several builds may run at once).

    Parameters
    ----------
    seed : int
        Random seed; one seed gives identical bytes.
    folder : path, optional
        Where to write; default ``eolab.cache.cache_dir("landsat")/gaborone-v3-seed<seed>``.
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
            id="eolab-synthetic-landsat",
            title="SYNTHETIC Landsat archive (EO Notebooks)",
            description=f"{TITLE}. Made by {GENERATOR} (seed {seed}); not real measurements. "
            f"Imitates {REAL_PRODUCT}.",
        )
        extent = pystac.Extent(
            pystac.SpatialExtent([_lonlat_footprint()[1]]),
            pystac.TemporalExtent(
                [
                    [
                        schedule["time"].iloc[0].to_pydatetime().replace(tzinfo=_dt.UTC),
                        schedule["time"].iloc[-1].to_pydatetime().replace(tzinfo=_dt.UTC),
                    ]
                ]
            ),
        )
        collection = pystac.Collection(
            id="landsat-c2-l2",
            title="SYNTHETIC Landsat Collection 2 Level-2",
            description=f"{TITLE}. Asset names, scaling and QA_PIXEL bits as in the Planetary "
            "Computer "
            "collection 'landsat-c2-l2'.",
            extent=extent,
            license="CC-BY-4.0",
        )
        catalog.add_child(collection)
        truth = []
        for _, acq in schedule.iterrows():
            ds = scene(acq["time"], seed=seed, land=land)
            scene_dir = tmp / "landsat-c2-l2" / acq["id"]
            scene_dir.mkdir(parents=True)
            collection.add_item(_item(ds, acq, scene_dir))
            truth.append(
                ds[["true_water", "true_cloud", "true_clear"]]
                .assign_coords(time=acq["time"])
                .expand_dims("time")
                .assign(
                    lake_area_km2=("time", [ds.attrs["lake_area_km2"]]),
                    water_area_km2=("time", [ds.attrs["water_area_km2"]]),
                    cloud_fraction=("time", [ds.attrs["cloud_fraction"]]),
                    clear_fraction=("time", [ds.attrs["clear_fraction"]]),
                    eo_cloud_cover=("time", [ds.attrs["eo_cloud_cover"]]),
                    level_fraction=("time", [ds.attrs["level_fraction"]]),
                    id=("time", [acq["id"]]),
                )
            )
        catalog.normalize_hrefs(str(tmp) + os.sep)
        catalog.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
        _truth_dataset(xr.concat(truth, "time"), seed).to_netcdf(
            tmp / "truth.nc",
            engine="netcdf4",
            encoding={v: {"zlib": True} for v in ("true_water", "true_cloud", "true_clear")},
        )

    # Reuses a complete catalogue; never deletes a folder eolab did not make
    # (eolab.datasets.ensure_folder).
    return (
        ensure_folder(folder, synthetic_note(TITLE, GENERATOR, seed, VERSION), write)
        / "catalog.json"
    )


build_catalogue = build
"""Old name of :func:`build`."""


def _truth_dataset(ds: xr.Dataset, seed: int) -> xr.Dataset:
    for name in ("true_water", "true_cloud", "true_clear"):
        ds[name] = ds[name].astype("int8")
    ds["lake_area_km2"].attrs.update(units="km2", long_name="true reservoir area")
    ds["water_area_km2"].attrs.update(
        units="km2", long_name="true open-water area (reservoir and rivers)"
    )
    ds["cloud_fraction"].attrs.update(
        units="1", long_name="fraction of the window under cloud (QA bit 3)"
    )
    ds["clear_fraction"].attrs.update(
        units="1",
        long_name="fraction of the window free of cloud, dilated cloud, cirrus and cloud shadow",
    )
    ds["eo_cloud_cover"].attrs.update(
        units="%", long_name="scene-wide cloud cover (STAC eo:cloud_cover)"
    )
    ds["level_fraction"].attrs.update(
        units="1", long_name="reservoir level as a fraction of full depth"
    )
    ds.attrs.update(
        title="SYNTHETIC Landsat scenes: injected ground truth",
        eolab_kind="synthetic",
        source=f"{GENERATOR} (seed {seed})",
        crs=f"EPSG:{EPSG}",
        comment=f"Truth injected into {TITLE}.",
    )
    return ds


def open_catalogue(seed: int = 0) -> LocalCatalogue:
    """Open the synthetic Landsat archive as a searchable STAC catalogue (made on first use)."""
    return LocalCatalogue(build(seed))


def ground_truth(seed: int = 0) -> xr.Dataset:
    """The truth injected into the archive: per-scene areas and fractions, and true masks.

    Returns
    -------
    xarray.Dataset
        On ``time``: ``lake_area_km2``, ``water_area_km2``, ``cloud_fraction``,
        ``clear_fraction``, ``eo_cloud_cover`` (%), ``level_fraction``, ``id``;
        on (time, y, x): ``true_water``, ``true_cloud``, ``true_clear`` (0/1).
    """
    path = build(seed).parent / "truth.nc"
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()


def load(
    bands=("green", "swir16", "qa_pixel"),
    seed: int = 0,
    chunks=None,
    groupby: str = "solar_day",
    **search,
) -> xr.Dataset:
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
        raise ValueError(
            f"the search {search} matched no scenes: the archive covers {START} to {END}"
        )
    ds = odc.stac.load(items, bands=list(bands), groupby=groupby, chunks=chunks)
    for band in ds.data_vars:
        ds[band].attrs.setdefault("units", "1")
        if band == "qa_pixel":
            ds[band].attrs.setdefault(
                "long_name", "Pixel quality assessment bits (QA_PIXEL, SYNTHETIC)"
            )
        else:
            number, common = _BAND_INFO[band][:2]
            ds[band].attrs.setdefault(
                "long_name",
                f"Surface reflectance DN, OLI band {number} ({common}), "
                f"SYNTHETIC; reflectance = DN x {SCALE} + {OFFSET}",
            )
    ds.attrs.update(
        title=TITLE,
        eolab_kind="synthetic",
        source=f"{GENERATOR} (seed {seed})",
        comment=f"SYNTHETIC scenes imitating {REAL_PRODUCT}; DN = (reflectance - {OFFSET}) / "
        f"{SCALE}",
    )
    return ds


load_landsat = load
"""Old name of :func:`load`."""


INFO = DatasetInfo(
    name="landsat_gaborone",
    title=TITLE,
    kind="synthetic",
    description=(
        "Landsat 8/9 OLI surface reflectance (bands coastal, blue, green, red, nir08, swir16, "
        "swir22; uint16 DN, reflectance = DN x 0.0000275 - 0.2) and QA_PIXEL (USGS bit layout), "
        f"{len(acquisitions())} scenes 2014-2022 of WRS-2 path 172 row 077, a 300 x 360 window "
        "of 30 m pixels in EPSG:32635 around Gaborone Dam, Botswana; one COG per band with a "
        "STAC catalogue. Injected: reservoir drought (2014-2016) and refill (2017), ephemeral "
        "rivers, seasonal clouds with shadows and cirrus. Truth: "
        "eolab.synthetic.landsat.ground_truth()."
    ),
    real_product=REAL_PRODUCT
    + "; real scenes: https://planetarycomputer.microsoft.com/dataset/landsat-c2-l2, "
    "https://www.digitalearthafrica.org, https://earthexplorer.usgs.gov",
    provenance=f"{GENERATOR}.build (deterministic from the seed, cached under "
    "eolab.datasets.cache_dir('landsat'); nothing downloaded)",
    licence="CC BY 4.0 (EO Notebooks, synthetic)",
    loader=load,
    lessons=("lesson3-data-cube",),
    url="https://planetarycomputer.microsoft.com/dataset/landsat-c2-l2",
    version=VERSION,
    seed=0,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
