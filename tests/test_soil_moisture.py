"""The SYNTHETIC soil-moisture cube behaves like ESA CCI SM, and its drought can be found again.

Specifications of ``eolab.synthetic.soil_moisture``:

* values are physically plausible volumetric soil moisture (m³ m⁻³) with
  CCI-like flags: missing exactly where flagged, frozen soil in winter
  only, dense forest always missing, fewer gaps in later years;
* the soil wets up in pulses and dries slowly (rain pulses that decay),
  with a seasonal cycle: wetter winters than summers;
* **the science**: monthly anomalies computed with ``eolab.anomalies`` find
  the injected drought again, in the right region and the right year;
* it is deterministic and cached: two Zarr layouts with the promised chunk
  shapes, identical to the simulation, and daily files named like the
  real archive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import anomalies, datasets
from eolab.synthetic import soil_moisture


@pytest.fixture(scope="module")
def sm_ds():
    return soil_moisture.simulate(seed=0)


@pytest.fixture(scope="module")
def truth():
    return soil_moisture.ground_truth(seed=0)


@pytest.fixture(scope="module")
def monthly_anomalies(sm_ds):
    """Monthly means, then departures from the 2012-2021 monthly climatology (m³ m⁻³)."""
    monthly = sm_ds["sm"].resample(time="MS").mean()
    return anomalies.anomalies(monthly, by="month")


def season_map(anom: xr.DataArray, year: int) -> xr.DataArray:
    """Mean anomaly of April-October of ``year``."""
    return anom.sel(time=slice(f"{year}-04", f"{year}-10")).mean("time")


# --------------------------------------------------------------------------- like the real product


def test_values_are_plausible_volumetric_soil_moisture(sm_ds):
    sm = sm_ds["sm"]
    assert (
        sm.dims == ("time", "lat", "lon") and sm.shape == (3653, 40, 40) and sm.dtype == np.float32
    )
    assert sm.attrs["units"] == "m3 m-3" and list(sm.attrs["valid_range"]) == [0, 1]
    low, median, high = np.nanpercentile(sm.values, [1, 50, 99])
    assert 0.03 < low < 0.1 and 0.15 < median < 0.35 and 0.35 < high < 0.47
    assert float(sm.min()) >= 0.0199 and float(sm.max()) <= 0.5001
    assert "SYNTHETIC" in sm_ds.attrs["title"] and sm_ds.attrs["eolab_kind"] == "synthetic"


def test_missing_exactly_where_flagged(sm_ds, truth):
    flag, sm = sm_ds["flag"], sm_ds["sm"]
    np.testing.assert_array_equal(sm.isnull().values, (flag > 0).values)
    assert set(np.unique(flag.values)) <= set(range(8))
    # dense forest: never retrieved
    forest = truth["forest"]
    assert forest.sum() > 10
    assert bool(((flag & 2) > 0).where(forest, True).all()) and not bool(
        ((flag & 2) > 0).where(~forest, False).any()
    )
    # frozen soil: winter only, and most in the cold north-east and near the Alps
    frozen = (flag & 1) > 0
    by_month = frozen.mean(["lat", "lon"]).groupby("time.month").mean()
    assert (
        float(by_month.sel(month=[12, 1, 2]).mean()) > 0.2
        and float(by_month.sel(month=[6, 7, 8]).max()) < 1e-3
    )
    # gaps where no satellite saw the cell: fewer in the later years, as in the real record
    gaps = ((flag & 4) > 0).mean(["lat", "lon"]).groupby("time.year").mean()
    assert float(gaps.sel(year=2012)) > 2 * float(gaps.sel(year=2021))


@pytest.mark.parametrize("lat, lon", [(50.125, 8.125), (48.125, 6.125), (55.125, 12.125)])
def test_rain_pulses_wet_the_soil_at_once_and_it_dries_slowly(sm_ds, lat, lon):
    from scipy.stats import skew

    step = sm_ds["sm"].sel(lat=lat, lon=lon).diff("time").dropna("time").values
    assert np.median(step) < 0, "most days the soil dries a little"
    assert np.percentile(step, 99) > 2 * abs(np.percentile(step, 1)), (
        "a rain pulse wets it a lot in one day"
    )
    assert skew(step) > 1.5


def test_winters_are_wetter_than_summers(sm_ds, truth):
    outside = sm_ds["sm"].where(~truth["drought_region"]).mean(["lat", "lon"])
    by_month = outside.groupby("time.month").mean()
    assert (
        float(by_month.sel(month=[12, 1, 2]).mean())
        > float(by_month.sel(month=[7, 8]).mean()) + 0.08
    )


# --------------------------------------------------------------------------- the science


def test_the_anomaly_map_finds_the_injected_drought_region(monthly_anomalies, truth):
    drought = season_map(monthly_anomalies, 2018)
    found = (drought < -0.05).values
    region = truth["drought_region"].values
    seen = ~np.isnan(drought.values)
    overlap = (found & region & seen).sum() / ((found | region) & seen).sum()
    assert overlap >= 0.8, (
        f"anomaly map < -0.05 m3/m3 overlaps the injected region by only {overlap:.0%}"
    )
    inside = float(drought.where(truth["drought_region"]).mean())
    outside = float(drought.where(~truth["drought_region"]).mean())
    assert inside < -0.07 and inside < outside - 0.05


def test_the_anomalies_single_out_the_injected_drought_year(monthly_anomalies, truth):
    assert truth.attrs["drought_year"] == 2018 and truth.attrs["drought_months"] == list(
        range(4, 11)
    )
    dry_cells = {
        year: int((season_map(monthly_anomalies, year) < -0.05).sum()) for year in range(2012, 2022)
    }
    driest = max(dry_cells, key=dry_cells.get)
    assert driest == 2018, dry_cells
    runner_up = max(v for y, v in dry_cells.items() if y != 2018)
    assert dry_cells[2018] > 3 * runner_up, dry_cells
    # over the drought region itself, 2018 stands out from every other growing season
    region = monthly_anomalies.where(truth["drought_region"]).mean(["lat", "lon"])
    season = region.where(region["time"].dt.month.isin(range(4, 11))).groupby("time.year").mean()
    assert (
        int(season.idxmin()) == 2018
        and float(season.sel(year=2018)) < float(season.drop_sel(year=2018).min()) - 0.05
    )


def test_the_drought_starts_in_spring_2018(monthly_anomalies, truth):
    region = monthly_anomalies.where(truth["drought_region"]).mean(["lat", "lon"])
    assert float(region.sel(time="2018-02").squeeze()) > -0.05
    assert float(region.sel(time="2018-07").squeeze()) < -0.08


# --------------------------------------------------------------------------- deterministic and
# cached


def test_one_seed_gives_identical_values():
    a, b = soil_moisture.simulate(seed=3), soil_moisture.simulate(seed=3)
    xr.testing.assert_identical(a, b)
    assert not soil_moisture.simulate(seed=4)["sm"].equals(a["sm"])


def test_the_stores_have_the_promised_layouts_and_values(tmp_path, sm_ds):
    folder = soil_moisture.build_store(folder=tmp_path / "sm", daily_files=False)
    for layout, chunks in soil_moisture.LAYOUTS.items():
        ds = xr.open_zarr(folder / f"sm_{layout}.zarr")
        assert ds["sm"].encoding["chunks"] == tuple(chunks[d] for d in ("time", "lat", "lon"))
        xr.testing.assert_equal(
            ds["sm"].isel(time=slice(0, 400)).compute(), sm_ds["sm"].isel(time=slice(0, 400))
        )
    truth = xr.open_dataset(folder / "truth.nc")
    assert int(truth["drought_region"].sum()) == int(soil_moisture.drought_mask().sum())
    truth.close()
    # a second call reuses the complete store
    stamp = (folder / "COMPLETE").stat().st_mtime_ns
    assert soil_moisture.build_store(folder=folder, daily_files=False) == folder
    assert (folder / "COMPLETE").stat().st_mtime_ns == stamp


def test_daily_files_are_named_and_filled_like_the_real_archive(tmp_path):
    import netCDF4

    small = soil_moisture.simulate(seed=0).isel(time=slice(0, 3))
    soil_moisture._write_daily(small, tmp_path)
    path = tmp_path / "2012" / "ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-20120102000000-fv08.1.nc"
    assert path.exists()
    with netCDF4.Dataset(path) as nc:
        assert nc["sm"].units == "m3 m-3" and nc["sm"]._FillValue == soil_moisture.FILL_VALUE
        assert "SYNTHETIC" in nc.title
        np.testing.assert_allclose(
            np.ma.filled(nc["sm"][0], np.nan), small["sm"].isel(time=1), equal_nan=True
        )
        assert pd.Timestamp("1970-01-01") + pd.Timedelta(days=float(nc["time"][0])) == pd.Timestamp(
            "2012-01-02"
        )


def test_the_catalogue_lists_it_as_synthetic_with_the_real_product():
    entry = datasets.info("soil_moisture_europe")
    assert entry.kind == "synthetic" and "ESA CCI Soil Moisture" in entry.real_product
    assert "lesson4-pixel-access" in entry.lessons
    with pytest.raises(ValueError, match="layout must be one of"):
        soil_moisture.load_soil_moisture(layout="diagonal")
