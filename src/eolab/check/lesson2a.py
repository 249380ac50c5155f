"""Checkers for Lesson 2a, *Did NO₂ fall during the lockdowns?*

Every checker recomputes the lesson's answer from the course data with the
lesson's own steps, and the answers the typical mistakes give.
"""

from __future__ import annotations

from functools import cache

from . import Feedback, number, verdict

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]

PARIS_WINDOW = ("2020-03-13", "2020-04-13")
INDIA_WINDOW = ("2020-03-25", "2020-05-03")


@cache
def _europe():
    from eolab import datasets, pollution

    ds = datasets.load("s5p_no2_cities", region="europe")
    good = pollution.quality_filter(ds, min_qa=0.75)
    paris = pollution.city_series(good, "Paris", radius_km=40)
    everything = pollution.city_series(ds[pollution.NO2], "Paris")
    return paris, everything


def _change(answer, what="change_pct") -> float:
    """``change_pct`` from a lockdown_change Dataset, or a number in percent."""
    if hasattr(answer, "data_vars") and "change_pct" in answer.data_vars:
        return number(answer["change_pct"], what)
    return number(answer, what)


def exercise1(answer, show_solution: bool = False) -> Feedback:
    """*Only weekdays*: the Paris change from Monday–Friday only.

    ``answer``: the Dataset from ``pollution.lockdown_change(..., weekdays_only=True)``
    or its ``change_pct`` in percent.
    """
    from eolab import pollution

    paris, everything = _europe()
    expected = pollution.lockdown_change(paris, *PARIS_WINDOW, weekdays_only=True)
    all_days = pollution.lockdown_change(paris, *PARIS_WINDOW)
    unfiltered = pollution.lockdown_change(everything, *PARIS_WINDOW, weekdays_only=True)
    value = _change(answer)
    mistakes = [
        (
            "weekends kept",
            float(all_days.change_pct),
            "that is the change from all days; pass `weekdays_only=True` to keep Monday to "
            "Friday only.",
        ),
        (
            "cloudy pixels kept",
            float(unfiltered.change_pct),
            "that is the change from the unfiltered series: cloudy pixels kept. Use the `paris` "
            "series "
            "built from `quality_filter` output.",
        ),
        (
            "fraction not percent",
            float(expected.change_pct) / 100,
            "that looks like a fraction; `change_pct` is in percent.",
        ),
    ]
    feedback = verdict(
        value, float(expected.change_pct), 0.5, "weekday change", mistakes, show_solution, "%"
    )
    if feedback.correct and hasattr(answer, "data_vars") and "n_days" in answer.data_vars:
        if int(answer["n_days"]) != int(expected.n_days):
            return Feedback(
                False,
                f"The change is right but it rests on {int(answer['n_days'])} days, "
                "not the lesson's: check the window's dates.",
                "wrong window",
                feedback.solution,
            )
    return feedback


def exercise2(change_2020, change_2019, show_solution: bool = False) -> Feedback:
    """*Before and after*: the change from 14 Feb–12 Mar to 13 Mar–13 Apr, in 2020 and in 2019, in
    percent."""
    paris, _ = _europe()

    def before_after(year: int, sign: int = 1) -> float:
        before = float(paris.sel(time=slice(f"{year}-02-14", f"{year}-03-12")).mean())
        after = float(paris.sel(time=slice(f"{year}-03-13", f"{year}-04-13")).mean())
        return 100 * ((after / before) ** sign - 1)

    for year, answer in ((2020, change_2020), (2019, change_2019)):
        value = number(answer, f"change_{year}")
        mistakes = [
            (
                "swapped years",
                before_after(2019 if year == 2020 else 2020),
                f"that is the other year's change: give {year}'s as change_{year}.",
            ),
            (
                "divided the wrong way",
                before_after(year, -1),
                "you divided the window before by the window after; the change is after / "
                "before − 1.",
            ),
            (
                "fraction not percent",
                before_after(year) / 100,
                "that looks like a fraction: multiply by 100.",
            ),
            (
                "same dates of 2019 as baseline",
                float(_change_2019_baseline()) if year == 2020 else float("nan"),
                "that is the lockdown change against the same dates of 2019; this exercise "
                "compares the "
                "window with the four weeks just before it.",
            ),
        ]
        feedback = verdict(
            value, before_after(year), 1.0, f"{year} change", mistakes, show_solution, "%"
        )
        if not feedback.correct:
            return feedback
    return Feedback(
        True,
        "Right: both changes match. NO₂ falls from late winter to spring even in 2019, "
        "so a before/after comparison overstates the lockdown's effect.",
        None,
        feedback.solution,
    )


