"""A byte-counting HTTP server on 127.0.0.1: the local stand-in for a pixel-access service.

:func:`serve` starts an HTTP server that serves a folder (Zarr stores,
netCDF files) with the requests a lazy reader needs (GET, HEAD with
``Content-Length``, byte ``Range`` requests) and counts every byte it sends.
It is a context manager: the server always stops, even when the code inside
fails.  :meth:`CubeServer.measure` records what a block of code cost as a
:class:`Transfer`.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import ipaddress
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import xarray as xr

from eolab.pixel_access.remote import Sessions, open_remote_cube

LOOPBACK_NAMES = ("localhost",)
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _check_loopback(host: str) -> str:
    """``"127.0.0.1"`` for a loopback host name or IPv4 address; a clear error for anything else."""
    if host in LOOPBACK_NAMES:
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback or address.version != 4:
        raise ValueError(
            f"refusing host {host!r}: the pixel-access service listens only on this "
            "machine's IPv4 loopback address (127.0.0.1 or 'localhost'), never on an "
            "address other computers could reach"
        )
    return str(address)


class _CountingWriter(io.RawIOBase):
    """Wraps a socket file and counts the bytes written to it."""

    def __init__(self, raw, server: CubeServer):
        self._raw, self._server = raw, server

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        # Count *before* sending: once the bytes are out, the client may finish
        # (and a measurement end) before this thread runs again.
        size = len(data)
        self._server._add(size)
        try:
            self._raw.write(data)  # socketserver's writer sends everything (sendall)
        except BaseException:
            self._server._add(-size)
            raise
        return size

    def flush(self) -> None:
        self._raw.flush()


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of static files with byte ranges; counts what it sends."""

    protocol_version = "HTTP/1.1"  # keep-alive: a lazy reader makes many small requests
    timeout = 10  # close idle keep-alive connections after 10 s
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.server.owner)

    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        pass  # no request log on stderr

    def _resolve(self) -> Path | None:
        root = self.server.owner.root
        path = (root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
        if root != path and root not in path.parents:
            return None
        return path if path.is_file() else None

    def _headers(self, status: int, length: int, extra: dict | None = None) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.owner._log_request(self.command, path, status, length)
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
            return True  # not a browser: HTTP/1.0 clients may omit it
        name = host.strip().lower()
        if name.startswith("["):
            name = name[1 : name.find("]")] if "]" in name else name
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        return name in ("127.0.0.1", "localhost", "::1")

    def _serve(self, body: bool) -> None:
        if not self._host_ok():
            self._refuse(
                403, b"forbidden: this service answers only requests addressed to 127.0.0.1\n", body
            )
            return
        try:
            self._serve_file(body)
        except (ValueError, OverflowError):  # NUL in the path, a byte offset too long...
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
            if first == "":  # the last N bytes
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
    request_queue_size = 128  # a lazy reader or a bulk download opens many connections at once

    def __init__(self, address, handler, owner: CubeServer):
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        with self.connections_lock:
            self.connections.add(request)
        thread = threading.Thread(
            target=self._handle,
            args=(request, client_address),
            daemon=True,
            name=f"eolab-cube-handler-{client_address[1]}",
        )
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
        Columns added to :func:`eolab.pixel_access.transfer_table` (e.g. the route).
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
        self._sessions = Sessions()

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
            raise RuntimeError(
                "the server is not running; use `with pixel_access.serve(folder) as server:`"
            )
        return f"http://{self.host}:{self._httpd.server_address[1]}/"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def start(self) -> CubeServer:
        """Start serving in a background thread (prefer ``with pixel_access.serve(folder)``)."""
        if self._httpd is not None:
            return self
        httpd = _Server((self.host, self._port), _Handler, owner=self)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"eolab-cube-server-{httpd.server_address[1]}",
            daemon=True,
        )
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
            httpd.shutdown()  # stop accepting; serve_forever returns
            httpd.close_connections()  # end idle keep-alive connections at once
            httpd.server_close()  # close the listening socket
            httpd.join_handlers(timeout=5)  # wait for every handler thread: bytes_sent is final
            if self._thread is not None:
                self._thread.join(timeout=5)

    def open_cube(self, name: str) -> xr.Dataset:
        """Open the Zarr store ``name`` of the served folder, lazily (see :func:`open_remote_cube`).

        The HTTP client is closed when the server stops, so the dataset can be
        computed only inside the ``with pixel_access.serve(...)`` block; keep what
        you need with ``.compute()``.
        """
        return open_remote_cube(self.url + name.lstrip("/"), _sessions=self._sessions)

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return (
            f"<CubeServer {where} serving {self.root}: {self.requests} requests, "
            f"{self.bytes_sent / 1e6:.2f} MB sent>"
        )


@contextlib.contextmanager
def serve(
    directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 0
) -> Iterator[CubeServer]:
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
