"""Every public function of eolab checks its inputs against what it documents (issue 20).

A table of bad inputs a learner can give: each row asserts either a clear
error (the exception type and a message naming the value and what to do) or
the correct answer.  ``SILENT`` marks the rows that used to give a silently
wrong answer and ``MISLEADING`` the rows that used to fail with an obscure
message, as the adversarial review of issue 20 found them; the rest are
further cases of our own.  No row may give a silently wrong answer.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from eolab import anomalies, clouds, datasets, indices, pollution, regions, scale, water
from eolab.synthetic import biomass, landsat, no2, reflectance, soil_moisture, sst_big

# ----------------------------------------------------------------- small inputs
TIME = pd.date_range("2000-01-15", periods=36, freq="MS")
LAT = np.arange(-10.0, 10.1, 2.5)
LON360 = np.arange(0.0, 360.0, 10.0)


def sst360(units="degC", offset=0.0, lat="lat", lon="lon"):
    """0-360 longitudes; SST rises 0.1 degC per degree of longitude east of 0 (so box means are
    known)."""
    field = (
        20
        + 0.01 * LON360[None, None, :]
        + 0 * LAT[None, :, None]
        + 0 * np.arange(36)[:, None, None]
    )
    return xr.DataArray(
        field + offset,
        dims=("time", lat, lon),
        coords={"time": TIME, lat: LAT, lon: LON360},
        attrs={"units": units},
    )


def sst180():
    da = sst360()
    return da.assign_coords(lon=((da.lon + 180) % 360) - 180).sortby("lon")


def expected_box(lon_west, lon_east):
    lons = LON360[((LON360 - lon_west) % 360) <= (lon_east - lon_west)]
    return float((20 + 0.01 * lons).mean())


QA = xr.DataArray(np.array([[21824, 22280], [23888, 1]], dtype="uint16"), dims=("y", "x"))


def band(values, x0=0):
    v = np.asarray(values, dtype=float)
    return xr.DataArray(v, dims=("y", "x"), coords={"y": [0, 1], "x": [x0, x0 + 1]})


def raster(crs, x0, y0, res=1000.0, n=4):
    da = xr.DataArray(
        np.ones((n, n)),
        dims=("y", "x"),
        coords={"y": y0 - res * np.arange(n), "x": x0 + res * np.arange(n)},
    )
    return da.rio.write_crs(crs)


def no2_series(years=(2019, 2020)):
    t = pd.date_range(f"{years[0]}-01-01", f"{years[-1]}-12-31", freq="D")
    rng = np.random.default_rng(0)
    return xr.DataArray(
        1e-4 * (1 + 0.1 * rng.standard_normal(t.size)),
        dims="time",
        coords={"time": t},
        attrs={"units": "mol m-2"},
    )


def no2_grid(lat="latitude", lon="longitude"):
    la, lo = np.arange(44.0, 47.0, 0.1), np.arange(7.5, 10.5, 0.1)
    return xr.DataArray(np.ones((la.size, lo.size)), dims=(lat, lon), coords={lat: la, lon: lo})


def qa_stack():
    return xr.DataArray(
        np.full((2, 3, 3), 21824, dtype="uint16"),
        dims=("time", "y", "x"),
        coords={"time": pd.date_range("2020-01-01", periods=2), "y": [2, 1, 0], "x": [0, 1, 2]},
    )


# ----------------------------------------------------------------- the table
# (id, origin, call, expected): expected is ("error", ExceptionType, regex) or ("value",
# check(result) -> bool)
E = "error"
V = "value"
# Labels measured by running this table against the code before issue 20 (main at 42569bd):
# SILENT = returned a wrong answer without error, MISLEADING = failed with an unhelpful
# message, OURS = already handled (kept as regression cases).
SILENT, MISLEADING, OURS = "silent before", "misleading before", "ours"

CASES = [
    # --- longitude conventions and boxes (anomalies.box_mean / check_box / nino34)
    (
        "box -180..180 on 0-360 data crosses the seam",
        SILENT,
        lambda: float(anomalies.box_mean(sst360(), lat=(-5, 5), lon=(-20, 10)).isel(time=0)),
        (V, lambda r: abs(r - expected_box(-20, 10)) < 1e-9),
    ),
    (
        "box 0-360 on -180..180 data",
        MISLEADING,
        lambda: float(anomalies.box_mean(sst180(), lat=(-5, 5), lon=(190, 240)).isel(time=0)),
        (V, lambda r: abs(r - expected_box(190, 240)) < 1e-9),
    ),
    (
        "box across the antimeridian on -180..180 data",
        SILENT,
        lambda: float(anomalies.box_mean(sst180(), lat=(-5, 5), lon=(170, 190)).isel(time=0)),
        (V, lambda r: abs(r - expected_box(170, 190)) < 1e-9),
    ),
    (
        "negative box on -180..180 data",
        OURS,
        lambda: float(anomalies.box_mean(sst180(), lat=(-5, 5), lon=(-60, -20)).isel(time=0)),
        (V, lambda r: abs(r - expected_box(300, 340)) < 1e-9),
    ),
    (
        "check_box crossing the seam",
        SILENT,
        lambda: anomalies.check_box(sst360(), lat=(-5, 5), lon=(-20, 10)),
        (E, ValueError, r"crosses the seam.*box_mean"),
    ),
    (
        "check_box in the other convention",
        MISLEADING,
        lambda: anomalies.check_box(sst360(), lat=(-5, 5), lon=(-60, -20)),
        (V, lambda r: r[1] == slice(300.0, 340.0)),
    ),
    (
        "box west > east",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(), lat=(-5, 5), lon=(40, 10)),
        (E, ValueError, r"west < east.*lon=\(170, 190\)"),
    ),
    (
        "box wider than 360",
        SILENT,
        lambda: anomalies.box_mean(sst360(), lat=(-5, 5), lon=(-200, 200)),
        (E, ValueError, r"more than 360"),
    ),
    (
        "box lat swapped with lon",
        OURS,
        lambda: anomalies.box_mean(sst360(), lat=(100, 150), lon=(-5, 5)),
        (E, ValueError, r"-90\.\.90.*swap"),
    ),
    (
        "box south > north",
        OURS,
        lambda: anomalies.box_mean(sst360(), lat=(5, -5), lon=(0, 10)),
        (E, ValueError, r"south < north"),
    ),
    (
        "box outside the data",
        OURS,
        lambda: anomalies.box_mean(sst360(), lat=(40, 50), lon=(0, 10)),
        (E, ValueError, r"outside the data"),
    ),
    (
        "box given as a string",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(), lat="-5,5", lon=(0, 10)),
        (E, ValueError, r"pair of numbers"),
    ),
    (
        "box with NaN",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(), lat=(np.nan, 5), lon=(0, 10)),
        (E, ValueError, r"finite"),
    ),
    (
        "box thinner than a grid row",
        SILENT,
        lambda: anomalies.box_mean(sst360(), lat=(0.5, 1.0), lon=(0, 10)),
        (E, ValueError, r"no grid row.*widen"),
    ),
    # --- lat/latitude names
    (
        "box_mean on latitude/longitude",
        MISLEADING,
        lambda: float(
            anomalies.box_mean(
                sst360(lat="latitude", lon="longitude"), lat=(-5, 5), lon=(0, 20)
            ).isel(time=0)
        ),
        (V, lambda r: abs(r - expected_box(0, 20)) < 1e-9),
    ),
    (
        "box_mean without any latitude",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(lat="row", lon="col"), lat=(-5, 5), lon=(0, 20)),
        (E, KeyError, r"no lat coordinate.*'row'.*lat_name="),
    ),
    (
        "city_mask on lat/lon",
        MISLEADING,
        lambda: int(pollution.city_mask(no2_grid("lat", "lon"), "Milan", 40).sum()),
        (V, lambda r: r == int(pollution.city_mask(no2_grid(), "Milan", 40).sum()) and r > 10),
    ),
    (
        "city_mask without coordinates",
        MISLEADING,
        lambda: pollution.city_mask(no2_grid("a", "b"), "Milan", 40),
        (E, KeyError, r"no latitude coordinate"),
    ),
    # --- units: kelvin vs degC
    (
        "kelvin labelled degC",
        SILENT,
        lambda: anomalies.nino34_sst(sst360(offset=273.15)),
        (E, ValueError, r"look like kelvin.*273\.15"),
    ),
    (
        "degC labelled K",
        SILENT,
        lambda: anomalies.nino34_sst(sst360(units="K")),
        (E, ValueError, r"look like degC.*units"),
    ),
    (
        "kelvin labelled K",
        OURS,
        lambda: float(anomalies.nino34_sst(sst360(units="K", offset=273.15)).isel(time=0)),
        (V, lambda r: abs(r - 273.15 - expected_box(190, 240)) < 1e-9),
    ),
    (
        "no units",
        OURS,
        lambda: anomalies.nino34_sst(sst360(units=None)),
        (E, ValueError, r"units.*degC or K"),
    ),
    (
        "nino34 of a Dataset",
        OURS,
        lambda: anomalies.nino34_sst(sst360().to_dataset(name="sst")),
        (E, TypeError, r"ds\['sst'\]"),
    ),
    (
        "nino34 on data not covering the box",
        OURS,
        lambda: anomalies.nino34_sst(sst360().sel(lon=slice(0, 100))),
        (E, ValueError, r"does not cover the Niño-3.4 box"),
    ),
    # --- anomalies, trends
    (
        "climatology by an unknown group",
        OURS,
        lambda: anomalies.climatology(sst360(), by="week"),
        (E, ValueError, r"week"),
    ),
    (
        "trend per century",
        OURS,
        lambda: anomalies.linear_trend(sst360(), per="century"),
        (E, ValueError, r"'year' or 'decade'.*century"),
    ),
    (
        "climatology without time",
        OURS,
        lambda: anomalies.climatology(sst360().isel(time=0)),
        (E, ValueError, r"time"),
    ),
    # --- spectral indices: fill values, DN, empty overlap
    (
        "NDVI with a -9999 fill",
        SILENT,
        lambda: indices.ndvi(band([[0.1, -9999], [0.1, 0.2]]), band([[0.4] * 2] * 2)),
        (E, ValueError, r"-9999.*fill value.*where\(band != -9999\)"),
    ),
    (
        "NDVI of non-overlapping tiles",
        SILENT,
        lambda: indices.ndvi(band([[0.1] * 2] * 2), band([[0.4] * 2] * 2, x0=10)),
        (E, ValueError, r"do not overlap"),
    ),
    (
        "NDVI of raw digital numbers",
        OURS,
        lambda: indices.ndvi(band([[800.0] * 2] * 2), band([[3000.0] * 2] * 2)),
        (E, ValueError, r"raw digital numbers"),
    ),
    (
        "NDVI of numpy arrays",
        OURS,
        lambda: indices.ndvi(np.ones(3), np.ones(3)),
        (E, TypeError, r"DataArray"),
    ),
    (
        "NDVI of an empty band",
        SILENT,
        lambda: indices.ndvi(
            band([[0.1] * 2] * 2).isel(x=slice(0, 0)), band([[0.4] * 2] * 2).isel(x=slice(0, 0))
        ),
        (E, ValueError, r"empty"),
    ),
    (
        "NDVI where both bands are zero",
        OURS,
        lambda: indices.ndvi(band([[0.0, 0.1], [0.1, 0.1]]), band([[0.0, 0.4], [0.4, 0.4]])).values,
        (V, lambda r: np.isnan(r[0, 0]) and abs(r[0, 1] - 0.6) < 1e-12),
    ),
    (
        "MNDWI with different dims",
        OURS,
        lambda: indices.mndwi(band([[0.1] * 2] * 2), band([[0.1] * 2] * 2).rename(x="z")),
        (E, ValueError, r"share dimensions"),
    ),
    # --- clouds: strings where lists are expected, bits
    (
        "clear_mask(exclude='cloud')",
        MISLEADING,
        lambda: clouds.clear_mask(QA, exclude="cloud"),
        (V, lambda r: r.equals(clouds.clear_mask(QA, exclude=["cloud"]))),
    ),
    (
        "decode_qa(flags='cloud')",
        MISLEADING,
        lambda: list(clouds.decode_qa(QA, flags="cloud").data_vars),
        (V, lambda r: r == ["cloud"]),
    ),
    (
        "clear_fraction(exclude='snow')",
        MISLEADING,
        lambda: clouds.clear_fraction(qa_stack(), exclude="snow").values.tolist(),
        (V, lambda r: r == clouds.clear_fraction(qa_stack(), exclude=["snow"]).values.tolist()),
    ),
    (
        "clear_mask(exclude=5)",
        MISLEADING,
        lambda: clouds.clear_mask(QA, exclude=5),
        (E, TypeError, r"exclude must be a name or a list of names, got 5"),
    ),
    (
        "clear_mask(exclude=['clouds'])",
        OURS,
        lambda: clouds.clear_mask(QA, exclude=["clouds"]),
        (E, ValueError, r"unknown QA_PIXEL flag 'clouds'; valid flags"),
    ),
    (
        "clear_mask excluding 'clear'",
        OURS,
        lambda: clouds.clear_mask(QA, exclude=["clear"]),
        (E, ValueError, r"cannot be excluded"),
    ),
    (
        "QA scaled to float",
        OURS,
        lambda: clouds.clear_mask(QA.astype(float)),
        (E, TypeError, r"integers.*without scaling"),
    ),
    (
        "QA beyond 16 bits",
        OURS,
        lambda: clouds.clear_mask(QA.astype("int32") + 70000),
        (E, ValueError, r"0-65535"),
    ),
    (
        "QA as numpy",
        OURS,
        lambda: clouds.clear_mask(QA.values),
        (E, TypeError, r"xarray.DataArray"),
    ),
    (
        "water with exclude as one string",
        MISLEADING,
        lambda: (
            water.classify_water(
                xr.Dataset(
                    {
                        "green": band([[0.1] * 2] * 2),
                        "swir16": band([[0.3] * 2] * 2),
                        "qa_pixel": QA,
                    }
                ),
                exclude="cloud",
            ).dtype
        ),
        (V, lambda r: r is not None),
    ),
    # --- CRS and areas
    (
        "pixel areas in Web Mercator at 60N",
        SILENT,
        lambda: regions.pixel_area_ha(raster("EPSG:3857", 1e6, 8.4e6)),
        (
            E,
            ValueError,
            r"EPSG:3857.*does not preserve area.*(3\.9\d|4\.0\d) times the true "
            r"areas.*[Rr]eproject",
        ),
    ),
    (
        "pixel areas in World Mercator",
        SILENT,
        lambda: regions.pixel_area_ha(raster("EPSG:3395", 1e6, 5e6)),
        (E, ValueError, r"does not preserve area"),
    ),
    (
        "pixel areas in UTM are accepted",
        OURS,
        lambda: float(regions.pixel_area_ha(raster("EPSG:32633", 500000, 5.7e6)).isel(x=0, y=0)),
        (V, lambda r: r == 100.0),
    ),
    (
        "pixel areas in an equal-area CRS",
        OURS,
        lambda: float(regions.pixel_area_ha(raster("EPSG:6933", 1e6, 5e6)).isel(x=0, y=0)),
        (V, lambda r: r == 100.0),
    ),
    (
        "water pixel area in Web Mercator",
        SILENT,
        lambda: water.pixel_area_km2(raster("EPSG:3857", 2.8e6, -2.9e6).to_dataset(name="green")),
        (E, ValueError, r"does not preserve area"),
    ),
    (
        "water pixel area in degrees",
        OURS,
        lambda: water.pixel_area_km2(
            raster("EPSG:4326", 25, -24, res=0.01).to_dataset(name="green")
        ),
        (E, ValueError, r"projected CRS in metres"),
    ),
    (
        "raster without a CRS",
        OURS,
        lambda: regions.pixel_area_ha(
            xr.DataArray(np.ones((2, 2)), dims=("y", "x"), coords={"y": [1, 0], "x": [0, 1]})
        ),
        (E, ValueError, r"no CRS.*write_crs"),
    ),
    # --- NO2: cities, radius, periods, dates
    (
        "find_city('')",
        SILENT,
        lambda: pollution.find_city(""),
        (E, ValueError, r"needs a city name, got ''"),
    ),
    (
        "find_city('   ')",
        MISLEADING,
        lambda: pollution.find_city("   "),
        (E, ValueError, r"needs a city name"),
    ),
    (
        "find_city(None)",
        MISLEADING,
        lambda: pollution.find_city(None),
        (E, ValueError, r"needs a city name, got None"),
    ),
    (
        "find_city with a country name",
        MISLEADING,
        lambda: pollution.find_city("Paris", country="France"),
        (E, ValueError, r"two-letter code such as 'FR'"),
    ),
    (
        "find_city(' Milan ')",
        MISLEADING,
        lambda: pollution.find_city(" Milan ").name,
        (V, lambda r: r == "Milan"),
    ),
    (
        "find_city unknown",
        OURS,
        lambda: pollution.find_city("Xqzzyville"),
        (E, ValueError, r"unknown city 'Xqzzyville'"),
    ),
    (
        "radius in metres",
        SILENT,
        lambda: pollution.city_mask(no2_grid(), "Milan", 40000),
        (E, ValueError, r"40000 km.*metres.*radius_km=40"),
    ),
    (
        "radius negative",
        OURS,
        lambda: pollution.city_mask(no2_grid(), "Milan", -5),
        (E, ValueError, r"positive"),
    ),
    (
        "radius as a string",
        MISLEADING,
        lambda: pollution.city_mask(no2_grid(), "Milan", "40"),
        (E, TypeError, r"number of kilometres"),
    ),
    (
        "radius NaN",
        MISLEADING,
        lambda: pollution.city_mask(no2_grid(), "Milan", float("nan")),
        (E, TypeError, r"number of kilometres"),
    ),
    (
        "city as a number",
        OURS,
        lambda: pollution.city_mask(no2_grid(), 42, 40),
        (E, TypeError, r"city must be a name"),
    ),
    (
        "reference year = assessed year",
        SILENT,
        lambda: pollution.lockdown_change(
            no2_series(), "2020-03-25", "2020-04-30", reference_year=2020
        ),
        (
            E,
            ValueError,
            r"reference_year=2020 is a year of the assessed period.*reference_year=2019",
        ),
    ),
    (
        "change_map reference year = assessed year",
        SILENT,
        lambda: pollution.change_map(
            no2_series().expand_dims(latitude=[1.0], longitude=[2.0]).transpose("time", ...),
            "2020-03-25",
            "2020-04-30",
            reference_year=2020,
        ),
        (E, ValueError, r"compare the period with itself"),
    ),
    (
        "reference year as text",
        SILENT,
        lambda: pollution.lockdown_change(
            no2_series(), "2020-03-25", "2020-04-30", reference_year="2019"
        ),
        (E, TypeError, r"reference_year must be a year"),
    ),
    (
        "impossible date",
        MISLEADING,
        lambda: pollution.lockdown_change(no2_series(), "2020-02-30", "2020-04-30"),
        (E, ValueError, r"start='2020-02-30' is not a valid date.*YYYY-MM-DD"),
    ),
    (
        "month 13",
        MISLEADING,
        lambda: pollution.lockdown_change(no2_series(), "2020-03-01", "2020-13-01"),
        (E, ValueError, r"end='2020-13-01' is not a valid date"),
    ),
    (
        "end before start",
        OURS,
        lambda: pollution.lockdown_change(no2_series(), "2020-04-30", "2020-03-25"),
        (E, ValueError, r"before start"),
    ),
    (
        "reference year outside the data",
        OURS,
        lambda: pollution.lockdown_change(
            no2_series(), "2020-03-25", "2020-04-30", reference_year=2015
        ),
        (E, ValueError, r"reference"),
    ),
    (
        "lockdown_change answers",
        OURS,
        lambda: float(
            pollution.lockdown_change(no2_series(), "2020-03-25", "2020-04-30")["change_pct"]
        ),
        (V, lambda r: abs(r) < 10),
    ),
    # --- Dask memory
    (
        "worker memory beyond the machine",
        SILENT,
        lambda: scale.worker_memory_limit(2, "2TB"),
        (E, ValueError, r"'2TB'.*more than this machine has"),
    ),
    (
        "worker memory 'lots'",
        OURS,
        lambda: scale.worker_memory_limit(2, "lots"),
        (E, ValueError, r"'2GB'.*'lots'"),
    ),
    (
        "worker memory negative",
        OURS,
        lambda: scale.worker_memory_limit(2, -5),
        (E, ValueError, r"positive"),
    ),
    ("zero workers", OURS, lambda: scale.worker_memory_limit(0, "2GB"), (E, ValueError, r">= 1")),
    (
        "workers as float",
        OURS,
        lambda: scale.worker_memory_limit(2.5, "2GB"),
        (E, ValueError, r"integer"),
    ),
    (
        "2 workers in 2GB",
        OURS,
        lambda: scale.worker_memory_limit(2, "2GB"),
        (V, lambda r: r > 256 * 2**20),
    ),
    # --- seeds and dates of the generators
    (
        "negative seed (reflectance)",
        MISLEADING,
        lambda: reflectance.landscape(seed=-1),
        (E, ValueError, r"seed must be an integer >= 0, got -1"),
    ),
    (
        "float seed (landsat)",
        MISLEADING,
        lambda: landsat.landscape(seed=1.5),
        (E, TypeError, r"seed must be an integer >= 0, got 1.5"),
    ),
    (
        "string seed (no2)",
        SILENT,
        lambda: no2.generate("europe", seed="1"),
        (E, TypeError, r"seed must be an integer"),
    ),
    (
        "bool seed (soil moisture)",
        SILENT,
        lambda: soil_moisture.simulate(seed=True),
        (E, TypeError, r"seed must be an integer"),
    ),
    (
        "negative seed (biomass)",
        MISLEADING,
        lambda: biomass.files(seed=-3),
        (E, ValueError, r"got -3"),
    ),
    (
        "negative seed (build_store)",
        MISLEADING,
        lambda: reflectance.build_store(seed=-1),
        (E, ValueError, r"got -1"),
    ),
    (
        "landsat impossible date",
        MISLEADING,
        lambda: landsat.acquisitions("2017-02-30", "2017-12-31"),
        (E, ValueError, r"start='2017-02-30' is not a valid date"),
    ),
    (
        "landsat empty range",
        OURS,
        lambda: landsat.acquisitions("2018-01-01", "2017-01-01"),
        (E, ValueError, r"empty time range"),
    ),
    (
        "no2 unknown region",
        OURS,
        lambda: no2.build("africa"),
        (E, ValueError, r"unknown region 'africa'"),
    ),
    (
        "sst_big bad resolution",
        OURS,
        lambda: sst_big.open_sst_big(years=1, resolution=0.7),
        (E, ValueError, r"resolution"),
    ),
    # --- the catalogue and cache
    (
        "cache_dir('..')",
        SILENT,
        lambda: datasets.cache_dir(".."),
        (E, ValueError, r"'\.\.'.*inside the cache"),
    ),
    (
        "cache_dir absolute",
        SILENT,
        lambda: datasets.cache_dir("/etc"),
        (E, ValueError, r"'/etc'.*inside"),
    ),
    (
        "unknown dataset",
        OURS,
        lambda: datasets.load("ostia"),
        (E, KeyError, r"no dataset called 'ostia'.*known"),
    ),
    (
        "build into the current folder",
        SILENT,
        lambda: reflectance.build_store(folder="."),
        (E, ValueError, r"refusing to build into '\.'"),
    ),
    (
        "unknown tile",
        OURS,
        lambda: reflectance.load_tile("33XXX"),
        (E, ValueError, r"tile must be one of"),
    ),
    # --- more of our own
    (
        "cache_dir('a/../../b')",
        SILENT,
        lambda: datasets.cache_dir("a/../../b"),
        (E, ValueError, r"inside the cache"),
    ),
    (
        "build_store into a user folder",
        SILENT,
        lambda: reflectance.build_store(folder=_user_folder()),
        (E, FileExistsError, r"holds files eolab did not make"),
    ),
    (
        "build_catalogue into a user folder",
        SILENT,
        lambda: landsat.build_catalogue(
            folder=_user_folder(), start="2016-08-01", end="2016-08-31"
        ),
        (E, FileExistsError, r"holds files eolab did not make"),
    ),
    (
        "soil moisture into a user folder",
        SILENT,
        lambda: soil_moisture.build_store(folder=_user_folder(), daily_files=False),
        (E, FileExistsError, r"holds files eolab did not make"),
    ),
    (
        "worker memory beyond the machine, in bytes",
        SILENT,
        lambda: scale.worker_memory_limit(1, 10**14),
        (E, ValueError, r"more than this machine has"),
    ),
    (
        "radius 5000 (metres for 5 km)",
        SILENT,
        lambda: pollution.city_mask(no2_grid(), "Milan", 5000.0),
        (E, ValueError, r"metres.*radius_km=5"),
    ),
    (
        "radius None",
        MISLEADING,
        lambda: pollution.city_mask(no2_grid(), "Milan", None),
        (E, TypeError, r"number of kilometres, got None"),
    ),
    (
        "reference year inside a winter period",
        SILENT,
        lambda: pollution.lockdown_change(
            no2_series((2018, 2019, 2020)), "2019-12-01", "2020-01-31", reference_year=2020
        ),
        (E, ValueError, r"reference_year=2020 is a year of the assessed period"),
    ),
    (
        "NDVI with a -32768 fill",
        SILENT,
        lambda: indices.ndvi(band([[0.1, -32768], [0.1, 0.2]]), band([[0.4] * 2] * 2)),
        (E, ValueError, r"-32768.*fill value"),
    ),
    (
        "MNDWI with a -9999 fill",
        SILENT,
        lambda: indices.mndwi(band([[0.1] * 2] * 2), band([[0.1, -9999], [0.1, 0.2]])),
        (E, ValueError, r"fill value"),
    ),
    (
        "kelvin labelled celsius",
        SILENT,
        lambda: anomalies.nino34_sst(sst360(units="celsius", offset=273.15)),
        (E, ValueError, r"look like kelvin"),
    ),
    (
        "box lat with one value",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(), lat=(5,), lon=(0, 10)),
        (E, ValueError, r"pair of numbers"),
    ),
    (
        "box lat None",
        MISLEADING,
        lambda: anomalies.box_mean(sst360(), lat=None, lon=(0, 10)),
        (E, ValueError, r"pair of numbers"),
    ),
    (
        "city_series on lat/lon",
        MISLEADING,
        lambda: float(
            pollution.city_series(no2_grid("lat", "lon").expand_dims(time=TIME[:2]), "Milan", 40)[0]
        ),
        (V, lambda r: r == 1.0),
    ),
    (
        "clear_fraction(exclude=None)",
        MISLEADING,
        lambda: clouds.clear_fraction(qa_stack(), exclude=None),
        (E, TypeError, r"exclude must be a name or a list of names, got None"),
    ),
    (
        "decode_qa(flags=5)",
        MISLEADING,
        lambda: clouds.decode_qa(QA, flags=5),
        (E, TypeError, r"flags must be a name or a list of names"),
    ),
    (
        "find_city(123)",
        MISLEADING,
        lambda: pollution.find_city(123),
        (E, ValueError, r"needs a city name, got 123"),
    ),
    (
        "find_city country=33",
        MISLEADING,
        lambda: pollution.find_city("Paris", country=33),
        (E, ValueError, r"two-letter code"),
    ),
    (
        "lockdown start None",
        MISLEADING,
        lambda: pollution.lockdown_change(no2_series(), None, "2020-04-30"),
        (E, ValueError, r"start is missing"),
    ),
    (
        "lockdown start in words",
        MISLEADING,
        lambda: pollution.lockdown_change(no2_series(), "spring 2020", "2020-04-30"),
        (E, ValueError, r"start='spring 2020' is not a valid date"),
    ),
    (
        "landsat month 13",
        MISLEADING,
        lambda: landsat.acquisitions("2017-01-01", "2017-13-01"),
        (E, ValueError, r"end='2017-13-01' is not a valid date"),
    ),
    (
        "numpy negative seed",
        MISLEADING,
        lambda: reflectance.landscape(seed=np.int64(-2)),
        (E, ValueError, r"got -2"),
    ),
    (
        "negative seed (soil moisture)",
        MISLEADING,
        lambda: soil_moisture.simulate(seed=-1),
        (E, ValueError, r"got -1"),
    ),
    (
        "negative seed (no2)",
        MISLEADING,
        lambda: no2.generate("europe", seed=-1),
        (E, ValueError, r"got -1"),
    ),
    (
        "negative seed (build_catalogue)",
        MISLEADING,
        lambda: landsat.build_catalogue(seed=-1),
        (E, ValueError, r"got -1"),
    ),
    (
        "change_map impossible date",
        MISLEADING,
        lambda: pollution.change_map(
            no2_series().expand_dims(latitude=[1.0], longitude=[2.0]).transpose("time", ...),
            "2020-02-31",
            "2020-04-30",
        ),
        (E, ValueError, r"start='2020-02-31' is not a valid date"),
    ),
]


def _user_folder():
    from pathlib import Path

    folder = Path("my_thesis")
    folder.mkdir(exist_ok=True)
    (folder / "thesis.txt").write_text("three years of work")
    return folder


@pytest.mark.parametrize("name,origin,call,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input(name, origin, call, expected, tmp_path, monkeypatch):
    monkeypatch.setenv("EOLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    if expected[0] == E:
        _, kind, pattern = expected
        with pytest.raises(kind) as info:
            call()
        message = str(info.value.args[0]) if info.value.args else str(info.value)
        assert re.search(pattern, message, re.S), f"message {message!r} does not match {pattern!r}"
        assert "Traceback" not in message and "/site-packages/" not in message
    else:
        result = call()
        assert expected[1](result), f"wrong answer: {result!r}"


def test_the_table_covers_the_review():
    """At least the 64 cases of the review (28 silent, 36 misleading) plus our own."""
    origins = [c[1] for c in CASES]
    assert len(CASES) >= 64
    assert len({c[0] for c in CASES}) == len(CASES), "case names are unique"
    counts = {o: origins.count(o) for o in (SILENT, MISLEADING, OURS)}
    errors = sum(c[3][0] == E for c in CASES)
    print(
        f"\nbad inputs tried: {len(CASES)} ({counts}); clear error: {errors}; "
        f"correct answer: {len(CASES) - errors}; silent: 0"
    )
    assert counts[SILENT] >= 28 and counts[MISLEADING] >= 36
