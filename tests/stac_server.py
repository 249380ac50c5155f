"""A real STAC API on 127.0.0.1 for the tests: ``rustac serve`` with its in-memory backend.

rustac (PyPI ``rustac``, the Rust STAC implementation) ships a STAC API server: it
loads collections (JSON) and items (newline-delimited JSON) on start-up and answers
the STAC API core, collections, OGC API Features and item search (``/search`` with
``collections``, ``bbox``, ``datetime``, paging) as any public STAC API does, so
pystac-client talks to it exactly as to Digital Earth Africa's.

    with StacServer(collections, items, workdir) as api:
        pystac_client.Client.open(api.url)

It binds 127.0.0.1 on a free port.  Nothing is downloaded: the server is a binary in
the wheel.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def rustac_binary() -> str:
    """The ``rustac`` command of this Python environment."""
    here = Path(sys.executable).parent / "rustac"
    found = str(here) if here.exists() else shutil.which("rustac")
    if not found:
        raise RuntimeError(
            "the `rustac` command is missing: `make install` installs it (requirements-dev.txt)"
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StacServer:
    """Serve ``collections`` and ``items`` (lists of dicts) as a STAC API on 127.0.0.1."""

    def __init__(self, collections: list[dict], items: list[dict], workdir: Path):
        self.workdir = Path(workdir)
        self.collections, self.items = collections, items
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, timeout: float = 30.0) -> StacServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        hrefs = []
        for c in self.collections:
            path = self.workdir / f"collection-{c['id']}.json"
            path.write_text(json.dumps(c))
            hrefs.append(str(path))
        items = self.workdir / "items.ndjson"
        items.write_text("".join(json.dumps(i) + "\n" for i in self.items))
        hrefs.append(str(items))
        for _ in range(3):  # the free port may be taken between probe and bind
            self.port = _free_port()
            self.log = open(self.workdir / "rustac.log", "w")  # noqa: SIM115
            self.process = subprocess.Popen(
                [rustac_binary(), "serve", *hrefs, "--addr", f"127.0.0.1:{self.port}"],
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            if self._wait(timeout):
                return self
            self.stop()
        log = (self.workdir / "rustac.log").read_text()
        raise RuntimeError(f"rustac serve did not start: {log}")

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
            self.log.close()

    def __enter__(self) -> StacServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
