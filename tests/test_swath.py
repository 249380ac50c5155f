"""eolab.swath: a known field on a synthetic swath is recovered on the 0.25 degree grid.

The swath imitates Sentinel-5P's: pixels of about 5.5 x 3.5 km on (scanline,
ground_pixel), slanted against the grid as a real orbit is, with four corners
per pixel. A field that is linear in latitude and longitude has, over any cell
the swath covers fully, a footprint-weighted mean equal to its value at the
cell's centre: that is what the grid must hold.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from eolab import swath


def synthetic_swath(field, n_scan=160, n_pix=120, lat0=47.0, lon0=0.0, qa=None):
    """A slanted swath of small pixels with corners; ``field(lat, lon)`` gives the values."""
    # pixel size about 0.05 deg along track (scanline) and 0.07 deg across track
    s = np.arange(n_scan + 1)[:, None] * 1.0
    g = np.arange(n_pix + 1)[None, :] * 1.0
    corner_lat = lat0 + 0.05 * s - 0.012 * g  # the track is tilted against the grid
    corner_lon = lon0 + 0.015 * s + 0.07 * g
    lat_b = np.stack(
        [corner_lat[:-1, :-1], corner_lat[:-1, 1:], corner_lat[1:, 1:], corner_lat[1:, :-1]], -1
    )
    lon_b = np.stack(
        [corner_lon[:-1, :-1], corner_lon[:-1, 1:], corner_lon[1:, 1:], corner_lon[1:, :-1]], -1
    )
    lat, lon = lat_b.mean(-1), lon_b.mean(-1)
    values = field(lat, lon)
    qa = np.full(lat.shape, 0.9) if qa is None else qa(lat, lon)
    dims = ("time", "scanline", "ground_pixel")
    return xr.Dataset(
        {
            swath.NO2: (dims, values[None].astype("float32"), {"units": "mol m-2"}),
            swath.QA: (dims, qa[None].astype("float32")),
            "latitude": (dims, lat[None].astype("float32")),
            "longitude": (dims, lon[None].astype("float32")),
            "latitude_bounds": (dims + ("corner",), lat_b[None].astype("float32")),
            "longitude_bounds": (dims + ("corner",), lon_b[None].astype("float32")),
        }
    )


def linear(lat, lon):
    return 1e-4 * (1 + 0.2 * (lat - 48) + 0.1 * (lon - 3))


def test_a_linear_field_is_recovered_at_the_cell_centres():
    orbit = synthetic_swath(linear)
    grid = swath.grid_swath(orbit, res_deg=0.25, box=(1, 7, 47.5, 52))
    assert grid.sizes == {"latitude": 18, "longitude": 24}
    np.testing.assert_allclose(
        grid.latitude[[0, -1]], [47.625, 51.875]
    )  # the lessons' cell centres
    full = grid[swath.WEIGHT] > 0.9 * float(
        grid[swath.WEIGHT].max()
    )  # cells the swath covers fully
    assert int(full.sum()) > 100
    expected = linear(grid.latitude, grid.longitude)
    error = abs(grid[swath.NO2] - expected).where(full) / expected
    assert float(error.max()) < 0.01, (
        "a footprint-weighted mean of a linear field is its centre value"
    )


def test_pixel_centres_give_the_same_field_more_roughly():
    orbit = synthetic_swath(linear)
    grid = swath.grid_swath(orbit, box=(1, 7, 47.5, 52), use_corners=False)
    full = grid[swath.WEIGHT] >= 15
    expected = linear(grid.latitude, grid.longitude)
    assert float((abs(grid[swath.NO2] - expected) / expected).where(full).max()) < 0.02


def test_pixels_below_the_quality_threshold_are_left_out():
    # cloudy pixels (qa 0.5) hold a value 10 times too low: none of it may reach the grid
    cloudy = lambda lat, lon: np.sin(7 * lat) > 0.3  # noqa: E731
    orbit = synthetic_swath(
        lambda la, lo: np.where(cloudy(la, lo), 0.1, 1.0) * linear(la, lo),
        qa=lambda la, lo: np.where(cloudy(la, lo), 0.5, 0.9),
    )
    grid = swath.grid_swath(orbit, box=(1, 7, 47.5, 52), qa_min=0.75)
    seen = grid[swath.WEIGHT] > 2
    expected = linear(grid.latitude, grid.longitude)
    assert float((abs(grid[swath.NO2] - expected) / expected).where(seen).max()) < 0.05
    assert float(grid[swath.QA].where(seen).min()) >= 0.75
    everything = swath.grid_swath(orbit, box=(1, 7, 47.5, 52), qa_min=0)
    assert float(everything[swath.NO2].mean()) < 0.8 * float(grid[swath.NO2].mean())


def test_footprint_is_conserved_and_cells_off_the_swath_are_empty():
    orbit = synthetic_swath(linear, n_scan=40, n_pix=30)
    grid = swath.grid_swath(orbit, box=(-2, 6, 45, 51))
    assert float(grid[swath.WEIGHT].sum()) == pytest.approx(40 * 30)  # every pixel counted once
    empty = grid[swath.WEIGHT] == 0
    assert bool(grid[swath.NO2].where(empty).isnull().all())
    assert int(empty.sum()) > 0


def test_two_orbits_combine_by_their_pixel_weights():
    a = swath.grid_swath(synthetic_swath(lambda la, lo: 0 * la + 1e-4), box=(1, 7, 47.5, 52))
    b = swath.grid_swath(
        synthetic_swath(lambda la, lo: 0 * la + 3e-4, lon0=2.0), box=(2, 9, 47.5, 52)
    )
    both = swath.combine_grids([a, b])
    wa, wb = (g[swath.WEIGHT].reindex_like(both).fillna(0) for g in (a, b))
    expected = (1e-4 * wa + 3e-4 * wb) / (wa + wb)
    np.testing.assert_allclose(
        both[swath.NO2].where(wa + wb > 0), expected.where(wa + wb > 0), rtol=1e-5
    )
    assert float(both.longitude.min()) < 1.2 and float(both.longitude.max()) > 8.8


def test_bad_input_names_the_problem():
    orbit = synthetic_swath(linear, n_scan=10, n_pix=10)
    with pytest.raises(ValueError, match="GEOLOCATIONS"):
        swath.grid_swath(orbit.drop_vars("latitude_bounds"))
    with pytest.raises(ValueError, match="qa_min"):
        swath.grid_swath(orbit, qa_min=75)
    with pytest.raises(ValueError, match="empty"):
        swath.grid_swath(orbit, box=(5, 1, 40, 50))
    with pytest.raises(ValueError, match="nothing to grid"):
        swath.grid_swath(orbit, qa_min=0.95)
