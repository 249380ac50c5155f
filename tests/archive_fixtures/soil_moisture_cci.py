"""Fixture files shaped like ESA CCI Soil Moisture COMBINED daily files, with a known drought.

The real product (``schemas/soil_moisture_cci.json``) is one NetCDF-4 classic file per
day, ``<YYYY>/ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-<YYYYMMDD>000000-fv09.1.nc``, a global
0.25° grid (720 latitudes north to south x 1440 longitudes) of eight variables.  The
fixture writes files with the same names, variables, dimensions, dtypes, attributes and
fill values:

* :func:`write_day` writes one day on the **full global grid** (``structure`` and the
  test that the reader finds the lesson's cells on the real grid use it);
* :func:`write_archive` writes ten years (2012-2021, 3,653 files) on a **window of the
  real grid** (the same cell centres, 44 x 44 cells around the lesson's 47-57°N,
  5-15°E), so a test can serve the whole record in seconds.  Only the size of ``lat`` and
  ``lon`` differs from the real files.

Known truth (SYNTHETIC, test data only): a seasonal cycle (wet winters, dry late
summers) plus day-to-day noise; from April to October 2018, inside a disc of radius
2° around 53.5°N, 12.5°E (:data:`DROUGHT`), soil moisture is :data:`DROUGHT_DEPTH`
lower.  A block of "dense forest" cells is never retrieved (``flag`` 2, ``sm`` fill).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

VERSION = "09.1"
NAME = "ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-{:%Y%m%d}000000-fv" + VERSION + ".nc"
FILL = -9999.0
GLOBAL_LAT = (89.875 - 0.25 * np.arange(720)).astype("float32")
GLOBAL_LON = (-179.875 + 0.25 * np.arange(1440)).astype("float32")
# The window of the real grid the ten-year fixture covers (2 cells around the lesson's box).
WINDOW = dict(lat=(46.5, 57.5), lon=(4.5, 15.5))
START, END = "2012-01-01", "2021-12-31"
DROUGHT = dict(lat=53.5, lon=12.5, radius_deg=2.0, year=2018, months=tuple(range(4, 11)))
DROUGHT_DEPTH = 0.12  # m3 m-3 drier than usual, April-October 2018
FOREST = dict(lat=(48.0, 49.0), lon=(7.0, 8.0))  # never retrieved: flag 2 (dense vegetation)

FLAG_MEANINGS = (
    "no_data_inconsistency_detected snow_coverage_or_temperature_below_zero "
    "dense_vegetation others_no_convergence_in_the_model_thus_no_valid_sm_estimates "
    "soil_moisture_value_exceeds_physical_boundary "
    "weight_of_measurement_below_threshold "
    "all_datasets_deemed_unreliable barren_ground_advisory_flag"
)
SENSORS = (
    "NaN SMMR SSMI TMI AMSR_E WindSat AMSR2 SMOS AMI_WS ASCAT_A ASCAT_B SMAP "
    "GPM FY3B FY3C FY3D ASCAT_C"
)


def window_coords() -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of the window (cell centres of the real global grid)."""
    lat = GLOBAL_LAT[(GLOBAL_LAT > WINDOW["lat"][0]) & (GLOBAL_LAT < WINDOW["lat"][1])]
    lon = GLOBAL_LON[(GLOBAL_LON > WINDOW["lon"][0]) & (GLOBAL_LON < WINDOW["lon"][1])]
    return lat, lon


def drought_region(lat, lon) -> xr.DataArray:
    """True inside the injected drought disc (the ground truth), on the given cell centres."""
    la, lo = np.meshgrid(np.asarray(lat, float), np.asarray(lon, float), indexing="ij")
    dist = np.hypot(la - DROUGHT["lat"], (lo - DROUGHT["lon"]) * np.cos(np.deg2rad(la)))
    return xr.DataArray(
        dist < DROUGHT["radius_deg"],
        dims=("lat", "lon"),
        coords={"lat": np.asarray(lat), "lon": np.asarray(lon)},
    )


def _forest(lat, lon) -> np.ndarray:
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    return (
        (la > FOREST["lat"][0])
        & (la < FOREST["lat"][1])
        & (lo > FOREST["lon"][0])
        & (lo < FOREST["lon"][1])
    )


