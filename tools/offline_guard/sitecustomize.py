"""Offline guard: refuse every network connection except to this machine.

The Makefile puts this folder on ``PYTHONPATH`` while it builds the book and
runs the tests, so the Sphinx process, every notebook kernel and every
subprocess import it.  A connection to anything but loopback (or a Unix
socket) raises ``OSError`` and is appended to the file named by
``EOLAB_OFFLINE_LOG``; ``tests/test_offline.py`` fails if that log is not
empty after a build.  Lessons that start their own servers on 127.0.0.1
(the pixel-access service, a Dask cluster) keep working.

Guarded: ``socket.socket`` and the low-level ``_socket.socket`` (connect,
connect_ex, UDP sendto, sendmsg), every name lookup (getaddrinfo,
gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo), and
subprocesses: network tools (curl, wget, nc, ssh...) and a Python started
with -I, -S or -E (which would skip this guard) are refused and logged.
Chromium does not import Python: it runs with --disable-background-networking
and, in ``make test``, inside a network namespace with only loopback
(``tools/netns_run``), which is the proof with no way around it.
"""

import _socket
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
    message = (
        f"EO Notebooks offline guard: blocked {what} to {target!r} (no internet during build/tests)"
    )
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(message + "\n" + "".join(traceback.format_stack(limit=12)) + "\n")
    raise OSError(message)


def _addr_host(address):
    return address[0] if isinstance(address, tuple) and address else None


def _is_inet(sock) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _check(sock, address, what: str) -> None:
    if address is not None and _is_inet(sock) and not _is_local(_addr_host(address)):
        _refuse(what, address)


class _Guarded:
    """Methods that reach a remote address, guarded (mixed into socket.socket and
    _socket.socket)."""

    def connect(self, address):
        _check(self, address, "connect")
        return super().connect(address)

    def connect_ex(self, address):
        _check(self, address, "connect")
        return super().connect_ex(address)

    def sendto(self, data, *args):
        _check(self, args[-1] if args else None, "UDP sendto")
        return super().sendto(data, *args)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        _check(self, address, "sendmsg")
        if address is None:
            return super().sendmsg(buffers, ancdata, flags)
        return super().sendmsg(buffers, ancdata, flags, address)


# socket.socket (the Python class) and the low-level _socket.socket it derives from: a
# program that imports _socket directly gets the guarded class too.
_low_level = _socket.socket


class _GuardedLowLevelSocket(_Guarded, _low_level):
    __slots__ = ()


_GuardedLowLevelSocket.__name__ = _GuardedLowLevelSocket.__qualname__ = "socket"
_GuardedLowLevelSocket.__module__ = "_socket"
_socket.socket = _GuardedLowLevelSocket
_socket.SocketType = _GuardedLowLevelSocket
# socket.socket derives from the original _socket.socket: patch its methods in place.
socket.socket.connect = lambda self, address: (
    _check(self, address, "connect"),
    _low_level.connect(self, address),
)[1]
socket.socket.connect_ex = lambda self, address: (
    _check(self, address, "connect"),
    _low_level.connect_ex(self, address),
)[1]
socket.socket.sendto = lambda self, data, *args: (
    _check(self, args[-1] if args else None, "UDP sendto"),
    _low_level.sendto(self, data, *args),
)[1]


def _sendmsg(self, buffers, ancdata=(), flags=0, address=None):
    _check(self, address, "sendmsg")
    if address is None:
        return _low_level.sendmsg(self, buffers, ancdata, flags)
    return _low_level.sendmsg(self, buffers, ancdata, flags, address)


socket.socket.sendmsg = _sendmsg


def _guard_lookup(name: str, original):
    def lookup(host, *args, **kwargs):
        if not _is_local(host):
            _refuse(f"DNS lookup ({name})", host)
        return original(host, *args, **kwargs)

    lookup.__name__ = name
    return lookup


for _module in (socket, _socket):
    for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        _original = getattr(_socket, _name)
        setattr(_module, _name, _guard_lookup(_name, _original))

_getnameinfo = _socket.getnameinfo


def _guarded_getnameinfo(sockaddr, flags):
    if not _is_local(sockaddr[0]):
        _refuse("reverse DNS lookup", sockaddr)
    return _getnameinfo(sockaddr, flags)


socket.getnameinfo = _socket.getnameinfo = _guarded_getnameinfo


# Subprocesses: network tools are refused, and so is a Python started in a way that would
# skip this guard (-I isolates from PYTHONPATH, -S skips site, -E ignores PYTHON* variables).
_NETWORK_TOOLS = {
    "curl",
    "wget",
    "nc",
    "ncat",
    "netcat",
    "telnet",
    "ssh",
    "scp",
    "sftp",
    "ftp",
    "rsync",
    "aria2c",
    "dig",
    "nslookup",
    "host",
    "ping",
    "socat",
}


def _argv(args, shell: bool) -> list[str]:
    if isinstance(args, (str, bytes, os.PathLike)):
        text = os.fsdecode(args)
        import shlex

        try:
            return shlex.split(text) if shell or " " in text else [text]
        except ValueError:
            return text.split()
    return [os.fsdecode(a) for a in args]


def _check_command(argv: list[str], executable=None) -> None:
    if not argv:
        return
    words = [os.path.basename(w) for w in argv]
    # a shell command line: look at every word that starts a command
    for i, word in enumerate(words):
        if word in _NETWORK_TOOLS and (
            i == 0
            or argv[i - 1]
            in ("|", "&&", "||", ";", "-c", "exec", "sh", "bash", "env", "sudo", "timeout")
            or os.path.basename(argv[0]) in ("sh", "bash", "env", "timeout")
        ):
            _refuse("subprocess", " ".join(argv)[:200])
    prog = os.path.basename(os.fsdecode(executable)) if executable else words[0]
    if prog.startswith("python"):
        for arg in argv[1:]:
            if arg == "-c" or arg == "-m" or not arg.startswith("-"):
                break
            if (
                arg.startswith("-")
                and not arg.startswith("--")
                and any(f in arg[1:] for f in "ISE")
            ):
                _refuse("subprocess that would skip the offline guard", " ".join(argv)[:200])


import subprocess as _subprocess  # noqa: E402

_popen_init = _subprocess.Popen.__init__


def _guarded_popen_init(self, args, *pargs, **kwargs):
    _check_command(_argv(args, kwargs.get("shell", False)), kwargs.get("executable"))
    return _popen_init(self, args, *pargs, **kwargs)


_subprocess.Popen.__init__ = _guarded_popen_init
_system = os.system


def _guarded_system(command):
    _check_command(_argv(command, True))
    return _system(command)


os.system = _guarded_system

# cartopy announces a download with DownloadWarning("Downloading: <url>") before it
# connects; make that an error too, so the failure names what was being fetched.
import warnings  # noqa: E402

warnings.filterwarnings("error", message="Downloading: ")
