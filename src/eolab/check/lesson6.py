"""Checkers for Lesson 6, *Teaching and learning with notebooks*."""

from __future__ import annotations

from . import Feedback, number

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]


def exercise1(suitable, platforms, show_solution: bool = False) -> Feedback:
    """*Choose a platform*: your filtered rows (a DataFrame, or the platform names), from the
    lesson's ``platforms`` table, of the options that work offline *and* need no account."""
    want = set(platforms.loc[platforms["offline"] & ~platforms["account"], "platform"])
    got = set(suitable["platform"]) if hasattr(suitable, "columns") else set(suitable)
    solution = ", ".join(sorted(want)) if show_solution else None
    if got == want:
        return Feedback(
            True,
            "Right: only these work with no internet and no accounts; prepare the installs "
            "or the offline bundle in advance, and bring the PDF handouts.",
            None,
            solution,
        )
    if got == set(platforms.loc[platforms["offline"] | ~platforms["account"], "platform"]):
        return Feedback(
            False,
            "Not quite: that keeps platforms that are offline *or* need no account; both must "
            "hold, so combine the conditions with `&`, not `|`.",
            "or instead of and",
            solution,
        )
    if got == set(platforms.loc[platforms["offline"], "platform"]) or got == set(
        platforms.loc[~platforms["account"], "platform"]
    ):
        return Feedback(
            False,
            "Not quite: that applies only one of the two conditions; keep the rows that work "
            "offline *and* need no account.",
            "one condition",
            solution,
        )
    if got == set(platforms.loc[platforms["offline"] & platforms["account"], "platform"]):
        return Feedback(
            False,
            "Not quite: `~` is missing: that keeps platforms that *need* an account.",
            "negation forgotten",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your {len(got)} platform(s) with the rows where `offline` is "
        "True and `account` is False; they differ.",
        "unknown",
        solution,
    )


def exercise2(fixed_notebook, run_all_fresh, show_solution: bool = False) -> Feedback:
    """*Make the notebook survive a restart*: your reordered list of cells (and the lesson's
    ``run_all_fresh``, which runs them in a fresh namespace)."""
    solution = (
        "load the data (cell 3) before the box mean (cell 2): order 0, 2, 1, 3"
        if show_solution
        else None
    )
    report = run_all_fresh(list(fixed_notebook))
    if report.startswith("ok"):
        return Feedback(
            True,
            "Right: every cell runs in order in a fresh kernel, as *Restart & Run All* would.",
            None,
            solution,
        )
    if "NameError" in report and "sst" in report:
        return Feedback(
            False,
            f"Not quite: {report}. A cell uses `sst` before the cell that loads it: the kernel "
            "only knows what has run, in the order it ran.",
            "out of order",
            solution,
        )
    if "NameError" in report:
        return Feedback(
            False,
            f"Not quite: {report}. A name is used before the cell that defines it; move the "
            "imports and definitions up.",
            "used before defined",
            solution,
        )
    return Feedback(
        False, f"Not quite: I ran your cells in a fresh namespace: {report}.", "unknown", solution
    )


def exercise3(month, lat, lon, show_solution: bool = False) -> Feedback:
    """*Your region*: the month (``"April 2010"`` or ``"2010-04"``) in which your box
    (``lat``, ``lon``: (south, north), (west, east) in °N, °E 0-360) was warmest."""
    import pandas as pd

    from eolab import anomalies, datasets

    sst = datasets.load("ostia_sst")["sst"]
    box = anomalies.box_mean(sst, lat=tuple(lat), lon=tuple(lon))
    want = pd.Timestamp(box.idxmax("time").values)
    coldest = pd.Timestamp(box.idxmin("time").values)
    try:
        got = pd.Timestamp(str(month))
    except ValueError:
        raise ValueError(
            f"month {month!r} is not a date; give e.g. 'April 2010' or '2010-04'"
        ) from None
    solution = want.strftime("%B %Y") if show_solution else None
    if (got.year, got.month) == (want.year, want.month):
        return Feedback(
            True,
            "Right: that is your box's warmest month. Only the parameter cell changed.",
            None,
            solution,
        )
    if (got.year, got.month) == (coldest.year, coldest.month):
        return Feedback(
            False,
            "Not quite: that is the *coldest* month (idxmin); the question asks for the warmest.",
            "coldest not warmest",
            solution,
        )
    anomaly = anomalies.anomalies(box)
    warm_anomaly = pd.Timestamp(anomaly.idxmax("time").values)
    if (got.year, got.month) == (warm_anomaly.year, warm_anomaly.month):
        return Feedback(
            False,
            "Not quite: that is the largest *anomaly*; the question asks for the warmest "
            "SST itself.",
            "anomaly not SST",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared your month with the warmest month of the box mean of `sst` over "
        "your lat/lon; they differ. Are the longitudes in °E, 0-360?",
        "unknown",
        solution,
    )


def exercise4(morning, show_solution: bool = False) -> Feedback:
    """*Plan a half day*: your ``timetable`` (a DataFrame with ``session``, ``minutes``,
    ``start``, ``end``) for the morning from 09:00."""
    sessions = [
        ("Welcome and set-up check", 20),
        ("Your first map", 10),
        ("Lesson 1", 80),
        ("Break", 15),
        ("Lesson 6", 55),
    ]
    total = sum(m for _, m in sessions)
    end = f"{9 + (total // 60):02d}:{total % 60:02d}"
    solution = f"ends at {end}" if show_solution else None
    if not hasattr(morning, "columns") or not {"minutes", "end"} <= set(morning.columns):
        raise TypeError(
            "pass the DataFrame that `timetable` returned (columns session, minutes, start, end)"
        )
    got_total = int(number(morning["minutes"].sum(), "total minutes"))
    last = str(morning["end"].iloc[-1])
    if got_total == total and last == end:
        return Feedback(
            True,
            f"Right: {total} min from 09:00 ends at {end}, half an hour before 12:30 for "
            "questions.",
            None,
            solution,
        )
    if got_total == total - 15:
        return Feedback(
            False,
            "Not quite: the break is missing; learners (and helpers) need it.",
            "no break",
            solution,
        )
    if got_total == total - 30:
        return Feedback(
            False,
            "Not quite: a lesson is planned with its teaching time only; add its exercises "
            "(Lesson 1: 50 + 30 min, Lesson 6: 25 + 30 min).",
            "teaching time only",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your total ({got_total} min, ending {last}) with the five "
        "sessions of the exercise; they differ.",
        "unknown",
        solution,
    )
