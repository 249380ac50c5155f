"""Sentinel-5P TROPOMI Level-2 NO2 orbits from a public S3 bucket, gridded for lesson 2a.

The real product ``L2__NO2___`` is one netCDF4 file per orbit (about 450 MB),
pixels on (``scanline``, ``ground_pixel``) in the group ``PRODUCT``, their
corners in ``PRODUCT/SUPPORT_DATA/GEOLOCATIONS``.  MEEO mirrors the archive on
the AWS Open Data bucket ``s3://meeo-s5p`` (region eu-central-1), readable
without an account, under ``<stream>/L2__NO2___/YYYY/MM/DD/<file name>``.

:func:`load` lists the orbits of each day, keeps those that pass over the city
in the early afternoon (Sentinel-5P crosses the equator northwards at 13:30
local solar time), reads from each only what the lesson needs (the pixel
centres, then for the scanlines over the city the NO2 column, ``qa_value`` and
the pixel corners: a few MB of a 450 MB file, by HTTP range requests), grids
them with :func:`eolab.swath.grid_swath` onto the lessons' 0.25 degree grid and
returns the daily grid that the lesson's analysis cells take.

Set ``EOLAB_ENDPOINT_S5P`` (or ``endpoint=``) to read another S3 server:
``s3://bucket`` on AWS, or ``http://host:port/bucket`` for any S3-compatible one.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import xarray as xr

from eolab.archives import _common, _s3

SOURCE = _common.ArchiveSource(
    product="Sentinel-5P TROPOMI L2 NO2 (L2__NO2___, OFFL), one netCDF4 file per orbit",
    endpoint="s3://meeo-s5p",
    env_var="EOLAB_ENDPOINT_S5P",
    protocol="S3 (anonymous, HTTP range reads of netCDF4/HDF5)",
    account="none (the Copernicus Data Space Ecosystem's S3 needs a free account and keys; "
    "this open mirror does not)",
    licence="Copernicus Sentinel data, free and open (Sentinel data legal notice)",
    lesson_reads=(
        "~64 days x 1-2 orbits over Paris; ~10-20 MB of each ~450 MB orbit (~1-2 GB in all)"
    ),
    docs="https://github.com/Sentinel-5P/data-on-s3/blob/master/DocsForAws/Sentinel5P_Description.md",
)
REGION = "eu-central-1"
PRODUCT_TYPE = "L2__NO2___"
SCHEMA = "sentinel5p_no2"
GEO = "PRODUCT/SUPPORT_DATA/GEOLOCATIONS"
_NAME = re.compile(
    r"S5P_(\w{4})_(\w{10})_(\d{8}T\d{6})_(\d{8}T\d{6})_(\d{5})_\d{2}_\d{6}_\d{8}T\d{6}\.nc$"
)


def _overpass(day: pd.Timestamp, lon: float) -> pd.Timestamp:
    """Approximate UTC of Sentinel-5P's afternoon pass over ``lon`` (13:30 local solar)."""
    return day.normalize() + pd.Timedelta(hours=13.5 - lon / 15.0)


def list_orbits(
    day, lon: float, endpoint: str | None = None, stream: str = "OFFL", window_min: float = 60.0
) -> list[str]:
    """Keys of the NO2 orbit files of ``day`` whose time span is near the pass over ``lon``.

    Parameters
    ----------
    day : str or datetime-like
        The day, e.g. ``"2020-03-20"``.
    lon : float
        Longitude of the place, degrees east.
    endpoint : str, optional
        ``s3://bucket`` or ``http://host:port/bucket``; default ``$EOLAB_ENDPOINT_S5P`` or
        ``s3://meeo-s5p``.
    stream : str
        Processing stream folder: ``"OFFL"`` (offline, the default), ``"RPRO"`` or ``"NRTI"``.
    window_min : float
        Keep orbits whose span overlaps the pass time +- this many minutes.

    Returns
    -------
    list of str
        Object paths (``bucket/stream/L2__NO2___/YYYY/MM/DD/name.nc``), sorted.
    """
    url = _common.endpoint(SOURCE, endpoint)
    t = pd.Timestamp(day)
    loc = _s3.location(url, REGION)
    folder = loc.path(stream, PRODUCT_TYPE, f"{t:%Y/%m/%d}")
    with _common.explained(SOURCE, url, f"the list of orbits of {t:%Y-%m-%d}"), _s3.plain_errors():
        try:
            names = loc.fs.ls(folder, detail=False, refresh=True)
        except FileNotFoundError:
            return []
    t0 = _overpass(t, lon) - pd.Timedelta(minutes=window_min)
    t1 = _overpass(t, lon) + pd.Timedelta(minutes=window_min)
    keep = []
    for name in names:
        m = _NAME.search(name)
        if not m or m.group(2) != PRODUCT_TYPE:
            continue
        start, end = pd.Timestamp(m.group(3)), pd.Timestamp(m.group(4))
        if start <= t1 and end >= t0:
            keep.append(name)
    return sorted(keep)