def simulate(lat, lon, days: pd.DatetimeIndex, seed: int = 0) -> np.ndarray:
    """Soil moisture (days x lat x lon, m3 m-3, NaN where never retrieved) with the drought."""
    rng = np.random.default_rng(seed)
    doy = days.day_of_year.to_numpy()[:, None, None]
    west = (15.0 - np.asarray(lon, float))[None, None, :] / 10.0  # wetter towards the Atlantic
    sm = 0.24 + 0.04 * west + 0.09 * np.cos(2 * np.pi * (doy - 30) / 365.25)
    sm = sm + rng.normal(0, 0.02, (len(days), len(lat), len(lon)))
    in_drought = (days.year == DROUGHT["year"]) & days.month.isin(DROUGHT["months"])
    region = drought_region(lat, lon).to_numpy()
    sm[in_drought] -= DROUGHT_DEPTH * region
    sm = np.clip(sm, 0.02, 0.6).astype("float32")
    sm[:, _forest(lat, lon)] = np.nan
    return sm


def _attrs(day: pd.Timestamp) -> dict:
    return {
        "title": "ESA CCI Surface Soil Moisture merged COMBINED Product",
        "institution": "TU Wien (AUT); VanderSat B.V. (NL); Planet Labs (NL); CESBIO (FR); "
        "EODC Gmbh (AUT); Transmissivity B.V. (NL)",
        "contact": "cci_sm_contact@eodc.eu",
        "source": "SYNTHETIC TEST FIXTURE shaped like ESA CCI SM COMBINED (not measurements)",
        "product_version": VERSION,
        "Conventions": "CF-1.7",
        "license": "ESA CCI Data Policy: free and open access (CC BY 4.0)",
        "time_coverage_start": f"{day:%Y%m%d}T000000Z",
        "time_coverage_end": f"{day:%Y%m%d}T235959Z",
        "geospatial_lat_resolution": "0.25 degree",
        "geospatial_lon_resolution": "0.25 degree",
        "tracking_id": "00000000-0000-0000-0000-000000000000",
    }


