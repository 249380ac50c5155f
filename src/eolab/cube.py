"""Pixel-based access to a data cube over HTTP, and a byte-counting server to measure it.

A pixel-access service (like the ESA PDGS Data Cube or any Zarr store in
the cloud) lets you ask for *the values you need* - one pixel's time
series, a small area, one day's map - instead of downloading whole files.
This module runs a tiny such service on your own machine, so a lesson can
show and **measure** the difference:

* :func:`serve` starts an HTTP server on 127.0.0.1 that serves a folder
  (Zarr stores, netCDF files) with the requests a lazy reader needs (GET,
  HEAD with ``Content-Length``, byte ``Range`` requests) and counts every
  byte it sends.  It is a context manager: the server always stops, even
  when the code inside fails.
* :func:`open_remote_cube` (or :meth:`CubeServer.open_cube`) opens a Zarr
  store over HTTP lazily (xarray + fsspec + Dask): nothing but metadata
  travels until you compute.
* :func:`point_series`, :func:`area_subset`, :func:`day_map`,
  :func:`mosaic` and :func:`composite` pick what a question needs, with
  clear errors for a point outside the cube, an unknown variable or an
  inverted time range.
* :func:`download_files` and :func:`open_daily_files` are the
  "traditional" route: fetch whole files, then read them.
* :func:`compare_routes` asks the same three questions both ways and
  tabulates the bytes and seconds each route cost.

>>> from eolab import cube
>>> with cube.serve(folder) as server:                        # doctest: +SKIP
...     ds = server.open_cube("sm_time.zarr")
...     with server.measure("one pixel") as m:
...         series = cube.point_series(ds, lat=52.4, lon=12.6).compute()
...     print(m.bytes_sent, m.seconds)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import io
import ipaddress
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd
import xarray as xr

LOOPBACK_NAMES = ("localhost",)
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


# ====================================================================== the server
def _check_loopback(host: str) -> str:
    """``"127.0.0.1"`` for a loopback host name or IPv4 address; a clear error for anything else."""
    if host in LOOPBACK_NAMES:
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback or address.version != 4:
        raise ValueError(f"refusing host {host!r}: the pixel-access service listens only on this "
                         "machine's IPv4 loopback address (127.0.0.1 or 'localhost'), never on an "
                         "address other computers could reach")
    return str(address)


class _CountingWriter(io.RawIOBase):
    """Wraps a socket file and counts the bytes written to it."""

    def __init__(self, raw, server: "CubeServer"):
        self._raw, self._server = raw, server

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        # Count *before* sending: once the bytes are out, the client may finish
        # (and a measurement end) before this thread runs again.
        size = len(data)
        self._server._add(size)
        try:
            self._raw.write(data)       # socketserver's writer sends everything (sendall)
        except BaseException:
            self._server._add(-size)
            raise
        return size

    def flush(self) -> None:
        self._raw.flush()


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of static files with byte ranges; counts what it sends."""

    protocol_version = "HTTP/1.1"   # keep-alive: a lazy reader makes many small requests
    timeout = 10                    # close idle keep-alive connections after 10 s
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.server.owner)

    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        pass                                        # no request log on stderr

    def _resolve(self) -> Path | None:
        root = self.server.owner.root
        path = (root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
        if root != path and root not in path.parents:
            return None
        return path if path.is_file() else None

    def _headers(self, status: int, length: int, extra: dict | None = None) -> None:
        self.server.owner._log_request(self.command, unquote(urlsplit(self.path).path), status, length)
        self.send_response(status)
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _refuse(self, status: int, message: bytes, body: bool) -> None:
        self._headers(status, len(message))
        if body:
            self.wfile.write(message)

    def _host_ok(self) -> bool:
        """The Host header names this machine (a web page cannot reach us through DNS rebinding)."""
        host = self.headers.get("Host")
        if host is None:
            return True                 # not a browser: HTTP/1.0 clients may omit it
        name = host.strip().lower()
        if name.startswith("["):
            name = name[1:name.find("]")] if "]" in name else name
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        return name in ("127.0.0.1", "localhost", "::1")

    def _serve(self, body: bool) -> None:
        if not self._host_ok():
            self._refuse(403, b"forbidden: this service answers only requests addressed to 127.0.0.1\n", body)
            return
        try:
            self._serve_file(body)
        except (ValueError, OverflowError):   # NUL in the path, a number too long to be a byte offset...
            self._refuse(400, b"bad request\n", body)

    def _serve_file(self, body: bool) -> None:
        raw = unquote(urlsplit(self.path).path)
        if "\x00" in raw or "\x00" in self.path:
            raise ValueError("NUL in the path")
        path = self._resolve()
        if path is None:
            message = b"not found\n"
            self._headers(404, len(message))
            if body:
                self.wfile.write(message)
            return
        size = path.stat().st_size
        start, end, status, extra = 0, size - 1, 200, {}
        wanted = self.headers.get("Range")
        if wanted and (len(wanted) > 100 or any(len(n) > 19 for n in re.findall(r"\d+", wanted))):
            raise ValueError("Range header too long")
        if wanted:
            match = _RANGE.match(wanted.strip())
            if match is None or match.groups() == ("", ""):
                self._headers(416, 0, {"Content-Range": f"bytes */{size}"})
                return
            first, last = match.groups()
            if first == "":                       # the last N bytes
                start, end = max(size - int(last), 0), size - 1
            else:
                start, end = int(first), min(int(last), size - 1) if last else size - 1
            if start >= size or start > end:
                self._headers(416, 0, {"Content-Range": f"bytes */{size}"})
                return
            status, extra = 206, {"Content-Range": f"bytes {start}-{end}/{size}"}
        self._headers(status, end - start + 1, extra)
        if body:
            with open(path, "rb") as fh:
                fh.seek(start)
                self.wfile.write(fh.read(end - start + 1))

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._serve(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._serve(body=False)


class _Server(http.server.ThreadingHTTPServer):
    # socketserver tracks (and joins in server_close) only non-daemon threads, so the
    # handler threads are tracked here and joined by CubeServer.stop().
    daemon_threads = True
    request_queue_size = 128   # a lazy reader or a bulk download opens many connections at once

    def __init__(self, address, handler, owner: "CubeServer"):
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        with self.connections_lock:
            self.connections.add(request)
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True,
                                  name=f"eolab-cube-handler-{client_address[1]}")
        with self.connections_lock:
            self.handler_threads.add(thread)
        thread.start()

    def _handle(self, request, client_address) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.handler_threads.discard(threading.current_thread())

    def join_handlers(self, timeout: float = 5.0) -> None:
        """Wait until every handler thread has finished."""
        deadline = time.monotonic() + timeout
        while True:
            with self.connections_lock:
                left = list(self.handler_threads)
            if not left or time.monotonic() > deadline:
                return
            for thread in left:
                thread.join(max(0.0, deadline - time.monotonic()))

    def shutdown_request(self, request) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on every client still connected (idle keep-alive connections)."""
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-response is normal for a lazy reader;
        # keep the traceback off stderr but remember that it happened.
        self.owner.errors += 1


class _Sessions:
    """Creates the aiohttp sessions of HTTP file systems, and closes them all on request.

    fsspec leaves an ``asynchronous=True`` file system's session open (aiohttp
    then complains on stderr when it is garbage-collected); handing fsspec
    this factory lets the owner close every session deterministically.
    """

    def __init__(self) -> None:
        self._open: list[tuple[object, asyncio.AbstractEventLoop]] = []
        self._lock = threading.Lock()

    async def new(self, **kwargs):
        import aiohttp

        session = aiohttp.ClientSession(**kwargs)
        with self._lock:
            self._open.append((session, asyncio.get_running_loop()))
        return session

    def close_all(self, timeout: float = 5.0) -> None:
        with self._lock:
            sessions, self._open = self._open, []
        for session, loop in sessions:
            if session.closed or loop.is_closed() or not loop.is_running():
                continue
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(session.close(), loop).result(timeout)


@dataclass
class Transfer:
    """What one measured request (or group of requests) cost.

    Attributes
    ----------
    label : str
        What was asked, e.g. ``"one pixel, 10 years"``.
    requests : int
        HTTP requests the server answered.
    bytes_sent : int
        Bytes the server sent (headers and bodies), bytes.
    seconds : float
        Wall-clock time, seconds.
    log : list of str
        One line per request: method, path, status and body bytes, e.g.
        ``"GET /sm_time.zarr/sm/c/0/4/5 200 523118"``.
    extra : dict
        Columns added to :func:`transfer_table` (e.g. the route).
    """

    label: str
    requests: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0
    log: list = field(default_factory=list, repr=False)
    extra: dict = field(default_factory=dict)

    @property
    def megabytes(self) -> float:
        """Bytes sent in MB (10⁶ bytes)."""
        return self.bytes_sent / 1e6


class CubeServer:
    """A byte-counting HTTP server for one folder, on 127.0.0.1 (use :func:`serve`).

    Attributes
    ----------
    url : str
        Base URL, ending with ``/``.
    root : pathlib.Path
        The folder served.
    bytes_sent, requests : int
        Totals since start (or the last :meth:`reset`).
    log : list of str
        One line per request answered (see :attr:`Transfer.log`).
    """

    def __init__(self, directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(directory).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"cannot serve {str(directory)!r}: no such folder")
        self.host = _check_loopback(host)
        self._port = int(port)
        self._lock = threading.Lock()
        self.bytes_sent = self.requests = self.errors = 0
        self.log: list[str] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._sessions = _Sessions()

    # -- counting
    def _add(self, n: int) -> None:
        with self._lock:
            self.bytes_sent += n

    def _log_request(self, method: str, path: str, status: int, length: int) -> None:
        with self._lock:
            self.requests += 1
            self.log.append(f"{method} {path} {status} {length}")

    def reset(self) -> None:
        """Set the byte and request counters to zero and empty the log."""
        with self._lock:
            self.bytes_sent = self.requests = 0
            self.log = []

    @contextlib.contextmanager
    def measure(self, label: str) -> Iterator[Transfer]:
        """Count the bytes, requests and seconds of the code inside the ``with`` block.

        Yields a :class:`Transfer`, filled in when the block ends.
        """
        record = Transfer(label)
        with self._lock:
            bytes0, requests0, log0 = self.bytes_sent, self.requests, len(self.log)
        t0 = time.perf_counter()
        try:
            yield record
        finally:
            record.seconds = time.perf_counter() - t0
            with self._lock:
                record.bytes_sent = self.bytes_sent - bytes0
                record.requests = self.requests - requests0
                record.log = self.log[log0:]

    # -- life cycle
    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running; use `with cube.serve(folder) as server:`")
        return f"http://{self.host}:{self._httpd.server_address[1]}/"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def start(self) -> "CubeServer":
        """Start serving in a background thread (prefer ``with cube.serve(folder)``)."""
        if self._httpd is not None:
            return self
        httpd = _Server((self.host, self._port), _Handler, owner=self)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"eolab-cube-server-{httpd.server_address[1]}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the clients opened with :meth:`open_cube`, hang up on the rest, and stop.

        Safe to call twice; afterwards no thread of the server is left running.
        """
        if self._httpd is None:
            return
        httpd, self._httpd = self._httpd, None
        try:
            self._sessions.close_all()
        finally:
            httpd.shutdown()                # stop accepting; serve_forever returns
            httpd.close_connections()       # end idle keep-alive connections at once
            httpd.server_close()            # close the listening socket
            httpd.join_handlers(timeout=5)  # wait for every handler thread: bytes_sent is final
            if self._thread is not None:
                self._thread.join(timeout=5)

    def open_cube(self, name: str) -> xr.Dataset:
        """Open the Zarr store ``name`` of the served folder, lazily (see :func:`open_remote_cube`).

        The HTTP client is closed when the server stops, so the dataset can be
        computed only inside the ``with cube.serve(...)`` block; keep what
        you need with ``.compute()``.
        """
        return open_remote_cube(self.url + name.lstrip("/"), _sessions=self._sessions)

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return (f"<CubeServer {where} serving {self.root}: {self.requests} requests, "
                f"{self.bytes_sent / 1e6:.2f} MB sent>")


