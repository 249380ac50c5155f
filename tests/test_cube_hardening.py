"""The pixel-access service stops cleanly and answers malformed or foreign requests (issue 20)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from eolab import pixel_access as cube


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "f.bin").write_bytes(bytes(range(256)) * 40)
    return tmp_path


def _raw(server, request: bytes) -> bytes:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /f%00.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /f\x00.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=" + b"9" * 5000 + b"-\r\n\r\n",
        b"GET /f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-" + b"1" * 5000 + b"\r\n\r\n",
    ],
    ids=["percent-00", "nul-in-request-line", "5000-digit-range-start", "5000-digit-range-end"],
)
def test_malformed_requests_get_400(folder, request_bytes):
    with cube.serve(folder) as server:
        answer = _raw(server, request_bytes)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
        # and the server still answers the next request
        assert _raw(
            server, b"GET /f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ).startswith(b"HTTP/1.1 200")


def test_a_foreign_host_header_is_refused(folder):
    """DNS rebinding: a web page whose name now points at 127.0.0.1 sends its own Host."""
    with cube.serve(folder) as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
            answer = _raw(server, f"GET /f.bin HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            assert answer.startswith(b"HTTP/1.1 403"), (host, answer[:80])
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", "[::1]:80"):
            answer = _raw(
                server, f"GET /f.bin HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            assert answer.startswith(b"HTTP/1.1 200"), (host, answer[:80])


def test_stop_joins_every_handler_thread_and_the_count_is_final(folder):
    with cube.serve(folder) as server:
        url = server.url + "f.bin"

        def fetch():
            for _ in range(20):
                with urllib.request.urlopen(url) as r:
                    r.read()

        workers = [threading.Thread(target=fetch) for _ in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        # and a few idle keep-alive connections left open by clients
        idle = [
            socket.create_connection(("127.0.0.1", int(url.split(":")[2].split("/")[0])))
            for _ in range(3)
        ]
        for s in idle:
            s.sendall(b"GET /f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(0.3)
    after = server.bytes_sent
    left = [t.name for t in threading.enumerate() if t.name.startswith("eolab-cube")]
    assert left == [], left
    time.sleep(0.5)
    assert server.bytes_sent == after, "bytes_sent changed after the with-block"
    assert after >= 160 * 10240
    for s in idle:
        s.close()
