"""NO2 and the lockdowns: the synthetic Sentinel-5P data are realistic, and the analysis recovers
the truth.

* The truth is the column change caused by a NOx emission cut taken from the
  literature (per city, with its source and kind: city value, regional
  average, or assumed); the observed changes published from TROPOMI, which
  include the weather, are stored beside it and labelled with their kind
  (Beijing's and Shanghai's -40 % is Bauwens et al.'s average over Chinese cities).

* Comparing a lockdown window with the same dates of 2019, on quality-
  filtered data (``qa_value >= 0.75``) over 40 km around each city, finds
  the drop the generator injected within 20 percentage points for every
  city.  One year of weather can shift a whole region's cities the same way
  (KNMI attached 15 % to such monthly comparisons), so:
* over four weathers and eleven cities the method is unbiased (mean error
  within 3 points), its typical (rms) error is under 10 points, and the
  95 % interval it reports holds the truth in at least 80 % of cases (it
  covers day-to-day variability, not a different weather regime).
* The data have what the lesson teaches: columns of about 1e-5 mol m-2 away
  from cities and 1e-4 over them, a winter maximum, low Sundays in Europe,
  clouds flagged by a low ``qa_value`` that bias the column low.
* Bad input fails with a message that names it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import pollution
from eolab.synthetic import no2

TOLERANCE_PP = 20.0
BIAS_PP = 3.0
RMS_PP = 10.0
COVERAGE = 0.8


def windows(truth: xr.Dataset) -> dict:
    return {
        str(c): (
            str(truth.window_start.sel(city=c).item()),
            str(truth.window_end.sel(city=c).item()),
        )
        for c in truth.city.values
    }


@pytest.fixture(scope="module")
def regions() -> dict[str, tuple[xr.Dataset, xr.Dataset]]:
    """Data and truth of every region, the course's seed, generated in memory."""
    return {region: no2.generate(region, seed=no2.DEFAULT_SEED) for region in no2.REGIONS}


@pytest.fixture(scope="module")
def europe(regions):
    return regions["europe"]


@pytest.mark.parametrize("region", list(no2.REGIONS))
def test_each_citys_lockdown_drop_is_recovered_within_tolerance(regions, region):
    data, truth = regions[region]
    changes = pollution.city_changes(pollution.quality_filter(data), windows(truth))
    error = changes.change_pct - truth.true_change_pct
    assert (abs(error) <= TOLERANCE_PP).all(), (
        f"{region}: estimated minus injected change (percentage points): "
        f"{error.to_series().round(1).to_dict()}"
    )
    assert (changes.change_pct < -10).all(), "every named city shows a clear drop"
    assert (changes.ci_low_pct < changes.change_pct).all() and (
        changes.change_pct < changes.ci_high_pct
    ).all()


def test_over_many_weathers_the_method_is_unbiased_and_its_interval_honest(regions):
    """4 weathers x 11 cities: no bias, typical error under 10 points, the 95 % interval holds the
    truth in >= 80 %."""
    errors, covered = [], []
    for seed in range(no2.DEFAULT_SEED, no2.DEFAULT_SEED + 4):
        for region in no2.REGIONS:
            data, truth = (
                regions[region] if seed == no2.DEFAULT_SEED else no2.generate(region, seed=seed)
            )
            changes = pollution.city_changes(pollution.quality_filter(data), windows(truth))
            errors += list((changes.change_pct - truth.true_change_pct).values)
            covered += list(
                (
                    (truth.true_change_pct >= changes.ci_low_pct)
                    & (truth.true_change_pct <= changes.ci_high_pct)
                ).values
            )
    errors = np.array(errors)
    assert abs(errors.mean()) < BIAS_PP, f"mean error {errors.mean():.1f} pp"
    assert np.sqrt((errors**2).mean()) < RMS_PP, f"rms error {np.sqrt((errors**2).mean()):.1f} pp"
    assert np.mean(covered) >= COVERAGE, (
        f"the interval holds the truth in only {np.mean(covered):.0%} of cases"
    )


