"""SYNTHETIC daily global sea-surface temperature, as big as you like, made lazily.

Imitates the shape of NOAA OISST v2.1 and ESA CCI SST L4 analyses: one value
per day on a regular latitude/longitude grid (0.25° by default, latitude
ascending, longitude 0-360), in °C, ``float32``.  A decade at 0.25° is
3,652 days x 720 x 1,440 values = **15.1 GB**; nothing is stored.  Each
chunk is computed on demand by :func:`generate_block` from the seed
and its position alone, so the data set is deterministic, the same whatever
the chunking, and a Dask cluster can make chunks in parallel on any worker.

The signal is simple and known (it is returned as ground truth)::

    sst = mean(lat, lon) + seasonal(lat, lon) * cos(2 pi (day - 231) / 365.25)
          + trend(lat, lon) * years_since_2000
          + enso_pattern(lat, lon) * enso_index(time)
          + noise_sd(lat) * white_noise(seed, day, tile)   # uniform, sd 1

There is no land: the whole globe is "ocean", a simplification.

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`load` opens the lazy dataset (``open_sst_big`` is its old name),
:func:`build` writes a copy to a Zarr store in the cache, :func:`ground_truth`
returns the injected fields, and :data:`INFO` is the catalogue entry.

>>> from eolab.synthetic import sst_big
>>> ds = sst_big.load(years=10, resolution=1.0)   # lazy, 0.95 GB
>>> ds["sst"].nbytes / 1e9                        # doctest: +SKIP
0.946...
"""

from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder, synthetic_note
from eolab.dataset_info import DatasetInfo

GENERATOR = "eolab.synthetic.sst_big"
VERSION = "1"
"""Version of what :func:`build` writes (part of its folder name)."""
DEFAULT_SEED = 0
TITLE = "SYNTHETIC daily global SST, a decade at 0.25° (15 GB, lazy)"
REAL_PRODUCT = (
    "NOAA OISST v2.1 (daily 0.25° SST analysis, NOAA NCEI) and "
    "ESA CCI SST L4 analysis v3 (daily 0.05°, CEDA)"
)
TILE_DEG = 45.0
"""Noise is drawn per day in tiles of 45° x 45°: a value depends only on
the seed, the day and its position, never on how the array is chunked."""

SIZES = {
    "small": {"years": 10, "resolution": 1.0, "chunks": {"time": 366}},
    "full": {"years": 10, "resolution": 0.25, "chunks": {"time": 64}},
}
"""Named sizes: ``small`` (0.95 GB in 80 chunks of a year x an eighth of the
globe, 12 MB; what the book builds) and ``full`` (15.1 GB in 464 chunks of
64 days x an eighth of the globe, 33 MB; what the benchmark runs).  At 1°,
64-day chunks would be 2 MB: so small that the scheduler's work per task
would cost more than the task."""

VALID_RESOLUTIONS = (
    0.25,
    0.5,
    0.75,
    1.0,
    1.25,
    1.5,
    2.25,
    2.5,
    3.0,
    3.75,
    4.5,
    5.0,
    7.5,
    9.0,
    15.0,
)
_EPOCH = np.datetime64("1970-01-01", "D")
_TREND_EPOCH_DAY = (np.datetime64("2000-01-01", "D") - _EPOCH).astype(int)
_SEASON_PEAK_DAY = 231  # 20 August: warmest in the northern hemisphere


def _check_resolution(resolution: float) -> float:
    resolution = float(resolution)
    tiles = TILE_DEG / resolution if resolution > 0 else 0.5
    if resolution <= 0 or abs(tiles - round(tiles)) > 1e-9:
        raise ValueError(
            f"resolution must divide 45° exactly, e.g. one of {VALID_RESOLUTIONS} "
            f"degrees; got {resolution!r}"
        )
    return resolution


