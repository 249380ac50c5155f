"""The lazy SYNTHETIC global SST: deterministic, chunking-proof, and its science recoverable."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from eolab import datasets
from eolab.anomalies import anomalies, box_mean, climatology, linear_trend
from eolab.synthetic import sst_big

SMALL = {"years": 10, "resolution": 5.0}  # 3,652 days x 36 x 72: 38 MB


@pytest.fixture(scope="module")
def decade():
    """Ten years at 5°, computed into memory once for the science tests."""
    ds = sst_big.open_sst_big(**SMALL)
    return ds.load(scheduler="threads")


def test_the_data_are_lazy_until_asked_and_sized_as_announced():
    ds = sst_big.open_sst_big(size="full")
    assert ds["sst"].chunks is not None  # Dask-backed, nothing computed
    assert ds.sizes == {"time": 3652, "lat": 720, "lon": 1440}
    assert 15.0e9 < ds["sst"].nbytes < 15.3e9  # "a decade of daily 0.25° SST, ~15 GB"
    assert ds["sst"].dtype == np.float32
    assert sst_big.open_sst_big(size="small")["sst"].nbytes < 1e9


def test_same_seed_same_values_whatever_the_chunking():
    a = sst_big.open_sst_big(years=0.3, resolution=5.0, chunks={"time": 64})["sst"].values
    b = sst_big.open_sst_big(years=0.3, resolution=5.0, chunks={"time": 7, "lat": 5, "lon": 13})[
        "sst"
    ].values
    c = sst_big.open_sst_big(years=0.3, resolution=5.0, seed=1)["sst"].values
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_a_chunk_depends_only_on_seed_and_position():
    """A block generated alone equals the same place cut from the whole array."""
    ds = sst_big.open_sst_big(years=0.3, resolution=5.0)
    days = (
        ds.indexes["time"].values.astype("datetime64[D]") - np.datetime64("1970-01-01", "D")
    ).astype(int)
    block = sst_big.generate_block(days[10:20], slice(3, 17), slice(40, 50), resolution=5.0)
    np.testing.assert_array_equal(block, ds["sst"][10:20, 3:17, 40:50].values)


def test_labelled_synthetic_everywhere_a_learner_looks():
    ds = datasets.load("sst_big", years=0.1, resolution=15.0)
    assert ds.attrs["eolab_kind"] == "synthetic"
    assert ds.attrs["title"].startswith("SYNTHETIC")
    assert "OISST" in ds.attrs["comment"] and "sst_big" in ds.attrs["source"]
    assert "SYNTHETIC" in ds["sst"].attrs["long_name"]
    assert datasets.info("sst_big").licence == "CC BY 4.0 (EO Notebooks, synthetic)"


def test_values_are_plausible_sea_surface_temperatures(decade):
    sst = decade["sst"]
    assert -4 < float(sst.min()) and float(sst.max()) < 36
    tropics = float(sst.sel(lat=slice(-10, 10)).mean())
    polar = float(sst.sel(lat=slice(60, 90)).mean())
    assert tropics > 24 and polar < 8


def test_anomalies_average_to_zero_over_the_base_period(decade):
    base = ("2014-01-01", "2018-12-31")
    anom = anomalies(decade["sst"], base_period=base)
    per_month = anom.sel(time=slice(*base)).groupby("time.month").mean()
    assert float(abs(per_month).max()) < 1e-4
    # ...but not after it: the injected warming shows up as positive anomalies.
    assert float(anom.sel(time=slice("2019", None)).mean()) > 0.05


def test_the_injected_trend_is_recovered(decade):
    anom = anomalies(decade["sst"])
    trend = linear_trend(anom, per="decade")
    assert trend.attrs["units"] == "degC per decade"
    # Away from the ENSO-like signal, the error is set by the noise alone:
    # the standard error of a least-squares slope is sd / sqrt(sum t^2).
    years = (decade.indexes["time"] - decade.indexes["time"][0]).days.values / 365.25
    t = years - years.mean()
    noise_sd = sst_big.fields(decade["lat"].values, decade["lon"].values)["noise_sd_degC"]
    stderr = xr.DataArray(noise_sd / np.sqrt((t**2).sum()) * 10, dims=("lat", "lon"))
    enso = sst_big.fields(decade["lat"].values, decade["lon"].values)["enso_pattern_degC"]
    quiet = xr.DataArray(enso < 0.02, dims=("lat", "lon"))
    error = (trend - decade["true_trend"]).where(quiet)
    assert float((abs(error) / stderr).max()) < 5.5
    assert abs(float(error.mean())) < 0.01
    # The warming hole south of Greenland stands out as cooling, as injected.
    assert float(trend.sel(lat=55, lon=325, method="nearest")) < 0


def test_the_enso_signal_is_found_in_the_nino34_box(decade):
    anom = anomalies(decade["sst"])
    nino34 = box_mean(anom, lat=(-5, 5), lon=(190, 240))
    r = np.corrcoef(nino34.values, decade["true_enso_index"].values)[0, 1]
    assert r > 0.9


def test_climatology_has_opposite_seasons_in_the_two_hemispheres(decade):
    clim = climatology(decade["sst"])
    north = clim.sel(lat=slice(30, 60)).mean(("lat", "lon"))
    south = clim.sel(lat=slice(-60, -30)).mean(("lat", "lon"))
    assert int(north.idxmax()) in (7, 8, 9) and int(south.idxmax()) in (1, 2, 3)


@pytest.mark.parametrize("bad", [0.4, 0.0, -1.0])
def test_a_resolution_that_does_not_tile_the_globe_is_refused(bad):
    with pytest.raises(ValueError, match=f"resolution must divide 45.*{bad}"):
        sst_big.open_sst_big(resolution=bad)


def test_bad_sizes_and_chunks_are_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="size must be one of"):
        sst_big.open_sst_big(size="huge")
    with pytest.raises(ValueError, match="unknown dimension 'depth'"):
        sst_big.open_sst_big(chunks={"depth": 3})
    with pytest.raises(ValueError, match="years must be in"):
        sst_big.open_sst_big(years=0)


def test_named_sizes_have_chunks_a_2GB_worker_and_the_scheduler_can_live_with():
    """Full: small enough that a task (~4x its chunk) fits a 650 MB worker; small: not so
    small that the scheduler's per-task work outweighs the task (the 10-250 MB rule)."""
    full = sst_big.open_sst_big(size="full")["sst"].data
    small = sst_big.open_sst_big(size="small")["sst"].data
    full_mb, small_mb = (a.nbytes / a.npartitions / 1e6 for a in (full, small))
    assert 4 * full_mb < 650 * 0.6 and full.npartitions >= 100
    assert 10 <= small_mb <= 250 and small.npartitions >= 2 * 4
    assert sst_big.open_sst_big(size="small", chunks={"time": 64})["sst"].data.chunksize[0] == 64


