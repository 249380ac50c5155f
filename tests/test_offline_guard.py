"""The offline proof has no way around it (issue 20).

``make test`` and ``make book`` run the build and the tests in a network
namespace with only loopback (``tools/netns_run``; ``EOLAB_NETNS=1``), where
nothing can leave the machine whatever a program does.  Where namespaces are
not available they fall back to the Python guard
(``tools/offline_guard/sitecustomize.py``), which must refuse and log the
bypasses found in the review: the low-level ``_socket`` module, UDP
``sendto``, ``gethostbyname_ex``, and subprocesses (``curl``, ``python -I``,
``python -S``).  The guard's own checks run inside a namespace when one can
be made, so a guard that failed would still send nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD = ROOT / "tools" / "offline_guard"

ATTEMPTS = r"""
import os, socket, _socket, subprocess, sys
def attempt(name, f):
    try:
        f()
    except OSError as err:
        print(name, "refused" if "offline guard" in str(err) else f"failed otherwise: {err}")
    else:
        print(name, "NOT REFUSED")
attempt("_socket-connect",
        lambda: _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM).connect(("192.0.2.1", 80)))
attempt("socket-connect", lambda: socket.create_connection(("192.0.2.1", 80), timeout=1))
attempt("udp-sendto",
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)))
attempt("_socket-udp-sendto",
        lambda: _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)))
attempt("gethostbyname_ex", lambda: socket.gethostbyname_ex("example.invalid"))
attempt("_socket-getaddrinfo", lambda: _socket.getaddrinfo("example.invalid", 80))
attempt("curl", lambda: subprocess.run(["curl", "-s", "http://192.0.2.1/"]))
attempt("curl-in-shell", lambda: subprocess.run("curl -s http://192.0.2.1/ | cat", shell=True))
attempt("python-I", lambda: subprocess.run([sys.executable, "-I", "-c", "pass"]))
attempt("python-S", lambda: subprocess.run([sys.executable, "-S", "-c", "pass"]))
attempt("os-system-wget", lambda: os.system("wget -q http://192.0.2.1/"))
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
socket.create_connection(server.getsockname()).close()
print("loopback works")
child = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True)
print("python-child", child.stdout.strip())
"""

EXPECTED = [
    "_socket-connect",
    "socket-connect",
    "udp-sendto",
    "_socket-udp-sendto",
    "gethostbyname_ex",
    "_socket-getaddrinfo",
    "curl",
    "curl-in-shell",
    "python-I",
    "python-S",
    "os-system-wget",
]


def _namespace_prefix() -> list[str]:
    """``unshare -n`` (only loopback) when this process may make namespaces, else nothing."""
    if os.environ.get("EOLAB_NETNS") == "1":
        return []  # already inside the namespace
    if shutil.which("unshare") and shutil.which("ip") and os.geteuid() == 0:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    return []


def test_the_guard_refuses_and_logs_every_bypass(tmp_path):
    log = tmp_path / "offline-guard.log"
    env = dict(os.environ, PYTHONPATH=str(GUARD), EOLAB_OFFLINE_LOG=str(log))
    run = subprocess.run(
        [*_namespace_prefix(), sys.executable, "-c", ATTEMPTS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = dict(line.split(" ", 1) for line in run.stdout.splitlines() if " " in line)
    assert {name: results.get(name) for name in EXPECTED} == {name: "refused" for name in EXPECTED}
    assert results["loopback"] == "works" and results["python-child"] == "ok"
    text = log.read_text()
    for what in (
        "blocked connect to ('192.0.2.1', 80)",
        "blocked UDP sendto to ('192.0.2.1', 53)",
        "blocked DNS lookup (gethostbyname_ex) to 'example.invalid'",
        "blocked subprocess to 'curl -s http://192.0.2.1/'",
        "blocked subprocess that would skip the offline guard",
        "wget -q",
    ):
        assert what in text, f"not logged: {what}"
    assert text.count("EO Notebooks offline guard: blocked") == len(EXPECTED)


def test_inside_make_test_the_only_interface_is_loopback():
    """When make runs the tests in the namespace (EOLAB_NETNS=1), no interface but lo exists."""
    if os.environ.get("EOLAB_NETNS") != "1":
        pytest.skip(
            "not running inside the network namespace (the Python guard is the fallback here)"
        )
    links = subprocess.run(
        ["ip", "-o", "link", "show"], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split(":")[1].strip().split("@")[0] for line in links.splitlines()]
    assert names == ["lo"], names
