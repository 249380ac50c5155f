"""Dask scaling benchmark for Lesson 5: a decade of daily global 0.25° SST (15 GB) on 2 GB.

    .venv/bin/python benchmarks/dask_scaling.py                 # full: up to 10 years, 15.1 GB (~15-30 min)
    .venv/bin/python benchmarks/dask_scaling.py --quick         # small sizes only (~2 min)
    .venv/bin/python benchmarks/dask_scaling.py --years 0.5 1 20

The computation is the one of the lesson, on the SYNTHETIC data of
:mod:`eolab.synthetic.sst_big` (generated lazily, chunk by chunk):

1. monthly climatology (pass 1 over the data),
2. anomalies = data minus climatology, then the linear trend of every pixel
   (pass 2; each chunk is generated again rather than kept).

For each size it prints wall time, throughput (GB of float32 data per
second of wall time) and the peak memory of the whole process tree (the sum
of the resident memory of the run's process and every child, i.e. the Dask
workers, sampled every 50 ms in a thread).  At sizes that fit in memory the
same computation is also run in plain NumPy (one array, one process) and the
Dask/NumPy throughput ratio is reported.  Each run is a fresh subprocess.

Goals: time grows linearly with size; peak memory stays flat (bounded by
chunk size x workers, here within a 2 GB budget like Binder's); throughput at
in-memory sizes at least 0.8x NumPy's.

Results go to ``book/data/dask_scaling.csv`` (committed; Lesson 5 plots it)
unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "book" / "data" / "dask_scaling.csv"
FULL_YEARS = [0.25, 0.5, 1, 2, 5, 10]
QUICK_YEARS = [0.25, 0.5, 1]
NUMPY_MAX_YEARS = 1.0  # NumPy holds the array and its anomalies: ~4x 1.5 GB


class TreeMemory:
    """Peak summed RSS (bytes) of a process and all its children, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- runs
def subtract_climatology(block, clim):
    """Anomalies of one chunk: what eolab.anomalies.anomalies does, given the climatology."""
    return block - clim.sel(month=block["time"].dt.month).drop_vars("month")


def run_dask(years: float, resolution: float, budget: str, n_workers: int) -> dict:
    import xarray as xr

    from eolab import scale
    from eolab.anomalies import climatology, linear_trend
    from eolab.synthetic import sst_big

    client = scale.connect(n_workers=n_workers, memory_budget=budget)
    sst = sst_big.open_sst_big(years=years, resolution=resolution)["sst"]
    client.run(lambda: None)  # workers up
    start = time.perf_counter()
    clim = climatology(sst).chunk(month=-1).persist()
    anom = xr.map_blocks(subtract_climatology, sst, args=[clim], template=sst)
    trend = linear_trend(anom).compute()
    seconds = time.perf_counter() - start
    info = client.scheduler_info()["workers"].values()
    out = {"seconds": seconds, "gigabytes": sst.nbytes / 1e9,
           "chunk_mb": sst.dtype.itemsize * math.prod(sst.data.chunksize) / 1e6,
           "n_workers": len(info), "worker_limit_gb": max(w["memory_limit"] for w in info) / 1e9,
           "trend_mean": float(trend.mean()), "trend_sample": trend.values[::97, ::89].ravel().tolist()}
    client.close()
    return out


def run_numpy(years: float, resolution: float) -> dict:
    import numpy as np

    from eolab.synthetic import sst_big

    ds = sst_big.open_sst_big(years=years, resolution=resolution)
    time_index = ds.indexes["time"]
    days = (time_index.values.astype("datetime64[D]") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    start = time.perf_counter()
    x = sst_big.generate_block(days, slice(None), slice(None), resolution=resolution)
    month = time_index.month.values
    clim = np.stack([x[month == m].mean(axis=0) for m in range(1, 13)])
    anom = x - clim[month - 1]
    years_since = (days - days[0]) / 365.25
    t = years_since - years_since.mean()
    trend = np.einsum("t,tyx->yx", t, anom) / (t**2).sum() * 10
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "gigabytes": x.nbytes / 1e9, "chunk_mb": x.nbytes / 1e6,
            "n_workers": 1, "worker_limit_gb": float("nan"),
            "trend_mean": float(trend.mean()), "trend_sample": trend[::97, ::89].ravel().tolist()}


# --------------------------------------------------------------------------- driver
def measure(engine: str, years: float, args) -> dict:
    cmd = [sys.executable, __file__, "--one", engine, str(years), "--resolution", str(args.resolution),
           "--budget", args.budget, "--workers", str(args.workers)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools" / "offline_guard"))
    load_before = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeMemory(proc.pid) as mem:
        stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} run of {years} years failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(engine=engine, years=years, resolution_deg=args.resolution,
                  gb_per_s=result["gigabytes"] / result["seconds"], peak_rss_gb=mem.peak / 1e9,
                  load_avg_1min=load_before)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, nargs="+", help="record lengths to run (years)")
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK_YEARS} years")
    parser.add_argument("--resolution", type=float, default=0.25, help="grid spacing (degrees)")
    parser.add_argument("--budget", default="2GB", help="memory budget of the Dask run (like Binder)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numpy-max", type=float, default=NUMPY_MAX_YEARS,
                        help="largest size also run in plain NumPy (years)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "YEARS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:  # child process: one run, JSON on stdout
        engine, years = args.one[0], float(args.one[1])
        if engine == "dask":
            out = run_dask(years, args.resolution, args.budget, args.workers)
        else:
            out = run_numpy(years, args.resolution)
        print(json.dumps(out))
        return 0

    sizes = args.years or (QUICK_YEARS if args.quick else FULL_YEARS)
    rows = []
    print(f"{'engine':6} {'years':>6} {'GB':>7} {'time s':>8} {'GB/s':>7} {'peak GB':>8} {'load':>5}",
          flush=True)
    for years in sizes:
        engines = ["numpy", "dask"] if years <= args.numpy_max else ["dask"]
        for engine in engines:
            r = measure(engine, years, args)
            rows.append(r)
            print(f"{engine:6} {years:6.2f} {r['gigabytes']:7.2f} {r['seconds']:8.1f} {r['gb_per_s']:7.3f} "
                  f"{r['peak_rss_gb']:8.2f} {r['load_avg_1min']:5.1f}", flush=True)
        if len(engines) == 2:
            n, d = rows[-2], rows[-1]
            diff = max(abs(a - b) for a, b in zip(n["trend_sample"], d["trend_sample"]))
            print(f"       Dask/NumPy throughput ratio {d['gb_per_s'] / n['gb_per_s']:.2f}; "
                  f"trend maps agree within {diff:.1e} °C/decade", flush=True)

    dask_rows = [r for r in rows if r["engine"] == "dask"]
    if len(dask_rows) >= 2:
        a, b = dask_rows[0], dask_rows[-1]
        print(f"Dask: size x{b['gigabytes'] / a['gigabytes']:.0f} -> time x{b['seconds'] / a['seconds']:.1f}, "
              f"peak memory {a['peak_rss_gb']:.2f} -> {b['peak_rss_gb']:.2f} GB")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    fields = ["engine", "years", "resolution_deg", "gigabytes", "seconds", "gb_per_s", "peak_rss_gb",
              "n_workers", "worker_limit_gb", "chunk_mb", "load_avg_1min"]
    with open(args.out, "w", newline="") as fh:
        fh.write(f"# benchmarks/dask_scaling.py, {time.strftime('%Y-%m-%d')}, {psutil.cpu_count()} cores, "
                 f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Dask budget {args.budget}\n")
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
