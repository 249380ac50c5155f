"""Every synthetic generator keeps one contract, and its truth can be recovered from its data.

For each module of :mod:`eolab.synthetic` (no2, biomass, landsat, reflectance,
soil_moisture, sst_big):

* ``build`` writes the product and returns where it is; one seed gives the
  same bytes (two builds into two folders have identical SHA-256 inventories).
* ``load`` returns an xarray object whose data variables carry ``units`` and
  ``long_name`` and whose title says SYNTHETIC.
* ``ground_truth`` returns what was injected, and a plain analysis of the
  loaded data recovers it within a stated tolerance (one science check per
  generator, on small sizes).
* ``INFO`` is a complete catalogue entry, listed in :mod:`eolab.datasets`,
  whose loader is the module's ``load``; the old entry-point names still
  point at the new functions.
"""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import cache, datasets
from eolab.synthetic import biomass, landsat, no2, reflectance, soil_moisture, sst_big

GENERATORS = {
    "no2": no2,
    "biomass": biomass,
    "landsat": landsat,
    "reflectance": reflectance,
    "soil_moisture": soil_moisture,
    "sst_big": sst_big,
}

# Small builds: (module, keyword arguments of build) -> what build returns is in folder.
SMALL_BUILDS = {
    "no2": lambda folder: no2.build("east_asia", folder=folder),
    "biomass": lambda folder: biomass.build(folder=folder),
    "landsat": lambda folder: landsat.build(folder=folder, start="2017-01-01", end="2017-06-30"),
    "reflectance": lambda folder: reflectance.build(folder=folder),
    "soil_moisture": lambda folder: soil_moisture.build(folder=folder, daily_files=False),
    "sst_big": lambda folder: sst_big.build(years=0.25, resolution=15.0, folder=folder),
}

# What the lesson loads, small where the loader allows it.
LOADS = {
    "no2": lambda: no2.load("europe"),
    "biomass": lambda: biomass.load(),
    "landsat": lambda: landsat.load(datetime="2017"),
    "reflectance": lambda: reflectance.load(reflectance.TILES[0]),
    "soil_moisture": lambda: soil_moisture.load(),
    "sst_big": lambda: sst_big.load(years=0.25, resolution=15.0),
}

OLD_NAMES = {
    "no2": {"load_no2": "load"},
    "biomass": {"load_agb": "load"},
    "landsat": {"build_catalogue": "build", "load_landsat": "load"},
    "reflectance": {"build_store": "build", "load_tile": "load"},
    "soil_moisture": {"build_store": "build", "load_soil_moisture": "load"},
    "sst_big": {"open_sst_big": "load"},
}


def inventory(path) -> dict:
    """Size and SHA-256 of every file of a built folder, from its completeness marker."""
    folder = path if path.is_dir() else path.parent
    assert cache.check_complete(folder) is None, f"{folder} is not a complete eolab folder"
    return json.loads((folder / cache.MARKER).read_text())["files"]


# ------------------------------------------------------------------ the contract
@pytest.mark.parametrize("name", list(GENERATORS))
def test_build_is_deterministic_one_seed_same_bytes(name, tmp_path):
    first = SMALL_BUILDS[name](tmp_path / "a")
    second = SMALL_BUILDS[name](tmp_path / "b")
    assert first.exists() and second.exists()
    files_a, files_b = inventory(first), inventory(second)
    assert len(files_a) >= 2, f"{name}: build wrote almost nothing: {sorted(files_a)}"
    assert files_a == files_b, f"{name}: two builds with the same seed differ"


@pytest.mark.parametrize("name", list(GENERATORS))
def test_load_returns_labelled_synthetic_xarray_with_units(name):
    ds = LOADS[name]()
    assert isinstance(ds, xr.Dataset)
    assert "SYNTHETIC" in ds.attrs["title"], f"{name}: title {ds.attrs.get('title')!r}"
    assert ds.attrs["eolab_kind"] == "synthetic"
    for var in ds.data_vars:
        attrs = ds[var].attrs
        assert "units" in attrs or "units" in ds[var].encoding, f"{name}.{var} has no units"
        assert attrs.get("long_name"), f"{name}.{var} has no long_name"


