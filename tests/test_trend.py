"""Per-pixel trends: the plain polyfit way recovers an injected warming, and the fast sums agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import trend

WARMING = np.array([[0.2, -0.3], [0.5, 0.0]])  # injected trends, °C per decade


@pytest.fixture(scope="module")
def daily_sst():
    """SYNTHETIC daily SST, 2014-2023, on 2 x 2 pixels: a seasonal cycle, an injected linear
    warming per pixel (WARMING) and noise of 0.3 °C, in °C, without gaps."""
    time = pd.date_range("2014-01-01", "2023-12-31", freq="D")
    decades = ((time - time[0]) / pd.Timedelta(days=3652.5)).values[:, None, None]
    season = 3.0 * np.cos(2 * np.pi * time.day_of_year.values / 365.25)[:, None, None]
    noise = np.random.default_rng(5).normal(0, 0.3, (time.size, 2, 2))
    values = 20.0 + season + WARMING * decades + noise
    return xr.DataArray(
        values.astype(np.float32),
        dims=("time", "lat", "lon"),
        coords={"time": time, "lat": [10.0, 20.0], "lon": [100.0, 110.0]},
        attrs={"units": "degC", "long_name": "SYNTHETIC SST"},
    )


def plain_anomalies(da):
    """The plain way of lesson 5: each day minus the mean of its calendar month."""
    return da.groupby("time.month") - da.groupby("time.month").mean()


def test_polyfit_recovers_the_injected_warming_per_decade(daily_sst):
    slope = trend.polyfit_trend(plain_anomalies(daily_sst), per="decade")
    assert slope.dims == ("lat", "lon")
    # Ten years of daily noise of 0.3 °C leave a slope error of about 0.003 °C/decade.
    np.testing.assert_allclose(slope.values, WARMING, atol=0.02)
    assert slope.attrs["units"] == "degC per decade"
    per_year = trend.polyfit_trend(plain_anomalies(daily_sst), per="year")
    np.testing.assert_allclose(per_year.values, slope.values / 10, rtol=1e-9)


def test_the_sums_give_polyfits_slopes_with_and_without_gaps(daily_sst):
    anom = plain_anomalies(daily_sst)
    reference = trend.polyfit_trend(anom)
    np.testing.assert_allclose(trend.linear_trend(anom).values, reference.values, atol=1e-4)
    np.testing.assert_allclose(
        trend.linear_trend(anom, skipna=False).values, reference.values, atol=1e-4
    )
    gappy = anom.copy()
    gappy[100:400, 0, 1] = np.nan  # a year of cloud over one pixel
    np.testing.assert_allclose(
        trend.linear_trend(gappy).values, trend.polyfit_trend(gappy, skipna=True).values, atol=1e-4
    )


def test_the_fast_anomaly_trend_agrees_with_polyfit_of_the_plain_anomalies_on_dask(daily_sst):
    """Lesson 5's check: the one-pass shortcut and the plain two-pass way give the same map."""
    from eolab.anomalies import climatology

    lazy = daily_sst.chunk(time=366)
    plain = trend.polyfit_trend(plain_anomalies(lazy), skipna=False).compute()
    fast = trend.anomaly_trend(lazy, climatology(lazy, skipna=False)).compute()
    # float32 sums of values near 20 °C: under 1e-3 °C/decade apart, a tenth of the noise.
    xr.testing.assert_allclose(fast, plain, atol=1e-3)
    np.testing.assert_allclose(fast.values, WARMING, atol=0.02)


def test_the_old_names_still_import_from_anomalies():
    from eolab import anomalies
    from eolab.anomalies import anomaly_trend, linear_trend

    assert anomaly_trend is trend.anomaly_trend and linear_trend is trend.linear_trend
    with pytest.raises(AttributeError, match="no attribute 'polyfit'"):
        anomalies.polyfit  # noqa: B018


def test_bad_inputs_name_the_problem(daily_sst):
    with pytest.raises(ValueError, match="per must be 'year' or 'decade', got 'century'"):
        trend.polyfit_trend(daily_sst, per="century")
    with pytest.raises(ValueError, match="at least two time steps"):
        trend.polyfit_trend(daily_sst.isel(time=[0]))
    with pytest.raises(ValueError, match="'time' dimension"):
        trend.polyfit_trend(daily_sst.isel(time=0))