def grid(resolution: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre latitudes (ascending) and longitudes (0-360), in degrees."""
    res = _check_resolution(resolution)
    lat = np.arange(-90 + res / 2, 90, res)
    lon = np.arange(res / 2, 360, res)
    return lat, lon


def _gauss(lat2, lon2, lat0, lon0, dlat, dlon):
    dl = (lon2 - lon0 + 180.0) % 360.0 - 180.0
    return np.exp(-(((lat2 - lat0) / dlat) ** 2) - (dl / dlon) ** 2)


def fields(lat: np.ndarray, lon: np.ndarray) -> dict[str, np.ndarray]:
    """The time-invariant maps of the model, each (lat, lon), ``float32``.

    Returns
    -------
    dict
        ``mean_degC``, ``seasonal_amplitude_degC`` (signed: positive in the
        north, negative in the south), ``trend_degC_per_decade``,
        ``enso_pattern_degC`` and ``noise_sd_degC``.
    """
    lat2, lon2 = np.meshgrid(np.asarray(lat, float), np.asarray(lon, float), indexing="ij")
    coslat = np.cos(np.deg2rad(lat2))
    mean = (
        -1.8
        + 29.5 * coslat**2
        + 1.5 * _gauss(lat2, lon2, 5, 150, 15, 40)  # warm pool
        - 2.5 * _gauss(lat2, lon2, -2, 255, 5, 30)  # cold tongue
        - 3.0 * _gauss(lat2, lon2, -20, 285, 15, 12)
    )  # Humboldt
    amplitude = (0.4 + 5.0 * np.sin(np.deg2rad(2 * lat2)) ** 2) * np.tanh(lat2 / 10.0)
    trend = (
        0.15
        + 0.35 * _gauss(lat2, lon2, 40, 300, 8, 20)  # Gulf Stream
        + 0.30 * _gauss(lat2, lon2, 78, 0, 10, 400)  # Arctic
        + 0.25 * _gauss(lat2, lon2, 35, 145, 8, 20)  # Kuroshio
        - 0.45 * _gauss(lat2, lon2, 55, 325, 6, 12)
    )  # "warming hole"
    enso = 1.2 * _gauss(lat2, lon2, 0, 240, 8, 45)
    noise = 0.25 + 0.45 * np.sin(np.deg2rad(2 * lat2)) ** 2
    out = {
        "mean_degC": mean,
        "seasonal_amplitude_degC": amplitude,
        "trend_degC_per_decade": trend,
        "enso_pattern_degC": enso,
        "noise_sd_degC": noise,
    }
    return {k: v.astype(np.float32) for k, v in out.items()}


@functools.lru_cache(maxsize=16)
def _region_fields(resolution: float, i0: int, i1: int, j0: int, j1: int) -> dict[str, np.ndarray]:
    """:func:`fields` of rows i0:i1, columns j0:j1, cached: every chunk of a
    region shares them, so a worker computes them once, not once per chunk
    (an eighth of the globe at 0.25°: 2.6 MB)."""
    lat_all, lon_all = grid(resolution)
    out = fields(lat_all[i0:i1], lon_all[j0:j1])
    for value in out.values():
        value.flags.writeable = False
    return out


def enso_index(days: np.ndarray) -> np.ndarray:
    """A smooth ENSO-like index (dimensionless, about -1.5..1.5) for days since 1970."""
    years = (np.asarray(days, float) - _TREND_EPOCH_DAY) / 365.25
    return (
        np.sin(2 * np.pi * years / 3.7 + 0.5) + 0.5 * np.sin(2 * np.pi * years / 5.3 + 2.0)
    ).astype(np.float32)


def generate_block(
    days: np.ndarray, lat_index: slice, lon_index: slice, *, resolution: float = 0.25, seed: int = 0
) -> np.ndarray:
    """Values of one block: the whole model, evaluated where asked.

    Parameters
    ----------
    days : array of int
        Days since 1970-01-01 (consecutive), one per time step.
    lat_index, lon_index : slice
        Rows and columns of the global grid (see :func:`grid`), step 1.
    resolution : float
        Grid spacing in degrees.
    seed : int
        Random seed of the noise.

    Returns
    -------
    numpy.ndarray
        ``float32``, shape ``(len(days), rows, columns)``, in °C.  Depends
        only on ``seed``, ``resolution`` and the position: any chunking of
        the grid gives identical values.
    """
    res = _check_resolution(resolution)
    lat_all, lon_all = grid(res)
    i0, i1, _ = lat_index.indices(lat_all.size)
    j0, j1, _ = lon_index.indices(lon_all.size)
    days = np.asarray(days, dtype=np.int64)
    f = _region_fields(res, i0, i1, j0, j1)
    shape = (days.size, i1 - i0, j1 - j0)

    out = np.empty(shape, np.float32)
    tile = int(round(TILE_DEG / res))
    # One buffer for every tile's noise: a fresh 130 kB array per tile and day
    # would be handed back to the system and faulted in again each time where
    # free memory is trimmed eagerly, as in Dask workers (measured there:
    # 94 ms instead of 78 ms per 33 MB chunk).
    noise = np.empty((tile, tile), np.float32)
    for k, day in enumerate(days):
        for ti in range(i0 // tile, (i1 - 1) // tile + 1):
            for tj in range(j0 // tile, (j1 - 1) // tile + 1):
                key = [int(seed), int(day) + 100_000, ti, tj]
                rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence(key)))
                rng.random(dtype=np.float32, out=noise)  # uniform: fast
                a, b = max(i0, ti * tile), min(i1, (ti + 1) * tile)
                c, d = max(j0, tj * tile), min(j1, (tj + 1) * tile)
                out[k, a - i0 : b - i0, c - j0 : d - j0] = noise[
                    a - ti * tile : b - ti * tile, c - tj * tile : d - tj * tile
                ]
    season = np.cos(2 * np.pi * (days - _SEASON_PEAK_DAY) / 365.25).astype(np.float32)
    decades = ((days - _TREND_EPOCH_DAY) / 3652.5).astype(np.float32)  # since 2000
    enso = enso_index(days)
    noise_scale = f["noise_sd_degC"] * np.float32(
        np.sqrt(12.0)
    )  # uniform(-.5,.5) has sd 1/sqrt(12)
    day_map = np.empty(shape[1:], np.float32)
    tmp = np.empty_like(day_map)
    for k in range(days.size):  # one day at a time: small temporaries, cache friendly
        np.multiply(f["seasonal_amplitude_degC"], season[k], out=day_map)
        day_map += f["mean_degC"]
        np.multiply(f["trend_degC_per_decade"], decades[k], out=tmp)
        day_map += tmp
        np.multiply(f["enso_pattern_degC"], enso[k], out=tmp)
        day_map += tmp
        out[k] -= np.float32(0.5)
        out[k] *= noise_scale
        out[k] += day_map
    return out


def _dask_block(days_all, resolution, seed, block_info=None):
    (t0, t1), (i0, i1), (j0, j1) = block_info[None]["array-location"]
    return generate_block(
        days_all[t0:t1], slice(i0, i1), slice(j0, j1), resolution=resolution, seed=seed
    )


def _time_axis(start: str, years: float) -> pd.DatetimeIndex:
    if not 0 < float(years) <= 100:
        raise ValueError(f"years must be in (0, 100], got {years!r}")
    n = int(round(float(years) * 365.25))
    return pd.date_range(pd.Timestamp(start), periods=n, freq="D")


def load(
    years: float = 10,
    resolution: float = 0.25,
    start: str = "2014-01-01",
    seed: int = DEFAULT_SEED,
    chunks: dict | None = None,
    size: str | None = None,
) -> xr.Dataset:
    """Open the SYNTHETIC daily global SST as a lazy, Dask-backed dataset.

    Nothing is written: each chunk is computed when it is needed.  (This
    function was called ``open_sst_big``; that name still works.)

    Parameters
    ----------
    years : float
        Length of the record in years (0-100]; ``10`` gives 3,652 days.
    resolution : float
        Grid spacing in degrees; must divide 45 (e.g. 0.25, 0.5, 1, 2.5, 5).
    start : str
        First day, e.g. ``"2014-01-01"``.
    seed : int
        Random seed of the noise.
    chunks : dict, optional
        Chunk length per dimension in steps, e.g. ``{"time": 64, "lat": 360,
        "lon": 720}``; ``-1`` means the whole dimension.  By default 64 days
        by an eighth of the globe (90° x 90°): 33 MB at 0.25°, so that a
        worker of a 2 GB session (650 MB) has room for a task's temporaries
        (a grouped mean needs about 4 times its chunk) and a few results.
    size : {"small", "full"}, optional
        A named size from :data:`SIZES`; overrides ``years`` and
        ``resolution``, and sets the chunks unless ``chunks`` is given.

    Returns
    -------
    xarray.Dataset
        ``sst`` (time, lat, lon) in °C, ``float32``, lazy; and the ground
        truth, small and in memory: ``true_trend`` (°C per decade),
        ``true_mean``, ``true_seasonal_amplitude`` (°C) and
        ``true_enso_index`` (time).
    """
    if size is not None:
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
        years, resolution = SIZES[size]["years"], SIZES[size]["resolution"]
        chunks = {**SIZES[size]["chunks"], **(chunks or {})}
    res = _check_resolution(resolution)
    lat, lon = grid(res)
    time = _time_axis(start, years)
    days = (time.values.astype("datetime64[D]") - _EPOCH).astype(np.int64)
    want = {"time": 64, "lat": int(round(90 / res)), "lon": int(round(90 / res))}
    for dim, n in (chunks or {}).items():
        if dim not in want:
            raise ValueError(f"chunks has unknown dimension {dim!r}; use time, lat, lon")
        if n != -1 and (not isinstance(n, (int, np.integer)) or n < 1):
            raise ValueError(
                f"chunk length for {dim!r} must be a positive integer or -1, got {n!r}"
            )
        want[dim] = n
    sizes = {"time": time.size, "lat": lat.size, "lon": lon.size}
    norm = tuple(
        sizes[d] if want[d] == -1 else min(want[d], sizes[d]) for d in ("time", "lat", "lon")
    )
    import dask.array as dsa  # here, not at the top: `import eolab.datasets` stays light

    block_chunks = dsa.core.normalize_chunks(norm, shape=(time.size, lat.size, lon.size))
    data = dsa.map_blocks(
        _dask_block,
        days,
        res,
        int(seed),
        chunks=block_chunks,
        dtype=np.float32,
        meta=np.empty((0, 0, 0), np.float32),
        name=f"synthetic-sst-{int(seed)}-{res}-{days[0]}-{days.size}",
    )
    f = fields(lat, lon)
    coords = {
        "time": time,
        "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    ds = xr.Dataset(
        {
            "sst": (
                ("time", "lat", "lon"),
                data,
                {
                    "units": "degC",
                    "long_name": "SYNTHETIC sea-surface temperature",
                    "standard_name": "sea_surface_temperature",
                },
            ),
            "true_trend": (
                ("lat", "lon"),
                f["trend_degC_per_decade"],
                {"units": "degC per decade", "long_name": "Injected linear trend (ground truth)"},
            ),
            "true_mean": (
                ("lat", "lon"),
                f["mean_degC"],
                {"units": "degC", "long_name": "Injected long-term mean (ground truth)"},
            ),
            "true_seasonal_amplitude": (
                ("lat", "lon"),
                f["seasonal_amplitude_degC"],
                {
                    "units": "degC",
                    "long_name": "Injected seasonal amplitude, signed (ground truth)",
                },
            ),
            "true_enso_index": (
                ("time",),
                enso_index(days),
                {"units": "1", "long_name": "Injected ENSO-like index (ground truth)"},
            ),
        },
        coords=coords,
        attrs={
            "title": f"SYNTHETIC daily global SST, {res}°, {time[0].date()} to {time[-1].date()}",
            "eolab_kind": "synthetic",
            "source": f"{GENERATOR}.open_sst_big(years={years}, resolution={res}, start={start!r}, "
            f"seed={int(seed)}): generated lazily, chunk by chunk",
            "comment": f"Imitates the layout of {REAL_PRODUCT}. Not measured data: no land, "
            "white daily noise, injected trend, seasonal cycle and ENSO-like signal.",
            "seed": int(seed),
        },
    )
    return ds


open_sst_big = load
"""Old name of :func:`load`."""


def ground_truth(
    years: float = 10,
    resolution: float = 0.25,
    start: str = "2014-01-01",
    seed: int = DEFAULT_SEED,
    size: str | None = None,
) -> xr.Dataset:
    """What the generator injected, for the same arguments as :func:`load`.

    The model is ``sst = true_mean + true_seasonal_amplitude * cos(2 pi
    (day - 231) / 365.25) + true_trend * decades_since_2000 +
    true_enso_pattern * true_enso_index + noise``, with white noise of
    standard deviation ``true_noise_sd`` (uniform, independent from day to
    day).  ``day`` counts days since 1970-01-01; day 231 of the year
    (20 August) is the warmest in the north.  Small and in memory.

    Returns
    -------
    xarray.Dataset
        On (lat, lon): ``true_mean`` (°C), ``true_seasonal_amplitude``
        (°C, signed: positive north, negative south), ``true_trend`` (°C per
        decade), ``true_enso_pattern`` (°C per unit of the index) and
        ``true_noise_sd`` (°C); on time: ``true_enso_index`` (1).  ``seed``
        only sets the noise, so the fields do not depend on it.
    """
    if size is not None:
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
        years, resolution = SIZES[size]["years"], SIZES[size]["resolution"]
    res = _check_resolution(resolution)
    lat, lon = grid(res)
    time = _time_axis(start, years)
    days = (time.values.astype("datetime64[D]") - _EPOCH).astype(np.int64)
    f = fields(lat, lon)
    maps = {
        "true_mean": ("mean_degC", "degC", "Injected long-term mean"),
        "true_seasonal_amplitude": (
            "seasonal_amplitude_degC",
            "degC",
            "Injected seasonal amplitude, signed",
        ),
        "true_trend": ("trend_degC_per_decade", "degC per decade", "Injected linear trend"),
        "true_enso_pattern": (
            "enso_pattern_degC",
            "degC",
            "Injected SST change per unit of the ENSO-like index",
        ),
        "true_noise_sd": (
            "noise_sd_degC",
            "degC",
            "Standard deviation of the injected daily white noise",
        ),
    }
    data = {
        name: (("lat", "lon"), f[key], {"units": units, "long_name": f"{text} (ground truth)"})
        for name, (key, units, text) in maps.items()
    }
    data["true_enso_index"] = (
        ("time",),
        enso_index(days),
        {"units": "1", "long_name": "Injected ENSO-like index (ground truth)"},
    )
    coords = {
        "time": time,
        "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    return xr.Dataset(
        data,
        coords=coords,
        attrs={
            "title": "SYNTHETIC daily global SST: injected ground truth",
            "eolab_kind": "synthetic",
            "source": f"{GENERATOR} (seed {int(seed)})",
            "season_peak_day": _SEASON_PEAK_DAY,
            "trend_epoch": "2000-01-01",
            "noise": "uniform white noise, independent per day and cell",
            "model": "sst = true_mean + true_seasonal_amplitude * cos(2 pi (day - 231) / 365.25) "
            "+ true_trend * decades_since_2000 + true_enso_pattern * true_enso_index + noise",
        },
    )


MAX_BUILD_GB = 4.0
""":func:`build` refuses to write more than this (the full decade at 0.25° is 15 GB)."""


def build(
    years: float = 1,
    resolution: float = 1.0,
    start: str = "2014-01-01",
    seed: int = DEFAULT_SEED,
    size: str | None = None,
    folder: str | os.PathLike | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the data set (SST and truth) to a Zarr store in the cache, once; return its folder.

    The lessons never need this (:func:`load` makes chunks on demand);
    it gives a copy on disk to practise reading a big store.  The default,
    one year at 1°, is 95 MB.

    Parameters
    ----------
    years, resolution, start, seed, size
        As in :func:`load`.
    folder : path, optional
        Where to write; default under ``eolab.cache.cache_dir("sst_big")``.
    overwrite : bool
        Regenerate even if a complete copy exists.

    Returns
    -------
    pathlib.Path
        The folder, holding ``sst.zarr`` (consolidated metadata).
    """
    seed = _validate.seed(seed)
    ds = load(years=years, resolution=resolution, start=start, seed=seed, size=size)
    gb = ds["sst"].nbytes / 1e9
    if gb > MAX_BUILD_GB:
        raise ValueError(
            f"build would write {gb:.1f} GB (more than {MAX_BUILD_GB:g} GB); pass fewer "
            "years or a coarser resolution, or use load(), which writes nothing"
        )
    res = float(ds.lat[1] - ds.lat[0])
    if folder is None:
        first_day = str(ds.time.values[0])[:10]
        name = f"sst-big-v{VERSION}-seed{seed}-{res:g}deg-{ds.sizes['time']}d-{first_day}"
        folder = cache_dir("sst_big") / name

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            # zarr 3: consolidated metadata is not yet in the v3 spec; we want it for HTTP.
            warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
            ds.to_zarr(tmp / "sst.zarr", mode="w", consolidated=True)

    return ensure_folder(
        folder,
        synthetic_note(ds.attrs["title"], GENERATOR, seed, VERSION),
        write,
        overwrite=overwrite,
    )


INFO = DatasetInfo(
    name="sst_big",
    title=TITLE,
    kind="synthetic",
    description=(
        "Daily sea-surface temperature in °C (float32) on a global regular grid, "
        "0.25° by default (720 x 1440), 2014-2023 (3,652 days): 15.1 GB, "
        "generated chunk by chunk on demand with Dask; size='small' gives 1° (0.95 GB). "
        "Injected mean, seasonal cycle, linear trend, ENSO-like signal and noise."
    ),
    real_product=REAL_PRODUCT
    + "; real data: https://www.ncei.noaa.gov/products/optimum-interpolation-sst "
    "and https://climate.esa.int/en/projects/sea-surface-temperature/",
    provenance=f"{GENERATOR}.load (deterministic from the seed; nothing downloaded)",
    licence="CC BY 4.0 (EO Notebooks, synthetic)",
    loader=load,
    lessons=("lesson5-dask",),
    url="https://www.ncei.noaa.gov/products/optimum-interpolation-sst",
    version=VERSION,
    seed=DEFAULT_SEED,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