def _check(ds: xr.Dataset, part: str, url: str) -> None:
    spec = _common.schema(SCHEMA)
    problems = _common.structure_problems(ds, spec["parts"][part])
    if problems:
        raise _common.ArchiveUnavailable(
            f"{url}: the group {part} does not have the documented layout ({'; '.join(problems)}). "
            f"The product may have changed; compare with {spec['source']}"
        )


def read_orbit(path: str, box, counter: _s3.Counter, url: str) -> xr.Dataset | None:
    """The pixels of one orbit file inside ``box`` (lon_min, lon_max, lat_min, lat_max), decoded.

    Reads the pixel centres, finds the scanlines over the box, then reads only those
    scanlines of the NO2 column, ``qa_value``, ``delta_time`` and the pixel corners.
    Returns ``None`` when the orbit does not cross the box.
    """
    west, east, south, north = box
    what = f"orbit {path.rsplit('/', 1)[-1]}"
    with _common.explained(SOURCE, url, what), _s3.plain_errors():
        f = counter.open(path)
        product = xr.open_dataset(
            f, engine="h5netcdf", group="PRODUCT", decode_cf=False, decode_timedelta=False
        )
        _check(product, "PRODUCT", url)
        lat = product["latitude"].isel(time=0).values
        lon = product["longitude"].isel(time=0).values
        over = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        rows = np.flatnonzero(over.any(axis=1))
        if rows.size == 0:
            return None
        pick = {"scanline": slice(max(rows[0] - 1, 0), rows[-1] + 2)}
        names = [
            "nitrogendioxide_tropospheric_column",
            "qa_value",
            "latitude",
            "longitude",
            "delta_time",
        ]
        part = product[names].isel(pick).load()
        geo = xr.open_dataset(f, engine="h5netcdf", group=GEO, decode_cf=False)
        _check(geo, GEO, url)
        corners = geo[["latitude_bounds", "longitude_bounds"]].isel(pick).load()
    swath = xr.decode_cf(xr.merge([part, corners], compat="override"), decode_timedelta=False)
    when = pd.Timestamp(np.asarray(swath["delta_time"].values).ravel()[len(swath.scanline) // 2])
    return swath.drop_vars("delta_time").assign_attrs(observed=str(when), file=path)


def _box(lat: float, lon: float, half_lat: float, half_lon: float, res: float):
    snap = lambda v, f: float(f(v / res) * res)  # noqa: E731
    return (
        snap(lon - half_lon, np.floor),
        snap(lon + half_lon, np.ceil),
        snap(lat - half_lat, np.floor),
        snap(lat + half_lat, np.ceil),
    )


def load(
    city: str = "Paris",
    days=None,
    endpoint: str | None = None,
    stream: str = "OFFL",
    res_deg: float = 0.25,
    qa_min: float = 0.75,
    half_width_deg: float = 1.5,
    use_corners: bool = True,
    block_size: int = 2**19,
) -> xr.Dataset:
    """Daily 0.25 degree grids of real Sentinel-5P NO2 around a city (network!).

    Parameters
    ----------
    city : str
        City name (GeoNames, see :func:`eolab.pollution.find_city`).
    days : sequence of dates
        The days to read, e.g. ``pd.date_range("2020-03-13", "2020-04-13")``.
    endpoint : str, optional
        S3 endpoint (see the module docstring); default ``$EOLAB_ENDPOINT_S5P`` or
        ``s3://meeo-s5p``.
    stream : str
        ``"OFFL"``, ``"RPRO"`` or ``"NRTI"``: the processing stream folder.
    res_deg, qa_min, use_corners
        Passed to :func:`eolab.swath.grid_swath`: the grid spacing (degrees), the
        ``qa_value`` threshold (0.75, the product user manual's recommendation for the
        tropospheric column) and whether to spread pixels over their footprints.
    half_width_deg : float
        Half size of the box around the city that is read and gridded, degrees
        of latitude (longitude: scaled by 1 / cos(latitude)).
    block_size : int
        Bytes asked for in each ranged GET (default 512 KiB: a few hundred requests
        for a 450 MB orbit file).

    Returns
    -------
    xarray.Dataset
        On (``time``, ``latitude``, ``longitude``), one grid per day (days without a good
        orbit are all NaN): ``nitrogendioxide_tropospheric_column`` (mol m-2) and
        ``qa_value``, as the lesson's synthetic data; attributes say what was read
        (``files_read``, ``bytes_read``, ``seconds``, ``transfer``).

    Raises
    ------
    eolab.archives.ArchiveUnavailable
        When the endpoint cannot be read (naming it and what to try), or a file
        no longer has the documented layout.
    """
    from eolab import pollution, swath

    if days is None:
        raise ValueError(
            "give the days to read, e.g. days=pd.date_range('2020-03-13', '2020-04-13')"
        )
    days = pd.DatetimeIndex(pd.to_datetime(list(days))).normalize().unique().sort_values()
    c = pollution.find_city(city)
    url = _common.endpoint(SOURCE, endpoint)
    half_lon = half_width_deg / max(np.cos(np.radians(c.lat)), 0.2)
    box = _box(c.lat, c.lon, half_width_deg, half_lon, res_deg)
    loc = _s3.location(url, REGION)
    counter = _s3.Counter(loc.fs, block_size=block_size)
    start = time.perf_counter()
    grids, listed = [], 0
    empty = None
    for day in days:
        keys = list_orbits(day, c.lon, url, stream)
        listed += len(keys)
        daily = []
        for key in keys:
            orbit = read_orbit(key, box, counter, url)
            if orbit is None:
                continue
            try:
                daily.append(
                    swath.grid_swath(
                        orbit, res_deg=res_deg, qa_min=qa_min, box=box, use_corners=use_corners
                    )
                )
            except ValueError:  # no good pixel in the box (all cloudy)
                continue
        if daily:
            g = swath.combine_grids(daily)
            empty = g if empty is None else empty
        else:
            g = None
        grids.append((day, g))
    if empty is None:
        raise _common.ArchiveUnavailable(
            f"no orbit with good pixels over {c.name} on the {len(days)} days asked, at {url} "
            f"({stream}/{PRODUCT_TYPE}): {listed} orbit files listed. What to try: other days, "
            "stream='RPRO' (the reprocessed collection), or check the mirror's folders"
        )
    blank = xr.full_like(empty, np.nan)
    cube = xr.concat(
        [
            (g if g is not None else blank).drop_vars(swath.WEIGHT, errors="ignore")
            for _, g in grids
        ],
        dim=pd.Index(days, name="time"),
    )
    seconds = time.perf_counter() - start
    record = _common.Transfer(
        f"{counter.files} orbit files of {listed} listed", counter.nbytes, seconds
    )
    cube.attrs = {
        "title": (
            f"Sentinel-5P TROPOMI tropospheric NO2 around {c.name}, gridded to {res_deg:g} degree"
        ),
        "source": f"{url} ({stream}/{PRODUCT_TYPE}), read by eolab.archives.sentinel5p",
        "comment": empty.attrs.get("gridding", ""),
        "files_read": counter.files,
        "orbits_listed": listed,
        "bytes_read": counter.nbytes,
        "requests": counter.requests,
        "seconds": round(seconds, 2),
        "transfer": str(record),
    }
    cube[swath.NO2].attrs.setdefault("units", "mol m-2")
    return cube


def live_check() -> dict:
    """List one real day and read one orbit's header and pixel centres (for ``make check-live``)."""
    url = _common.endpoint(SOURCE)
    start = time.perf_counter()
    out = {"endpoint": url, "ok": False, "bytes": 0, "seconds": 0.0, "detail": ""}
    try:
        keys = list_orbits("2020-03-20", 2.35, url)
        if not keys:
            out["detail"] = "no orbit listed for 2020-03-20 near 2.35 E"
        else:
            loc = _s3.location(url, REGION)
            counter = _s3.Counter(loc.fs)
            orbit = read_orbit(keys[0], (1.0, 4.0, 48.0, 50.0), counter, url)
            out.update(
                ok=orbit is not None,
                bytes=counter.nbytes,
                detail=f"{keys[0].rsplit('/', 1)[-1]}: "
                f"{'pixels over Paris read' if orbit is not None else 'no pixel over Paris'}",
            )
    except _common.ArchiveUnavailable as err:
        out["detail"] = str(err)
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out
