"""Offline guard: refuse every network connection except to this machine.

The Makefile puts this folder on ``PYTHONPATH`` while it builds the book and
runs the tests, so the Sphinx process, every notebook kernel and every
subprocess import it.  A connection to anything but loopback (or a Unix
socket) raises ``OSError`` and is appended to the file named by
``EOLAB_OFFLINE_LOG``; ``tests/test_offline.py`` fails if that log is not
empty after a build.  Lessons that start their own servers on 127.0.0.1
(the pixel-access service, a Dask cluster) keep working.
"""

import ipaddress
import os
import socket
import traceback

_LOG = os.environ.get("EOLAB_OFFLINE_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in _LOCAL_NAMES or host == socket.gethostname():
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


def _refuse(what: str, target) -> None:
    message = f"EO Notebooks offline guard: blocked {what} to {target!r} (no internet during build/tests)"
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(message + "\n" + "".join(traceback.format_stack(limit=12)) + "\n")
    raise OSError(message)


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect", address)
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect", address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse("DNS lookup", host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo

# cartopy announces a download with DownloadWarning("Downloading: <url>") before it
# connects; make that an error too, so the failure names what was being fetched.
import warnings  # noqa: E402

warnings.filterwarnings("error", message="Downloading: ")
