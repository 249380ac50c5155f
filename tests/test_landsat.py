"""The synthetic Landsat archive is realistic where it matters, and its truth can be recovered.

* QA_PIXEL uses the real USGS bit layout, so the per-scene cloud fraction
  decoded with :mod:`eolab.clouds` equals the cloud the generator injected.
* The reservoir area recovered from MNDWI with :mod:`eolab.water` follows
  the injected extent within 3 % whenever the reservoir holds at least
  2 km² of water, and within 3 % of the full reservoir's area (0.2 km²) at
  the drought minimum, where the unresolved shallow margins weigh most.
* The archive is a STAC catalogue of COGs that ``odc.stac.load`` reads back
  exactly, and one seed gives identical bytes.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import clouds, water
from eolab.synthetic import landsat

TOLERANCE = 0.03


@pytest.fixture(scope="module")
def archive() -> list[xr.Dataset]:
    """Every scene of the archive, generated in memory (no files)."""
    land = landsat.landscape(0)
    scenes = []
    for when in landsat.acquisitions()["time"]:
        ds = landsat.scene(when, land=land)
        ds.attrs["crs"] = f"EPSG:{landsat.EPSG}"
        scenes.append(ds.expand_dims(time=[when]))
    return scenes


def reflectance(ds: xr.Dataset) -> xr.Dataset:
    out = ds[["green", "swir16"]].astype("float32") * landsat.SCALE + landsat.OFFSET
    out["qa_pixel"] = ds["qa_pixel"]
    out.attrs["crs"] = ds.attrs["crs"]
    return out


def test_the_archive_has_several_years_of_landsat_8_and_9():
    acq = landsat.acquisitions()
    assert 40 <= len(acq) <= 80
    assert acq["time"].dt.year.nunique() >= 8
    assert set(acq["platform"]) == {"landsat-8", "landsat-9"}
    assert acq["id"].str.match(r"LC0[89]_L2SP_172077_\d{8}_02_T1").all()


def test_one_seed_gives_identical_scenes_and_another_seed_differs():
    a, b = landsat.scene("2018-05-23"), landsat.scene("2018-05-23")
    xr.testing.assert_identical(a, b)
    c = landsat.scene("2018-05-23", seed=1)
    assert not np.array_equal(a["red"], c["red"])


def test_qa_pixel_values_are_those_of_real_collection_2_scenes(archive):
    qa = xr.concat([s["qa_pixel"] for s in archive], "time")
    truth_cloud = xr.concat([s["true_cloud"] for s in archive], "time")
    values = set(np.unique(qa.values).tolist())
    assert {21824, 21952, 22280} <= values  # clear land, clear water, high-confidence cloud
    cloud = truth_cloud.values.astype(bool)
    assert (qa.values[cloud] & (1 << 3)).all() and not (qa.values[~cloud] & (1 << 3)).any()
    clear_land = np.concatenate(
        [(s["true_clear"] & ~s["true_water"]).values.ravel() for s in archive]
    )
    assert set(np.unique(qa.values.ravel()[clear_land]).tolist()) == {21824}


def test_cloud_fraction_from_qa_pixel_equals_the_injected_cloud(archive):
    qa = xr.concat([s["qa_pixel"] for s in archive], "time")
    decoded = clouds.cloud_fraction(qa)
    injected = [s.attrs["cloud_fraction"] for s in archive]
    np.testing.assert_allclose(decoded, injected, atol=1e-12)
    np.testing.assert_allclose(
        clouds.clear_fraction(qa), [s.attrs["clear_fraction"] for s in archive], atol=1e-12
    )
    assert min(injected) < 0.05 and max(injected) > 0.5  # clear and cloudy scenes both occur


def test_clouds_are_seasonal_and_scene_cover_differs_from_the_aoi(archive):
    truth = pd.DataFrame([s.attrs for s in archive])
    month = pd.to_datetime(truth["time"]).dt.month
    wet, dry = truth[month.isin([12, 1, 2])], truth[month.isin([6, 7, 8])]
    assert wet["cloud_fraction"].mean() > 3 * dry["cloud_fraction"].mean()
    # eo:cloud_cover is scene-wide: related to the window's cloud, but not the same.
    aoi_pct = 100 * truth["cloud_fraction"]
    assert np.corrcoef(aoi_pct, truth["eo_cloud_cover"])[0, 1] > 0.5
    assert (abs(aoi_pct - truth["eo_cloud_cover"]) > 10).sum() >= 5


def test_the_injected_reservoir_dries_out_and_refills():
    times = landsat.acquisitions()["time"]
    level = pd.Series(landsat.level_fraction(times), index=times)
    assert level.idxmin().year == 2016 and level.min() < 0.2
    assert level["2017-03-01":"2017-12-31"].max() > 0.9


def test_lake_area_from_mndwi_follows_the_injected_extent(archive):
    full = max(s.attrs["water_area_km2"] for s in archive)
    checked = 0
    for ds in archive:
        if ds.attrs["clear_fraction"] < 1:  # the whole window seen: compare areas directly
            continue
        wet = water.classify_water(reflectance(ds))
        recovered = float(water.water_area_km2(wet)[0])
        truth = ds.attrs["water_area_km2"]
        assert abs(recovered - truth) < TOLERANCE * full, (str(ds.time.values[0]), recovered, truth)
        if truth >= 2:
            assert abs(recovered / truth - 1) < TOLERANCE, (
                str(ds.time.values[0]),
                recovered,
                truth,
            )
        checked += 1
    assert checked >= 10


def test_every_clear_pixel_is_classified_like_the_truth_except_shallow_margins(archive):
    for ds in archive[::6]:
        wet = water.classify_water(reflectance(ds))
        seen = wet.notnull()
        truth = (
            ds["true_water"].expand_dims(time=ds.time)
            if "time" not in ds["true_water"].dims
            else ds["true_water"]
        )
        false_water = int(((wet == 1) & ~truth & seen).sum())
        missed = int(((wet == 0) & truth & seen).sum())
        assert false_water == 0
        assert missed <= TOLERANCE * int(truth.sum()) + 10


def test_unmasked_clouds_and_shadows_would_pass_for_water(archive):
    """Why the QA mask matters: without it, cloud and shadow pixels inflate the area."""
    cloudy = max(
        archive, key=lambda s: s.attrs["cloud_fraction"] if s.attrs["cloud_fraction"] < 0.6 else 0
    )
    refl = reflectance(cloudy)
    unmasked = water.classify_water(refl, exclude=())
    masked = water.classify_water(refl)
    assert float(water.water_area_km2(unmasked)[0]) > 1.5 * float(water.water_area_km2(masked)[0])


@pytest.fixture(scope="module")
def small_catalogue(tmp_path_factory):
    folder = tmp_path_factory.mktemp("landsat") / "archive"
    return landsat.build_catalogue(folder=folder, start="2017-01-01", end="2017-12-31")


def test_the_stac_catalogue_searches_like_a_stac_api(small_catalogue):
    cat = landsat.LocalCatalogue(small_catalogue)
    everything = cat.search(collections=["landsat-c2-l2"]).item_collection()
    assert len(everything) == len(landsat.acquisitions("2017-01-01", "2017-12-31"))
    clear = cat.search(query={"eo:cloud_cover": {"lt": 20}}).item_collection()
    assert 0 < len(clear) < len(everything)
    assert all(i.properties["eo:cloud_cover"] < 20 for i in clear)
    winter = list(cat.search(datetime="2017-06-01/2017-08-31").items())
    assert winter and all(6 <= i.datetime.month <= 8 for i in winter)
    item = everything[0]
    assert set(landsat.BANDS) <= set(item.assets)
    assert item.assets["red"].extra_fields["raster:bands"][0]["scale"] == landsat.SCALE
    assert (
        item.properties["landsat:wrs_path"] == "172"
        and item.properties["proj:code"] == "EPSG:32635"
    )
    with pytest.raises(ValueError, match="operator"):
        cat.search(query={"eo:cloud_cover": {"less": 20}})
    assert len(list(cat.search(datetime="2030").items())) == 0


def test_odc_stac_reads_back_exactly_what_was_generated(small_catalogue):
    import odc.stac

    items = landsat.LocalCatalogue(small_catalogue).search().item_collection()
    ds = odc.stac.load(items, bands=["red", "qa_pixel"], groupby="solar_day", chunks={})
    assert ds["red"].chunks is not None  # lazy, with dask
    first = landsat.scene(items[0].datetime.replace(tzinfo=None))
    np.testing.assert_array_equal(ds["red"].isel(time=0), first["red"])
    np.testing.assert_array_equal(ds["qa_pixel"].isel(time=0), first["qa_pixel"])
    assert ds.odc.crs.epsg == landsat.EPSG and ds.odc.geobox.resolution.x == landsat.PIXEL_M
    truth = xr.open_dataset(small_catalogue.parent / "truth.nc")
    np.testing.assert_allclose(
        truth["cloud_fraction"], clouds.cloud_fraction(ds["qa_pixel"]).compute()
    )


def test_one_seed_gives_identical_files(tmp_path):
    digests = []
    for name in ("a", "b"):
        root = landsat.build_catalogue(folder=tmp_path / name, start="2016-08-01", end="2016-08-31")
        files = sorted(p for p in root.parent.rglob("*") if p.suffix in (".tif", ".json"))
        digests.append(
            [
                (p.relative_to(root.parent).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
                for p in files
            ]
        )
    assert digests[0] == digests[1] and len(digests[0]) > 8


def test_an_empty_date_range_is_an_error():
    with pytest.raises(ValueError, match="no synthetic Landsat scenes"):
        landsat.acquisitions("2030-01-01", "2030-12-31")
    with pytest.raises(ValueError, match="empty time range"):
        landsat.acquisitions("2018-01-01", "2017-01-01")
