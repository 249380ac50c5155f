"""SYNTHETIC daily surface soil moisture imitating ESA CCI Soil Moisture, with a known drought.

The data stand in for the ESA CCI Soil Moisture COMBINED product (daily,
0.25°, volumetric soil moisture in m³ m⁻³) over Central Europe, 47-57°N,
5-15°E (40 x 40 cells), for ten years, 2012-01-01 to 2021-12-31 (3,653
days).  They are written three ways, so a lesson can compare how the same
numbers travel:

* ``sm_time.zarr``: a Zarr store chunked for **time series** (all 3,653
  days of an 8 x 8 block of cells in one chunk);
* ``sm_space.zarr``: a Zarr store chunked for **maps** (32 days of the
  whole 40 x 40 area in one chunk);
* ``daily/YYYY/ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-YYYYMMDD000000-fv08.1.nc``:
  one compressed netCDF-4 file per day, named and laid out like the real
  archive, the "traditional" route where a file is downloaded whole.

What imitates the real product
------------------------------
* Variable ``sm`` (m³ m⁻³, ``valid_range`` 0-1, ``_FillValue`` -9999 in
  the netCDF files), latitude running north to south, daily time steps.
* A ``flag`` variable with CCI-like bits: 1 frozen soil or snow, 2 dense
  vegetation, 4 no valid observation.  Where any flag is set, ``sm`` is
  missing: winter gaps over frozen ground (mostly in the north-east and
  near the Alps), permanent gaps over dense forest, random gaps where no
  satellite saw the cell (more in the early years, as in the real record).

What is made up
---------------
A "bucket" model of the top few centimetres of soil: rain pulses (random,
spatially smooth storms, more frequent in summer) wet the soil at once,
which then dries exponentially, faster in summer (evaporation), giving a
seasonal cycle with wet winters and dry late summers.  **One drought is
injected**: from April to October 2018 (loosely inspired by the real 2018
Central European drought) rain falls to a quarter and evaporation rises
by half inside a region in the north-east of the area.  The region, year
and months are the ground truth (:func:`ground_truth`).

Everything is deterministic: one seed gives identical bytes.

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`build` writes the Zarr stores and daily files once (``build_store``
is its old name; :func:`simulate` runs the model in memory), :func:`load`
opens a store (old name ``load_soil_moisture``), :func:`ground_truth`
returns the injected drought, and :data:`INFO` is the catalogue entry.

>>> from eolab.synthetic import soil_moisture
>>> folder = soil_moisture.build()                        # doctest: +SKIP
>>> truth = soil_moisture.ground_truth()                  # doctest: +SKIP
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder, synthetic_note
from eolab.cube import CCI_SM_DAILY_NAME
from eolab.dataset_info import DatasetInfo

GENERATOR = "eolab.synthetic.soil_moisture"
VERSION = "1"
TITLE = "SYNTHETIC daily surface soil moisture (ESA CCI SM-like), Central Europe, 2012-2021"
REAL_PRODUCT = (
    "ESA CCI Soil Moisture COMBINED v08.1 (daily, 0.25°, volumetric soil moisture), "
    "from the ESA Climate Change Initiative (climate.esa.int) and the Copernicus "
    "Climate Data Store (C3S satellite soil moisture)"
)

RESOLUTION = 0.25
"""Grid spacing, degrees."""
LAT = np.round(np.arange(56.875, 47.0, -RESOLUTION), 3)
"""Cell-centre latitudes, degrees north, north to south as in the real product."""
LON = np.round(np.arange(5.125, 15.0, RESOLUTION), 3)
"""Cell-centre longitudes, degrees east."""
START, END = "2012-01-01", "2021-12-31"
TIME = pd.date_range(START, END, freq="D")
"""The 3,653 days of the record."""

DROUGHT_YEAR = 2018
DROUGHT_MONTHS = (4, 5, 6, 7, 8, 9, 10)
"""Calendar months of the injected drought (April to October)."""

FLAGS = {1: "frozen soil or snow", 2: "dense vegetation", 4: "no valid observation"}
"""Flag bits of the ``flag`` variable and their meaning."""

LAYOUTS = {
    "time": {"time": len(TIME), "lat": 8, "lon": 8},
    "space": {"time": 32, "lat": len(LAT), "lon": len(LON)},
}
"""Chunk shapes of the two Zarr stores: ``time`` (time-series optimised)
and ``space`` (map optimised)."""

FILL_VALUE = -9999.0
DAILY_NAME = CCI_SM_DAILY_NAME
"""File name of one day, as in the real archive."""

_RESIDUAL = 0.04  # m3 m-3: the soil never dries below this
_DEPTH_MM = 50.0  # sensed layer: 1 mm of rain adds 1/50 m3 m-3 (before runoff)


def _smooth(rng: np.random.Generator, shape, sigma: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    field = gaussian_filter(rng.standard_normal(shape), sigma, mode="reflect")
    return (field - field.mean()) / field.std()


def _blob(lat0: float, lon0: float, radius_deg: float) -> np.ndarray:
    lat2, lon2 = np.meshgrid(LAT, LON, indexing="ij")
    d2 = ((lat2 - lat0) / radius_deg) ** 2 + (
        (lon2 - lon0) * np.cos(np.deg2rad(lat0)) / radius_deg
    ) ** 2
    return np.exp(-d2)


def drought_mask() -> np.ndarray:
    """Boolean (lat, lon) mask of the injected drought region (north-east of the area)."""
    return _blob(52.6, 12.4, 2.2) > 0.5


def forest_mask(seed: int = 0) -> np.ndarray:
    """Boolean (lat, lon) mask of dense forest, where soil moisture is never retrieved."""
    rng = np.random.default_rng([seed, 7])
    patches = _blob(48.9, 8.2, 0.55) + _blob(49.1, 13.3, 0.6) + _blob(51.8, 10.6, 0.35)
    return (patches + 0.15 * _smooth(rng, patches.shape, 1.5)) > 0.55


def simulate(seed: int = 0) -> xr.Dataset:
    """Run the soil-moisture model and apply flags and gaps (in memory, about 50 MB).

    Parameters
    ----------
    seed : int
        Random seed; one seed gives identical values.

    Returns
    -------
    xarray.Dataset
        ``sm`` (time, lat, lon) in m³ m⁻³, ``float32``, NaN where flagged, and
        ``flag`` (``uint8``, bits in :data:`FLAGS`), with CF attributes.
    """
    seed = _validate.seed(seed)
    rng = np.random.default_rng(seed)
    nt, shape = len(TIME), (len(LAT), len(LON))
    doy = TIME.day_of_year.values
    season = np.cos(2 * np.pi * (doy - 196) / 365.25)  # +1 mid-July, -1 mid-January
    lat2, lon2 = np.meshgrid(LAT, LON, indexing="ij")
    # Soil: porosity (saturation) and a wetter west (Atlantic) than east.
    porosity = np.clip(0.40 + 0.035 * _smooth(rng, shape, 4.0), 0.32, 0.47)
    wetness = 1.15 - 0.03 * (lon2 - 5) + 0.08 * _smooth(rng, shape, 6.0)
    # Storms: a bank of smooth patterns; each day picks one, scaled by a random amount.
    bank = np.clip(np.stack([_smooth(rng, shape, 5.0) for _ in range(48)]) + 0.6, 0, None)
    rain_prob = 0.38 + 0.08 * season
    rainy = rng.random(nt) < rain_prob
    amount_mm = rng.gamma(2.0, (5.0 + 1.0 * season) / 2.0)  # mm; less skewed than exponential
    pattern = rng.integers(0, len(bank), nt)
    # Drying rate per day: faster in summer.
    k = 0.02 + 0.13 * (0.5 + 0.5 * season)
    drought = drought_mask()
    in_drought = (TIME.year == DROUGHT_YEAR) & np.isin(TIME.month, DROUGHT_MONTHS)

    sm = np.empty((nt,) + shape, dtype=np.float32)
    state = porosity * 0.6
    for t in range(nt):
        rain = (amount_mm[t] * bank[pattern[t]] * wetness) if rainy[t] else np.zeros(shape)
        kt = np.full(shape, k[t])
        if in_drought[t]:
            rain = np.where(drought, 0.25 * rain, rain)
            kt = np.where(drought, 1.5 * kt, kt)
        state = _RESIDUAL + (state - _RESIDUAL) * (1 - kt)
        state = np.minimum(state + 0.7 * rain / _DEPTH_MM, porosity)
        sm[t] = state
    sm += rng.normal(0, 0.015, sm.shape).astype(np.float32)  # retrieval noise
    sm = np.clip(sm, 0.02, 0.5).round(4)

    # Flags: frozen soil from a simple daily temperature, dense forest, random gaps.
    mean_t = (
        12.0 - 0.4 * (lat2 - 47) - 0.15 * (lon2 - 5) - 7.0 * np.exp(-(((lat2 - 47) / 0.7) ** 2))
    )
    weather = np.zeros(nt)
    for t in range(1, nt):
        weather[t] = 0.8 * weather[t - 1] + rng.normal(0, 2.2)
    temp = (
        mean_t[None]
        - 8.0 * np.cos(2 * np.pi * (doy - 15) / 365.25)[:, None, None]
        + weather[:, None, None]
    )
    flag = np.zeros(sm.shape, dtype=np.uint8)
    flag |= np.where(temp < 0, 1, 0).astype(np.uint8)
    flag |= np.where(forest_mask(seed), 2, 0).astype(np.uint8)[None]
    gap_prob = np.interp(TIME.year.values, [2012, 2021], [0.18, 0.06])[:, None, None]
    flag |= np.where(rng.random(sm.shape) < gap_prob, 4, 0).astype(np.uint8)
    sm[flag > 0] = np.nan

    ds = xr.Dataset(
        {"sm": (("time", "lat", "lon"), sm), "flag": (("time", "lat", "lon"), flag)},
        coords={"time": TIME.values, "lat": LAT, "lon": LON},
    )
    ds["sm"].attrs = {
        "long_name": "Volumetric soil moisture (SYNTHETIC)",
        "units": "m3 m-3",
        "standard_name": "volume_fraction_of_condensed_water_in_soil",
        "valid_range": np.array([0.0, 1.0], dtype=np.float32),
    }
    ds["flag"].attrs = {
        "long_name": "Flag (SYNTHETIC)",
        "units": "1",
        "flag_masks": np.array(list(FLAGS), dtype=np.uint8),
        "flag_meanings": " ".join(m.replace(" ", "_") for m in FLAGS.values()),
    }
    ds["lat"].attrs = {"standard_name": "latitude", "units": "degrees_north"}
    ds["lon"].attrs = {"standard_name": "longitude", "units": "degrees_east"}
    ds.attrs = {
        "title": TITLE,
        "eolab_kind": "synthetic",
        "source": f"{GENERATOR} (seed {seed})",
        "comment": f"Not real measurements. Imitates {REAL_PRODUCT}. Injected drought: "
        f"{DROUGHT_YEAR}, months {DROUGHT_MONTHS[0]}-{DROUGHT_MONTHS[-1]}, "
        "north-east of the area (see ground_truth()).",
        "geospatial_resolution": "0.25 degree",
        "time_coverage": f"{START}/{END}",
    }
    return ds


def ground_truth(seed: int = 0) -> xr.Dataset:
    """The drought injected into the data: region, year and months.

    Returns
    -------
    xarray.Dataset
        ``drought_region`` (lat, lon, boolean), ``forest`` (lat, lon,
        boolean); attributes ``drought_year`` and ``drought_months``.
    """
    ds = xr.Dataset(
        {
            "drought_region": (("lat", "lon"), drought_mask()),
            "forest": (("lat", "lon"), forest_mask(seed)),
        },
        coords={"lat": LAT, "lon": LON},
    )
    ds["drought_region"].attrs["long_name"] = "cells where the 2018 drought was injected"
    ds["forest"].attrs["long_name"] = "dense forest (soil moisture never retrieved)"
    ds.attrs = {
        "title": "SYNTHETIC soil moisture: injected ground truth",
        "eolab_kind": "synthetic",
        "source": f"{GENERATOR} (seed {seed})",
        "drought_year": DROUGHT_YEAR,
        "drought_months": list(DROUGHT_MONTHS),
    }
    return ds


def _write_zarr(ds: xr.Dataset, path: Path, layout: str) -> None:
    chunks = LAYOUTS[layout]
    encoding = {v: {"chunks": tuple(chunks[d] for d in ds[v].dims)} for v in ("sm", "flag")}
    with warnings.catch_warnings():
        # zarr 3 warns that consolidated metadata is not yet in the Zarr v3 spec; we
        # want it (one request for all metadata over HTTP) and zarr/xarray read it.
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
        ds.to_zarr(path, mode="w", consolidated=True, encoding=encoding)


def _write_daily(ds: xr.Dataset, folder: Path) -> None:
    import netCDF4

    sm, flag = ds["sm"].values, ds["flag"].values
    days = (ds["time"].values - np.datetime64("1970-01-01")) // np.timedelta64(1, "D")
    for i, when in enumerate(pd.DatetimeIndex(ds["time"].values)):
        path = folder / f"{when:%Y}" / DAILY_NAME.format(when)
        path.parent.mkdir(parents=True, exist_ok=True)
        with netCDF4.Dataset(path, "w") as nc:
            nc.title = f"{TITLE}, {when:%Y-%m-%d}"
            nc.comment = ds.attrs["comment"]
            nc.source = ds.attrs["source"]
            for dim, n in (("time", 1), ("lat", len(LAT)), ("lon", len(LON))):
                nc.createDimension(dim, n)
            v = nc.createVariable("time", "f8", ("time",))
            v[:] = days[i]
            v.units, v.calendar = "days since 1970-01-01 00:00:00 UTC", "standard"
            for name, values, units in (
                ("lat", LAT, "degrees_north"),
                ("lon", LON, "degrees_east"),
            ):
                v = nc.createVariable(name, "f4", (name,))
                v[:] = values
                v.units = units
            v = nc.createVariable(
                "sm", "f4", ("time", "lat", "lon"), zlib=True, complevel=4, fill_value=FILL_VALUE
            )
            v[:] = np.where(np.isnan(sm[i]), FILL_VALUE, sm[i])[None]
            v.units, v.long_name, v.valid_range = (
                "m3 m-3",
                "Volumetric soil moisture (SYNTHETIC)",
                [0.0, 1.0],
            )
            v = nc.createVariable("flag", "u1", ("time", "lat", "lon"), zlib=True, complevel=4)
            v[:] = flag[i][None]
            v.flag_masks, v.flag_meanings = (
                np.array(list(FLAGS), dtype=np.uint8),
                ds["flag"].attrs["flag_meanings"],
            )


def store_folder(seed: int = 0) -> Path:
    """Where :func:`build` keeps the data for ``seed`` (under ``cache_dir("cube")``)."""
    return cache_dir("cube") / f"soil-moisture-v{VERSION}-seed{seed}"


def build(seed: int = 0, folder: str | os.PathLike | None = None, daily_files: bool = True) -> Path:
    """Generate the data and write the two Zarr stores and the daily netCDF files.

    Reuses a complete copy already in ``folder``.  Written to a temporary
    folder first and renamed, so a half-written store is never used.

    Parameters
    ----------
    seed : int
        Random seed; one seed gives identical values.
    folder : path, optional
        Default :func:`store_folder`.
    daily_files : bool
        Also write the 3,653 daily netCDF files (about 10 s); tests may skip them.

    Returns
    -------
    pathlib.Path
        The folder, holding ``sm_time.zarr``, ``sm_space.zarr``, ``daily/`` and ``truth.nc``.
    """
    seed = _validate.seed(seed)
    folder = Path(folder) if folder is not None else store_folder(seed)

    def write(tmp: Path) -> None:
        ds = simulate(seed)
        for layout in LAYOUTS:
            _write_zarr(ds, tmp / f"sm_{layout}.zarr", layout)
        if daily_files:
            _write_daily(ds, tmp / "daily")
        ground_truth(seed).astype({"drought_region": "int8", "forest": "int8"}).to_netcdf(
            tmp / "truth.nc"
        )
        (tmp / "COMPLETE").write_text("ok\n")

    # Reuses a complete copy; never deletes a folder eolab did not make
    # (eolab.datasets.ensure_folder).
    missing_daily = (
        daily_files and (folder / "COMPLETE").exists() and not (folder / "daily").is_dir()
    )
    return ensure_folder(
        folder, synthetic_note(TITLE, GENERATOR, seed, VERSION), write, overwrite=missing_daily
    )


build_store = build
"""Old name of :func:`build`."""


def load(seed: int = 0, layout: str = "time") -> xr.Dataset:
    """Open the local Zarr store (lazily, with Dask), building it first if needed.

    Parameters
    ----------
    layout : {"time", "space"}
        Which chunk layout to open (see :data:`LAYOUTS`).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
    folder = build(seed, daily_files=False)
    return xr.open_zarr(folder / f"sm_{layout}.zarr", consolidated=True)


