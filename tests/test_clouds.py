"""Decoding Landsat QA_PIXEL: named flags become the right masks, fractions count the right pixels.

The QA values used here are those the USGS documents for Landsat 8-9
Collection 2 (LSDS-1619): 21824 clear land, 21952 clear water, 22280
high-confidence cloud, 23888 cloud shadow, 55052 cirrus over cloud, 1 fill.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from eolab import clouds

CLEAR_LAND, CLEAR_WATER, CLOUD, SHADOW, CIRRUS_CLOUD, FILL = 21824, 21952, 22280, 23888, 55052, 1
DILATED = (
    21824 - 64 + 2 + (2 << 8) - (1 << 8)
)  # dilated cloud, medium cloud confidence, clear bit unset


def qa_scene(values) -> xr.DataArray:
    arr = np.array(values, dtype="uint16")
    return xr.DataArray(
        arr,
        dims=("time", "y", "x"),
        coords={
            "time": np.arange(arr.shape[0]),
            "y": np.arange(arr.shape[1]) * -30.0,
            "x": np.arange(arr.shape[2]) * 30.0,
        },
    )


def test_documented_usgs_values_decode_to_their_flags():
    qa = xr.DataArray(
        np.array([CLEAR_LAND, CLEAR_WATER, CLOUD, SHADOW, CIRRUS_CLOUD, FILL], dtype="uint16")
    )
    flags = clouds.decode_qa(qa)
    assert flags["clear"].values.tolist() == [True, True, False, True, False, False]
    assert flags["water"].values.tolist() == [False, True, False, False, False, False]
    assert flags["cloud"].values.tolist() == [False, False, True, False, True, False]
    assert flags["cloud_shadow"].values.tolist() == [False, False, False, True, False, False]
    assert flags["cirrus"].values.tolist() == [False, False, False, False, True, False]
    assert flags["fill"].values.tolist() == [False, False, False, False, False, True]
    assert flags["cloud_confidence"].values.tolist() == [1, 1, 3, 1, 3, 0]
    assert flags["cloud_shadow_confidence"].values.tolist() == [1, 1, 1, 3, 1, 0]
    assert flags["cirrus_confidence"].values.tolist() == [1, 1, 1, 1, 3, 0]


def test_clear_mask_is_stricter_than_the_usgs_clear_bit():
    """USGS's clear bit is set on cloud shadow; the analysis mask must not be."""
    qa = xr.DataArray(
        np.array([CLEAR_LAND, CLEAR_WATER, SHADOW, CLOUD, DILATED, FILL], dtype="uint16")
    )
    assert clouds.flag_mask(qa, "clear").values.tolist() == [True, True, True, False, False, False]
    assert clouds.clear_mask(qa).values.tolist() == [True, True, False, False, False, False]
    # Choosing what to exclude: keep shadows if you only care about clouds.
    assert clouds.clear_mask(qa, exclude=("cloud",)).values.tolist() == [
        True,
        True,
        True,
        False,
        True,
        False,
    ]


def test_cloud_fraction_counts_only_valid_pixels_in_the_aoi():
    scene0 = [[CLOUD, CLOUD, CLEAR_LAND, CLEAR_LAND], [FILL, FILL, CLEAR_WATER, SHADOW]]
    scene1 = [[CLEAR_LAND] * 4, [CLEAR_LAND, CLEAR_LAND, CLOUD, CLOUD]]
    qa = qa_scene([scene0, scene1])
    # scene 0: 6 valid pixels, 2 cloudy; scene 1: 8 valid, 2 cloudy.
    np.testing.assert_allclose(clouds.cloud_fraction(qa), [2 / 6, 2 / 8])
    np.testing.assert_allclose(clouds.clear_fraction(qa), [3 / 6, 6 / 8])
    aoi = xr.DataArray(
        np.array([[True, True, False, False], [True, True, False, False]]),
        dims=("y", "x"),
        coords={"y": qa.y, "x": qa.x},
    )
    # In the western half: scene 0 has 2 valid pixels, both cloud; scene 1 none cloudy.
    np.testing.assert_allclose(clouds.cloud_fraction(qa, aoi), [1.0, 0.0])
    assert clouds.cloud_fraction(qa).attrs["units"] == "1"


def test_fractions_work_lazily_with_dask():
    qa = qa_scene([[[CLOUD, CLEAR_LAND], [CLEAR_LAND, CLEAR_LAND]]] * 3).chunk({"time": 1})
    result = clouds.cloud_fraction(qa)
    assert result.chunks is not None
    np.testing.assert_allclose(result.compute(), [0.25] * 3)


def test_aoi_mask_from_a_lon_lat_polygon():
    x = 385350 + 30 * (np.arange(100) + 0.5)
    y = -2727660 - 30 * (np.arange(80) + 0.5)
    like = xr.DataArray(
        np.zeros((80, 100)), dims=("y", "x"), coords={"y": y, "x": x}, attrs={"crs": "EPSG:32635"}
    )
    from pyproj import Transformer

    to_ll = Transformer.from_crs(32635, 4326, always_xy=True)
    corners = [
        to_ll.transform(xx, yy)
        for xx, yy in [
            (x[10] - 15, y[10] + 15),
            (x[49] + 15, y[10] + 15),
            (x[49] + 15, y[39] - 15),
            (x[10] - 15, y[39] - 15),
        ]
    ]
    mask = clouds.aoi_mask(like, {"type": "Polygon", "coordinates": [corners + [corners[0]]]})
    assert mask.dims == ("y", "x") and mask.dtype == bool
    assert (
        abs(int(mask.sum()) - 40 * 30) <= 40
    )  # a 40 x 30 pixel box, give or take a pixel along its edge


@pytest.mark.parametrize(
    "bad, error, words",
    [
        (xr.DataArray(np.array([21824.0, 22280.0])), TypeError, "integers"),
        (np.array([21824], dtype="uint16"), TypeError, "xarray.DataArray"),
        (xr.DataArray(np.array([70000, 1], dtype="int64")), ValueError, "0-65535"),
    ],
)
def test_bad_qa_is_refused_with_a_clear_message(bad, error, words):
    with pytest.raises(error, match=words):
        clouds.flag_mask(bad, "cloud")


def test_unknown_flag_names_the_valid_ones():
    qa = xr.DataArray(np.array([CLEAR_LAND], dtype="uint16"))
    with pytest.raises(ValueError, match="valid flags: fill, dilated_cloud"):
        clouds.flag_mask(qa, "clouds")
    with pytest.raises(ValueError, match="cloud_confidence"):
        clouds.confidence(qa, "cloud")


def test_empty_time_range_and_empty_aoi_are_errors():
    qa = qa_scene(np.zeros((0, 2, 2)))
    with pytest.raises(ValueError, match="time range is empty"):
        clouds.cloud_fraction(qa)
    qa = qa_scene([[[CLEAR_LAND, CLOUD], [CLOUD, CLOUD]]])
    empty = xr.zeros_like(qa.isel(time=0), dtype=bool)
    with pytest.raises(ValueError, match="area of interest is empty"):
        clouds.cloud_fraction(qa, empty)