def day_dataset(day, lat, lon, sm: np.ndarray) -> xr.Dataset:
    """One day's file as an undecoded xarray Dataset: names, dtypes, attributes as documented."""
    day = pd.Timestamp(day)
    shape = (1, len(lat), len(lon))
    valid = np.isfinite(sm)
    sm_raw = np.where(valid, sm, FILL).astype("float32").reshape(shape)
    unc = np.where(valid, 0.04, FILL).astype("float32").reshape(shape)
    flag = np.where(valid, 0, 2).astype("int8").reshape(shape)
    t0 = np.where(valid, (day - pd.Timestamp("1970-01-01")).days + 0.4, FILL).reshape(shape)
    dims = ("time", "lat", "lon")

    def coded(values, dtype, long_name, meanings, codes, fill):
        return (
            dims,
            np.where(valid.reshape(shape), values, fill).astype(dtype),
            {
                "long_name": long_name,
                "flag_values": np.array(codes, dtype=dtype),
                "flag_meanings": meanings,
                "_FillValue": np.array(fill, dtype=dtype),
            },
        )

    ds = xr.Dataset(
        {
            "sm": (
                dims,
                sm_raw,
                {
                    "units": "m3 m-3",
                    "long_name": "Volumetric Soil Moisture",
                    "standard_name": "soil_moisture_content",
                    "valid_range": np.array([0, 1], "float32"),
                    "ancillary_variables": "sm_uncertainty flag t0",
                    "_FillValue": np.float32(FILL),
                },
            ),
            "sm_uncertainty": (
                dims,
                unc,
                {
                    "units": "m3 m-3",
                    "long_name": "Volumetric Soil Moisture Uncertainty",
                    "standard_name": "soil_moisture_content standard_error",
                    "valid_range": np.array([0, 1], "float32"),
                    "_FillValue": np.float32(FILL),
                },
            ),
            "flag": (
                dims,
                flag,
                {
                    "long_name": "Flag",
                    "flag_values": np.array([0, 1, 2, 4, 8, 16, 32, 64], "int8"),
                    "flag_meanings": FLAG_MEANINGS,
                    "_FillValue": np.int8(127),
                },
            ),
            "freqbandID": coded(
                34,
                "int16",
                "Frequency Band Identification",
                "NaN L14 C53 C66 C68 C69 C73 X107 K194 MODEL",
                [0, 1, 2, 4, 8, 16, 32, 64, 128, 256],
                0,
            ),
            "sensor": coded(
                2560,
                "int16",
                "Sensor",
                SENSORS,
                [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, -32768],
                0,
            ),
            "t0": (
                dims,
                t0.astype("float64"),
                {
                    "units": "days since 1970-01-01 00:00:00 UTC",
                    "long_name": "Observation Timestamp",
                    "_FillValue": np.float64(FILL),
                },
            ),
            "dnflag": coded(
                1,
                "int8",
                "Day / Night Flag",
                "NaN day night day_night_combination",
                [0, 1, 2, 3],
                0,
            ),
            "mode": coded(
                1,
                "int8",
                "Satellite Mode",
                "NaN ascending descending ascending_descending_combination",
                [0, 1, 2, 3],
                0,
            ),
        },
        coords={
            "time": (
                "time",
                [float((day - pd.Timestamp("1970-01-01")).days)],
                {
                    "units": "days since 1970-01-01 00:00:00 UTC",
                    "standard_name": "time",
                    "calendar": "standard",
                    "axis": "T",
                },
            ),
            "lat": (
                "lat",
                np.asarray(lat, "float32"),
                {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"},
            ),
            "lon": (
                "lon",
                np.asarray(lon, "float32"),
                {"units": "degrees_east", "standard_name": "longitude", "axis": "X"},
            ),
        },
        attrs=_attrs(day),
    )
    return ds


def _write(ds: xr.Dataset, path: Path, fmt: str = "NETCDF4_CLASSIC") -> Path:
    """Write ``ds`` with netCDF4 itself (fast enough for thousands of files)."""
    import netCDF4

    path.parent.mkdir(parents=True, exist_ok=True)
    with netCDF4.Dataset(path, "w", format=fmt) as nc:
        for dim, size in ds.sizes.items():
            nc.createDimension(dim, size)
        for name, var in ds.variables.items():
            attrs = dict(var.attrs)
            fill = attrs.pop("_FillValue", None)
            v = nc.createVariable(
                name,
                var.dtype,
                var.dims,
                fill_value=fill,
                zlib=fmt.startswith("NETCDF4") and name in ds.data_vars,
                complevel=1,
            )
            v.set_auto_maskandscale(False)
            v.setncatts(attrs)
            v[...] = var.values
        nc.setncatts(ds.attrs)
    return path


def write_day(folder: Path, day="2018-07-15") -> Path:
    """One day on the full global grid (the drought disc, the forest, fill elsewhere)."""
    day = pd.Timestamp(day)
    lat, lon = window_coords()
    sm = np.full((GLOBAL_LAT.size, GLOBAL_LON.size), np.nan, "float32")
    i0 = int(np.flatnonzero(GLOBAL_LAT == lat[0])[0])
    j0 = int(np.flatnonzero(GLOBAL_LON == lon[0])[0])
    sm[i0 : i0 + lat.size, j0 : j0 + lon.size] = simulate(lat, lon, pd.DatetimeIndex([day]))[0]
    ds = day_dataset(day, GLOBAL_LAT, GLOBAL_LON, sm)
    return _write(ds, Path(folder) / f"{day:%Y}" / NAME.format(day))


def write_archive(
    folder: Path, start: str = START, end: str = END, fmt: str = "NETCDF3_CLASSIC"
) -> Path:
    """The daily files from ``start`` to ``end`` on the window, in the archive's YYYY/ layout.

    Written in the classic netCDF format by default: over OPeNDAP a client sees the
    same data model, names, types and attributes as from the real NetCDF-4 classic
    files (the DAP2 responses are identical), and 3,653 files are written three times
    faster.  ``fmt="NETCDF4_CLASSIC"`` writes them exactly like the real files.
    """
    lat, lon = window_coords()
    days = pd.date_range(start, end, freq="D")
    sm = simulate(lat, lon, days)
    for k, day in enumerate(days):
        _write(
            day_dataset(day, lat, lon, sm[k]), Path(folder) / f"{day:%Y}" / NAME.format(day), fmt
        )
    return Path(folder)


def structure(tmp_path: Path) -> xr.Dataset:
    """The layout of one fixture file on the full global grid, as read back from disk."""
    path = write_day(Path(tmp_path) / "structure")
    return xr.open_dataset(path, mask_and_scale=False, decode_times=False)
