"""The built website on an ephemeral port of 127.0.0.1 (PDF handouts, tests)."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing (readable output)."""

    def log_message(self, *args):
        pass


@contextmanager
def serve(site: Path, handler: type = QuietHandler):
    """Serve ``site`` on a free port of 127.0.0.1 in a thread.

    Yields the base URL (it ends with '/')."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
