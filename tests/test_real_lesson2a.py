"""Lesson 2a's real-archive cells, run unchanged against an S3 server on 127.0.0.1.

The server (moto, the S3 protocol) holds SYNTHETIC Sentinel-5P L2 NO2 orbit files shaped
like the real ones (tests/archive_fixtures/sentinel5p_no2.py), in the bucket layout of
the open mirror s3://meeo-s5p. Paris's plume falls by 40 % from 2019 to 2020; the
lesson's cells must find the change of the city mean that this causes, read only the
orbits over Paris, and only part of each file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from real_cells import run_real_cells
from s3_server import S3Server, s3_server  # noqa: F401  (pytest fixture)

from eolab import archives, pollution
from eolab.archives import sentinel5p
from eolab.archives._common import ArchiveUnavailable

HERE = Path(__file__).parent
LESSON = "lesson2-no2-lockdown.md"


def _fixture():
    spec = importlib.util.spec_from_file_location(
        "fixture_s5p", HERE / "archive_fixtures" / "sentinel5p_no2.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


fx = _fixture()


@pytest.fixture(scope="module")
def orbits(tmp_path_factory):
    return fx.build(tmp_path_factory.mktemp("s5p"))


@pytest.fixture
def bucket(s3_server, orbits):  # noqa: F811
    s3_server.upload(fx.BUCKET, dict(orbits))
    return s3_server.url(fx.BUCKET)


def test_lesson_cells_find_the_known_drop_over_paris(bucket, orbits, tmp_path):
    ns = run_real_cells(LESSON, env={"EOLAB_ENDPOINT_S5P": bucket}, workdir=tmp_path)
    truth = fx.true_change_pct(radius_km=40)
    result = ns["result_real"]
    assert -40 < truth < -20, truth  # the plume's cut, diluted by the background
    assert float(result.change_pct) == pytest.approx(truth, abs=3)
    assert float(result.ci_low_pct) < truth + 3 and float(result.ci_high_pct) > truth - 3
    assert int(result.n_days) == len(fx.DAYS_2020) and int(result.n_reference_days) == len(
        fx.DAYS_2019
    )
    real = ns["real"]
    assert set(real.dims) == {"time", "latitude", "longitude"}
    assert real[pollution.NO2].attrs["units"] == "mol m-2"
    np.testing.assert_allclose(np.diff(real.latitude), 0.25)
    assert float(real.latitude[0] % 0.25) == pytest.approx(0.125)  # the lessons' cell centres


def test_only_the_orbits_over_the_city_and_part_of_each_file_are_read(bucket, orbits):
    days = fx.DAYS_2019 + fx.DAYS_2020
    # The fixture's orbits are 300 scanlines (3.6 MB) instead of ~3 200 (450 MB): at that
    # scale one 512 KiB block is a seventh of a file, so read in 64 KiB blocks, which are
    # to these files what 512 KiB blocks are to the real ones.
    real = archives.load_real(
        "s5p_no2_cities", city="Paris", days=days, endpoint=bucket, block_size=2**16
    )
    over = [p for key, p in orbits if int(key.split("T")[1][:2]) >= 11]  # afternoon orbits
    assert real.attrs["files_read"] == len(over) == len(days)  # the night orbits are skipped
    total = sum(Path(p).stat().st_size for p in over)
    fraction = real.attrs["bytes_read"] / total
    print(
        f"read {real.attrs['bytes_read'] / 1e6:.2f} MB of {total / 1e6:.2f} MB "
        f"({fraction:.0%}) in {real.attrs['requests']} requests"
    )
    assert 0.05 < fraction < 0.75


def test_the_quality_filter_is_what_keeps_clouds_from_hiding_the_drop(bucket):
    # 2019 is cloudier; cloudy pixels are biased low: without the filter the drop shrinks
    days = fx.DAYS_2019 + fx.DAYS_2020
    changes = {}
    for qa_min in (0.75, 0.0):
        grid = sentinel5p.load("Paris", days=days, endpoint=bucket, qa_min=qa_min)
        series = pollution.city_series(pollution.quality_filter(grid, min_qa=0), "Paris")
        changes[qa_min] = float(
            pollution.lockdown_change(series, "2020-03-13", "2020-04-13", n_boot=200).change_pct
        )
    assert changes[0.75] == pytest.approx(fx.true_change_pct(), abs=3)
    assert changes[0.0] > changes[0.75] + 5


def test_a_stopped_server_gives_a_message_naming_the_endpoint():
    server = S3Server().start()
    url = server.url(fx.BUCKET)
    server.stop()
    with pytest.raises(ArchiveUnavailable, match=r"127\.0\.0\.1.*EOLAB_ENDPOINT_S5P"):
        sentinel5p.load("Paris", days=["2020-03-15"], endpoint=url)


def test_a_file_whose_layout_drifted_is_refused_naming_the_variable(s3_server, tmp_path):  # noqa: F811
    groups, name = fx.orbit_datasets(fx.DAYS_2020[0], seed=3)
    groups["PRODUCT"] = groups["PRODUCT"].rename(qa_value="quality")
    path = tmp_path / name
    fx.write_orbit(path, groups)
    s3_server.upload(fx.BUCKET, {f"OFFL/L2__NO2___/2020/03/15/{name}": path})
    with pytest.raises(ArchiveUnavailable, match="missing variable 'qa_value'"):
        sentinel5p.load("Paris", days=[fx.DAYS_2020[0]], endpoint=s3_server.url(fx.BUCKET))


def test_source_says_where_and_that_no_account_is_needed():
    src = sentinel5p.SOURCE
    assert src.endpoint == "s3://meeo-s5p" and src.env_var == "EOLAB_ENDPOINT_S5P"
    assert src.account.startswith("none")
    assert src.docs.startswith("https://")