load_soil_moisture = load
"""Old name of :func:`load`."""


INFO = DatasetInfo(
    name="soil_moisture_europe",
    title=TITLE,
    kind="synthetic",
    description=(
        "Daily volumetric surface soil moisture sm (m3 m-3) with a CCI-like flag variable "
        "(1 frozen soil, 2 dense vegetation, 4 no observation), 0.25° grid, 47-57°N 5-15°E "
        "(40 x 40 cells), 2012-2021 (3,653 days); as two Zarr stores (time- and "
        "space-optimised chunks) and one netCDF file per day. Injected: a drought from "
        "April to October 2018 in the north-east of the area. Truth: "
        "eolab.synthetic.soil_moisture.ground_truth()."
    ),
    real_product=REAL_PRODUCT
    + "; real data: https://climate.esa.int/en/projects/soil-moisture/ and "
    "https://cds.climate.copernicus.eu (satellite-soil-moisture)",
    provenance=f"{GENERATOR}.build (deterministic from the seed, cached under "
    "eolab.datasets.cache_dir('cube'); nothing downloaded)",
    licence="CC BY 4.0 (EO Notebooks, synthetic)",
    loader=load,
    lessons=("lesson4-pixel-access",),
    url="https://climate.esa.int/en/projects/soil-moisture/",
    version=VERSION,
    seed=0,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
