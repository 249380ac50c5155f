"""Pixel access versus file download: bytes and time for the same questions.

    .venv/bin/python benchmarks/pixel_access.py                 # 3 repeats, default cache
    .venv/bin/python benchmarks/pixel_access.py --repeat 5 --cold

Serves the SYNTHETIC soil-moisture archive of Lesson 4 (two Zarr chunk
layouts and 3,653 daily netCDF files, :mod:`eolab.synthetic.soil_moisture`)
on 127.0.0.1 with :func:`eolab.pixel_access.serve`, and asks three questions by
every route (:func:`eolab.pixel_access.compare_routes`): one pixel's 10-year series,
a 1° x 1° area for one month, the whole area on one day.  Prints the bytes
the server sent (exact; the same every run) and the wall-clock seconds
(median and range over the repeats), then the ratios the lesson quotes.

``--cold`` builds the archive in a temporary folder first (and reports how
long that took) instead of reusing ``eolab.datasets.cache_dir("cube")``.
Nothing leaves this machine: run it with ``PYTHONPATH=tools/offline_guard``
to have every other connection refused.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from eolab import pixel_access
from eolab.synthetic import soil_moisture


def run(folder: Path, repeat: int) -> pd.DataFrame:
    rows = []
    for i in range(repeat):
        transfers = pixel_access.compare_routes(folder).transfers
        rows.append(transfers.rename(columns={"bytes_sent": "bytes"}).assign(run=i))
    return pd.concat(rows, ignore_index=True)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    grouped = runs.groupby(["question", "route"], sort=False)
    out = grouped.agg(
        requests=("requests", "first"),
        bytes=("bytes", "first"),
        bytes_vary=("bytes", lambda b: b.max() - b.min()),
        s_median=("seconds", "median"),
        s_min=("seconds", "min"),
        s_max=("seconds", "max"),
    )
    out["MB"] = out["bytes"] / 1e6
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of every question and route (default 3)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="generate the archive in a temporary folder first"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="eolab-pixel-bench-") as tmp:
        t0 = time.perf_counter()
        folder = soil_moisture.build_store(folder=Path(tmp) / "sm" if args.cold else None)
        built = time.perf_counter() - t0
        print(f"archive: {folder} ({'generated' if args.cold else 'ready'} in {built:.1f} s)")
        for name in ("daily", "sm_time.zarr", "sm_space.zarr"):
            files = [f for f in (folder / name).rglob("*") if f.is_file()]
            print(
                f"  {name:14s} {len(files):5d} files "
                f"{sum(f.stat().st_size for f in files) / 1e6:7.1f} MB"
            )

        summary = summarise(run(folder, args.repeat))

    print(f"\nBytes sent by the server (exact) and wall-clock time over {args.repeat} run(s):\n")
    header = (
        f"{'question':24s} {'route':38s} {'requests':>8s} {'MB':>9s} {'s median':>9s} "
        f"{'s min-max':>13s}"
    )
    print(header)
    print("-" * len(header))
    for (question, route), r in summary.iterrows():
        print(
            f"{question:24s} {route:38s} {int(r.requests):8d} {r.MB:9.3f} {r.s_median:9.2f} "
            f"{r.s_min:6.2f}-{r.s_max:<6.2f}"
        )
    if (summary["bytes_vary"] > 0).any():
        print(
            "\nnote: byte counts varied between runs:",
            summary.loc[summary["bytes_vary"] > 0].index.tolist(),
        )

    def pick(question: str, route: str) -> pd.Series:
        rows = summary[
            (summary.index.get_level_values(0) == pixel_access.QUESTIONS[question])
            & summary.index.get_level_values(1).str.contains(route)
        ]
        return rows.iloc[0]

    pixel_file, pixel_time = pick("pixel", "file"), pick("pixel", "time")
    pixel_space = pick("pixel", "space")
    scene_time, scene_space, scene_file = (
        pick("scene", "time"),
        pick("scene", "space"),
        pick("scene", "file"),
    )
    print("\nRatios (bytes):")
    print(
        f"  one pixel, 10 years : file download / pixel access (time chunks)  = "
        f"{pixel_file.bytes / pixel_time.bytes:7.1f}x   (lesson and tests require >= 10x)"
    )
    print(
        f"  one pixel, 10 years : space chunks / time chunks                  = "
        f"{pixel_space.bytes / pixel_time.bytes:7.1f}x"
    )
    print(
        f"  whole area, one day : time chunks / space chunks                  = "
        f"{scene_time.bytes / scene_space.bytes:7.1f}x"
    )
    print(
        f"  whole area, one day : space chunks / one file                     = "
        f"{scene_space.bytes / scene_file.bytes:7.1f}x"
    )
    print(
        f"Time, one pixel: file download {pixel_file.s_median:.2f} s vs pixel access "
        f"{pixel_time.s_median:.2f} s "
        f"({pixel_file.s_median / pixel_time.s_median:.0f}x)"
    )
    return 0 if pixel_file.bytes >= 10 * pixel_time.bytes else 1


if __name__ == "__main__":
    sys.exit(main())
