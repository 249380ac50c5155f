"""What the launch checks verified, written to ``book/_data/launch-checks.json``.

The page *Where each lesson runs* (``book/platforms.md``, rendered by
``_ext/eonb_platforms.py``) is made from this file at build time, so its ticks
come from test results, never from text.  Each launch test records one
platform check inside :func:`recording`; a check that fails is recorded as
failed (with the first line of the error) before the test fails.  The file is
committed, so a clean clone's site shows the last verified state with its date;
``make launch-check`` (and ``make test``) rewrite it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import platform
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "book" / "_data" / "launch-checks.json"


def requirements_digest() -> str:
    """sha256 of requirements.txt: the page flags results made with other pins."""
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]


def this_python() -> dict:
    return {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "numpy": version("numpy"),
        "xarray": version("xarray"),
        "dask": version("dask"),
    }


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def record(check: str, status: str, lessons: list[str] | str, details: dict) -> None:
    """Store one check's result (``status`` "verified" or "failed"), merged into the file.

    The read-merge-write holds an exclusive lock on the file: `make test` runs the
    test files in parallel (pytest-xdist), and two launch checks may finish together.
    """
    entry = {
        "status": status,
        "date": datetime.date.today().isoformat(),
        "lessons": lessons,
        "requirements": requirements_digest(),
        **details,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        data = json.loads(text) if text.strip() else {}
        data[check] = entry
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(dict(sorted(data.items())), indent=1, sort_keys=False) + "\n")


@contextlib.contextmanager
def recording(check: str, lessons: list[str] | str):
    """``with recording("hub", [...]) as details: ...``: fill ``details``; recorded at the end."""
    details: dict = {}
    try:
        yield details
    except BaseException as error:  # noqa: BLE001 - recorded, then re-raised
        if not isinstance(error, (KeyboardInterrupt, SystemExit)):
            first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
            record(check, "failed", lessons, {**details, "error": first})
        raise
    record(check, "verified", lessons, details)


__all__ = ["RESULTS", "load", "record", "recording", "requirements_digest", "this_python"]
