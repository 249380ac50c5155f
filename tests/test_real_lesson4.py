"""Lesson 4 on the real archive: ESA CCI Soil Moisture through OPeNDAP, tested on 127.0.0.1.

Specification: the lesson's real-archive cells, unchanged, pointed at pydap's OPeNDAP
server on this machine (``$EOLAB_ENDPOINT_CCI_SM``) serving ten years of daily files
shaped like the real product (tests/archive_fixtures/soil_moisture_cci.py), find the
injected 2018 drought with the lesson's own anomaly analysis; only the lesson's box
crosses the wire; a server that does not answer, or a file whose layout drifted, gives
a message that says so and names the endpoint.
"""

from __future__ import annotations

import dap_server
import numpy as np
import pytest
import real_cells
import xarray as xr
from archive_fixtures import soil_moisture_cci as fixture

from eolab import archives
from eolab.archives import _common, soil_moisture_cci

LESSON = "lesson4-pixel-access.md"
ENV = soil_moisture_cci.SOURCE.env_var
N_DAYS = 3653


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Ten years of daily fixture files, 2012-2021, in the archive's YYYY/ layout."""
    return fixture.write_archive(tmp_path_factory.mktemp("cci_sm_archive"))


@pytest.fixture(scope="module")
def lesson_run(archive, tmp_path_factory):
    """The lesson's real-archive cells, run unchanged against the loopback OPeNDAP server."""
    with dap_server.serve(archive) as server:
        namespace = real_cells.run_real_cells(
            LESSON, env={ENV: server.url}, workdir=tmp_path_factory.mktemp("lesson4_run")
        )
    return namespace, server


@pytest.mark.slow
def test_the_lessons_anomaly_map_finds_the_injected_drought(lesson_run):
    ns, _ = lesson_run
    found = ns["found"]
    truth = fixture.drought_region(found["lat"], found["lon"])
    overlap = float((found & truth).sum() / (found | truth).sum())
    assert overlap > 0.8, f"drought found with intersection/union {overlap:.0%}, expected > 80%"
    # 2018 is inside its own 2012-2021 baseline: the anomaly is the injected depth less a tenth.
    inside = float(ns["drought_map"].where(truth).mean())
    assert inside == pytest.approx(-0.9 * fixture.DROUGHT_DEPTH, abs=0.01)
    outside = float(ns["drought_map"].where(~truth).mean())
    assert abs(outside) < 0.02, "outside the drought the 2018 season should be near normal"


@pytest.mark.slow
def test_the_real_cells_read_the_lessons_box_and_period_with_units(lesson_run):
    sm = lesson_run[0]["sm_real"]
    assert sm.sizes == {"time": N_DAYS, "lat": 40, "lon": 40}
    assert str(sm["time"].values[0])[:10] == "2012-01-01"
    assert float(sm["lat"].max()) == 56.875 and float(sm["lat"].min()) == 47.125
    assert float(sm["lon"].min()) == 5.125 and float(sm["lon"].max()) == 14.875
    assert sm["sm"].attrs["units"] == "m3 m-3"
    assert float(sm["sm"].min()) >= 0 and float(sm["sm"].max()) <= 1, "fill values left as data"
    forest = (sm["flag"] == 2).all("time")
    assert int(forest.sum()) > 0 and bool(sm["sm"].where(forest).isnull().all()), (
        "cells flagged dense vegetation must be missing, never zero"
    )


@pytest.mark.slow
def test_only_the_lessons_cells_cross_the_wire(lesson_run, archive):
    ns, server = lesson_run
    files = dap_server.folder_bytes(archive)
    data = [p for p in server.paths if ".dods?sm" in p]
    assert len(data) == N_DAYS, "one constrained data request per day"
    assert all("sm[0:1:0][" in p and "flag[0:1:0][" in p for p in data)
    assert server.requests == N_DAYS + 3, (
        "beyond the data, only the first file's DDS, DAS and coordinates"
    )
    # The served bytes are a fraction of the window files; on the real global files
    # the same requests are a far smaller fraction (next test).
    assert server.bytes_sent < 0.5 * files, (server.bytes_sent, files)
    assert ns["sm_real"].attrs["eolab_bytes"] == server.bytes_sent
    # sm (float32) and flag for 40 x 40 cells, with their maps and the DDS: ~12 kB a day
    # from pydap (a byte travels as Int16 in DAP2); THREDDS sends bytes as Byte: ~9 kB.
    per_day = server.bytes_sent / N_DAYS
    assert 8_000 < per_day < 14_000, f"{per_day:.0f} bytes a day"


