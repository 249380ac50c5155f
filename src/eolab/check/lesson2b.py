"""Checkers for Lesson 2b, *How much carbon do Kenya's forests hold?*"""

from __future__ import annotations

from functools import cache

import numpy as np

from . import Feedback, number, verdict

__all__ = ["exercise1", "exercise2", "exercise3", "exercise4"]


@cache
def _data():
    import geopandas as gpd
    import rioxarray

    from eolab import regions
    from eolab.synthetic import biomass

    paths = biomass.files()
    agb = rioxarray.open_rasterio(paths["agb"], masked=True).squeeze("band", drop=True)
    agb_sd = rioxarray.open_rasterio(paths["agb_sd"], masked=True).squeeze("band", drop=True)
    world = gpd.read_file(paths["countries"])
    kenya = world[world.ADMIN == "Kenya"]
    stats = regions.zonal_stats(agb, kenya, by="NAME", uncertainty=agb_sd)
    return paths, agb, kenya, stats


def exercise1(biomass_share_pct, land_share_pct, show_solution: bool = False) -> Feedback:
    """*How much is protected?*: the share (%) of Kenya's above-ground biomass that
    the two forest areas hold, and the share (%) of Kenya's land they cover."""
    import geopandas as gpd

    from eolab import regions

    paths, agb, kenya, stats = _data()
    protected = gpd.read_file(paths["protected_areas"]).to_crs(agb.rio.crs)
    pa = regions.zonal_stats(agb, protected, by="NAME")
    k = stats.sel(region="Kenya")
    forests = pa.sel(region=pa.region.str.contains("Forest|Kenya")).sum("region")
    every = pa.sum("region")
    biomass = number(biomass_share_pct, "biomass_share_pct")
    land = number(land_share_pct, "land_share_pct")
    want_b = 100 * float(forests.total / k.total)
    want_l = 100 * float(forests.area_km2 / k.area_km2)
    solution = (
        f"{want_b:.1f} % of the biomass on {want_l:.2f} % of the land" if show_solution else None
    )
    if abs(biomass - want_b) <= 0.5 and abs(land - want_l) <= 0.05:
        return Feedback(
            True,
            "Right: both shares match. A little protected forest holds a lot of carbon.",
            None,
            solution,
        )
    if abs(biomass - want_l) <= 0.05 and abs(land - want_b) <= 0.5:
        return Feedback(
            False,
            "Not quite: the two shares are swapped (biomass first, then land).",
            "swapped",
            solution,
        )
    if abs(biomass - 100 * float(every.total / k.total)) <= 0.5:
        return Feedback(
            False,
            "Not quite: that counts all three protected areas; the question asks for the two "
            "forest areas only (the savanna area holds little per hectare).",
            "all three areas",
            solution,
        )
    if abs(biomass - want_b / 100) <= 0.005:
        return Feedback(
            False,
            "Not quite: those look like fractions; give percent (× 100).",
            "fraction not percent",
            solution,
        )
    return Feedback(
        False,
        f"Not quite: I compared your shares ({biomass:.2f} %, {land:.2f} %) with the lesson's, "
        "allowing ± 0.5 % for biomass and ± 0.05 % for land; they differ. Did you divide the two "
        "forest "
        "areas' totals by Kenya's?",
        "unknown",
        solution,
    )


def exercise2(bounds, show_solution: bool = False) -> Feedback:
    """*What goes wrong without reprojection?*: the ``total_bounds`` of the protected
    areas read again without ``to_crs``."""
    import geopandas as gpd

    paths, agb, _, _ = _data()
    raw = gpd.read_file(paths["protected_areas"])
    got = np.asarray(bounds, dtype=float).ravel()
    if got.size != 4:
        raise TypeError(f"bounds must be four numbers (minx, miny, maxx, maxy), got {got.size}")
    want = raw.total_bounds
    solution = f"{np.round(want, 0)} (metres, EPSG:21037)" if show_solution else None
    if np.allclose(got, want, atol=1.0):
        return Feedback(
            True,
            "Right: these are metres in EPSG:21037 (UTM zone 37S), nothing like the raster's "
            "degrees: overlaid as plain numbers they never meet.",
            None,
            solution,
        )
    if np.allclose(got, raw.to_crs(agb.rio.crs).total_bounds, atol=0.01):
        return Feedback(
            False,
            "Not quite: these are the bounds *after* `to_crs`, in degrees; read the file again "
            "without reprojecting to see what a careless tool would see.",
            "already reprojected",
            solution,
        )
    if np.allclose(got, np.asarray(agb.rio.bounds()), atol=0.01):
        return Feedback(
            False,
            "Not quite: these are the raster's bounds (`agb.rio.bounds()`), not the polygons'.",
            "raster bounds",
            solution,
        )
    return Feedback(
        False,
        "Not quite: I compared your four numbers with the file's `total_bounds` (± 1 m), "
        "the reprojected ones and the raster's; they match none.",
        "unknown",
        solution,
    )


def exercise3(difference_pct, show_solution: bool = False) -> Feedback:
    """*Check with an equal-area projection*: 100 × (equal-area total / lat-lon total − 1), in %."""
    from eolab import regions

    _, agb, kenya, stats = _data()
    agb_ea = agb.rio.reproject("EPSG:6933")
    ea = float(
        regions.zonal_stats(agb_ea, kenya.to_crs("EPSG:6933"), by="NAME").total.sel(region="Kenya")
    )
    ll = float(stats.total.sel(region="Kenya"))
    expected = 100 * (ea / ll - 1)
    mistakes = [
        (
            "divided the wrong way",
            100 * (ll / ea - 1),
            "you divided the lat/lon total by the equal-area one; "
            "the question asks for equal-area / lat-lon − 1.",
        ),
        ("fraction not percent", expected / 100, "that looks like a fraction; multiply by 100."),
        (
            "pixel count not area",
            100 * (float(agb_ea.count()) / float(agb.count()) - 1),
            "that compares pixel counts; compare the biomass totals from `regions.zonal_stats`.",
        ),
    ]
    return verdict(
        number(difference_pct, "difference_pct"),
        expected,
        0.05,
        "difference",
        mistakes,
        show_solution,
        "%",
        "Reprojecting a raster resamples it, so the totals differ a little.",
    )


def exercise4(carbon_tg_c, show_solution: bool = False) -> Feedback:
    """*Another carbon fraction*: Kenya's carbon total (Tg C) with a carbon fraction of 0.5."""
    from eolab import regions

    _, _, _, stats = _data()
    total = stats.sel(region="Kenya").total
    expected = float(regions.carbon_stock(total, 0.5)) / 1e6
    mistakes = [
        (
            "fraction 0.47",
            float(regions.carbon_stock(total, 0.47)) / 1e6,
            "that uses the IPCC fraction 0.47; the exercise asks for 0.5.",
        ),
        ("CO2 not carbon", expected * 44 / 12, "that is CO₂ (carbon × 44/12), not carbon."),
        ("Mg not Tg", expected * 1e6, "that is in Mg (tonnes); 1 Tg = 10⁶ Mg."),
        (
            "biomass not carbon",
            float(total) / 1e6,
            "that is the biomass itself; multiply by the carbon fraction.",
        ),
    ]
    return verdict(
        number(carbon_tg_c, "carbon_tg_c"),
        expected,
        0.5,
        "carbon total",
        mistakes,
        show_solution,
        "Tg C",
    )
