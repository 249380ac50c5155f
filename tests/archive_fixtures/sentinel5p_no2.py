"""SYNTHETIC Sentinel-5P TROPOMI L2 NO2 orbit files, shaped like the product, with a known drop.

Imitates ``S5P_OFFL_L2__NO2____*.nc`` (netCDF4): the groups ``PRODUCT`` and
``PRODUCT/SUPPORT_DATA/GEOLOCATIONS`` (plus ``INPUT_DATA`` and
``DETAILED_RESULTS`` variables that the course's reader must *not* read), the
dimensions ``time`` (1), ``scanline``, ``ground_pixel`` (450), ``corner`` (4),
the dtypes and encodings (``qa_value`` is uint8 with scale_factor 0.01,
columns float32 with fill 9.96921e36, ``time`` int32 seconds since 2010-01-01,
``delta_time`` int32 milliseconds since the day), the file names and the
bucket layout of the MEEO mirror (``OFFL/L2__NO2___/YYYY/MM/DD/<name>.nc``).
Files are short (300 scanlines instead of ~4 000) to stay small.

The known truth: Paris is a plume on a background; from 2019 to 2020 the
plume (not the background) falls by ``PLUME_CUT`` (40 %). 2019's days are
cloudier than 2020's, and cloudy pixels (qa_value 0.45) hold a column biased
low, so skipping the quality filter would hide part of the drop.
:func:`true_change_pct` gives the change of the 40 km city mean that this
causes on the 0.25 degree grid. Made by the course; not measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

BUCKET = "meeo-s5p"
PRODUCT = "L2__NO2___"
CITY = ("Paris", 48.85341, 2.3488)  # GeoNames coordinates (as eolab.pollution.find_city)
PLUME_CUT = 0.40
BACKGROUND = 1.5e-5  # mol m-2
PLUME = 1.2e-4  # mol m-2 at the centre
PLUME_KM = 25.0
DAYS_2019 = ["2019-03-14", "2019-03-19", "2019-03-24", "2019-03-29", "2019-04-03"]
DAYS_2020 = ["2020-03-15", "2020-03-20", "2020-03-25", "2020-03-30", "2020-04-04"]
CLOUDY = {2019: 0.35, 2020: 0.05}  # share of cloudy pixels
N_SCAN, N_PIX, N_LAYER = 300, 450, 34


def field(lat, lon, year: int):
    """The true tropospheric NO2 column (mol m-2) of the fixture."""
    _, lat0, lon0 = CITY
    dy = (np.asarray(lat) - lat0) * 111.2
    dx = (np.asarray(lon) - lon0) * 111.2 * np.cos(np.radians(lat0))
    plume = PLUME * np.exp(-(dx**2 + dy**2) / (2 * PLUME_KM**2))
    return BACKGROUND + plume * ((1 - PLUME_CUT) if year == 2020 else 1.0)


def true_change_pct(radius_km: float = 40.0, res: float = 0.25) -> float:
    """Change of the city mean, 2020 vs 2019 (cells of ``res`` centred within ``radius_km``)."""
    from eolab.pollution import distance_km

    _, lat0, lon0 = CITY
    lat_c = np.arange(np.floor(lat0 / res) * res - 2, lat0 + 2, res) + res / 2
    lon_c = np.arange(np.floor(lon0 / res) * res - 2, lon0 + 2, res) + res / 2
    la, lo = np.meshgrid(lat_c, lon_c, indexing="ij")
    inside = distance_km(la, lo, lat0, lon0) <= radius_km
    sub = (np.arange(10) + 0.5) / 10 * res - res / 2  # cell-area average by sampling

    def city_mean(year):
        sla = la[inside][:, None, None] + sub[None, :, None]
        slo = lo[inside][:, None, None] + sub[None, None, :]
        return field(sla, slo, year).mean()

    return 100 * (city_mean(2020) / city_mean(2019) - 1)


def _geometry(day: pd.Timestamp, rng):
    """Corners of a slanted ascending swath whose nadir passes near Paris, shifted day by day."""
    shift = rng.uniform(-9, 9)  # across-track position of Paris (degrees)
    s = np.arange(N_SCAN + 1)[:, None]
    g = np.arange(N_PIX + 1)[None, :] - N_PIX / 2
    # across track: about 5.8 km at nadir, wider to the edges (as TROPOMI's)
    across = 0.076 * g * (1 + 0.8 * (g / (N_PIX / 2)) ** 2)
    lat = 41.0 + 0.0495 * s - 0.05 * across * 0.2
    lon = (CITY[2] + shift) + across - 0.012 * s
    corners = lambda a: np.stack([a[:-1, :-1], a[:-1, 1:], a[1:, 1:], a[1:, :-1]], -1)  # noqa: E731
    return corners(lat), corners(lon)


def orbit_name(start: pd.Timestamp, orbit: int) -> str:
    end = start + pd.Timedelta(minutes=101)
    made = start + pd.Timedelta(days=5)
    return (
        f"S5P_OFFL_{PRODUCT}_{start:%Y%m%dT%H%M%S}_{end:%Y%m%dT%H%M%S}_{orbit:05d}_01_010302_"
        f"{made:%Y%m%dT%H%M%S}.nc"
    )


def orbit_datasets(day: str, seed: int, over_city: bool = True) -> dict[str, xr.Dataset]:
    """The groups of one orbit file, decoded (the encodings are in each variable's ``encoding``)."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp(day)
    lat_b, lon_b = _geometry(t, rng)
    if not over_city:  # an orbit over the other side of the Earth
        lon_b = lon_b + 150.0
    lat, lon = lat_b.mean(-1), lon_b.mean(-1)
    year = t.year
    cloudy = rng.random(lat.shape) < CLOUDY[year]
    no2 = field(lat, lon, year) * (1 + 0.05 * rng.standard_normal(lat.shape))
    no2 = np.where(cloudy, 0.3 * no2, no2)  # clouds hide the NO2 near the ground
    qa = np.where(cloudy, 0.45, rng.choice([0.77, 0.88, 1.0], lat.shape))
    no2[0, :3] = np.nan  # a few fill values, as in real files
    qa[0, :3] = np.nan
    start = t + pd.Timedelta(hours=11, minutes=58) + pd.Timedelta(seconds=int(rng.integers(0, 600)))
    if not over_city:
        start = start - pd.Timedelta(hours=10)
    orbit = 7000 + (t - pd.Timestamp("2019-01-01")).days * 14 + (3 if over_city else 0)
    dims = ("time", "scanline", "ground_pixel")
    fill = {"_FillValue": np.float32(9.96921e36), "dtype": "float32"}
    f32 = lambda a: a[None].astype("float32")  # noqa: E731
    delta_ms = ((start - t).total_seconds() * 1000 + 840 * np.arange(N_SCAN)).astype("int32")
    product = xr.Dataset(
        {
            "delta_time": (
                ("time", "scanline"),
                delta_ms[None],
                {
                    "long_name": "offset of start time of measurement relative to time_reference",
                    "units": f"milliseconds since {t:%Y-%m-%d} 00:00:00",
                },
            ),
            "qa_value": (
                dims,
                f32(qa),
                {
                    "units": "1",
                    "long_name": "data quality value",
                    "comment": "A continuous quality descriptor, varying between 0 "
                    "(no data) and 1 (full quality data). Recommend to ignore data "
                    "with qa_value < 0.5",
                    "coordinates": "longitude latitude",
                    "valid_min": np.uint8(0),
                    "valid_max": np.uint8(100),
                },
            ),
            "latitude": (
                dims,
                f32(lat),
                {
                    "long_name": "pixel center latitude",
                    "units": "degrees_north",
                    "standard_name": "latitude",
                    "valid_min": -90.0,
                    "valid_max": 90.0,
                    "bounds": "/PRODUCT/SUPPORT_DATA/GEOLOCATIONS/latitude_bounds",
                },
            ),
            "longitude": (
                dims,
                f32(lon),
                {
                    "long_name": "pixel center longitude",
                    "units": "degrees_east",
                    "standard_name": "longitude",
                    "valid_min": -180.0,
                    "valid_max": 180.0,
                    "bounds": "/PRODUCT/SUPPORT_DATA/GEOLOCATIONS/longitude_bounds",
                },
            ),
            "nitrogendioxide_tropospheric_column": (
                dims,
                f32(no2),
                {
                    "units": "mol m-2",
                    "standard_name": "troposphere_mole_content_of_nitrogen_dioxide",
                    "long_name": "Tropospheric vertical column of nitrogen dioxide",
                    "coordinates": "longitude latitude",
                    "multiplication_factor_to_convert_to_molecules_percm2": np.float32(6.02214e19),
                    "ancillary_variables": "nitrogendioxide_tropospheric_column_precision",
                },
            ),
            "nitrogendioxide_tropospheric_column_precision": (
                dims,
                f32(np.abs(0.1 * no2 + 1e-5 * rng.random(lat.shape))),
                {
                    "units": "mol m-2",
                    "coordinates": "longitude latitude",
                    "multiplication_factor_to_convert_to_molecules_percm2": np.float32(6.02214e19),
                },
            ),
        },
        coords={
            "time": (
                "time",
                [t],
                {
                    "standard_name": "time",
                    "axis": "T",
                    "long_name": "reference time for the measurements",
                },
            ),
            "scanline": (
                "scanline",
                np.arange(N_SCAN, dtype="int32"),
                {"units": "1", "axis": "Y", "long_name": "along-track dimension index"},
            ),
            "ground_pixel": (
                "ground_pixel",
                np.arange(N_PIX, dtype="int32"),
                {"units": "1", "axis": "X", "long_name": "across-track dimension index"},
            ),
            "corner": (
                "corner",
                np.arange(4, dtype="int32"),
                {"units": "1", "long_name": "pixel corner index"},
            ),
            "layer": ("layer", np.arange(N_LAYER, dtype="int32"), {"units": "1"}),
        },
        attrs={},
    )
    product["time"].encoding = {"units": "seconds since 2010-01-01 00:00:00", "dtype": "int32"}
    product["delta_time"].encoding = {"dtype": "int32"}
    product["qa_value"].encoding = {
        "dtype": "uint8",
        "scale_factor": np.float32(0.01),
        "add_offset": np.float32(0.0),
        "_FillValue": np.uint8(255),
    }
    for name in ("latitude", "longitude"):
        product[name].encoding = {"dtype": "float32", "_FillValue": np.float32(9.96921e36)}
    for name in (
        "nitrogendioxide_tropospheric_column",
        "nitrogendioxide_tropospheric_column_precision",
    ):
        product[name].encoding = dict(fill)
    geo = xr.Dataset(
        {
            "latitude_bounds": (
                dims + ("corner",),
                lat_b[None].astype("float32"),
                {"units": "degrees_north"},
            ),
            "longitude_bounds": (
                dims + ("corner",),
                lon_b[None].astype("float32"),
                {"units": "degrees_east"},
            ),
            "solar_zenith_angle": (dims, f32(40 + 0.02 * lat), {"units": "degree"}),
        }
    )
    for name in geo.data_vars:
        geo[name].encoding = dict(fill)
    detailed = xr.Dataset(
        {
            "nitrogendioxide_total_column": (dims, f32(no2 + 3e-5), {"units": "mol m-2"}),
            "nitrogendioxide_slant_column_density": (
                dims,
                f32(2.5 * no2 + 1e-4 * rng.random(lat.shape)),
                {"units": "mol m-2"},
            ),
        }
    )
    for name in detailed.data_vars:
        detailed[name].encoding = dict(fill)
    attrs = {
        "Conventions": "CF-1.7",
        "institution": "KNMI",
        "source": "Sentinel 5 precursor, TROPOMI, space-borne remote sensing, L2",
        "title": (
            "TROPOMI/S5P NO2 1-Orbit L2 Swath 5.5x3.5km (SYNTHETIC test fixture of EO Notebooks)"
        ),
        "processor_version": "1.3.2",
        "product_version": "1.3.0",
        "time_reference": f"{t:%Y-%m-%d}T00:00:00Z",
        "orbit": np.int32(orbit),
        "time_coverage_start": f"{start:%Y-%m-%dT%H:%M:%S}Z",
        "time_coverage_end": f"{start + pd.Timedelta(minutes=101):%Y-%m-%dT%H:%M:%S}Z",
        "id": orbit_name(start, orbit)[:-3],
    }
    return {
        "/": xr.Dataset(attrs=attrs),
        "PRODUCT": product,
        "PRODUCT/SUPPORT_DATA/GEOLOCATIONS": geo,
        "PRODUCT/SUPPORT_DATA/DETAILED_RESULTS": detailed,
    }, orbit_name(start, orbit)


def write_orbit(path, groups: dict[str, xr.Dataset]) -> None:
    """Write the groups to one netCDF4 file, chunked by scanline and compressed as the product."""
    mode = "w"
    for group, ds in groups.items():
        enc = {}
        for name, var in ds.data_vars.items():
            e = dict(var.encoding)
            if var.ndim >= 3:
                e.update(zlib=True, complevel=3, chunksizes=(1, 64, N_PIX) + var.shape[3:])
            enc[name] = e
        ds.to_netcdf(
            path, mode=mode, group=None if group == "/" else group, engine="netcdf4", encoding=enc
        )
        mode = "a"


def build(folder) -> list[tuple[str, object]]:
    """Write the fixture's orbit files under ``folder``; return (bucket key, local path) pairs."""
    from pathlib import Path

    folder = Path(folder)
    out = []
    days = [(d, True) for d in DAYS_2019 + DAYS_2020] + [
        (DAYS_2019[0], False),
        (DAYS_2020[0], False),
    ]
    for i, (day, over) in enumerate(days):
        groups, name = orbit_datasets(day, seed=100 + i, over_city=over)
        t = pd.Timestamp(day)
        key = f"OFFL/{PRODUCT}/{t:%Y/%m/%d}/{name}"
        path = folder / name
        write_orbit(path, groups)
        out.append((key, path))
    return out


def structure(tmp_path):
    """The fixture's layout as the schema's parts (raw, undecoded, as stored in the file)."""
    groups, name = orbit_datasets(DAYS_2020[0], seed=1)
    path = tmp_path / name
    write_orbit(path, groups)
    parts = {}
    for group in ("PRODUCT", "PRODUCT/SUPPORT_DATA/GEOLOCATIONS"):
        with xr.open_dataset(path, group=group, engine="h5netcdf", decode_cf=False) as ds:
            parts[group] = ds.load()
    return parts