def _change_2019_baseline() -> float:
    from eolab import pollution

    paris, _ = _europe()
    return float(pollution.lockdown_change(paris, *PARIS_WINDOW).change_pct)


def exercise3(mean_2019_all, show_solution: bool = False) -> Feedback:
    """*Forget the quality filter*: the 2019 mean of the unfiltered Paris series.

    ``mean_2019_all``: a number (mol m⁻² or µmol m⁻²) or the unfiltered daily
    series itself (a DataArray on ``time``).
    """
    paris, everything = _europe()
    if hasattr(mean_2019_all, "dims") and "time" in getattr(mean_2019_all, "dims", ()):
        mean_2019_all = mean_2019_all.sel(time="2019").mean()
    value = number(mean_2019_all, "mean_2019_all")
    expected = float(everything.sel(time="2019").mean())
    filtered = float(paris.sel(time="2019").mean())
    if value > 1e-2:  # µmol m-2: compare in the same unit, and say so
        value = value / 1e6
    mistakes = [
        (
            "quality filter applied",
            filtered,
            "that is the mean of the *filtered* series (qa_value ≥ 0.75); the exercise asks "
            "for all "
            "retrievals, `ds[pollution.NO2]`, to see what cloudy pixels do.",
        ),
        (
            "whole record not 2019",
            float(everything.mean()),
            "that is the mean of the whole record; select 2019 first (`.sel(time='2019')`).",
        ),
    ]
    return verdict(
        value * 1e6,
        expected * 1e6,
        0.5,
        "2019 mean of all retrievals",
        [(n, v * 1e6, w) for n, v, w in mistakes],
        show_solution,
        "µmol m-2",
        "It is lower than the filtered mean: under clouds the retrieval misses NO₂ near the "
        "ground.",
    )


def exercise4(answer, show_solution: bool = False) -> Feedback:
    """*Delhi*: the lockdown change in Delhi, 25 March–3 May 2020 against 2019.

    ``answer``: the Dataset from ``pollution.lockdown_change`` or its ``change_pct``.
    """
    from eolab import datasets, pollution

    raw = datasets.load("s5p_no2_cities", region="south_asia")
    delhi = pollution.city_series(pollution.quality_filter(raw), "Delhi")
    expected = float(pollution.lockdown_change(delhi, *INDIA_WINDOW).change_pct)
    mistakes = [
        (
            "European window",
            float(pollution.lockdown_change(delhi, *PARIS_WINDOW).change_pct),
            "that uses Europe's lockdown dates (13 March–13 April); India locked down from 25 "
            "March to 3 May.",
        ),
        (
            "cloudy pixels kept",
            float(
                pollution.lockdown_change(
                    pollution.city_series(raw[pollution.NO2], "Delhi"), *INDIA_WINDOW
                ).change_pct
            ),
            "that comes from the unfiltered data: cloudy pixels kept. Apply "
            "`pollution.quality_filter` first.",
        ),
        (
            "fraction not percent",
            expected / 100,
            "that looks like a fraction; `change_pct` is in percent.",
        ),
    ]
    return verdict(_change(answer), expected, 0.5, "Delhi change", mistakes, show_solution, "%")
