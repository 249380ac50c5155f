"""The SYNTHETIC Sentinel-2-like tiles: real band conventions, plausible NDVI, and a drought to see.

Specifications of ``eolab.synthetic.reflectance``: two overlapping tiles
stored like Level-2A digital numbers (``uint16``, reflectance = DN × 0.0001
− 0.1, nodata 0) that decode to reflectance; identical pixels where they
overlap; NDVI (``eolab.indices.ndvi``) of green vegetation 0.5-0.85 and of
water below zero; and the 2018 drought visible as lower NDVI on grassland.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
import zarr

from eolab import datasets, indices
from eolab.synthetic import reflectance


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return reflectance.build_store(folder=tmp_path_factory.mktemp("refl") / "tiles")


@pytest.fixture(scope="module")
def tiles(folder):
    return {t: xr.open_zarr(folder / f"tile_{t}.zarr").compute() for t in reflectance.TILES}


@pytest.fixture(scope="module")
def truth():
    return reflectance.ground_truth()


def test_stored_as_level2a_digital_numbers_and_read_as_reflectance(folder, tiles):
    raw = zarr.open_group(str(folder / "tile_33UUU.zarr"), mode="r")["B04"]
    assert (
        raw.dtype == np.uint16
        and raw.attrs["scale_factor"] == 0.0001
        and raw.attrs["add_offset"] == -0.1
    )
    for tile in tiles.values():
        for band in reflectance.BANDS:
            values = tile[band].values
            assert np.nanmin(values) > 0 and np.nanmax(values) < 0.6, band
        assert tile.attrs["crs"] == "EPSG:32633" and "SYNTHETIC" in tile.attrs["title"]


def test_the_tiles_overlap_with_identical_pixels_and_one_has_a_no_data_wedge(tiles):
    west, east = tiles["33UUU"], tiles["33UVU"]
    shared = np.intersect1d(west["x"], east["x"])
    assert len(shared) == reflectance.OVERLAP
    a, b = west["B08"].sel(x=shared), east["B08"].sel(x=shared)
    both = ~np.isnan(b.values)
    np.testing.assert_array_equal(a.values[both], b.values[both])
    assert 0 < int(east["B08"].isel(time=0).isnull().sum()) and int(west["B08"].isnull().sum()) == 0
    assert not bool(east["B08"].isel(x=slice(reflectance.OVERLAP, None)).isnull().any())


def test_ndvi_of_vegetation_water_and_town_is_plausible(tiles, truth):
    west = tiles["33UUU"]
    cover = truth["land_cover"].sel(x=west["x"])
    ndvi = indices.ndvi(west["B04"], west["B08"]).sel(time="2017-06-25").squeeze()
    median = {
        name: float(ndvi.where(cover == code).median())
        for code, name in reflectance.CLASSES.items()
        if bool((cover == code).any())
    }
    assert 0.65 < median["forest"] < 0.85 and 0.5 < median["grassland"] < 0.85
    assert 0.05 < median["town"] < 0.25
    east = tiles["33UVU"]
    lake = indices.ndvi(east["B04"], east["B08"]).where(truth["land_cover"].sel(x=east["x"]) == 0)
    assert float(lake.median()) < -0.2 and float(lake.quantile(0.99)) < 0.1


def test_the_2018_drought_lowers_grassland_ndvi(tiles, truth):
    both = xr.concat(
        [
            tiles["33UUU"],
            tiles["33UVU"].drop_sel(x=tiles["33UUU"]["x"].values[-reflectance.OVERLAP :]),
        ],
        dim="x",
    )
    grass = truth["land_cover"] == 5
    ndvi = indices.ndvi(both["B04"], both["B08"]).where(grass).median(["y", "x"])
    normal, drought = float(ndvi.sel(time="2017-08-04")), float(ndvi.sel(time="2018-08-09"))
    assert drought < normal - 0.2, (normal, drought)


def test_the_catalogue_lists_the_tiles_as_synthetic():
    entry = datasets.info("sentinel2_tiles")
    assert entry.kind == "synthetic" and "Sentinel-2" in entry.real_product
    with pytest.raises(ValueError, match="tile must be one of"):
        reflectance.load_tile("31UFT")
