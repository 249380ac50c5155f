"""Water from MNDWI: wet, dry or unseen; areas in km² from the real pixel size; how often wet.

Fixtures are tiny hand-made scenes on a 30 m UTM grid, so every expected
number can be counted by eye.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from eolab import water

CLEAR, CLOUD, SHADOW = 21824, 22280, 23888
WATER = {"green": 0.07, "swir16": 0.015}
SOIL = {"green": 0.15, "swir16": 0.35}


def make_scenes(kinds, qa, crs="EPSG:32635", pixel=30.0) -> xr.Dataset:
    """Scenes from a (time, y, x) grid of 'w' (water) / 's' (soil) and QA values."""
    kinds = np.array(kinds)
    coords = {
        "time": np.arange(kinds.shape[0]).astype("datetime64[D]"),
        "y": -2727660 - pixel * (np.arange(kinds.shape[1]) + 0.5),
        "x": 385350 + pixel * (np.arange(kinds.shape[2]) + 0.5),
    }
    dims = ("time", "y", "x")
    ds = xr.Dataset(
        {
            band: (dims, np.where(kinds == "w", WATER[band], SOIL[band]).astype("float32"))
            for band in ("green", "swir16")
        },
        coords=coords,
    )
    ds["qa_pixel"] = (dims, np.array(qa, dtype="uint16"))
    ds.attrs["crs"] = crs
    return ds


@pytest.fixture
def scenes() -> xr.Dataset:
    kinds = [
        [["w", "w", "s"], ["w", "s", "s"]],  # 3 wet pixels
        [["w", "w", "w"], ["w", "w", "s"]],  # 5 wet, but one under cloud, one in shadow
        [["s", "s", "s"], ["w", "s", "s"]],
    ]  # 1 wet
    qa = [
        [[CLEAR] * 3, [CLEAR] * 3],
        [[CLOUD, CLEAR, CLEAR], [SHADOW, CLEAR, CLEAR]],
        [[CLEAR] * 3, [CLEAR] * 3],
    ]
    return make_scenes(kinds, qa)


def test_clear_water_is_wet_land_is_dry_and_clouds_are_unseen(scenes):
    wet = water.classify_water(scenes)
    np.testing.assert_array_equal(wet.isel(time=0), [[1, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(wet.isel(time=1), [[np.nan, 1, 1], [np.nan, 1, 0]])
    assert wet.dtype == np.float32


def test_water_area_uses_the_pixel_size_of_the_crs(scenes):
    wet = water.classify_water(scenes)
    # 30 m pixels are 0.0009 km²: 3, 3 (two hidden) and 1 wet pixels.
    np.testing.assert_allclose(water.water_area_km2(wet), [3 * 0.0009, 3 * 0.0009, 0.0009])
    assert water.water_area_km2(wet).attrs["units"] == "km2"
    np.testing.assert_allclose(water.observed_fraction(wet), [1, 4 / 6, 1])
    coarse = make_scenes([[["w", "w"], ["s", "w"]]], [[[CLEAR, CLEAR], [CLEAR, CLEAR]]], pixel=60.0)
    np.testing.assert_allclose(water.water_area_km2(water.classify_water(coarse)), [3 * 0.0036])


def test_water_frequency_is_the_share_of_clear_observations_that_were_wet(scenes):
    freq = water.water_frequency(water.classify_water(scenes))
    # Top-left: wet in scenes 0 and... hidden in 1, dry in 2 -> 1 wet of 2 clear = 50 %.
    expected = [[50, 200 / 3, 100 / 3], [100, 100 / 3, 0]]
    np.testing.assert_allclose(freq, expected)
    assert freq.attrs["units"] == "%"
    np.testing.assert_array_equal(
        water.clear_count(water.classify_water(scenes)), [[2, 3, 3], [2, 3, 3]]
    )
    assert np.isnan(water.water_frequency(water.classify_water(scenes), min_observations=3)[0, 0])


def test_a_lower_threshold_counts_more_water():
    murky = make_scenes([[["w", "s"]]], [[[CLEAR, CLEAR]]])
    murky["green"][:] = [[[0.10, 0.15]]]
    murky["swir16"][:] = [[[0.12, 0.35]]]  # shallow, turbid: MNDWI -0.09
    assert float(water.classify_water(murky).sum()) == 0
    assert float(water.classify_water(murky, threshold=-0.15).sum()) == 1


def test_missing_bands_are_named(scenes):
    with pytest.raises(ValueError, match="bands missing: swir16"):
        water.classify_water(scenes.drop_vars("swir16"))


def test_raw_digital_numbers_are_refused(scenes):
    raw = scenes.copy()
    raw["green"] = (raw["green"] + 0.2) / 0.0000275
    with pytest.raises(ValueError, match="raw digital numbers"):
        water.classify_water(raw)


def test_area_in_degrees_is_refused(scenes):
    wet = water.classify_water(scenes)
    wet.attrs["crs"] = "EPSG:4326"
    with pytest.raises(ValueError, match="units of 'degree'.*projected"):
        water.water_area_km2(wet)


def test_empty_time_range_is_an_error(scenes):
    with pytest.raises(ValueError, match="time range is empty"):
        water.classify_water(scenes.isel(time=slice(0, 0)))
    with pytest.raises(ValueError, match="time range is empty"):
        water.water_frequency(water.classify_water(scenes).isel(time=slice(0, 0)))


def test_threshold_outside_the_index_range_is_refused(scenes):
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        water.classify_water(scenes, threshold=5)
