"""Lesson 2b's real-archive cells, run unchanged against an HTTP range server on 127.0.0.1
holding test tiles shaped like ESA CCI Biomass v6.0 on CEDA.

The tiles (tests/archive_fixtures/biomass_kenya.py) are full-size 10 x 10 degree GeoTIFFs
(11250 x 11250 pixels, int16, nodata -32768) with a KNOWN constant biomass inside each
forest outline, so the area-weighted mean per region is known exactly.  The server
(tests/range_server.py) counts the bytes it sends: the windowed read must fetch only a
small fraction of each tile.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from range_server import RangeServer
from real_cells import run_real_cells

from eolab.archives import _common, biomass_cci

HERE = Path(__file__).parent
LESSON = "lesson2-biomass-shapefiles.md"


def _fixture():
    spec = importlib.util.spec_from_file_location(
        "archive_fixture_biomass", HERE / "archive_fixtures" / "biomass_kenya.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FIX = _fixture()


@pytest.fixture(scope="module")
def ceda(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ceda")
    files = FIX.write_tiles(folder)
    with RangeServer(folder) as server:
        yield {
            "server": server,
            "files": files,
            "env": {"EOLAB_ENDPOINT_BIOMASS_CCI": server.url()},
        }


@pytest.fixture(scope="module")
def ran(ceda, tmp_path_factory):
    ceda["server"].reset()
    ns = run_real_cells(LESSON, env=ceda["env"], workdir=tmp_path_factory.mktemp("run"))
    return ns, ceda["server"].served()


def test_mean_biomass_per_forest_is_the_injected_value(ran):
    stats = ran[0]["stats"]
    for name, agb in FIX.truth().items():
        assert float(stats["mean"].sel(region=name)) == pytest.approx(agb, abs=1e-6), name


def test_nodata_is_left_out_of_the_area(ran):
    ns, _ = ran
    agb, stats = ns["agb"], ns["stats"]
    assert agb.dtype == np.float32 and agb.attrs["units"] == "Mg ha-1"
    assert int(agb.isnull().sum()) > 0, "the fixture's nodata patch must come back as NaN"
    mau = "Mau Forest (SYNTHETIC outline)"
    # the outline's area minus the ~0.1 x 0.1 degree lake (~123 km2) inside it
    poly = ns["forests"].set_index("NAME").to_crs("EPSG:6933").area[mau] / 1e6
    assert float(stats["area_km2"].sel(region=mau)) == pytest.approx(poly - 123.6, rel=0.02)


def test_the_window_spans_two_tiles_and_reads_a_small_fraction_of_them(ran, ceda):
    ns, served = ran
    agb = ns["agb"]
    assert float(agb.y.max()) > 0 > float(agb.y.min()), "the window crosses the equator"
    assert np.allclose(np.diff(agb.y), -biomass_cci.RESOLUTION)
    read = {rel: n for rel, n in served.items() if n}
    assert set(read) == set(ceda["files"]), "both tiles, both layers"
    for rel, n in read.items():
        size = ceda["files"][rel].stat().st_size
        assert n < 0.2 * size, f"{rel}: read {n} of {size} bytes, not a window"


def test_tiles_of_a_box_are_named_by_their_north_west_corner():
    assert [t[0] for t in biomass_cci.tiles_for((35.4, -0.9, 37.6, 0.2))] == ["N10E030", "N00E030"]
    assert [t[0] for t in biomass_cci.tiles_for((39.5, -4.0, 41.0, -2.0))] == ["N00E030", "N00E040"]
    url = biomass_cci.tile_url("N00E030", "agb_sd", 2020, endpoint="https://x/maps")
    assert url == (
        "https://x/maps/v6.0/geotiff/2020/"
        "N00E030_ESACCI-BIOMASS-L4-AGB_SD-MERGED-100m-2020-fv6.0.tif"
    )


def test_a_server_that_is_down_is_named_in_the_error(tmp_path):
    down = RangeServer(tmp_path).start()
    url = down.url()
    down.stop()
    with pytest.raises(_common.ArchiveUnavailable, match=url.replace(".", r"\.")):
        biomass_cci.load((37.2, -0.3, 37.4, -0.1), endpoint=url)


def test_a_tile_in_another_crs_fails_with_the_documented_layout(tmp_path):
    FIX.write_drifted(tmp_path)
    with (
        RangeServer(tmp_path) as server,
        pytest.raises(_common.ArchiveUnavailable, match="documented EPSG:4326"),
    ):
        biomass_cci.load((37.2, -0.3, 37.4, -0.1), endpoint=server.url())


def test_a_year_outside_the_product_is_refused():
    with pytest.raises(ValueError, match="2007"):
        biomass_cci.load((37.2, -0.3, 37.4, -0.1), year=2012)


def test_the_range_server_speaks_http_byte_ranges(tmp_path):
    """What GDAL's /vsicurl/ relies on: 206 + Content-Range, Accept-Ranges, 416 past the end."""
    import urllib.error
    import urllib.request

    (tmp_path / "f.bin").write_bytes(bytes(range(256)) * 4)  # 1024 bytes
    with RangeServer(tmp_path) as server:
        req = urllib.request.Request(server.url("f.bin"), headers={"Range": "bytes=10-19"})
        with urllib.request.urlopen(req) as r:
            assert r.status == 206 and r.headers["Content-Range"] == "bytes 10-19/1024"
            assert r.headers["Accept-Ranges"] == "bytes" and r.read() == bytes(range(10, 20))
        req = urllib.request.Request(server.url("f.bin"), headers={"Range": "bytes=-4"})
        with urllib.request.urlopen(req) as r:
            assert r.headers["Content-Range"] == "bytes 1020-1023/1024" and len(r.read()) == 4
        req = urllib.request.Request(server.url("f.bin"), headers={"Range": "bytes=2000-"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req)
        assert err.value.code == 416
        with urllib.request.urlopen(server.url("f.bin")) as r:
            assert r.status == 200 and len(r.read()) == 1024
        assert server.bytes_served("f.bin") == 10 + 4 + 1024