def test_the_gap_free_trend_is_the_same_fit_and_refuses_gaps(decade):
    """skipna=False (one weighted sum per chunk, for gap-free data) gives the same slopes;
    a gap makes that pixel NaN instead of a wrong slope."""
    anom = anomalies(decade["sst"])
    general = linear_trend(anom, per="decade")
    fast = linear_trend(anom, per="decade", skipna=False)
    assert fast.attrs == general.attrs
    np.testing.assert_allclose(fast.values, general.values, atol=1e-4)
    gappy = anom.copy()
    gappy[10, 0, 0] = np.nan
    fast_gappy = linear_trend(gappy, skipna=False)
    assert np.isnan(float(fast_gappy[0, 0])) and np.isfinite(fast_gappy[1:, 1:]).all()
    assert np.isfinite(float(linear_trend(gappy)[0, 0])), "the default still fits around the gap"


def test_the_anomaly_trend_needs_no_anomalies(decade):
    """anomaly_trend (data trend minus the climatology's share) = the trend of the anomalies."""
    from eolab.anomalies import anomaly_trend

    sst = decade["sst"]
    clim = climatology(sst)
    direct = linear_trend(anomalies(sst), per="decade", skipna=False)
    shortcut = anomaly_trend(sst, clim, per="decade")
    # Same fit; float32 sums of the raw values (about 20 °C) instead of the anomalies
    # (about 0.5 °C) differ by under 3e-4 °C/decade, far below the slope's own noise
    # error (about 0.01 °C/decade here).
    np.testing.assert_allclose(shortcut.values, direct.values, atol=3e-4)
    assert shortcut.attrs["units"] == "degC per decade"
    lazy = anomaly_trend(sst.chunk(time=365), clim, per="year")
    np.testing.assert_allclose(lazy.compute().values, direct.values / 10, atol=3e-5)
    with pytest.raises(ValueError, match="'month' dimension"):
        anomaly_trend(sst, clim.rename(month="m"))
    with pytest.raises(ValueError, match=r"month\(s\) \[12\]"):
        anomaly_trend(sst, clim.sel(month=slice(1, 11)))


