"""SYNTHETIC MUR SST v4.1 Zarr store, shaped like ``s3://mur-sst/zarr-v1``, with a known trend.

Imitates the store's layout: Zarr format 2 with consolidated metadata
(``.zmetadata``), the variables ``analysed_sst`` and ``analysis_error`` (int16,
kelvin, scale factors 0.001 and 0.01, add_offset 298.15 for the SST, fill
-32768), ``mask`` and ``sea_ice_fraction`` (int8, fill -128) on (time, lat, lon),
daily, time chunks of 5 days as the real store. The grid is a small piece of
MUR's 0.01 degree grid (so each chunk is one small tile, not 1799 x 3600), over
the lesson's region, 2010-2019, with a few land pixels (fill, mask 2).

The known truth: SST = 20 degC + a seasonal cycle of 4 degC + a trend of
``trend(lat, lon)`` degC per decade (0.2 to 0.5) + day-to-day noise of 0.3 degC.
Made by the course; not measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

BUCKET = "mur-sst"
PREFIX = "zarr-v1"
LAT = np.round(np.arange(38.00, 38.24, 0.01), 2).astype("float32")  # 24 rows of MUR's grid
LON = np.round(np.arange(-66.00, -65.70, 0.01), 2).astype("float32")  # 30 columns
YEARS = (2010, 2019)
CHUNK_DAYS = 5


def trend(lat, lon):
    """The injected trend, degC per decade."""
    return 0.2 + 0.3 * (np.asarray(lat) - LAT[0]) / (LAT[-1] - LAT[0]) * np.ones_like(
        np.asarray(lon)
    )


def land(lat, lon):
    """A little island: land pixels (no SST)."""
    return (np.abs(lat - 38.05) < 0.025) & (np.abs(lon + 65.95) < 0.025)


def dataset(years=YEARS, seed: int = 0) -> xr.Dataset:
    """The decoded fixture (float SST in kelvin, NaN on land) with the store's encodings."""
    rng = np.random.default_rng(seed)
    time = pd.date_range(f"{years[0]}-01-01", f"{years[1]}-12-31", freq="D") + pd.Timedelta(hours=9)
    la, lo = np.meshgrid(LAT, LON, indexing="ij")
    t_years = ((time - pd.Timestamp(f"{years[0]}-01-01")).days.values / 365.25)[:, None, None]
    t_mid = t_years - t_years.mean()
    # warmest in mid-August (day 227), as off the US east coast
    season = 4.0 * np.cos(2 * np.pi * (time.day_of_year.values[:, None, None] - 227) / 365.25)
    sst = (
        20.0
        + season
        + trend(la, lo)[None] * t_mid / 10
        + 0.3 * rng.standard_normal((time.size, LAT.size, LON.size))
    )
    is_land = land(la, lo)[None] & np.ones((time.size, 1, 1), bool)
    kelvin = np.where(is_land, np.nan, sst + 273.15).astype("float32")
    err = np.where(is_land, np.nan, 0.37 + 0.0 * sst).astype("float32")
    mask = np.where(is_land, 2, 1).astype("int8")
    ice = np.full(kelvin.shape, np.nan, "float32")
    dims = ("time", "lat", "lon")
    ds = xr.Dataset(
        {
            "analysed_sst": (
                dims,
                kelvin,
                {
                    "long_name": "analysed sea surface temperature",
                    "standard_name": "sea_surface_foundation_temperature",
                    "units": "kelvin",
                    "valid_min": -32767,
                    "valid_max": 32767,
                    "comment": "SYNTHETIC test fixture of EO Notebooks",
                },
            ),
            "analysis_error": (
                dims,
                err,
                {
                    "long_name": "estimated error standard deviation of analysed_sst",
                    "units": "kelvin",
                    "valid_min": 0,
                    "valid_max": 32767,
                },
            ),
            "mask": (
                dims,
                mask,
                {
                    "long_name": "sea/land field composite mask",
                    "valid_min": 1,
                    "valid_max": 31,
                    "flag_masks": [1, 2, 4, 8, 16],
                    "flag_values": [1, 2, 5, 9, 13],
                    "flag_meanings": "1=open-sea, 2=land, 5=open-lake, 9=open-sea with ice "
                    "in the grid, 13=open-lake with ice in the grid",
                },
            ),
            "sea_ice_fraction": (
                dims,
                ice,
                {
                    "long_name": "sea ice area fraction",
                    "units": "fraction (between 0 and 1)",
                    "standard_name": "sea ice area fraction",
                },
            ),
        },
        coords={
            "time": (
                "time",
                time,
                {"long_name": "reference time of sst field", "standard_name": "time", "axis": "T"},
            ),
            "lat": (
                "lat",
                LAT,
                {
                    "long_name": "latitude",
                    "standard_name": "latitude",
                    "units": "degrees_north",
                    "axis": "Y",
                },
            ),
            "lon": (
                "lon",
                LON,
                {
                    "long_name": "longitude",
                    "standard_name": "longitude",
                    "units": "degrees_east",
                    "axis": "X",
                },
            ),
        },
        attrs={
            "title": "Daily MUR SST, Final product (SYNTHETIC test fixture of EO Notebooks)",
            "institution": "Jet Propulsion Laboratory",
            "spatial_resolution": "0.01 degrees",
            "comment": 'MUR = "Multi-scale Ultra-high Resolution"',
        },
    )
    chunks = (CHUNK_DAYS, LAT.size, LON.size)
    ds["time"].encoding = {"units": "seconds since 1981-01-01 00:00:00", "dtype": "int64"}
    ds["analysed_sst"].encoding = {
        "dtype": "int16",
        "scale_factor": 0.001,
        "add_offset": 298.15,
        "_FillValue": np.int16(-32768),
        "chunks": chunks,
    }
    ds["analysis_error"].encoding = {
        "dtype": "int16",
        "scale_factor": 0.01,
        "add_offset": 0.0,
        "_FillValue": np.int16(-32768),
        "chunks": chunks,
    }
    ds["mask"].encoding = {"dtype": "int8", "_FillValue": np.int8(-128), "chunks": chunks}
    ds["sea_ice_fraction"].encoding = {
        "dtype": "int8",
        "scale_factor": 0.01,
        "add_offset": 0.0,
        "_FillValue": np.int8(-128),
        "chunks": chunks,
    }
    return ds


def build(folder, years=YEARS):
    """Write the store to ``folder/zarr-v1`` (Zarr 2, consolidated); return its path."""
    from pathlib import Path

    path = Path(folder) / PREFIX
    dataset(years).to_zarr(path, mode="w", consolidated=True, zarr_format=2)
    return path


def structure(tmp_path):
    """The fixture's raw layout (decode_cf=False), as the schema describes the real store."""
    path = build(tmp_path, years=(2010, 2010))
    return xr.open_zarr(path, consolidated=True, decode_cf=False, chunks=None).load()