def test_on_the_global_grid_only_the_lessons_box_is_sent(tmp_path):
    path = fixture.write_day(tmp_path, "2018-07-15")
    with dap_server.serve(tmp_path) as server:
        ds = soil_moisture_cci.load(time=("2018-07-15", "2018-07-15"), endpoint=server.url)
    assert ds.sizes == {"time": 1, "lat": 40, "lon": 40}
    on_disk = xr.open_dataset(path).sel(lat=ds["lat"], lon=ds["lon"], method="nearest")
    np.testing.assert_allclose(ds["sm"].values, on_disk["sm"].values)
    # A global day holds 720 x 1440 cells of eight variables (~24 MB of values; the real
    # files are compressed, this fixture's mostly-empty one compresses to almost nothing):
    # metadata, coordinates and the box cost a tenth of a percent of it.
    with xr.open_dataset(path, mask_and_scale=False, decode_times=False) as raw:
        values = sum(v.nbytes for v in raw.variables.values())
    assert server.bytes_sent < 0.002 * values, (server.bytes_sent, values)


def test_a_server_that_does_not_answer_names_the_endpoint(tmp_path):
    fixture.write_day(tmp_path, "2018-07-15")
    with dap_server.serve(tmp_path) as server:
        url = server.url
    with pytest.raises(_common.ArchiveUnavailable) as err:
        soil_moisture_cci.load(time=("2018-07-15", "2018-07-15"), endpoint=url)
    message = str(err.value)
    assert url in message and ENV in message and "OPeNDAP" in message
    assert "Traceback" not in message


def test_a_missing_day_names_the_file(tmp_path):
    fixture.write_day(tmp_path, "2018-07-15")
    with dap_server.serve(tmp_path) as server, pytest.raises(_common.ArchiveUnavailable) as err:
        soil_moisture_cci.load(time=("2018-07-15", "2018-07-16"), endpoint=server.url)
    assert "20180716" in str(err.value)


def test_a_renamed_variable_gives_the_schema_error(tmp_path):
    path = fixture.write_day(tmp_path / "src", "2018-07-15")
    drifted = tmp_path / "drifted" / path.parent.name / path.name
    drifted.parent.mkdir(parents=True)
    with xr.open_dataset(path, mask_and_scale=False, decode_times=False) as ds:
        ds.rename({"sm": "soil_moisture"}).to_netcdf(drifted)
    with dap_server.serve(tmp_path / "drifted") as server, pytest.raises(ValueError) as err:
        soil_moisture_cci.load(time=("2018-07-15", "2018-07-15"), endpoint=server.url)
    assert "missing variable 'sm'" in str(err.value)
    assert soil_moisture_cci.SOURCE.docs in str(err.value)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(lat=(57, 47)), "min < max"),
        (dict(lon=(5,)), "pair"),
        (dict(time=("2019-01-01", "2018-01-01")), "after the last"),
        (dict(workers=50), "1 to 8"),
    ],
)
def test_bad_requests_say_what_is_wrong_before_any_network(kwargs, words):
    with pytest.raises(ValueError, match=words):
        soil_moisture_cci.load(endpoint="http://127.0.0.1:9/unused", **kwargs)


def test_the_source_names_ceda_opendap_open_access_and_the_schema_document():
    src = soil_moisture_cci.SOURCE
    assert src.endpoint.startswith(
        "https://dap.ceda.ac.uk/thredds/dodsC/neodc/esacci/soil_moisture/"
    )
    assert src.account == "none" and "CC BY 4.0" in src.licence and "OPeNDAP" in src.protocol
    assert src.docs == _common.schema("soil_moisture_cci")["source"]
    assert "soil_moisture_europe" in archives.sources().index
    assert soil_moisture_cci.file_url("2018-07-15", "http://x").endswith(
        "/2018/ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-20180715000000-fv09.1.nc"
    )