def test_the_truth_is_the_literature_emission_cut_and_the_column_change_it_causes(regions):
    """The generator injects NOx emission cuts from the literature (no solved, unphysical cuts);
    the truth is the column change that cut alone causes; the published observed changes (weather
    included) are kept beside it, each labelled with its kind."""
    for _region, (_, truth) in regions.items():
        table = truth.to_dataframe()
        lit = no2.LOCKDOWNS.set_index("city").loc[table.index]
        np.testing.assert_allclose(table.emission_cut_pct, lit.emission_cut_pct, atol=0.01)
        assert (table.emission_cut_pct <= 75).all(), (
            "no city cut NOx by more than about three quarters"
        )
        assert (table.true_change_pct < 0).all()
        assert (table.emission_cut_pct > table.true_change_pct.abs()).all(), (
            "the column falls less than the emissions: the background and the ramp stay"
        )
        assert (table.emission_cut_source.str.len() > 0).all() and (
            table.source.str.len() > 0
        ).all()
    europe = regions["europe"][1].to_dataframe()
    assert set(europe.index) == {"Paris", "Madrid", "Milan", "Rome"}
    assert (europe.emission_cut_pct == 33).all() and europe.emission_cut_source.str.contains(
        "Guevara"
    ).all()
    assert (europe.emission_cut_kind.str.contains("European average")).all()
    china = regions["east_asia"][1].to_dataframe()
    assert (
        china.loc["Beijing", "published_kind"]
        == china.loc["Shanghai", "published_kind"]
        == "average over Chinese cities"
    )
    assert china.loc["Wuhan", "published_kind"] == "city value"
    india = regions["south_asia"][1].to_dataframe()
    assert (
        india.loc["Delhi", "emission_cut_pct"] == 72
        and "city value" in india.loc["Delhi", "emission_cut_kind"]
    )
    assert (
        india.loc[["Mumbai", "Bengaluru", "Ahmedabad"], "emission_cut_kind"]
        .str.startswith("assumed")
        .all()
    )
    # the observed changes include the weather of 2020: they are not the lockdown-only truth
    assert (europe.published_change_pct < europe.true_change_pct).all()


def test_the_daily_weather_factor_is_the_nox_lifetime_not_a_mixing_height():
    import inspect

    source = inspect.getsource(no2)
    assert "mixing" not in source.replace("Mixing height changes", "")
    weather = no2._weather(
        "europe", pd.date_range("2019-01-01", periods=50), np.random.default_rng(0)
    )
    assert set(weather) == {"speed", "direction", "lifetime"}
    assert 0.8 < weather["lifetime"].mean() < 1.2


def test_a_seed_gives_identical_data_and_another_seed_different_weather(europe):
    again, truth = no2.generate("europe", seed=no2.DEFAULT_SEED)
    xr.testing.assert_identical(again, europe[0])
    xr.testing.assert_identical(truth, europe[1])
    other, _ = no2.generate("europe", seed=no2.DEFAULT_SEED + 1)
    assert not np.array_equal(other[no2.VARIABLE].values, europe[0][no2.VARIABLE].values)


def test_data_look_like_the_sentinel_5p_product(europe):
    data, _ = europe
    column = data[no2.VARIABLE]
    assert column.dtype == np.float32 and data["qa_value"].dtype == np.float32
    assert column.attrs["units"] == "mol m-2"
    assert "SYNTHETIC" in data.attrs["title"] and data.attrs["eolab_kind"] == "synthetic"
    assert "Copernicus Data Space" in data.attrs["real_product"]
    assert (
        column.sizes["time"] == 731
        and float(data.qa_value.min()) >= 0
        and float(data.qa_value.max()) <= 1
    )
    good = pollution.quality_filter(data)
    remote = good.sel(
        latitude=slice(43.5, 45), longitude=slice(-2, 0)
    ).mean()  # Bay of Biscay coast
    assert 5e-6 < float(remote) < 2e-5
    paris_winter = pollution.city_series(good, "Paris").sel(time="2019-01").mean()
    assert 7e-5 < float(paris_winter) < 3e-4


def test_no2_peaks_in_winter_and_dips_on_sundays(europe):
    paris = pollution.city_series(pollution.quality_filter(europe[0]), "Paris").sel(time="2019")
    by_month = paris.groupby("time.month").mean()
    assert float(by_month.sel(month=[12, 1]).mean()) > 1.5 * float(
        by_month.sel(month=[6, 7]).mean()
    )
    by_day = paris.groupby("time.dayofweek").mean()
    assert float(by_day.sel(dayofweek=6)) < 0.85 * float(
        by_day.sel(dayofweek=[0, 1, 2, 3, 4]).mean()
    )


