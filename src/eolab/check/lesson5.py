"""Checkers for Lesson 5, *Big data with Dask*.

These checkers never make the big array: they read chunk sizes from the lazy
dataset and compare your results with the ground truth the generator injected
(which is small and in memory).
"""

from __future__ import annotations

import numpy as np

from . import Feedback, number, verdict

__all__ = ["exercise1", "exercise2", "exercise3"]

WORKER_MB = 650
TASK_FACTOR = 4


def exercise1(chunk_mb, n_chunks, fits: bool, show_solution: bool = False) -> Feedback:
    """*Chunks for a pixel's time series*: for chunks of all of time × 45° × 45° at 0.25°,
    the chunk size (MB), the number of chunks, and whether a task on one fits a 650 MB
    worker (True/False)."""
    from eolab.synthetic import sst_big

    data = sst_big.open_sst_big(size="full", chunks={"time": -1, "lat": 180, "lon": 180})[
        "sst"
    ].data
    mb, n = data.nbytes / data.npartitions / 1e6, data.npartitions
    want_fits = TASK_FACTOR * mb <= WORKER_MB
    solution = f"{mb:.0f} MB per chunk, {n} chunks, fits: {want_fits}" if show_solution else None
    got_mb, got_n = number(chunk_mb, "chunk_mb"), int(number(n_chunks, "n_chunks"))
    if abs(got_mb - mb) <= 0.02 * mb and got_n == n:
        if bool(fits) == want_fits:
            return Feedback(
                True,
                "Right: the chunk alone fits, but a task needs about four times it; cut the "
                "region (60 × 60 pixels) and keep all of time.",
                None,
                solution,
            )
        return Feedback(
            False,
            "Not quite: the sizes are right, but a task needs about four times its chunk: "
            f"compare {TASK_FACTOR} × the chunk with the worker's {WORKER_MB} MB.",
            "task memory",
            solution,
        )
    small = data.nbytes / data.npartitions / 1e6 / 16  # 45 × 45 pixels, not 45° × 45°
    if abs(got_mb - 2 * mb) <= 0.02 * mb:
        return Feedback(
            False,
            "Not quite: that is float64 (8 bytes); the SST is float32 (4 bytes a value).",
            "float64",
            solution,
        )
    if abs(got_mb - small) <= 0.05 * small:
        return Feedback(
            False,
            "Not quite: that is 45 × 45 *pixels*; 45° at 0.25° is 180 pixels.",
            "pixels not degrees",
            solution,
        )
    if abs(got_mb - mb * 1e6 / 2**20) <= 0.02 * mb:
        return Feedback(
            True,
            "Right, in MiB (2²⁰ bytes); the lesson counts MB of 10⁶ bytes. A task needs about "
            "four times its chunk, so cut the region.",
            None,
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your chunk size ({got_mb:.0f} MB, ± 2 %) and count ({got_n}) "
        "with those of `chunks={'time': -1, 'lat': 180, 'lon': 180}`; they differ.",
        "unknown",
        solution,
    )


def exercise2(nino34, size: str = "small", show_solution: bool = False) -> Feedback:
    """*persist, then compute*: your daily Niño-3.4 index (a computed DataArray on ``time``),
    compared with the injected ENSO-like index. ``size``: the lesson's ``SIZE``."""
    from eolab.synthetic import sst_big

    truth = sst_big.open_sst_big(size=size)["true_enso_index"]
    solution = "box_mean(anom, lat=(-5, 5), lon=(190, 240)).compute()" if show_solution else None
    if not hasattr(nino34, "dims"):
        raise TypeError("pass the index itself (a DataArray on `time`), not a number")
    if getattr(nino34, "chunks", None):
        return Feedback(
            False,
            "Not quite: the index is still lazy (a Dask array); it is one number a day, so "
            "`compute()` it into the notebook (persist keeps it on the workers).",
            "still lazy",
            solution,
        )
    if "time" not in nino34.dims:
        return Feedback(
            False,
            f"Not quite: the index has dims {nino34.dims}, not `time`: you averaged over the "
            "wrong dimension (average over `lat` and `lon`, keep the days).",
            "mean over the wrong dimension",
            solution,
        )
    values = np.asarray(nino34, dtype=float).ravel()
    if values.size != truth.size:
        return Feedback(
            False,
            f"Not quite: {values.size} values, the record has {truth.size} days; use the "
            "lesson's full `anom`.",
            "wrong length",
            solution,
        )
    if abs(np.nanmean(values)) > 5:
        return Feedback(
            False,
            f"Not quite: the mean is {np.nanmean(values):.1f} °C, an SST; the index is the "
            "mean *anomaly* (use `anom`, not `sst`).",
            "SST not anomaly",
            solution,
        )
    r = float(np.corrcoef(values, truth.values)[0, 1])
    if r >= 0.9:
        return Feedback(
            True,
            f"Right: correlation {r:.2f} with the injected index. One number a day: compute it.",
            None,
            solution,
        )
    if r <= -0.9:
        return Feedback(
            False,
            "Not quite: your index runs opposite to the truth: the anomaly's sign is flipped "
            "(climatology minus SST).",
            "sign",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your index with the injected one and found a correlation of "
        f"only {r:.2f}. Check the box: 5°S-5°N, 190-240°E.",
        "unknown",
        solution,
    )


def exercise3(
    computed_mean, injected_mean, size: str = "small", show_solution: bool = False
) -> Feedback:
    """*How well is the warming hole recovered?*: the box means (°C per decade) of the
    computed trend and of ``ds["true_trend"]`` over 50-60°N, 315-335°E. ``size``: the
    lesson's ``SIZE``."""
    from eolab.synthetic import sst_big

    truth = sst_big.open_sst_big(size=size)["true_trend"]
    expected = float(truth.sel(lat=slice(50, 60), lon=slice(315, 335)).mean())
    injected = number(injected_mean, "injected_mean")
    mistakes = [
        (
            "per year not per decade",
            expected / 10,
            "that is per year; the trend here is per decade.",
        ),
        (
            "global mean not box",
            float(truth.mean()),
            "that is the global mean; select the box first.",
        ),
        (
            "wrong longitudes",
            float(truth.sel(lat=slice(50, 60), lon=slice(25, 45)).mean()),
            "that box is at 25-45°E; the data's longitudes run 0-360, so 45-25°W is 315-335°E.",
        ),
    ]
    first = verdict(
        injected, expected, 0.01, "injected box mean", mistakes, show_solution, "°C/decade"
    )
    if not first.correct:
        return first
    computed = number(computed_mean, "computed_mean")
    if abs(computed - expected) <= 0.1:
        return Feedback(
            True,
            "Right: the computed trend recovers the injected one to within 0.1 °C/decade; no "
            "new pass was needed, both maps are already in memory.",
            None,
            first.solution,
        )
    if abs(computed - expected * 10) <= 1.0:
        return Feedback(
            False,
            "Not quite: the computed mean looks ten times too large: per century, or the "
            "injected one per year?",
            "units",
            first.solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your computed box mean with the injected one "
        f"(± 0.1 °C/decade); they differ by {abs(computed - expected):.2f}.",
        "unknown",
        first.solution,
    )
