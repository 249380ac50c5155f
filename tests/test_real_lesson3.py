"""Lesson 3's real-archive cells, run unchanged against a real STAC API and a range-serving
bucket on 127.0.0.1, with test scenes shaped like Digital Earth Africa's Landsat C2 L2.

The STAC API is a real server (``rustac serve``, tests/stac_server.py) answering
pystac-client's item search; the COGs are served by tests/range_server.py, which honours
``Range`` and counts the bytes it sends, so the test checks that odc-stac read only the
window over the reservoir.  The fixture's truth (tests/archive_fixtures/
landsat_gaborone.py): per scene, the cloud over the reservoir box (0, 100 or ~50 %) and
the area of a lake of known size.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest
from range_server import RangeServer
from real_cells import run_real_cells
from stac_server import StacServer

from eolab.archives import _common, landsat_stac

HERE = Path(__file__).parent
LESSON = "lesson3-data-cube.md"


def _fixture():
    spec = importlib.util.spec_from_file_location(
        "archive_fixture_landsat", HERE / "archive_fixtures" / "landsat_gaborone.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FIX = _fixture()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deafrica")
    built = FIX.write_archive(folder)
    with (
        RangeServer(folder) as bucket,
        StacServer(built["collections"], built["items"], folder / "stac-api") as api,
    ):
        yield {
            "bucket": bucket,
            "api": api,
            "built": built,
            "folder": folder,
            "env": {
                "EOLAB_ENDPOINT_LANDSAT_STAC": api.url,
                "EOLAB_ENDPOINT_LANDSAT_COGS": bucket.url(FIX.BUCKET_FOLDER),
            },
        }


@pytest.fixture(scope="module")
def ran(archive, tmp_path_factory):
    """The lesson's real-archive cells, run once against the loopback servers."""
    archive["bucket"].reset()
    ns = run_real_cells(LESSON, env=archive["env"], workdir=tmp_path_factory.mktemp("run"))
    return ns, archive["bucket"].served()


def test_the_search_finds_the_scenes_of_the_dates_below_the_cloud_limit(ran):
    ns, _ = ran
    truth = FIX.truth()
    found = [str(t.date()) for t in ns["table"]["time"]]
    assert found == sorted(truth), "the search must keep 2016-06..2017-06, ls8_sr, cloud < 60 %"
    assert all(i.collection_id == "ls8_sr" for i in ns["items"])
    assert list(ns["table"]["eo:cloud_cover"]) == [truth[d]["eo:cloud_cover"] for d in found]


def test_cloud_statistics_over_the_reservoir_match_the_injected_clouds(ran):
    ns, _ = ran
    stats = ns["stats"]
    for date, want in FIX.truth().items():
        row = stats.loc[date].iloc[0] if stats.loc[date].ndim == 2 else stats.loc[date]
        tol = 3.0 if 0 < want["cloud_pct"] < 100 else 0.01  # the box is not a UTM rectangle
        assert row["cloud_pct"] == pytest.approx(want["cloud_pct"], abs=tol), date
        assert row["clear_pct"] == pytest.approx(100 - want["cloud_pct"], abs=tol), date
        assert row["scene_cloud_pct"] == want["eo:cloud_cover"]


def test_lake_areas_of_the_clear_scenes_match_the_injected_lake(ran):
    ns, _ = ran
    lake = ns["lake"].to_series()
    clear = {d: t["lake_km2"] for d, t in FIX.truth().items() if t["lake_km2"] is not None}
    assert [str(t.date()) for t in lake.index] == sorted(clear), (
        "only the scenes that see the whole reservoir give a lake area"
    )
    for t, km2 in lake.items():
        # one row or column of 30 m pixels may shift between the USGS grid and the load grid
        assert km2 == pytest.approx(clear[str(t.date())], rel=0.06), str(t.date())
    assert lake.is_monotonic_increasing, "the fixture's lake fills up, 2016 -> 2017"


def test_the_cube_is_the_lessons_cube(ran):
    cube = ran[0]["cube"]
    assert set(cube.data_vars) == {"green", "swir16", "qa_pixel"}
    assert cube.odc.geobox.crs.epsg == 32635 and cube.odc.geobox.resolution.x == 30
    assert str(cube["qa_pixel"].dtype) == "uint16" and str(cube["green"].dtype) == "uint16"


def test_only_the_window_of_the_three_bands_was_read(ran, archive):
    _, served = ran
    sizes = {rel: path.stat().st_size for rel, path in archive["built"]["cogs"].items()}
    read = {rel: n for rel, n in served.items() if n}
    assert read, "the cells read nothing from the bucket"
    assert {rel.rsplit("_", 1)[1] for rel in read} == {"B3.TIF", "B6.TIF", "PIXEL.TIF"}
    total_read, total_size = sum(read.values()), sum(sizes[r] for r in read)
    assert total_read < 0.3 * total_size, f"read {total_read} of {total_size} bytes: not partial"
    for rel, n in read.items():
        if "_SR_" in rel:
            assert n < 0.25 * sizes[rel], f"{rel}: {n} of {sizes[rel]} bytes"


def test_a_stac_api_that_is_down_is_named_in_the_error(archive, tmp_path):
    built = archive["built"]
    api = StacServer(built["collections"], built["items"][:1], tmp_path).start()
    url = api.url
    api.stop()
    with pytest.raises(_common.ArchiveUnavailable, match=url.replace(".", r"\.")):
        landsat_stac.search(endpoint=url, **FIX.SEARCH)


def test_a_bucket_that_is_down_is_named_in_the_error(archive, tmp_path, monkeypatch):
    monkeypatch.setenv("EOLAB_ENDPOINT_LANDSAT_STAC", archive["api"].url)
    down = RangeServer(tmp_path).start()
    url = down.url("deafrica-landsat")
    down.stop()
    monkeypatch.setenv("EOLAB_ENDPOINT_LANDSAT_COGS", url)
    items = landsat_stac.search(**FIX.SEARCH)
    with pytest.raises(_common.ArchiveUnavailable, match="127.0.0.1"):
        landsat_stac.load(items[:1], bands=["qa_pixel"])


def test_an_item_whose_asset_was_renamed_fails_with_the_documented_layout(archive, tmp_path):
    built = archive["built"]
    drifted = copy.deepcopy(built["items"])
    for it in drifted:
        it["assets"]["pixel_qa"] = it["assets"].pop("QA_PIXEL")
    with (
        StacServer(built["collections"], drifted, tmp_path) as api,
        pytest.raises(_common.ArchiveUnavailable, match="missing asset 'QA_PIXEL'"),
    ):
        landsat_stac.search(endpoint=api.url, **FIX.SEARCH)


def test_s3_hrefs_become_https_addresses_of_the_public_bucket(monkeypatch):
    monkeypatch.delenv("EOLAB_ENDPOINT_LANDSAT_COGS", raising=False)
    item = FIX.item("2017-05-16", "ls8_sr", 4.0)
    landsat_stac.https_assets(item)
    href = item["assets"]["SR_B3"]["href"]
    assert href.startswith("https://deafrica-landsat.s3.af-south-1.amazonaws.com/collection02/")
    assert href.endswith("_SR_B3.TIF")