def test_cloudy_retrievals_have_low_qa_and_bias_the_column_low(europe):
    data, _ = europe
    assert 0.2 < float((data.qa_value < pollution.RECOMMENDED_QA).mean()) < 0.7
    all_pixels = pollution.city_series(data[no2.VARIABLE], "Milan").sel(time="2019").mean()
    good = pollution.city_series(pollution.quality_filter(data), "Milan").sel(time="2019").mean()
    assert float(all_pixels) < 0.9 * float(good)


def test_the_change_map_is_negative_over_cities_and_near_zero_far_from_them(europe):
    diff = pollution.change_map(pollution.quality_filter(europe[0]), "2020-03-13", "2020-04-13")
    assert diff.attrs["units"] == "mol m-2"
    paris = diff.where(pollution.city_mask(diff, "Paris")).mean()
    assert float(paris) < -1e-5  # a third of the emissions cut: about -20 µmol m-2
    remote = diff.sel(latitude=slice(43.5, 45), longitude=slice(-2, 0)).mean()
    assert abs(float(remote)) < 5e-6


def test_weekdays_only_and_reference_year_options(europe):
    paris = pollution.city_series(pollution.quality_filter(europe[0]), "Paris")
    full = pollution.lockdown_change(paris, "2020-03-13", "2020-04-13")
    weekdays = pollution.lockdown_change(paris, "2020-03-13", "2020-04-13", weekdays_only=True)
    assert int(weekdays.n_days) < int(full.n_days)
    assert full.attrs["reference"] == "2019-03-13/2019-04-13"
    # comparing a period with itself is refused (issue 20), not reported as a 0 % change
    with pytest.raises(ValueError, match="reference_year=2019 is a year of the assessed period"):
        pollution.lockdown_change(paris, "2019-03-13", "2019-04-13", reference_year=2019)
    assert float(full.ci_low_pct) < float(full.change_pct) < float(full.ci_high_pct)


def test_cities_are_found_in_geonames_by_name_and_country():
    paris = pollution.find_city("Paris")
    assert (paris.country, round(paris.lat, 1), round(paris.lon, 1)) == ("FR", 48.9, 2.3)
    assert pollution.find_city("Paris", country="US").country == "US"
    assert pollution.find_city("delhi").name == "Delhi"


def test_an_unknown_city_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown city 'Narnia'"):
        pollution.find_city("Narnia")


def test_a_city_outside_the_data_is_named_with_the_grid_range(europe):
    good = pollution.quality_filter(europe[0])
    with pytest.raises(
        ValueError,
        match=r"Delhi \(28.65°N, 77.23°E\) lies outside the data.*longitudes -5.88 to 14.88",
    ):
        pollution.city_series(good, "Delhi")


def test_an_empty_time_window_is_refused_with_its_dates(europe):
    paris = pollution.city_series(pollution.quality_filter(europe[0]), "Paris")
    with pytest.raises(
        ValueError, match="no valid data in the assessed window 2021-03-01 to 2021-04-01"
    ):
        pollution.lockdown_change(paris, "2021-03-01", "2021-04-01")
    with pytest.raises(ValueError, match="end 2020-03-01 is before start 2020-04-01"):
        pollution.lockdown_change(paris, "2020-04-01", "2020-03-01")
    with pytest.raises(ValueError, match="no data between"):
        pollution.change_map(pollution.quality_filter(europe[0]), "2022-01-01", "2022-02-01")


def test_bad_quality_threshold_and_unknown_region_are_refused(europe):
    with pytest.raises(ValueError, match="min_qa is a qa_value in \\[0, 1\\], got 75"):
        pollution.quality_filter(europe[0], min_qa=75)
    with pytest.raises(ValueError, match="unknown region 'africa'"):
        no2.load_no2("africa")


def test_the_catalogue_loads_the_cached_file_labelled_synthetic(monkeypatch, tmp_path, europe):
    from eolab import datasets

    monkeypatch.setenv("EOLAB_CACHE", str(tmp_path))
    ds = datasets.load("s5p_no2_cities", region="europe")
    assert ds.attrs["eolab_kind"] == "synthetic" and "SYNTHETIC" in ds.attrs["title"]
    np.testing.assert_array_equal(ds[no2.VARIABLE].values, europe[0][no2.VARIABLE].values)
    truth = no2.ground_truth("europe")
    pd.testing.assert_series_equal(
        truth.true_change_pct.to_series(), europe[1].true_change_pct.to_series()
    )
    assert (tmp_path / "no2").is_dir()
