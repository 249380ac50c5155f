"""ESA CCI Soil Moisture COMBINED, read pixel by pixel through OPeNDAP on the CEDA archive.

The real product is one global netCDF file per day (0.25°, 720 x 1440 cells, eight
variables).  CEDA serves every file through OPeNDAP (a THREDDS server): a client asks
for *a slice* of a variable, ``sm[0:1:0][132:1:171][740:1:779]``, and the server cuts
it out of the file and sends only those values.  That is pixel-based access to a real
archive: for the lesson's 40 x 40 cells of Central Europe, each day costs one request
of about 9 kB instead of a file download.

>>> from eolab import archives
>>> sm = archives.load_real("soil_moisture_europe")   # doctest: +SKIP  (network!)

The endpoint can be replaced with ``$EOLAB_ENDPOINT_CCI_SM`` (a mirror, or the course's
test server on 127.0.0.1).  No account is needed: CCI Soil Moisture is open
(CC BY 4.0) and CEDA serves it without registration.
"""

from __future__ import annotations

import threading
import time as _time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from eolab.archives import _common

VERSION = "09.1"
"""Product version read by default (CEDA catalogue: 1978-11-01 to 2023-12-31)."""
NAME = "ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-{:%Y%m%d}000000-fv{version}.nc"
"""File name of one day (a :meth:`str.format` pattern of the date and version)."""

SOURCE = _common.ArchiveSource(
    product=f"ESA CCI Soil Moisture COMBINED v{VERSION} (daily, 0.25°)",
    endpoint=(
        "https://dap.ceda.ac.uk/thredds/dodsC/neodc/esacci/soil_moisture/data/"
        f"daily_files/COMBINED/v{VERSION}"
    ),
    env_var="EOLAB_ENDPOINT_CCI_SM",
    protocol="OPeNDAP (DAP2)",
    account="none",
    licence="CC BY 4.0 (ESA CCI data policy; cite Dorigo et al. 2017, Gruber et al. 2019)",
    lesson_reads=(
        "47-57°N, 5-15°E (40 x 40 cells), sm and flag, 3,653 days (2012-2021): "
        "one DAP2 request per day, ~9 kB each, ~34 MB in all (estimated; the test "
        "server sends ~12 kB a day), instead of 3,653 whole global files"
    ),
    docs="https://catalogue.ceda.ac.uk/uuid/0e346e1e1e164ac99c60098848537a29",
)

LAT, LON = (47.0, 57.0), (5.0, 15.0)
"""The lesson's area: degrees north, degrees east (cell edges)."""
PERIOD = ("2012-01-01", "2021-12-31")
VARIABLES = ("sm", "flag")


def file_url(day, endpoint: str | None = None, version: str = VERSION) -> str:
    """The OPeNDAP URL of one day's file: ``<endpoint>/<YYYY>/<name>``."""
    day = pd.Timestamp(day)
    base = _common.endpoint(SOURCE, endpoint).rstrip("/")
    return f"{base}/{day:%Y}/" + NAME.format(day, version=version)


def _session():
    import requests

    session = requests.Session()
    session.counted = {"bytes": 0, "requests": 0}
    lock = threading.Lock()

    def count(response, *args, **kwargs):
        with lock:
            session.counted["bytes"] += len(response.content)
            session.counted["requests"] += 1

    session.hooks["response"].append(count)
    return session


def _check_range(name: str, pair, low: float, high: float) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (south/west, north/east) of degrees, got {pair!r}"
        ) from None
    if not (low <= a < b <= high):
        raise ValueError(
            f"{name}={pair!r}: give (min, max) with min < max, both within "
            f"{low:g} to {high:g} degrees"
        )
    return a, b


def _slice(coord: np.ndarray, lo: float, hi: float, name: str) -> tuple[int, int]:
    """First and last index of the cells whose centres lie inside (lo, hi)."""
    inside = np.flatnonzero((coord > lo) & (coord < hi))
    if inside.size == 0:
        raise ValueError(f"no {name} cell of the archive lies within {lo:g} to {hi:g}")
    return int(inside[0]), int(inside[-1])


def layout_problems(ds) -> list[str]:
    """How an opened daily file differs from the documented layout (names, dims, attributes).

    Over DAP2 the integer types may change (a byte arrives as an unsigned Byte), so dtypes
    are checked on the files themselves (``tests/test_archive_schemas.py``), not here.
    """
    spec = _common.schema("soil_moisture_cci")
    spec = {
        "dims": {d: None for d in spec["dims"]},
        "variables": {
            v: {k: s for k, s in vs.items() if k != "dtype"} for v, vs in spec["variables"].items()
        },
        "attrs": spec["attrs"],
    }
    return _common.structure_problems(ds, spec)


