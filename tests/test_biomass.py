"""Biomass and regions: zonal totals are right, CRSs are checked, the synthetic map is plausible.

* The total biomass of each country and protected area from
  :func:`eolab.regions.zonal_stats` matches an independent computation
  (pixel centres tested with shapely, pixel areas on the WGS 84 ellipsoid
  with pyproj.Geod) within 0.5 %.
* A uniform 100 Mg ha-1 over exactly 1 km² holds 10 000 Mg; a 1° cell at
  the equator is about 12 300 km², at 60° half that.
* A raster and regions in different CRSs, a region outside the raster and
  an empty selection are refused with the names of what is wrong.
* The synthetic map looks like the NCEO / CCI products: montane forests of
  200-400 Mg ha-1 at the real places, under 20 Mg ha-1 in the arid north,
  nodata over water, and one seed gives identical bytes.
"""

from __future__ import annotations

import hashlib
import os

import geopandas as gpd
import numpy as np
import pytest
import shapely
import xarray as xr
from pyproj import Geod

from eolab import regions
from eolab.synthetic import biomass

NEIGHBOURS = [
    "Kenya",
    "Uganda",
    "United Republic of Tanzania",
    "Ethiopia",
    "Somalia",
    "South Sudan",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eolab-cache")
    old = os.environ.get("EOLAB_CACHE")
    os.environ["EOLAB_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("EOLAB_CACHE")
    else:
        os.environ["EOLAB_CACHE"] = old


@pytest.fixture(scope="module")
def paths(cache):
    return biomass.files(seed=0)


@pytest.fixture(scope="module")
def agb(paths) -> xr.Dataset:
    return biomass.load_agb(seed=0)


@pytest.fixture(scope="module")
def countries(paths):
    world = gpd.read_file(paths["countries"])
    return world[world.ADMIN.isin(NEIGHBOURS)]


@pytest.fixture(scope="module")
def protected(paths, agb):
    return gpd.read_file(paths["protected_areas"]).to_crs(agb.rio.crs)


def independent_totals(da: xr.DataArray, shapes, by: str) -> dict[str, float]:
    """Sum of value x ellipsoidal pixel area over pixel centres inside each shape (Mg)."""
    geod = Geod(ellps="WGS84")
    res = abs(float(da.y[0] - da.y[1]))
    lon0 = float(da.x[0])
    row_area_ha = np.array(
        [
            abs(
                geod.polygon_area_perimeter(
                    [lon0 - res / 2, lon0 + res / 2, lon0 + res / 2, lon0 - res / 2],
                    [lat - res / 2, lat - res / 2, lat + res / 2, lat + res / 2],
                )[0]
            )
            / 1e4
            for lat in da.y.values
        ]
    )
    xx, yy = np.meshgrid(da.x.values, da.y.values)
    values = np.nan_to_num(da.values.astype("float64"))
    totals = {}
    for name, geom in zip(shapes[by], shapes.geometry, strict=True):
        inside = shapely.contains_xy(geom, xx, yy)
        totals[name] = float((values * inside * row_area_ha[:, None]).sum())
    return totals


def test_zonal_totals_match_an_independent_computation(agb, countries, protected):
    for shapes in (countries, protected):
        stats = regions.zonal_stats(agb.agb, shapes, by="NAME")
        expected = independent_totals(agb.agb, shapes, "NAME")
        for name, total in expected.items():
            got = float(stats.total.sel(region=name))
            assert got == pytest.approx(total, rel=0.005), (
                f"{name}: {got:.4g} Mg vs independent {total:.4g} Mg"
            )
    assert stats.total.attrs["units"] == "Mg"


def test_kenya_holds_about_a_billion_tonnes_with_honest_uncertainty(agb, countries):
    kenya = regions.zonal_stats(
        agb.agb, countries[countries.ADMIN == "Kenya"], by="NAME", uncertainty=agb.agb_sd
    )
    k = kenya.sel(region="Kenya")
    assert 560_000 < float(k.area_km2) < 590_000  # 580 367 km² including lakes
    assert 10 < float(k["mean"]) < 30
    assert float(k.total_sd_independent) < float(k.total_sd_correlated) < float(k.total)


def test_a_uniform_field_over_one_square_kilometre_holds_its_density_times_100_ha():
    x = 500_050.0 + 100 * np.arange(20)
    y = 9_900_950.0 - 100 * np.arange(20)
    da = xr.DataArray(
        np.full((20, 20), 100.0, "float32"),
        dims=("y", "x"),
        coords={"y": y, "x": x},
        attrs={"units": "Mg ha-1"},
    ).rio.write_crs("EPSG:32737")
    square = gpd.GeoDataFrame(
        {"NAME": ["square"]},
        geometry=[shapely.box(500_200, 9_899_200, 501_200, 9_900_200)],
        crs="EPSG:32737",
    )
    stats = regions.zonal_stats(da, square, by="NAME")
    assert float(stats.total.sel(region="square")) == pytest.approx(10_000)
    assert float(stats.area_km2.sel(region="square")) == pytest.approx(1.0)
    assert float(stats["mean"].sel(region="square")) == pytest.approx(100)


def test_a_degree_of_longitude_shrinks_with_the_cosine_of_latitude():
    grid = xr.DataArray(
        np.ones((3, 2)), dims=("y", "x"), coords={"y": [60.0, 30.0, 0.0], "x": [0.0, 1.0]}
    ).rio.write_crs("EPSG:4326")
    area = regions.pixel_area_ha(grid)  # 1° wide, 30° tall cells centred on 60, 30 and 0°N
    geod = Geod(ellps="WGS84")
    for lat, got in zip((60.0, 30.0, 0.0), area.values[:, 0], strict=True):
        exact = abs(
            geod.polygon_area_perimeter(
                [-0.5, 0.5, 0.5, -0.5], [lat - 15, lat - 15, lat + 15, lat + 15]
            )[0]
        )
        assert got == pytest.approx(exact / 1e4, rel=0.005)
    assert area.attrs["units"] == "ha"


def test_pixel_areas_are_ellipsoidal_not_spherical():
    """A 0.01° pixel has the WGS 84 ellipsoid's area (pyproj.Geod, edges densified along the
    parallels) to 1e-6, and the whole globe sums to the ellipsoid's 510 065 622 km²."""
    geod = Geod(ellps="WGS84")
    lats = np.array([0.005, 45.005, 79.995])

    def pixel(lat):
        grid = xr.DataArray(
            np.ones((2, 2)), dims=("y", "x"), coords={"y": [lat, lat - 0.01], "x": [0.005, 0.015]}
        ).rio.write_crs("EPSG:4326")
        return float(regions.pixel_area_ha(grid).values[0, 0])

    for lat in lats:
        xs = list(np.linspace(0, 0.01, 11)) + list(np.linspace(0.01, 0, 11))
        ys = [lat - 0.005] * 11 + [lat + 0.005] * 11
        exact = abs(geod.polygon_area_perimeter(xs, ys)[0]) / 1e4
        assert pixel(lat) == pytest.approx(exact, rel=1e-5)
    area = pixel(0.005)
    # at the equator a 0.01° pixel is 1.1057 km (latitude) x 1.1132 km (longitude), not 1.1132 km
    # square
    assert area == pytest.approx(1.10574 * 1.11320 * 100, rel=1e-4)  # ha
    spherical = (regions.AUTHALIC_RADIUS_M * np.radians(0.01)) ** 2 / 1e4
    assert area / spherical == pytest.approx(1 - 0.0045, abs=0.0005)
    world = xr.DataArray(
        np.ones((180, 360)),
        dims=("y", "x"),
        coords={"y": np.arange(89.5, -90, -1.0), "x": np.arange(-179.5, 180, 1.0)},
    ).rio.write_crs("EPSG:4326")
    assert float(regions.pixel_area_ha(world).sum()) / 100 == pytest.approx(510_065_622, rel=1e-6)


def test_regions_in_another_crs_are_refused_naming_both(agb, paths):
    utm = gpd.read_file(paths["protected_areas"])
    assert utm.crs.to_epsg() == 21037
    with pytest.raises(
        ValueError, match=r"raster is in EPSG:4326 .* regions are in EPSG:21037 .*to_crs"
    ):
        regions.zonal_stats(agb.agb, utm)
    with pytest.raises(ValueError, match="EPSG:21037"):
        regions.clip(agb.agb, utm)


def test_a_region_outside_the_raster_is_named(agb, paths):
    world = gpd.read_file(paths["countries"])
    with pytest.raises(ValueError, match=r"region\(s\) 'France' .* lie outside the raster"):
        regions.zonal_stats(agb.agb, world[world.ADMIN.isin(["France", "Kenya"])], by="NAME")


def test_an_empty_selection_is_refused(agb, paths):
    world = gpd.read_file(paths["countries"])
    with pytest.raises(ValueError, match="no regions: the GeoDataFrame is empty"):
        regions.clip(agb.agb, world[world.ADMIN == "Kenia"])


def test_clip_keeps_kenya_only(agb, countries):
    kenya = countries[countries.ADMIN == "Kenya"]
    clipped = regions.clip(agb.agb, kenya)
    west, south, east, north = kenya.total_bounds
    assert float(clipped.x.min()) >= west - 0.01 and float(clipped.x.max()) <= east + 0.01
    assert float(clipped.sel(x=41.5, y=-1.0, method="nearest").isnull()) == 1  # Somalia, outside
    assert np.isfinite(float(clipped.sel(x=37.0, y=0.5, method="nearest")))


def test_carbon_is_047_of_biomass_and_a_percentage_is_refused(agb):
    carbon = regions.carbon_stock(agb.agb)
    np.testing.assert_allclose(carbon.values, agb.agb.values * 0.47, rtol=1e-6)
    assert carbon.attrs["units"] == "Mg C ha-1"
    with pytest.raises(
        ValueError, match="carbon_fraction is a mass fraction in \\(0, 1\\), got 47"
    ):
        regions.carbon_stock(agb.agb, 47)


def test_the_synthetic_map_is_plausible_and_labelled(agb, paths):
    import rasterio

    a = agb.agb
    assert agb.rio.crs.to_epsg() == 4326 and a.dtype == np.float32 and a.attrs["units"] == "Mg ha-1"
    assert (
        200 < float(a.sel(y=slice(0.0, -0.4), x=slice(37.0, 37.6)).quantile(0.9)) <= 420
    )  # Mount Kenya belt
    assert float(a.sel(y=slice(4.0, 3.0), x=slice(39.0, 41.0)).mean()) < 20  # arid north-east
    assert np.isnan(float(a.sel(x=42.3, y=-5.0, method="nearest")))  # Indian Ocean
    assert float(a.max()) <= 420 and float(agb.agb_sd.min()) > 0
    with rasterio.open(paths["agb"]) as src:
        assert src.nodata == -9999 and src.tags()["EOLAB_KIND"] == "synthetic"
        assert "SYNTHETIC" in src.tags()["TITLE"]
    names = gpd.read_file(paths["protected_areas"]).NAME
    assert names.str.contains("SYNTHETIC").all()


def test_files_hold_the_truth_and_a_seed_gives_identical_bytes(agb, paths, tmp_path, monkeypatch):
    truth = biomass.ground_truth(seed=0)
    np.testing.assert_array_equal(agb.agb.values, truth.agb.values)
    monkeypatch.setenv("EOLAB_CACHE", str(tmp_path))
    again = biomass.files(seed=0)
    for key in ("agb", "agb_sd"):
        assert (
            hashlib.sha256(again[key].read_bytes()).hexdigest()
            == hashlib.sha256(paths[key].read_bytes()).hexdigest()
        )
