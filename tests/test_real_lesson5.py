"""Lesson 5's real-archive cells, run unchanged against an S3 server on 127.0.0.1.

The server (moto, the S3 protocol) holds a SYNTHETIC Zarr store shaped like MUR SST's
``s3://mur-sst/zarr-v1`` (tests/archive_fixtures/mur_sst.py), with a known trend of
0.2 to 0.5 degC per decade. The cells open it lazily, run the lesson's reduction
(monthly climatology and the trend of the anomalies) and must recover that trend.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from real_cells import run_real_cells
from s3_server import S3Server, s3_server  # noqa: F401  (pytest fixture)

from eolab.archives import oisst
from eolab.archives._common import ArchiveUnavailable

HERE = Path(__file__).parent
LESSON = "lesson5-dask.md"


def _fixture():
    spec = importlib.util.spec_from_file_location(
        "fixture_mur", HERE / "archive_fixtures" / "mur_sst.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


fx = _fixture()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fx.build(tmp_path_factory.mktemp("mur"))


@pytest.fixture(scope="module")
def bucket(store):
    """The fixture store in a bucket named like the real one, uploaded once for the module
    (uploading its thousands of chunks takes about 40 s); the tests only read it."""
    with S3Server() as server:
        server.upload_tree(fx.BUCKET, fx.PREFIX, store)
        yield server.url(fx.BUCKET, fx.PREFIX)


def test_lesson_cells_recover_the_injected_trend(bucket, store, tmp_path):
    ns = run_real_cells(LESSON, env={"EOLAB_ENDPOINT_MUR": bucket}, workdir=tmp_path)
    sst, trend, clim = ns["sst"], ns["trend"], ns["clim"]
    assert sst.chunks is not None, "the cube must be lazy (Dask)"
    assert sst.attrs["units"] == "degC"
    la, lo = np.meshgrid(trend.lat, trend.lon, indexing="ij")
    truth = xr.DataArray(
        fx.trend(la, lo), coords={"lat": trend.lat, "lon": trend.lon}, dims=("lat", "lon")
    )
    sea = xr.DataArray(~fx.land(la, lo), coords=truth.coords, dims=truth.dims)
    error = (trend - truth).where(sea)
    assert float(abs(error).max()) < 0.15, "every sea pixel's trend within 0.15 degC/decade"
    assert float(error.mean()) == pytest.approx(0, abs=0.02)
    assert bool(trend.where(~sea).isnull().all()), "land has no trend"
    # the climatology: January colder than August by about twice the 4 degC amplitude
    swing = float((clim.sel(month=8) - clim.sel(month=1)).mean())
    assert 5 < swing < 9
    # what the job read: every stored chunk of analysed_sst for the decade
    mur = ns["mur"]
    chunk_files = list((store / "analysed_sst").iterdir())
    assert mur.attrs["chunks_to_read"] == len(
        [f for f in chunk_files if not f.name.startswith(".")]
    )
    actual = sum(f.stat().st_size for f in chunk_files if not f.name.startswith("."))
    assert mur.attrs["estimated_read_bytes"] == pytest.approx(actual, rel=0.25)
    print(
        f"fixture store "
        f"{sum(f.stat().st_size for f in store.rglob('*') if f.is_file()) / 1e6:.1f} MB; "
        f"the pass read ~{actual / 1e6:.2f} MB of analysed_sst in "
        f"{mur.attrs['chunks_to_read']} chunks"
    )


def test_a_stopped_server_gives_a_message_naming_the_endpoint():
    server = S3Server().start()
    url = server.url(fx.BUCKET, fx.PREFIX)
    server.stop()
    with pytest.raises(ArchiveUnavailable, match=r"127\.0\.0\.1.*EOLAB_ENDPOINT_MUR"):
        oisst.load(endpoint=url)


def test_a_store_whose_layout_drifted_is_refused_naming_the_variable(s3_server, tmp_path):  # noqa: F811
    ds = fx.dataset(years=(2010, 2010)).rename(analysed_sst="sst")
    ds.to_zarr(tmp_path / "zarr-v1", mode="w", consolidated=True, zarr_format=2)
    # A bucket of its own: moto keeps one store per process, shared by every server, and
    # this module's `bucket` holds the good store under fx.BUCKET.
    drifted = "mur-sst-drifted"
    s3_server.upload_tree(drifted, fx.PREFIX, tmp_path / "zarr-v1")
    with pytest.raises(ArchiveUnavailable, match="missing variable 'analysed_sst'"):
        oisst.load(years=(2010, 2010), endpoint=s3_server.url(drifted, fx.PREFIX))


def test_a_region_outside_the_store_names_the_range(bucket):
    with pytest.raises(ValueError, match="outside the data"):
        oisst.load(lat=(-60, -50), endpoint=bucket)


def test_source_says_where_and_that_no_account_is_needed():
    src = oisst.SOURCE
    assert src.endpoint == "s3://mur-sst/zarr-v1" and src.account == "none"
    assert src.protocol.startswith("Zarr on S3")
