"""``make check-live``: does every real archive the course reads still answer?

For anyone with internet.  Calls ``live_check()`` of every module listed in
``eolab.archives.REAL_MODULES`` (a minimal real read: endpoint, bytes, seconds),
prints a table of what answered, and writes ``book/_data/live-checks.json``, which the
page *Where each lesson runs* shows as "real archive: last verified <date>" or "never
verified".  A module not written yet is a "not implemented" row, never a crash; a
check that fails keeps the date of the last one that passed.

The build, CI and ``make test`` never run this (it needs the internet); the tests run
it against stand-ins on 127.0.0.1 (tests/test_check_live.py).

    python tools/check_live.py                 # every archive
    python tools/check_live.py --only soil_moisture_europe
    python tools/check_live.py --reset         # write "never verified" for every archive
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "book" / "_data" / "live-checks.json"
STATUSES = ("verified", "failed", "not implemented", "never verified")


def _lessons() -> dict[str, list[str]]:
    """Dataset name -> the lessons that read it (from the course catalogue)."""
    from eolab import datasets

    table = datasets.catalogue()
    return {
        name: [s.strip() for s in str(row["lessons"]).split(",") if s.strip()]
        for name, row in table.iterrows()
    }


def check_one(name: str, module_name: str) -> dict:
    """Run one archive's live check; never raises."""
    start = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            return {
                "status": "not implemented",
                "module": module_name,
                "detail": f"{module_name} does not exist yet",
            }
        return {
            "status": "failed",
            "module": module_name,
            "detail": f"import failed: {type(err).__name__}: {err}",
        }
    except Exception as err:  # noqa: BLE001 - a broken module is a row, not a crash
        return {
            "status": "failed",
            "module": module_name,
            "detail": f"import failed: {type(err).__name__}: {err}",
        }
    live = getattr(module, "live_check", None)
    if live is None:
        return {
            "status": "not implemented",
            "module": module_name,
            "detail": f"{module_name} has no live_check()",
        }
    try:
        got = dict(live())
    except Exception as err:  # noqa: BLE001
        got = {"ok": False, "detail": f"{type(err).__name__}: {str(err)[:300]}"}
    endpoint = got.get("endpoint") or getattr(getattr(module, "SOURCE", None), "endpoint", "")
    return {
        "status": "verified" if got.get("ok") else "failed",
        "module": module_name,
        "endpoint": str(endpoint),
        "bytes": int(got.get("bytes") or 0),
        "seconds": round(float(got.get("seconds") or time.perf_counter() - start), 2),
        "detail": str(got.get("detail", ""))[:300],
    }


def run(
    only: list[str] | None = None, previous: dict | None = None, today: str | None = None
) -> dict:
    """Check every archive (or ``only`` those); return the JSON document to write."""
    from eolab import archives

    today = today or dt.date.today().isoformat()
    lessons = _lessons()
    old = (previous or {}).get("archives", {})
    result = {}
    for name, module_name in sorted(archives.REAL_MODULES.items()):
        if only and name not in only:
            if name in old:
                result[name] = old[name]
            continue
        row = check_one(name, module_name)
        row["lessons"] = lessons.get(name, [])
        row["date"] = today
        row["last_verified"] = (
            today if row["status"] == "verified" else (old.get(name, {}).get("last_verified"))
        )
        result[name] = row
    return {"checked": today, "archives": result}


def never_verified() -> dict:
    """The honest document before anyone has run the checks: every archive never verified."""
    from eolab import archives

    lessons = _lessons()
    return {
        "checked": None,
        "archives": {
            name: {
                "status": "never verified",
                "module": module,
                "lessons": lessons.get(name, []),
                "date": None,
                "last_verified": None,
                "detail": "make check-live has not been run with internet access",
            }
            for name, module in sorted(archives.REAL_MODULES.items())
        },
    }


def table(doc: dict) -> str:
    """The result as a plain-text table (one row per archive)."""
    head = ("dataset", "status", "bytes", "seconds", "endpoint / detail")
    rows = [head]
    for name, r in doc["archives"].items():
        where = r.get("endpoint") or ""
        detail = r.get("detail") or ""
        rows.append(
            (
                name,
                r["status"],
                f"{r.get('bytes', 0):,}" if "bytes" in r else "–",
                f"{r['seconds']:.1f}" if "seconds" in r else "–",
                (where + (" — " if where and detail else "") + detail)[:110],
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = []
    for k, row in enumerate(rows):
        cells = "  ".join(str(c).ljust(w) for c, w in zip(row[:4], widths, strict=True))
        lines.append(cells + "  " + row[4])
        if k == 0:
            lines.append("-" * (sum(widths) + 8 + len(head[4])))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="dataset names to check (default: all)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="JSON file to write")
    parser.add_argument(
        "--reset", action="store_true", help="write 'never verified' for every archive and stop"
    )
    args = parser.parse_args(argv)
    previous = json.loads(args.output.read_text()) if args.output.exists() else None
    doc = never_verified() if args.reset else run(args.only, previous)
    print(table(doc))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.output}")
    return 1 if any(r["status"] == "failed" for r in doc["archives"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