@pytest.mark.parametrize("name", list(GENERATORS))
def test_the_catalogue_entry_is_complete_and_names_the_loader(name):
    module = GENERATORS[name]
    info = module.INFO
    assert datasets.info(info.name) is info, f"{name}.INFO is not listed in eolab.datasets.ENTRIES"
    assert module in datasets.GENERATORS
    assert info.loader is module.load
    assert info.kind == "synthetic" and "SYNTHETIC" in info.title
    assert len(info.imitates) > 20 and info.imitates == info.real_product
    assert info.url.startswith("https://"), f"{name}: the real product's URL is missing"
    assert len(info.licence) > 5 and info.version and isinstance(info.seed, int)
    default_seed = inspect.signature(module.load).parameters["seed"].default
    assert info.seed == default_seed, f"{name}: INFO.seed {info.seed}, load() {default_seed}"
    for fn in ("build", "load", "ground_truth"):
        assert callable(getattr(module, fn)) and getattr(module, fn).__doc__, f"{name}.{fn}"
    for old, new in OLD_NAMES[name].items():
        assert getattr(module, old) is getattr(module, new), f"{name}.{old} is not {name}.{new}"


def test_datasets_load_dispatches_to_the_generator():
    ds = datasets.load("sst_big", years=0.25, resolution=15.0)
    assert ds.attrs["eolab_kind"] == "synthetic" and ds.attrs["eolab_dataset"] == "sst_big"
    assert ds["sst"].shape == (91, 12, 24)


def test_source_real_without_a_real_loader_is_a_clear_error(monkeypatch):
    import sys

    import eolab

    monkeypatch.setitem(sys.modules, "eolab.archives", None)  # as if the package were absent
    monkeypatch.delattr(eolab, "archives", raising=False)
    with pytest.raises(ValueError, match="no real loader for 'sst_big'"):
        datasets.load("sst_big", source="real")
    with pytest.raises(ValueError, match="source must be one of"):
        datasets.load("sst_big", source="measured")


def test_source_real_dispatches_to_eolab_archives_load_real(monkeypatch):
    import sys
    import types

    calls = []
    fake = types.ModuleType("eolab.archives")
    fake.names = lambda: ["sst_big"]
    fake.load_real = lambda name, **kw: calls.append((name, kw)) or xr.Dataset(attrs={"real": 1})
    monkeypatch.setitem(sys.modules, "eolab.archives", fake)
    import eolab

    monkeypatch.setattr(eolab, "archives", fake, raising=False)
    assert datasets.load("sst_big", source="real", years=1).attrs == {"real": 1}
    assert calls == [("sst_big", {"years": 1})]
    with pytest.raises(ValueError, match="no real loader for 'nemo_tos'; datasets with one: sst"):
        datasets.load("nemo_tos", source="real")


# ------------------------------------------------------------------ the truth comes back
def test_no2_lockdown_change_near_each_city_recovers_the_injected_change():
    """Clear-sky (qa >= 0.75) mean within 40 km, lockdown window 2020 vs 2019: within 20 points."""
    ds, truth = no2.load("europe"), no2.ground_truth("europe")
    clear = ds[no2.VARIABLE].where(ds["qa_value"] >= 0.75)
    for city in truth.city.values:
        t = truth.sel(city=city)
        dy = (ds.latitude - float(t.lat)) * 111.2
        dx = (ds.longitude - float(t.lon)) * 111.2 * np.cos(np.deg2rad(float(t.lat)))
        disc = clear.where(np.hypot(dx, dy) <= no2.RADIUS_KM)
        w0, w1 = pd.Timestamp(str(t.window_start.item())), pd.Timestamp(str(t.window_end.item()))
        during = float(disc.sel(time=slice(w0, w1)).mean())
        year = pd.DateOffset(years=1)
        before = float(disc.sel(time=slice(w0 - year, w1 - year)).mean())
        recovered = 100 * (during / before - 1)
        injected = float(t.true_change_pct)
        assert abs(recovered - injected) <= 20, (city, recovered, injected)


def test_biomass_read_back_from_the_geotiff_is_the_injected_field():
    """The map a learner opens is the injected field to float32 precision, water masked alike."""
    ds, truth = biomass.load(), biomass.ground_truth()
    for var in ("agb", "agb_sd"):
        loaded, injected = ds[var].values, truth[var].values
        assert loaded.shape == injected.shape
        np.testing.assert_array_equal(np.isnan(loaded), np.isnan(injected))
        np.testing.assert_allclose(loaded, injected, rtol=1e-6, equal_nan=True)
    np.testing.assert_allclose(ds.y, truth.y, atol=1e-9)
    np.testing.assert_allclose(ds.x, truth.x, atol=1e-9)