def _get(session, url: str):
    response = session.get(url, timeout=120)
    response.raise_for_status()
    return response


def _parse_dods(content: bytes):
    """A DAP2 data response (DDS, ``Data:``, XDR values) as a pydap dataset with its values."""
    from io import BytesIO

    from pydap.handlers.dap import StreamReader, unpack_dap2_data
    from pydap.parsers.dds import dds_to_dataset

    dds, sep, data = content.partition(b"\nData:\n")
    if not sep:
        raise ValueError("the answer is not a DAP2 data response (no 'Data:' section)")
    dataset = dds_to_dataset(dds.decode("ascii"))
    dataset.data = unpack_dap2_data(StreamReader(BytesIO(data)), dataset)
    return dataset


def _values(dataset, name: str) -> np.ndarray:
    var = dataset[name]
    var = var.array if hasattr(var, "array") else var
    return np.asarray(var.data)


def open_day(day, endpoint: str | None = None, version: str = VERSION, session=None):
    """Open one day's file lazily with xarray over OPeNDAP: its DDS, DAS and coordinates only.

    Three small requests (structure, attributes, the time/lat/lon values); the data
    variables stay on the server.

    Raises
    ------
    ArchiveUnavailable
        The server did not answer, or the file is not where the archive keeps it.
    ValueError
        The file's layout drifted from the documented product (names the difference).
    """
    import xarray as xr
    from pydap.parsers.das import add_attributes, parse_das
    from pydap.parsers.dds import dds_to_dataset

    url = file_url(day, endpoint, version)
    session = session or _session()
    with _common.explained(SOURCE, url, f"the daily file of {pd.Timestamp(day):%Y-%m-%d}"):
        remote = dds_to_dataset(_get(session, url + ".dds").text)
        add_attributes(remote, parse_das(_get(session, url + ".das").text))
        coords = [c for c in ("time", "lat", "lon") if c in remote]
        values = _parse_dods(_get(session, url + ".dods?" + ",".join(coords)).content)
        for c in coords:
            remote[c].data = _values(values, c)
        # CEDA's THREDDS speaks DAP2 at /thredds/dodsC/.
        ds = xr.open_dataset(
            xr.backends.PydapDataStore(remote, protocol="dap2"),
            mask_and_scale=False,
            decode_times=False,
        )
    problems = layout_problems(ds)
    if problems:
        raise ValueError(
            f"{url} does not look like ESA CCI Soil Moisture COMBINED as "
            f"documented ({SOURCE.docs}): "
            + "; ".join(problems)
            + ". The archive may have changed: check the documentation, or "
            "ask the course maintainers to update eolab."
        )
    return ds


def _fetch_subset(url: str, variables, rows, cols, session) -> dict[str, np.ndarray]:
    """One constrained DAP2 request: the values of ``variables`` in the window, one day."""
    (i0, i1), (j0, j1) = rows, cols
    ce = ",".join(f"{v}[0:1:0][{i0}:1:{i1}][{j0}:1:{j1}]" for v in variables)
    with _common.explained(SOURCE, url, "a subset of " + ", ".join(variables)):
        dataset = _parse_dods(_get(session, f"{url}.dods?{ce}").content)
        return {v: _values(dataset, v)[0] for v in variables}


