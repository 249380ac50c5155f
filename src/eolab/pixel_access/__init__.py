"""Pixel-based access to a data cube over HTTP, and a byte-counting server to measure it.

A pixel-access service (like the ESA PDGS Data Cube or any Zarr store in
the cloud) lets you ask for *the values you need* - one pixel's time
series, a small area, one day's map - instead of downloading whole files.
This package runs a tiny such service on your own machine, so a lesson can
show and **measure** the difference.  One module per job:

``server``
    :func:`serve`, a byte-counting HTTP server on 127.0.0.1 (GET, HEAD,
    byte ranges), and :meth:`CubeServer.measure`.
``remote``
    :func:`open_remote_cube`: a Zarr store over HTTP, lazily (xarray +
    fsspec + Dask), with HTTP clients that always close.
``selection``
    :func:`point_series`, :func:`area_subset`, :func:`day_map`: what a
    question needs, with clear errors.
``mosaic``
    :func:`mosaic` and :func:`composite` of Sentinel-2 tiles.
``files``
    the traditional route: :func:`daily_file_urls`, :func:`download_files`,
    :func:`open_daily_files`.
``compare``
    :func:`compare_routes`: the same questions both ways, measured, as a
    :class:`RouteComparison`.

>>> from eolab import pixel_access
>>> with pixel_access.serve(folder) as server:                  # doctest: +SKIP
...     ds = server.open_cube("sm_time.zarr")
...     with server.measure("one pixel") as m:
...         series = pixel_access.point_series(ds, lat=52.4, lon=12.6).compute()
...     print(m.bytes_sent, m.seconds)
"""

from eolab.pixel_access.compare import (
    QUESTIONS,
    TRANSFER_COLUMNS,
    RouteComparison,
    compare_routes,
    transfer_table,
)
from eolab.pixel_access.files import (
    CCI_SM_DAILY_NAME,
    daily_file_urls,
    download_files,
    open_daily_files,
)
from eolab.pixel_access.mosaic import composite, mosaic
from eolab.pixel_access.remote import open_remote_cube
from eolab.pixel_access.selection import area_subset, day_map, point_series
from eolab.pixel_access.server import LOOPBACK_NAMES, CubeServer, Transfer, serve

__all__ = [
    "CCI_SM_DAILY_NAME",
    "LOOPBACK_NAMES",
    "QUESTIONS",
    "TRANSFER_COLUMNS",
    "CubeServer",
    "RouteComparison",
    "Transfer",
    "area_subset",
    "compare_routes",
    "composite",
    "daily_file_urls",
    "day_map",
    "download_files",
    "mosaic",
    "open_daily_files",
    "open_remote_cube",
    "point_series",
    "serve",
    "transfer_table",
]