def test_landsat_water_area_from_mndwi_recovers_the_injected_area():
    """Cloud-free scenes: pixels with MNDWI > 0 cover the true water area.

    Within 5 % of the full reservoir's area always, and within 5 % of the true
    area whenever at least 2 km2 of water is there (shallow margins of a nearly
    empty lake are mixed pixels).
    """
    ds = landsat.load()
    truth = landsat.ground_truth()
    full = float(truth.water_area_km2.max())
    refl = ds[["green", "swir16"]].astype("float32") * landsat.SCALE + landsat.OFFSET
    mndwi = (refl.green - refl.swir16) / (refl.green + refl.swir16)
    checked = 0
    for k, when in enumerate(ds.time.values):
        t = truth.sel(time=when, method="nearest")
        assert abs(t.time.values - when) < np.timedelta64(1, "D")
        scene_id = str(t.id.values)
        if float(t.clear_fraction) < 1:
            continue
        area = float((mndwi.isel(time=k) > 0).sum()) * landsat.PIXEL_AREA_KM2
        injected = float(t.water_area_km2)
        assert abs(area - injected) < 0.05 * full, (scene_id, area, injected)
        if injected >= 2:
            assert abs(area / injected - 1) < 0.05, (scene_id, area, injected)
        checked += 1
    assert checked >= 10


def test_reflectance_ndvi_recovers_the_injected_green_cover():
    """NDVI follows the injected green cover: correlation above 0.9 on vegetated land."""
    tile = reflectance.load(reflectance.TILES[0])
    truth = reflectance.ground_truth().sel(x=tile.x, y=tile.y)
    ndvi = ((tile.B08 - tile.B04) / (tile.B08 + tile.B04)).compute()
    land = truth.land_cover.isin([1, 3, 4, 5])  # forest, wheat, maize, grassland
    ok = (land & np.isfinite(ndvi)).transpose(*ndvi.dims).values
    green = truth.green_cover.transpose(*ndvi.dims).values
    r = np.corrcoef(ndvi.values[ok], green[ok])[0, 1]
    assert r > 0.9, r


def test_soil_moisture_anomalies_find_the_injected_drought_region_and_forests():
    """Apr-Oct 2018 minus other years: the driest quarter of cells is the injected region (80 %)."""
    ds, truth = soil_moisture.load().sm.load(), soil_moisture.ground_truth()
    season = ds.time.dt.month.isin(truth.attrs["drought_months"])
    year = ds.time.dt.year == truth.attrs["drought_year"]
    anomaly = ds.where(season & year).mean("time") - ds.where(season & ~year).mean("time")
    never_seen = ds.isnull().all("time")
    np.testing.assert_array_equal(never_seen.values, truth.forest.values)  # forests: no retrieval
    seen = ~truth.forest
    n = int(truth.drought_region.where(seen, False).sum())
    driest = anomaly.where(seen).values.ravel().argsort()[:n]
    hit = truth.drought_region.values.ravel()[driest].mean()
    assert hit >= 0.8, hit


def test_sst_big_fit_recovers_the_injected_trend_and_seasonal_cycle():
    """Least squares on 20 years at 15 degrees recovers the injected fields.

    Trend within 0.05 degC/decade, seasonal amplitude within 0.05 degC; the mean
    within 0.15 degC (it is the intercept in 2000, extrapolated from 2014-2033,
    so its error is about four times that of the trend per decade).
    """
    kw = dict(years=20, resolution=15.0)
    sst, truth = sst_big.load(**kw)["sst"].values, sst_big.ground_truth(**kw)
    days = (truth.time.values.astype("datetime64[D]") - np.datetime64("1970-01-01")).astype(float)
    season = np.cos(2 * np.pi * (days - truth.attrs["season_peak_day"]) / 365.25)
    epoch = (np.datetime64("2000-01-01") - np.datetime64("1970-01-01")).astype(float)
    decades = (days - epoch) / 3652.5
    design = np.column_stack([np.ones_like(days), season, decades, truth.true_enso_index.values])
    coef, *_ = np.linalg.lstsq(design, sst.reshape(len(days), -1), rcond=None)
    shape = sst.shape[1:]
    np.testing.assert_allclose(coef[1].reshape(shape), truth.true_seasonal_amplitude, atol=0.05)
    np.testing.assert_allclose(coef[2].reshape(shape), truth.true_trend, atol=0.05)
    np.testing.assert_allclose(coef[0].reshape(shape), truth.true_mean, atol=0.15)