def load(
    lat=LAT,
    lon=LON,
    time=PERIOD,
    variables=VARIABLES,
    endpoint: str | None = None,
    version: str = VERSION,
    workers: int = 8,
):
    """Daily ESA CCI soil moisture over a box, subset on the server (OPeNDAP).

    Opens the first day with xarray (metadata only) to find the box's cells on the
    archive's grid and to check the layout, then asks the server for just those
    cells of each day, ``workers`` requests at a time.

    Parameters
    ----------
    lat, lon : (float, float)
        The box, degrees north and east (cell centres strictly inside are kept).
    time : (str, str)
        First and last day, inclusive (ISO dates).
    variables : sequence of str
        Variables of the product to read (``"sm"``, ``"flag"``, ``"sm_uncertainty"``...).
    endpoint : str, optional
        Base URL of the daily files; default ``$EOLAB_ENDPOINT_CCI_SM`` or CEDA's.
    version : str
        Product version in the file names (``"09.1"``).
    workers : int
        Requests in flight at once (be kind to a public server: 8 at most).

    Returns
    -------
    xarray.Dataset
        ``sm`` (time, lat, lon) in m³ m⁻³ (NaN where not retrieved), ``flag`` as in the
        product, latitude north to south like the archive; ``attrs`` keep the product's
        and add ``eolab_bytes`` (bytes received), ``eolab_requests`` and
        ``eolab_seconds``.

    Raises
    ------
    ArchiveUnavailable
        The endpoint could not be read (it names the URL and what to try).
    ValueError
        Bad box or dates, or the archive's layout changed.
    """
    import xarray as xr

    lat = _check_range("lat", lat, -90, 90)
    lon = _check_range("lon", lon, -180, 180)
    try:
        days = pd.date_range(pd.Timestamp(time[0]), pd.Timestamp(time[1]), freq="D")
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"time must be a pair of ISO dates (first, last), got {time!r}") from None
    if len(days) == 0:
        raise ValueError(f"time={time!r}: the first day must not be after the last")
    if not 1 <= int(workers) <= 8:
        raise ValueError(f"workers={workers!r}: use 1 to 8 requests at a time")
    variables = list(variables)
    start = _time.perf_counter()
    session = _session()
    first = open_day(days[0], endpoint, version, session)
    missing = [v for v in variables if v not in first.data_vars]
    if missing:
        raise ValueError(
            f"variables {missing} are not in the product; it has {', '.join(first.data_vars)}"
        )
    lats, lons = first["lat"].values, first["lon"].values
    rows = _slice(lats, *lat, "latitude")
    cols = _slice(lons, *lon, "longitude")
    attrs = {v: dict(first[v].attrs) for v in variables}

    def one(day):
        return _fetch_subset(file_url(day, endpoint, version), variables, rows, cols, session)

    with ThreadPoolExecutor(max_workers=int(workers)) as pool:
        parts = list(pool.map(one, days))
    out = xr.Dataset(
        coords={
            "time": days,
            "lat": lats[rows[0] : rows[1] + 1].astype("float64"),
            "lon": lons[cols[0] : cols[1] + 1].astype("float64"),
        }
    )
    for v in variables:
        raw = np.stack([p[v] for p in parts])
        fill = attrs[v].pop("_FillValue", None)
        if np.issubdtype(raw.dtype, np.floating):
            bad = ~np.isfinite(raw) if fill is None else (raw == fill) | ~np.isfinite(raw)
            lo, hi = attrs[v].get("valid_range", (-np.inf, np.inf))
            raw = np.where(bad | (raw < lo) | (raw > hi), np.nan, raw).astype(raw.dtype)
        elif fill is not None:
            attrs[v]["_FillValue"] = fill
        out[v] = (("time", "lat", "lon"), raw, attrs[v])
    out["lat"].attrs.update(units="degrees_north", standard_name="latitude")
    out["lon"].attrs.update(units="degrees_east", standard_name="longitude")
    out.attrs = {
        k: first.attrs[k] for k in ("title", "product_version", "license") if k in first.attrs
    }
    out.attrs.update(
        source=f"{SOURCE.product}, OPeNDAP {file_url(days[0], endpoint, version)}"
        f" ... ({len(days)} days)",
        eolab_bytes=session.counted["bytes"],
        eolab_requests=session.counted["requests"],
        eolab_seconds=round(_time.perf_counter() - start, 2),
    )
    return out


def live_check() -> dict:
    """A minimal real read for ``make check-live``: one day, the lesson's box, ``sm`` only."""
    start = _time.perf_counter()
    url = file_url("2018-07-15")
    try:
        ds = load(time=("2018-07-15", "2018-07-15"), variables=("sm",), workers=1)
    except (_common.ArchiveUnavailable, ValueError) as err:
        return {
            "endpoint": url,
            "ok": False,
            "bytes": 0,
            "seconds": round(_time.perf_counter() - start, 2),
            "detail": str(err)[:300],
        }
    valid = int(ds["sm"].notnull().sum())
    return {
        "endpoint": url,
        "ok": valid > 0,
        "bytes": int(ds.attrs["eolab_bytes"]),
        "seconds": round(_time.perf_counter() - start, 2),
        "detail": f"{ds.attrs['eolab_requests']} requests, {valid} of "
        f"{ds['sm'].size} cells with soil moisture on 2018-07-15",
    }