@contextlib.contextmanager
def serve(directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 0) -> Iterator[CubeServer]:
    """Serve ``directory`` over HTTP on this machine, counting bytes, for the ``with`` block.

    Parameters
    ----------
    directory : path
        Folder to serve (e.g. the one holding ``sm_time.zarr``).
    host : str
        ``"127.0.0.1"`` (default) or ``"localhost"``; any other address is
        refused, so the service is never reachable from another computer.
    port : int
        TCP port; 0 (default) picks a free one.

    Yields
    ------
    CubeServer
        With ``url``, ``bytes_sent``, ``requests`` and :meth:`CubeServer.measure`.
        The server stops when the block ends, also when it ends with an error.
    """
    server = CubeServer(directory, host=host, port=port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ====================================================================== the pixel route
def _http_fs(sessions: _Sessions, asynchronous: bool):
    import fsspec

    # A fresh client each time (no connection pooled for a server that has
    # stopped), whose sessions ``sessions`` can close.
    return fsspec.filesystem("http", asynchronous=asynchronous, skip_instance_cache=True,
                             get_client=sessions.new)


def open_remote_cube(url: str, *, _sessions: _Sessions | None = None) -> xr.Dataset:
    """Open a Zarr store served over HTTP, lazily: only metadata is read now.

    The same call reads a Zarr store of a real service, e.g.
    ``open_remote_cube("https://example.org/cube.zarr")``.

    Parameters
    ----------
    url : str
        URL of the store, e.g. ``server.url + "sm_time.zarr"``; it must have
        consolidated metadata (one request reads the description of every
        variable).

    Returns
    -------
    xarray.Dataset
        Dask-backed, chunked as stored; values travel only when computed.

    Raises
    ------
    ValueError
        If ``url`` is not an http(s) URL.
    FileNotFoundError
        If there is no Zarr store with consolidated metadata at ``url``.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"expected an http(s) URL of a Zarr store, got {url!r}")
    import weakref

    import zarr.storage

    sessions = _sessions if _sessions is not None else _Sessions()
    fs = _http_fs(sessions, asynchronous=True)   # zarr 3 drives fsspec from its own event loop
    if _sessions is None:                         # nobody else will close the client: do it on GC
        weakref.finalize(fs, sessions.close_all)
    store = zarr.storage.FsspecStore(fs, path=url.rstrip("/"), read_only=True)
    try:
        return xr.open_zarr(store, consolidated=True)
    except (FileNotFoundError, KeyError) as err:
        raise FileNotFoundError(f"no Zarr store with consolidated metadata at {url!r}") from err


def _variable(ds: xr.Dataset, variable: str) -> xr.DataArray:
    if variable not in ds.data_vars:
        raise KeyError(f"no variable {variable!r} in the cube; it has {sorted(ds.data_vars)}")
    return ds[variable]


def _coords(da: xr.DataArray, names: tuple[str, str]) -> tuple[str, str]:
    for pair in (names, ("latitude", "longitude"), ("y", "x")):
        if pair[0] in da.coords and pair[1] in da.coords:
            return pair
    raise ValueError(f"cannot find latitude/longitude (or y/x) coordinates; the data have {list(da.coords)}")


def _check_time(da: xr.DataArray, time: tuple | None) -> slice:
    if time is None:
        return slice(None)
    if len(time) != 2:
        raise ValueError(f"time must be (start, end), got {time!r}")
    start, end = (pd.Timestamp(t) for t in time)
    if start > end:
        raise ValueError(f"inverted time range: start {time[0]!r} is after end {time[1]!r}")
    first, last = (pd.Timestamp(t) for t in da["time"].values[[0, -1]])
    if end < first or start > last:
        raise ValueError(f"time range {time[0]}..{time[1]} lies outside the cube, which covers "
                         f"{first.date()}..{last.date()}")
    return slice(str(time[0]), str(time[1]))


def _extent(values: np.ndarray) -> tuple[float, float]:
    """Outer edges of the cells whose centres are ``values``."""
    half = float(abs(values[1] - values[0])) / 2 if len(values) > 1 else 0.0
    return float(values.min()) - half, float(values.max()) + half


def point_series(ds: xr.Dataset, lat: float, lon: float, variable: str = "sm",
                 time: tuple | None = None) -> xr.DataArray:
    """Time series of the cell containing one point (lazy).

    Parameters
    ----------
    ds : xarray.Dataset
        A cube with ``time`` and latitude/longitude dimensions.
    lat, lon : float
        The point, degrees north and east.
    variable : str
        Variable to extract (default ``"sm"``).
    time : (str, str), optional
        Start and end dates (inclusive); the whole record when omitted.

    Returns
    -------
    xarray.DataArray
        Along ``time``, in the variable's units; ``lat``/``lon`` of the cell
        centre kept as coordinates.

    Raises
    ------
    KeyError
        Unknown variable (the message lists the cube's variables).
    ValueError
        A point outside the cube (the message gives the cube's extent) or
        an inverted or out-of-range time range.

    Examples
    --------
    >>> series = cube.point_series(ds, lat=52.6, lon=12.4)      # doctest: +SKIP
    >>> series.compute()                                       # doctest: +SKIP
    """
    da = _variable(ds, variable)
    lat_name, lon_name = _coords(da, ("lat", "lon"))
    (south, north), (west, east) = _extent(da[lat_name].values), _extent(da[lon_name].values)
    if not (south <= float(lat) <= north and west <= float(lon) <= east):
        raise ValueError(f"point lat={lat}, lon={lon} lies outside the cube, which covers "
                         f"lat {south:g}..{north:g} and lon {west:g}..{east:g} (degrees)")
    series = da.sel({lat_name: lat, lon_name: lon}, method="nearest")
    return series.sel(time=_check_time(da, time))


def area_subset(ds: xr.Dataset, lat: tuple[float, float], lon: tuple[float, float],
                variable: str = "sm", time: tuple | None = None) -> xr.DataArray:
    """The cells of a latitude/longitude box over a time range (lazy).

    Parameters
    ----------
    lat : (float, float)
        South and north edge, degrees north (south first).
    lon : (float, float)
        West and east edge, degrees east (west first).
    variable, time
        As in :func:`point_series`.

    Raises
    ------
    KeyError, ValueError
        Unknown variable; an inverted box, a box outside the cube, or an
        inverted time range (see :func:`eolab.anomalies.check_box`).
    """
    from eolab.anomalies import check_box

    da = _variable(ds, variable)
    lat_name, lon_name = _coords(da, ("lat", "lon"))
    lat_slice, lon_slice = check_box(da, lat, lon, lat_name, lon_name)
    return da.sel({lat_name: lat_slice, lon_name: lon_slice, "time": _check_time(da, time)})


def day_map(ds: xr.Dataset, date: str, variable: str = "sm") -> xr.DataArray:
    """The whole area on one day (lazy).

    Raises
    ------
    ValueError
        If the cube has no time step on ``date``.
    """
    da = _variable(ds, variable)
    when = pd.Timestamp(date)
    times = pd.DatetimeIndex(da["time"].values)
    if when not in times:
        raise ValueError(f"the cube has no time step on {when.date()}; it covers "
                         f"{times[0].date()}..{times[-1].date()}")
    return da.sel(time=when)


def mosaic(tiles: Iterable[xr.Dataset]) -> xr.Dataset:
    """Mosaic tiles on the same grid into one cube; where tiles overlap, the first valid value wins.

    Parameters
    ----------
    tiles : iterable of xarray.Dataset
        Tiles with the same variables, times and coordinate reference
        system (``attrs["crs"]``), on grids with the same pixel size.

    Returns
    -------
    xarray.Dataset
        Covering the union of the tiles (lazy if they are); ``attrs["tiles"]``
        lists them.

    Raises
    ------
    ValueError
        Fewer than two tiles, or tiles with different variables, coordinate
        reference systems, dates, pixel sizes, or pixels that do not line up.

    Examples
    --------
    >>> both = cube.mosaic([west, east])          # doctest: +SKIP
    """
    tiles = list(tiles)
    if len(tiles) < 2:
        raise ValueError(f"a mosaic needs at least two tiles, got {len(tiles)}")
    first = tiles[0]
    for other in tiles[1:]:
        if set(other.data_vars) != set(first.data_vars):
            raise ValueError(f"tiles have different variables: {sorted(first.data_vars)} and {sorted(other.data_vars)}")
        if other.attrs.get("crs") != first.attrs.get("crs"):
            raise ValueError(f"tiles are in different coordinate reference systems "
                             f"({first.attrs.get('crs')} and {other.attrs.get('crs')}); reproject first")
        if "time" in first.dims and not np.array_equal(first["time"].values, other["time"].values):
            raise ValueError("tiles have different time steps; select common dates first")
        for dim in ("x", "y"):
            if dim not in first.dims:
                continue
            step, other_step = np.diff(first[dim].values[:2]), np.diff(other[dim].values[:2])
            if not np.isclose(step, other_step).all():
                raise ValueError(f"tiles have different pixel sizes along {dim} ({float(step[0]):g} and "
                                 f"{float(other_step[0]):g}); resample first")
            shift = (float(other[dim].values[0]) - float(first[dim].values[0])) / float(step[0])
            if not np.isclose(shift, round(shift), atol=1e-3):
                raise ValueError(f"the tiles' pixels do not line up along {dim} (offset of {shift % 1:.2f} "
                                 "pixel); resample one onto the other's grid first")
    out = first
    for other in tiles[1:]:
        out = out.combine_first(other)
    out = out.sortby("x").sortby("y", ascending=False) if {"x", "y"} <= set(out.dims) else out
    out.attrs = {**first.attrs, "tiles": ", ".join(str(t.attrs.get("tile", i)) for i, t in enumerate(tiles))}
    out.attrs.pop("tile", None)
    if "title" in out.attrs:
        out.attrs["title"] = out.attrs["title"].split(": tile")[0] + ": mosaic"
    return out


def composite(ds: xr.Dataset, bands: tuple[str, str, str] = ("B04", "B03", "B02"),
              max_reflectance: float = 0.3) -> xr.DataArray:
    """Three bands as a red-green-blue image, scaled to 0-1 for display.

    Parameters
    ----------
    ds : xarray.Dataset
        Reflectance (0-1) bands as variables.
    bands : (str, str, str)
        Bands shown as red, green and blue: ``("B04", "B03", "B02")`` is
        true colour, ``("B08", "B04", "B03")`` the classic false colour
        (vegetation red).
    max_reflectance : float
        Reflectance shown as full brightness (0.3 suits land).

    Returns
    -------
    xarray.DataArray
        With a ``band`` dimension of length 3, values 0-1; plot with
        ``.plot.imshow(rgb="band")``.
    """
    if len(bands) != 3:
        raise ValueError(f"a composite needs exactly three bands (red, green, blue), got {bands!r}")
    for band in bands:
        _variable(ds, band)
    if not 0 < max_reflectance <= 1:
        raise ValueError(f"max_reflectance must be in (0, 1], got {max_reflectance!r}")
    rgb = xr.concat([ds[b] for b in bands], dim=pd.Index(list(bands), name="band"))
    rgb = (rgb / max_reflectance).clip(0, 1)
    rgb.attrs = {"long_name": f"composite R={bands[0]} G={bands[1]} B={bands[2]}", "units": "1"}
    return rgb


# ====================================================================== the file route
def download_files(urls: Iterable[str]) -> dict[str, bytes]:
    """Download whole files over HTTP, several at a time; returns ``{url: content}``.

    Raises
    ------
    ValueError
        If no URL is given.
    FileNotFoundError
        If any URL does not exist (the message names the first).
    """
    urls = list(urls)
    if not urls:
        raise ValueError("no URLs given")
    sessions = _Sessions()
    try:
        contents = _http_fs(sessions, asynchronous=False).cat(urls, on_error="return")
    finally:
        sessions.close_all()
    if len(urls) == 1:   # fsspec returns the bytes themselves for a single URL
        contents = {urls[0]: contents} if not isinstance(contents, dict) else contents
    for url in urls:
        if isinstance(contents.get(url), BaseException):
            raise FileNotFoundError(f"could not download {url!r}: {contents[url]}")
    return contents


@functools.lru_cache(maxsize=16)
def _time_origin(units: str) -> tuple[str, pd.Timestamp]:
    unit, since, origin = units.partition(" since ")
    if not since:
        raise ValueError(f"cannot read the time units {units!r}: expected '<unit> since <date>'")
    start = pd.Timestamp(origin.strip())
    return unit.strip(), (start.tz_convert(None) if start.tzinfo is not None else start)


def _decode_time(value: float, units: str) -> pd.Timestamp:
    """CF time ``value`` in ``units`` such as ``"days since 1970-01-01 00:00:00 UTC"``."""
    unit, start = _time_origin(units)
    return start + pd.to_timedelta(float(value), unit=unit)


def open_daily_files(contents: Iterable[bytes], variable: str = "sm") -> xr.DataArray:
    """Read one variable from many daily netCDF files held in memory and stack them along time.

    Parameters
    ----------
    contents : iterable of bytes
        The files, e.g. the values of :func:`download_files`.
    variable : str
        Variable to read.

    Returns
    -------
    xarray.DataArray
        (time, lat, lon), sorted by time; fill values become NaN.

    Raises
    ------
    KeyError
        If a file lacks ``variable`` (the message lists what it has).
    ValueError
        If no file is given.
    """
    import netCDF4

    frames, times, lat, lon, attrs = [], [], None, None, {}
    for i, blob in enumerate(contents):
        with netCDF4.Dataset(f"inmemory-{i}.nc", memory=bytes(blob)) as nc:
            if variable not in nc.variables:
                raise KeyError(f"no variable {variable!r} in the file; it has {sorted(nc.variables)}")
            nc.set_auto_mask(False)           # faster: we turn the fill value into NaN ourselves
            var = nc.variables[variable]
            data = np.asarray(var[0], dtype="f4")
            if "_FillValue" in var.ncattrs():
                data[data == var.getncattr("_FillValue")] = np.nan
            frames.append(data)
            times.append(_decode_time(nc["time"][0], nc["time"].units))
            if lat is None:
                lat, lon = np.asarray(nc["lat"][:], "f8"), np.asarray(nc["lon"][:], "f8")
                attrs = {k: var.getncattr(k) for k in ("units", "long_name") if k in var.ncattrs()}
    if not frames:
        raise ValueError("no files given")
    da = xr.DataArray(np.stack(frames), dims=("time", "lat", "lon"), name=variable, attrs=attrs,
                      coords={"time": pd.DatetimeIndex(times), "lat": lat, "lon": lon})
    return da.sortby("time")


CCI_SM_DAILY_NAME = "ESACCI-SOILMOISTURE-L3S-SSMV-COMBINED-{:%Y%m%d}000000-fv08.1.nc"
"""File name of one day of ESA CCI Soil Moisture COMBINED v08.1 (a :meth:`str.format` pattern of the date)."""


def daily_file_urls(base_url: str, start: str, end: str, name: str = CCI_SM_DAILY_NAME) -> list[str]:
    """URLs of the daily files from ``start`` to ``end`` in a ``YYYY/<name>`` archive layout.

    Parameters
    ----------
    base_url : str
        URL of the archive folder, e.g. ``server.url + "daily"``.
    start, end : str
        First and last day, inclusive.
    name : str
        :meth:`str.format` pattern of the date; default the ESA CCI Soil
        Moisture file name (:data:`CCI_SM_DAILY_NAME`).

    Raises
    ------
    ValueError
        An inverted time range.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first > last:
        raise ValueError(f"inverted time range: start {start!r} is after end {end!r}")
    base = base_url if base_url.endswith("/") else base_url + "/"
    return [f"{base}{day:%Y}/{name.format(day)}" for day in pd.date_range(first, last, freq="D")]


def transfer_table(transfers: Iterable[Transfer]) -> pd.DataFrame:
    """Measurements as a table: requests, MB sent and seconds per question and route."""
    rows = [{"question": t.label, **t.extra, "requests": t.requests, "MB sent": round(t.megabytes, 3),
             "seconds": round(t.seconds, 2)} for t in transfers]
    return pd.DataFrame(rows)


# ====================================================================== both routes, measured
QUESTIONS = {
    "pixel": "one pixel, 10 years",
    "area": "1°×1° area, one month",
    "scene": "whole area, one day",
}
"""The three questions :func:`compare_routes` asks, by key."""


def _same(a: xr.DataArray, b: xr.DataArray) -> bool:
    a, b = np.asarray(a, dtype="f8"), np.asarray(b, dtype="f8")
    return a.shape == b.shape and bool(np.allclose(a, b, equal_nan=True, atol=1e-6))


def compare_routes(folder: str | os.PathLike, lat: float = 52.6, lon: float = 12.4,
                   box: tuple = ((52.0, 53.0), (12.0, 13.0)), month: str = "2018-07",
                   day: str = "2018-07-15", period: tuple[str, str] = ("2012-01-01", "2021-12-31"),
                   layouts: Iterable[str] = ("time", "space"),
                   questions: Iterable[str] = tuple(QUESTIONS)) -> pd.DataFrame:
    """Ask the same questions by pixel access and by file download, and measure both.

    Serves ``folder`` (holding ``sm_<layout>.zarr`` stores and a ``daily/``
    archive of one netCDF file per day, as written by
    :func:`eolab.synthetic.soil_moisture.build_store`) on 127.0.0.1 for the
    duration of the call.  Each measurement starts from a fresh client, so
    the pixel route pays for reading the metadata too, and checks that both
    routes return the same numbers.

    Parameters
    ----------
    folder : path
        The served folder.
    lat, lon : float
        The pixel of the ``"pixel"`` question, degrees.
    box : ((south, north), (west, east))
        The area of the ``"area"`` question, degrees.
    month : str
        Month of the ``"area"`` question, ``"YYYY-MM"``.
    day : str
        Day of the ``"scene"`` question.
    period : (str, str)
        First and last day of the archive (the ``"pixel"`` question's range).
    layouts : iterable of str
        Zarr chunk layouts to try (``"time"``, ``"space"``).
    questions : iterable of str
        Keys of :data:`QUESTIONS`.

    Returns
    -------
    pandas.DataFrame
        One row per question and route: ``question``, ``route``,
        ``requests``, ``MB sent`` and ``seconds``; ``attrs["transfers"]``
        holds the :class:`Transfer` records (exact byte counts).

    Raises
    ------
    RuntimeError
        If the two routes disagree (they never should).
    """
    questions, layouts = list(questions), list(layouts)
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        raise ValueError(f"unknown question(s) {unknown}; choose from {sorted(QUESTIONS)}")
    first_day, last_day = (pd.Timestamp(f"{month}-01"), pd.Timestamp(f"{month}-01") + pd.offsets.MonthEnd(0))
    asks = {
        "pixel": (lambda ds: point_series(ds, lat, lon),
                  period, lambda da: da.sel(lat=lat, lon=lon, method="nearest")),
        "area": (lambda ds: area_subset(ds, *box, time=(str(first_day.date()), str(last_day.date()))),
                 (str(first_day.date()), str(last_day.date())),
                 lambda da: area_subset(da.to_dataset(name="sm"), *box)),
        "scene": (lambda ds: day_map(ds, day), (day, day), lambda da: da.isel(time=0)),
    }
    transfers = []
    with serve(folder) as server:
        for key in questions:
            pick, (start, end), pick_file = asks[key]
            with server.measure(QUESTIONS[key]) as files:
                contents = download_files(daily_file_urls(server.url + "daily", start, end))
                answer = pick_file(open_daily_files(contents.values())).load()
            files.extra = {"route": "file download"}
            del contents
            transfers.append(files)
            for layout in layouts:
                with server.measure(QUESTIONS[key]) as pixels:
                    values = pick(server.open_cube(f"sm_{layout}.zarr")).compute()
                pixels.extra = {"route": f"pixel access, {layout}-optimised chunks"}
                transfers.append(pixels)
                if not _same(values, answer):
                    raise RuntimeError(f"{QUESTIONS[key]!r}: the pixel route ({layout} layout) and the "
                                       "file route returned different values")
    table = transfer_table(transfers)
    table.attrs["transfers"] = transfers
    return table
