"""Dask scaling benchmark for Lesson 5: a decade of daily global 0.25° SST (15 GB) on 2 GB.

    .venv/bin/python benchmarks/dask_scaling.py          # full: up to 10 years, 15.1 GB (~8 min)
    .venv/bin/python benchmarks/dask_scaling.py --quick  # small sizes only (~2 min), to _build/
    .venv/bin/python benchmarks/dask_scaling.py --years 0.5 1 20

The computation is the one of the lesson, on the SYNTHETIC data of
:mod:`eolab.synthetic.sst_big` (generated lazily, chunk by chunk), in one
pass over the data:

1. the monthly climatology (``skipna=False``: the data have no gaps, so
   each month's mean is one weighted sum per chunk), and
2. the linear trend of the anomalies of every pixel, with
   :func:`eolab.trend.anomaly_trend`: the trend of the data minus the
   climatology's share, so no anomaly array is ever made and the
   climatology is needed only at the very end,

asked for together (``dask.persist(clim, trend)``), so each chunk is made
once and feeds both sums; on a LocalCluster (``dask``) and, at sizes that
fit in memory, in plain NumPy (``numpy``: the whole array in memory, one
process, the same algorithm).

For each size it prints wall time, throughput (GB of float32 data per
second of wall time), the CPU time of the computation (all processes; it
does not grow when other jobs share the machine, wall time does), the
1-minute load average before the run, and the peak memory of the whole process tree (the sum
of the resident memory of the run's process and every child, i.e. the Dask
workers, sampled every 50 ms in a thread).  Each size and engine runs in a
fresh subprocess, at least ``--repeat`` times (3) and until the runs add up
to ``--min-seconds`` (15 s; at most 25 runs): times are the median, and the
first run (``first s``, which pays the one-off start-up of a fresh process
and its workers) is printed beside it, with the number of runs.  At sizes
that fit in memory the Dask/NumPy throughput ratio is reported.

Goals: time grows linearly with size; peak memory stays flat (bounded by
chunk size x workers, here within a 2 GB budget like Binder's); throughput at
in-memory sizes at least 0.8x NumPy's.

The default (full) run writes ``src/eolab/data/dask_scaling.csv`` (committed, shipped
with eolab as :func:`eolab.cluster.benchmark_results`;
Lesson 5 plots it and shows the printed table); ``--quick`` and ``--years``
runs write ``_build/dask_scaling.csv`` instead, unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil
from tree_memory import TreeMemory

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "eolab" / "data" / "dask_scaling.csv"
SCRATCH_OUT = ROOT / "_build" / "dask_scaling.csv"
FULL_YEARS = [0.25, 0.5, 1, 2, 5, 10]
QUICK_YEARS = [0.25, 0.5, 1]
ENGINES = ("numpy", "dask")
"""numpy: one array in memory, one process; dask: the lesson's one pass
(climatology and anomaly trend persisted together) on a LocalCluster."""
NUMPY_MAX_YEARS = 2.0  # NumPy holds the whole array: 3 GB at 2 years, already past a 2 GB budget


# --------------------------------------------------------------------------- runs
def tree_cpu_seconds() -> float:
    """CPU time (user + system, s) used so far by this process and its children
    (the local Dask workers; the scheduler runs in this process).  Unlike wall
    time it does not grow when other jobs share the machine."""
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            cpu = proc.cpu_times()
            total += cpu.user + cpu.system
        except psutil.Error:
            pass
    return total


def repeated(run, repeat: int, min_seconds: float, max_runs: int = 25) -> tuple[dict, object]:
    """Time ``run()`` at least ``repeat`` times and for at least ``min_seconds`` in all.

    Returns the median wall and CPU seconds, the first run's wall time, the
    number of runs, and the last result.  The first run of a fresh process
    pays one-off costs (imports and first allocations in every worker, pages
    the system hands out for the first time); the median is the throughput
    the engine keeps up, and many short runs keep a shared machine's noise
    out of it.
    """
    seconds, cpu = [], []
    while len(seconds) < max(repeat, 1) or (sum(seconds) < min_seconds and len(seconds) < max_runs):
        cpu_start, start = tree_cpu_seconds(), time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
        cpu.append(tree_cpu_seconds() - cpu_start)
    return {
        "seconds": statistics.median(seconds),
        "first_seconds": seconds[0],
        "cpu_seconds": statistics.median(cpu),
        "repeats": len(seconds),
    }, result


def run_dask(
    years: float,
    resolution: float,
    budget: str,
    n_workers: int,
    threads: int = 1,
    repeat: int = 3,
    min_seconds: float = 15.0,
) -> dict:
    import dask

    from eolab import cluster
    from eolab.anomalies import climatology
    from eolab.synthetic import sst_big
    from eolab.trend import anomaly_trend

    client = cluster.connect(n_workers=n_workers, threads_per_worker=threads, memory_budget=budget)
    sst = sst_big.open_sst_big(years=years, resolution=resolution)["sst"]
    client.run(lambda: None)  # workers up

    def one_pass():
        clim = climatology(sst, skipna=False)  # no gaps (no land): weighted sums
        trend = anomaly_trend(sst, clim, per="decade")  # needs clim only at the very end
        clim, trend = dask.persist(clim, trend)  # one pass: each chunk made once
        return trend.compute()

    timing, trend = repeated(one_pass, repeat, min_seconds)
    info = client.scheduler_info()["workers"].values()
    out = {
        **timing,
        "gigabytes": sst.nbytes / 1e9,
        "chunk_mb": sst.dtype.itemsize * math.prod(sst.data.chunksize) / 1e6,
        "n_workers": len(info),
        "worker_limit_gb": max(w["memory_limit"] for w in info) / 1e9,
        "trend_mean": float(trend.mean()),
        "trend_sample": trend.values[::97, ::89].ravel().tolist(),
    }
    client.close()
    return out


def run_numpy(years: float, resolution: float, repeat: int = 3, min_seconds: float = 15.0) -> dict:
    """The same computation in plain NumPy: the whole array in memory, one process.

    Written as a NumPy user would write it efficiently, with the same
    algorithm as the Dask run: generate everything once (the same generator,
    the same single-threaded cost per value as a Dask chunk), the monthly
    means as one matrix product, and the anomaly trend as one matrix-vector
    product minus the climatology's share (no anomaly array, as
    :func:`eolab.trend.anomaly_trend`).  The products go through BLAS,
    which may use both cores.
    """
    import numpy as np

    from eolab.synthetic import sst_big

    ds = sst_big.open_sst_big(years=years, resolution=resolution)
    time_index = ds.indexes["time"]
    days = (time_index.values.astype("datetime64[D]") - np.datetime64("1970-01-01", "D")).astype(
        np.int64
    )
    month = time_index.month.values
    present = np.unique(month)  # a short record lacks months
    members = (month[:, None] == present[None, :]).astype(np.float32)
    month_weights = members / members.sum(axis=0)  # mean of each month
    years_since = (days - days[0]) / 365.25
    t = years_since - years_since.mean()
    w = t / (t**2).sum()  # slope = sum(w * x), per year
    w_month = np.array([w[month == m].sum() for m in present])
    w32 = w.astype(np.float32)  # as the data

    def one_pass():
        x = sst_big.generate_block(days, slice(None), slice(None), resolution=resolution)
        clim = np.tensordot(month_weights, x, axes=(0, 0))  # monthly means
        return (
            np.tensordot(w32, x, axes=1)  # trend of the data...
            - np.tensordot(w_month, clim, axes=1)
        ) * 10, x.nbytes  # ...minus the climatology's share

    timing, (trend, nbytes) = repeated(one_pass, repeat, min_seconds)
    return {
        **timing,
        "gigabytes": nbytes / 1e9,
        "chunk_mb": nbytes / 1e6,
        "n_workers": 1,
        "worker_limit_gb": float("nan"),
        "trend_mean": float(trend.mean()),
        "trend_sample": trend[::97, ::89].ravel().tolist(),
    }


# --------------------------------------------------------------------------- driver
def psutil_bytes(text: str) -> int:
    import dask.utils

    return dask.utils.parse_bytes(text)


def machine() -> str:
    """CPU model, cores and RAM of this machine, for the record."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def measure(engine: str, years: float, args) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--one",
        engine,
        str(years),
        "--resolution",
        str(args.resolution),
        "--budget",
        args.budget,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--repeat",
        str(args.repeat),
        "--min-seconds",
        str(args.min_seconds),
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools" / "offline_guard"))
    load_before = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeMemory(proc.pid) as mem:
        stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} run of {years} years failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(
        engine=engine,
        years=years,
        resolution_deg=args.resolution,
        gb_per_s=result["gigabytes"] / result["seconds"],
        peak_rss_gb=mem.peak / 1e9,
        load_avg_1min=load_before,
    )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, nargs="+", help="record lengths to run (years)")
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK_YEARS} years")
    parser.add_argument("--resolution", type=float, default=0.25, help="grid spacing (degrees)")
    parser.add_argument(
        "--budget", default="2GB", help="memory budget of the Dask run (like Binder)"
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="at least this many runs per size and engine, in one process (the median is reported)",
    )
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=15.0,
        help="and more runs (up to 25) until they add up to this many seconds",
    )
    parser.add_argument(
        "--numpy-max",
        type=float,
        default=NUMPY_MAX_YEARS,
        help="largest size also run in plain NumPy (years)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"CSV of the results (default {DEFAULT_OUT.relative_to(ROOT)}; "
        f"with --quick or --years, {SCRATCH_OUT.relative_to(ROOT)})",
    )
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "YEARS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:  # child process: one run, JSON on stdout
        engine, years = args.one[0], float(args.one[1])
        if engine in ENGINES[1:]:
            out = run_dask(
                years,
                args.resolution,
                args.budget,
                args.workers,
                args.threads,
                args.repeat,
                args.min_seconds,
            )
        else:
            out = run_numpy(years, args.resolution, args.repeat, args.min_seconds)
        print(json.dumps(out))
        return 0

    sizes = args.years or (QUICK_YEARS if args.quick else FULL_YEARS)
    if args.out is None:  # only the full default run replaces the results the lesson shows
        args.out = SCRATCH_OUT if (args.quick or args.years) else DEFAULT_OUT
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}; {machine()}", flush=True)
    rows = []
    print(
        f"{'engine':6} {'years':>6} {'GB':>7} {'time s':>8} {'first s':>8} {'runs':>4} {'GB/s':>7} "
        f"{'peak GB':>8} {'CPU s':>7} {'load':>5}",
        flush=True,
    )
    for years in sizes:
        engines = list(ENGINES) if years <= args.numpy_max else list(ENGINES[1:])
        for engine in engines:
            r = measure(engine, years, args)
            rows.append(r)
            print(
                f"{engine:6} {years:6.2f} {r['gigabytes']:7.2f} {r['seconds']:8.1f} "
                f"{r['first_seconds']:8.1f} {r['repeats']:4d} {r['gb_per_s']:7.3f} "
                f"{r['peak_rss_gb']:8.2f} {r['cpu_seconds']:7.1f} "
                f"{r['load_avg_1min']:5.1f}",
                flush=True,
            )
        if "numpy" in engines:
            n = rows[-len(engines)]
            for d in rows[-len(engines) + 1 :]:
                diff = max(
                    abs(a - b) for a, b in zip(n["trend_sample"], d["trend_sample"], strict=True)
                )
                print(
                    f"       {d['engine']}/numpy throughput ratio "
                    f"{d['gb_per_s'] / n['gb_per_s']:.2f} "
                    f"(CPU time ratio {n['cpu_seconds'] / d['cpu_seconds']:.2f}); "
                    f"trend maps agree within {diff:.1e} °C/decade",
                    flush=True,
                )

    print("Goals:")
    budget = psutil_bytes(args.budget) / 1e9
    for engine in ENGINES[1:]:
        dask_rows = [r for r in rows if r["engine"] == engine]
        ratios = [
            d["gb_per_s"] / n["gb_per_s"]
            for n in rows
            if n["engine"] == "numpy"
            for d in dask_rows
            if d["years"] == n["years"]
        ]
        if len(dask_rows) >= 2:
            a, b = dask_rows[0], dask_rows[-1]
            per_gb = [r["seconds"] / r["gigabytes"] for r in dask_rows]
            peak = max(r["peak_rss_gb"] for r in dask_rows)
            print(
                f"  {engine}: size x{b['gigabytes'] / a['gigabytes']:.0f} "
                f"-> time x{b['seconds'] / a['seconds']:.1f} "
                f"({min(per_gb):.1f}..{max(per_gb):.1f} s per GB); peak memory "
                f"{min(r['peak_rss_gb'] for r in dask_rows):.2f}..{peak:.2f} GB "
                f"(budget {budget:.1f} GB: {'met' if peak <= budget else 'NOT met'})"
            )
        if ratios:
            print(
                f"  {engine}/numpy throughput at in-memory sizes: "
                f"{', '.join(f'{x:.2f}' for x in ratios)} "
                f"(goal >= 0.8: {'met' if min(ratios) >= 0.8 else 'NOT met'})"
            )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    fields = [
        "engine",
        "years",
        "resolution_deg",
        "gigabytes",
        "seconds",
        "first_seconds",
        "repeats",
        "gb_per_s",
        "peak_rss_gb",
        "cpu_seconds",
        "n_workers",
        "worker_limit_gb",
        "chunk_mb",
        "load_avg_1min",
    ]
    with open(args.out, "w", newline="") as fh:
        fh.write(
            "# "
            + " ".join(
                ["benchmarks/dask_scaling.py", *(argv if argv is not None else sys.argv[1:])]
            )
            + f"; {time.strftime('%Y-%m-%d')}; {machine()}; Dask: {args.workers} workers, "
            f"budget {args.budget}\n"
        )
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
