"""The geographic basics, written once (``eolab.grid``).

Specifications:

* latitude and longitude are found under their usual names (or the name
  given), and a missing one is an error that lists what the data have;
* the CRS is read from odc-stac / rioxarray data or ``attrs["crs"]``, and
  data without one get an error that says how to set it;
* a pixel's area is its true area: on the WGS 84 ellipsoid for a grid in
  degrees (the cells of the whole globe add up to the ellipsoid's surface,
  510,065,622 km², and one cell agrees with ``pyproj.Geod``), the product
  of the pixel sizes for a projected grid; a CRS that distorts area is
  refused, and one area per pixel is refused for degrees;
* the time axis: present, not empty, and covering the dates asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (the .rio accessor)
import xarray as xr

from eolab import clouds, grid, regions, water


def raster(crs, x0, y0, res, ny=4, nx=4):
    da = xr.DataArray(
        np.ones((ny, nx)),
        dims=("y", "x"),
        coords={"y": y0 - res * np.arange(ny), "x": x0 + res * np.arange(nx)},
    )
    return da.rio.write_crs(crs)


# --------------------------------------------------------------------------- coordinates


@pytest.mark.parametrize(
    "lat,lon", [("lat", "lon"), ("latitude", "longitude"), ("nav_lat", "nav_lon")]
)
def test_latitude_and_longitude_are_found_under_their_usual_names(lat, lon):
    da = xr.DataArray(
        np.zeros((2, 3)), dims=(lat, lon), coords={lat: [0.0, 1.0], lon: [0.0, 1.0, 2.0]}
    )
    assert grid.lat_lon_names(da) == (lat, lon)


def test_a_given_name_wins_and_y_x_count_only_when_asked():
    da = xr.DataArray(np.zeros((2, 2)), dims=("row", "col"), coords={"row": [0, 1], "col": [0, 1]})
    assert grid.lat_lon_names(da, "row", "col") == ("row", "col")
    yx = da.rename(row="y", col="x")
    assert grid.lat_lon_names(yx, xy=True) == ("y", "x")
    with pytest.raises(KeyError):
        grid.lat_lon_names(yx)


def test_a_missing_coordinate_names_what_the_data_have():
    da = xr.DataArray(np.zeros((2, 2)), dims=("row", "col"))
    with pytest.raises(grid.CoordinateNotFound) as info:
        grid.lat_lon_names(da)
    message = str(info.value)
    assert message.startswith("the data have no lat coordinate") and "'row'" in message
    assert "lat_name=" in message
    # a KeyError (as eolab.anomalies and eolab.pollution raised) and a ValueError (as eolab.cube)
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- the CRS


def test_the_crs_is_read_from_rioxarray_odc_stac_or_attrs():
    assert grid.crs_of(raster("EPSG:32633", 5e5, 5.7e6, 30.0)).to_epsg() == 32633
    plain = xr.DataArray(np.ones((2, 2)), dims=("y", "x"), attrs={"crs": "EPSG:32635"})
    assert grid.crs_of(plain).to_epsg() == 32635
    assert clouds.crs_of is grid.crs_of, "clouds.crs_of stays importable for the lessons"


def test_data_without_a_crs_are_told_how_to_set_one():
    with pytest.raises(ValueError, match=r"no CRS.*write_crs\('EPSG:4326'\).*attrs\['crs'\]"):
        grid.crs_of(xr.DataArray(np.ones((2, 2)), dims=("y", "x")))


# --------------------------------------------------------------------------- pixel area


def test_the_cells_of_the_globe_add_up_to_the_surface_of_the_wgs84_ellipsoid():
    world = raster("EPSG:4326", -179.5, 89.5, 1.0, ny=180, nx=360)
    area = grid.pixel_area_m2(world)
    assert area.attrs["units"] == "m2" and area.dims == ("y", "x")
    assert float(area.sum()) / 1e6 == pytest.approx(510_065_622, rel=1e-6)
    # constant along a row, shrinking towards the poles
    assert np.unique(area.isel(y=90).values).size == 1
    assert float(area.isel(y=0, x=0)) < float(area.isel(y=45, x=0)) < float(area.isel(y=89, x=0))


def test_one_geographic_cell_agrees_with_pyproj_geod():
    from pyproj import Geod

    cell = raster("EPSG:4326", 10.0, 60.0, 0.5, ny=2, nx=2)
    # the cell's edges run along parallels: follow them closely (a geodesic would not)
    along = np.linspace(9.75, 10.25, 400)
    lons = np.concatenate([along, along[::-1]])
    lats = np.concatenate([np.full(along.size, 59.75), np.full(along.size, 60.25)])
    geod_area, _ = Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)
    assert float(grid.pixel_area_m2(cell).isel(y=0, x=0)) == pytest.approx(abs(geod_area), rel=1e-6)


def test_a_projected_pixel_is_the_product_of_its_sizes():
    utm = raster("EPSG:32633", 500_000.0, 5_700_000.0, 30.0)
    assert np.all(grid.pixel_area_m2(utm).values == 900.0)
    assert grid.pixel_size_m2(utm) == 900.0
    assert water.pixel_area_km2(utm) == 900.0 / 1e6
    assert np.all(regions.pixel_area_ha(utm).values == 900.0 / 1e4)


def test_a_crs_that_distorts_area_is_refused():
    mercator = raster("EPSG:3857", 1e6, 8.4e6, 1000.0)
    for area in (grid.pixel_area_m2, grid.pixel_size_m2):
        with pytest.raises(ValueError, match="does not preserve area"):
            area(mercator)


def test_one_area_for_every_pixel_is_refused_in_degrees():
    degrees = raster("EPSG:4326", 25.0, -24.0, 0.01)
    with pytest.raises(ValueError, match=r"units of 'degree'.*projected CRS in metres.*reproject"):
        grid.pixel_size_m2(degrees)
    # ... while each pixel's own area is well defined: about 1.11 km x 1.02 km at 24 S
    assert float(grid.pixel_area_m2(degrees).isel(y=0, x=0)) / 1e6 == pytest.approx(1.13, abs=0.01)


def test_the_pixel_size_needs_two_coordinates():
    one_column = xr.DataArray(
        np.ones((3, 1)),
        dims=("y", "x"),
        coords={"y": [2.0, 1.0, 0.0], "x": [5.0]},
        attrs={"crs": "EPSG:32633"},
    )
    with pytest.raises(ValueError, match="cannot tell the pixel size"):
        grid.pixel_size_m2(one_column)


# --------------------------------------------------------------------------- the time axis


def series(start="2018-01-01", days=10):
    t = pd.date_range(start, periods=days, freq="D")
    return xr.DataArray(np.arange(days, dtype=float), dims="time", coords={"time": t})


def test_a_time_range_is_checked_against_the_data():
    da = series()
    assert grid.check_time_range(da, None) == slice(None)
    assert da.sel(time=grid.check_time_range(da, ("2018-01-03", "2018-01-05"))).size == 3
    with pytest.raises(ValueError, match="inverted time range"):
        grid.check_time_range(da, ("2018-01-05", "2018-01-03"))
    with pytest.raises(ValueError, match="outside the cube, which covers 2018-01-01..2018-01-10"):
        grid.check_time_range(da, ("2019-01-01", "2019-02-01"))
    with pytest.raises(ValueError, match=r"time must be \(start, end\)"):
        grid.check_time_range(da, ("2018-01-01",))


def test_an_empty_or_missing_time_axis_is_an_error():
    grid.check_scenes(series())
    with pytest.raises(ValueError, match="no scenes: the time range is empty"):
        grid.check_scenes(series().isel(time=slice(0, 0)))
    grid.check_time_dim(series())
    with pytest.raises(ValueError, match="need a 'time' dimension"):
        grid.check_time_dim(series().isel(time=0, drop=True))
    with pytest.raises(TypeError, match="expected an xarray.DataArray"):
        grid.check_time_dim(series().to_dataset(name="v"))
