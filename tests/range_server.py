"""An HTTP file server with byte ranges, on 127.0.0.1, that counts what it serves.

Cloud-Optimised GeoTIFFs are read over HTTP with ``Range: bytes=a-b`` requests: GDAL's
``/vsicurl/`` asks for the header first, then only the tiles a window needs.  This server
speaks that part of HTTP/1.1 (RFC 9110 section 14): ``HEAD`` and ``GET`` with
``Accept-Ranges: bytes``, ``206 Partial Content`` with ``Content-Range`` for a single
range, ``416`` for a range past the end, ``200`` with the whole file otherwise.  It counts
the body bytes sent per file, so a test can assert that a read was *partial*.

    with RangeServer(folder) as server:
        url = server.url("tile.tif")
        ...                                  # read it with GDAL
        server.bytes_served("tile.tif")      # body bytes sent for that path

It binds 127.0.0.1 on a free port (port 0) and serves only files under ``folder``.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args):  # quiet in tests
        pass

    def _path(self) -> Path | None:
        rel = unquote(urlparse(self.path).path).lstrip("/")
        path = (self.server.root / rel).resolve()
        if self.server.root not in path.parents and path != self.server.root:
            return None
        return path if path.is_file() else None

    def _send_head(self) -> tuple[Path, int, int] | None:
        path = self._path()
        if path is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        size = path.stat().st_size
        start, end = 0, size - 1
        header = self.headers.get("Range")
        match = _RANGE.match(header.strip()) if header else None
        if match and (match.group(1) or match.group(2)):
            first, last = match.groups()
            if first == "":  # suffix range: the last N bytes
                start, end = max(0, size - int(last)), size - 1
            else:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", self.server.content_type(path))
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return path, start, end

    def do_HEAD(self):
        self.server.count_request(self.command, self.path, self.headers.get("Range"))
        self._send_head()

    def do_GET(self):
        self.server.count_request(self.command, self.path, self.headers.get("Range"))
        head = self._send_head()
        if head is None:
            return
        path, start, end = head
        with open(path, "rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        # counted before sending, so a client that has the bytes always sees them counted
        self.server.count_bytes(path, len(body))
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = Path(root).resolve()
        self.lock = threading.Lock()
        self.served: Counter = Counter()
        self.requests: list[tuple[str, str, str | None]] = []

    def content_type(self, path: Path) -> str:
        return {".tif": "image/tiff", ".json": "application/json"}.get(
            path.suffix.lower(), "application/octet-stream"
        )

    def count_request(self, method: str, path: str, byte_range: str | None) -> None:
        with self.lock:
            self.requests.append((method, path, byte_range))

    def count_bytes(self, path: Path, n: int) -> None:
        with self.lock:
            self.served[path.relative_to(self.root).as_posix()] += n


class RangeServer:
    """Serve ``folder`` over HTTP with Range support on 127.0.0.1 (a context manager)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> RangeServer:
        self._server = _Server(self.folder)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> RangeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, relpath: str = "") -> str:
        return f"{self.base_url}/{relpath.lstrip('/')}"

    def bytes_served(self, relpath: str | None = None) -> int:
        """Body bytes sent: for one path (relative to the folder), or in total."""
        with self._server.lock:
            if relpath is None:
                return sum(self._server.served.values())
            return self._server.served[relpath.lstrip("/")]

    def served(self) -> dict[str, int]:
        """Body bytes sent per path (relative to the folder)."""
        with self._server.lock:
            return dict(self._server.served)

    @property
    def requests(self) -> list[tuple[str, str, str | None]]:
        """(method, path, Range header) of every request so far."""
        with self._server.lock:
            return list(self._server.requests)

    def reset(self) -> None:
        with self._server.lock:
            self._server.served.clear()
            self._server.requests.clear()
