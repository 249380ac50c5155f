"""Opening a Zarr store served over HTTP, lazily, with HTTP clients that always close.

:func:`open_remote_cube` reads only the metadata of a store (xarray + fsspec
+ Dask); values travel when computed.  :class:`Sessions` works around
fsspec leaving an asynchronous file system's aiohttp session open: it
creates every session itself, so its owner can close them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

import xarray as xr


class Sessions:
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


def _http_fs(sessions: Sessions, asynchronous: bool):
    import fsspec

    # A fresh client each time (no connection pooled for a server that has
    # stopped), whose sessions ``sessions`` can close.
    return fsspec.filesystem(
        "http", asynchronous=asynchronous, skip_instance_cache=True, get_client=sessions.new
    )


def open_remote_cube(url: str, *, _sessions: Sessions | None = None) -> xr.Dataset:
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

    sessions = _sessions if _sessions is not None else Sessions()
    fs = _http_fs(sessions, asynchronous=True)  # zarr 3 drives fsspec from its own event loop
    if _sessions is None:  # nobody else will close the client: do it on GC
        weakref.finalize(fs, sessions.close_all)
    store = zarr.storage.FsspecStore(fs, path=url.rstrip("/"), read_only=True)
    try:
        return xr.open_zarr(store, consolidated=True)
    except (FileNotFoundError, KeyError) as err:
        raise FileNotFoundError(f"no Zarr store with consolidated metadata at {url!r}") from err
