"""Map helpers: labelled colour bars, and clear errors for the usual mistakes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from eolab import datasets, maps  # noqa: E402


@pytest.fixture(scope="module")
def sst():
    return datasets.load("ostia_sst")["sst"]


def test_colour_bar_is_labelled_with_name_and_units(sst):
    assert maps.colorbar_label(sst) == "Sea-surface temperature (°C)"
    mesh = maps.plot_map(sst.isel(time=0), cmap="cmo.thermal")
    assert mesh.colorbar.ax.get_xlabel() == "Sea-surface temperature (°C)"
    plt.close("all")


def test_plot_map_refuses_a_field_with_time_still_in_it(sst):
    with pytest.raises(ValueError, match="2-D field.*isel\\(time=0\\)"):
        maps.plot_map(sst)


def test_extent_with_latitude_and_longitude_swapped_is_refused():
    with pytest.raises(
        ValueError, match="lat_min < lat_max <= 90.*lon_min, lon_max, lat_min, lat_max"
    ):
        maps.check_extent((-5, 5, 120, 280))


def test_extent_needs_four_numbers_and_ordered_longitudes():
    with pytest.raises(ValueError, match="extent must be"):
        maps.check_extent((0, 10, 5))
    with pytest.raises(ValueError, match="lon_min < lon_max"):
        maps.check_extent((10, 0, -5, 5))


def test_unknown_projection_and_resolution_are_refused():
    with pytest.raises(ValueError, match="unknown projection 'lambert'"):
        maps.map_axes(projection="lambert")
    with pytest.raises(ValueError, match="resolution must be one of"):
        maps.map_axes(resolution="10m")


def test_robinson_map_with_extent_draws(sst):
    ax = maps.map_axes(projection="robinson", central_longitude=180)
    maps.plot_map(sst.isel(time=-1), ax=ax, robust=True, title="OSTIA")
    ax.figure.canvas.draw()
    assert ax.get_title() == "OSTIA"
    plt.close("all")


def test_a_map_without_a_title_has_none_not_xarrays_time_default(sst):
    ax = maps.map_axes(extent=(120, 290, -10, 10), central_longitude=180)
    maps.plot_map(sst.isel(time=-1), ax=ax)
    assert "time =" not in ax.get_title() and ax.get_title() == ""
    plt.close("all")