def test_the_gap_free_climatology_is_the_same_mean_and_refuses_gaps(decade):
    """climatology(skipna=False), one matrix product per chunk, equals the grouped mean;
    a gap makes that pixel NaN rather than a wrong mean."""
    sst = decade["sst"]
    for by in ("month", "season"):
        grouped, product = climatology(sst, by=by), climatology(sst, by=by, skipna=False)
        assert product.dims == grouped.dims
        np.testing.assert_allclose(product.values, grouped.values, atol=1e-4)
    lazy = climatology(sst.chunk(time=100), skipna=False).compute()
    np.testing.assert_allclose(lazy.values, climatology(sst).values, atol=1e-4)
    gappy = sst.copy()
    gappy[40, 3, 5] = np.nan
    clim = climatology(gappy, skipna=False)
    assert np.isnan(clim[:, 3, 5]).all() and int(np.isnan(clim).sum()) == clim.sizes["month"]


def test_the_general_trend_is_the_same_on_dask_chunks(decade):
    """linear_trend with gaps allowed (the default) gives the same slopes chunk by chunk."""
    anom = anomalies(decade["sst"])
    anom[5, 2, 2] = np.nan
    eager = linear_trend(anom, per="decade")
    lazy = linear_trend(anom.chunk(time=400, lat=12), per="decade")
    assert lazy.chunks is not None
    np.testing.assert_allclose(lazy.compute().values, eager.values, atol=1e-5)
    assert lazy.dims == eager.dims and lazy.attrs == eager.attrs


def test_climatology_and_anomaly_trend_asked_together_make_each_chunk_once(monkeypatch):
    """Lesson 5's one pass: asked for in one call, both results share the chunks they are
    made from (each chunk is generated once); asked for one after the other, twice."""
    import dask

    from eolab.anomalies import anomaly_trend

    made = []
    generate = sst_big.generate_block
    monkeypatch.setattr(
        sst_big, "generate_block", lambda *a, **k: made.append(1) or generate(*a, **k)
    )
    sst = sst_big.open_sst_big(years=1, resolution=5.0, chunks={"time": 64})["sst"]
    clim = climatology(sst, skipna=False)
    trend = anomaly_trend(sst, clim)
    with dask.config.set(scheduler="threads"):
        together = dask.compute(clim, trend)
        assert len(made) == sst.data.npartitions
        made.clear()
        one_by_one = clim.compute(), trend.compute()
        assert len(made) == 2 * sst.data.npartitions
    for a, b in zip(together, one_by_one, strict=True):
        np.testing.assert_allclose(a.values, b.values, atol=1e-5)
