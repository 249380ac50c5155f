"""A real OPeNDAP server on 127.0.0.1: pydap's own WSGI application, counting what it sends.

``serve(folder)`` serves the netCDF files under ``folder`` with pydap's server
(``pydap.wsgi.app.DapServer``: DDS, DAS and constrained ``.dods`` responses, the DAP2
protocol CEDA's THREDDS speaks) on a free port of 127.0.0.1, in a thread, behind a
middleware that counts requests and response bytes::

    with serve(folder) as server:
        url = server.url            # http://127.0.0.1:<port>
        ...
    server.bytes_sent, server.requests, server.paths

The server stops at the end of the block.  It never binds anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socketserver
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

_NETCDF_LOCK = threading.Lock()


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # no access log on stderr
        pass


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class Counted:
    """What the server sent: requests, bytes (response bodies) and the paths asked for."""

    url: str = ""
    requests: int = 0
    bytes_sent: int = 0
    paths: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reset(self) -> None:
        with self._lock:
            self.requests, self.bytes_sent, self.paths = 0, 0, []


def counting(app, counted: Counted):
    """WSGI middleware: add every response body's length to ``counted``."""

    def wrapped(environ, start_response):
        query = unquote(environ.get("QUERY_STRING", ""))
        # One request at a time: the netCDF/HDF5 library under pydap's handler is not
        # thread-safe (concurrent reads crash the process); clients may still send many.
        with _NETCDF_LOCK:
            body = list(app(environ, start_response))
        with counted._lock:
            counted.requests += 1
            counted.paths.append(environ.get("PATH_INFO", "") + ("?" + query if query else ""))
            counted.bytes_sent += sum(len(chunk) for chunk in body)
        return body

    return wrapped


def _fix_netcdf_subsets() -> None:
    """Let pydap 3.5's netCDF handler answer constrained requests (``sm[0][10:20][30:40]``).

    Its ``LazyVariable.__getitem__`` reshapes every slice it reads to the variable's
    *full* shape, so any subset fails with "cannot reshape array of size N into shape
    (...)" (pydap issues #130 and #184, open).  THREDDS (CEDA's server) has no such bug;
    this keeps the slice's own shape and changes nothing else.
    """
    import numpy as np
    from pydap.handlers import netcdf_handler

    lazy = netcdf_handler.LazyVariable
    if getattr(lazy, "_eolab_subsets_fixed", False):
        return

    def getitem(self, key):
        with netcdf_handler.netcdf_file(self.filepath, "r") as source:
            source.set_auto_scale(False)
            data = np.asarray(source[self.path][key]).astype(self.dtype)
        if data.size == int(np.prod(self._reshape)):
            return data.reshape(self._reshape)
        return data

    lazy.__getitem__ = getitem
    lazy._eolab_subsets_fixed = True


def _load_functions_once() -> None:
    """pydap 3.5 looks up its server-side functions in every installed package's entry
    points on *every request* (a quarter of a second here); look them up once."""
    import functools

    from pydap.wsgi import ssf

    if not hasattr(ssf.load_functions, "cache_info"):
        cached = functools.lru_cache(maxsize=1)(ssf.load_functions)
        ssf.load_functions = lambda: dict(cached())
        ssf.load_functions.cache_info = cached.cache_info


def dap_app(folder: Path):
    """pydap's OPeNDAP server application over the files in ``folder``."""
    from pydap.wsgi.app import DapServer

    _fix_netcdf_subsets()
    _load_functions_once()
    return DapServer(str(folder))


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` over OPeNDAP on 127.0.0.1 (free port) until the block ends."""
    counted = Counted()
    server = make_server(
        "127.0.0.1",
        0,
        counting(dap_app(Path(folder)), counted),
        server_class=_ThreadingServer,
        handler_class=_Quiet,
    )
    counted.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield counted
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def folder_bytes(folder: Path) -> int:
    """Total size of the files under ``folder`` (what downloading them whole would move)."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
