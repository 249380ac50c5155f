"""Shared fixtures: the repository, the built site served on loopback, and Chromium.

Browser tests use Debian's ``chromium`` (installed by ``make test``) through
Playwright; they never download a browser.  Screenshots go to
``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from eonb_book.serve import serve
from eonb_book.settings import CHROMIUM_ARGS, ROOT, SITE_DIR

# The Sphinx extensions are modules of _ext/ (Sphinx finds them through _config.yml's
# local_extensions); the tests that check their functions import them from here.
sys.path.insert(0, str(ROOT / "_ext"))

# EONB_SITE points the tests at another built site, e.g. one page built with
# tools/build_lesson.py (_build/lessons/<name>/_build/html).
SITE = Path(os.environ.get("EONB_SITE", SITE_DIR))
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built website; `make test` builds it first."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"the website is not built ({SITE} has no index.html): run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    """Base URL of the built site served on 127.0.0.1 (ends with '/')."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver for the whole run (a second sync_playwright() inside
    the first one fails: "Sync API inside the asyncio loop")."""
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is not installed: `make test` installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch_chromium(playwright_session, extra_args=()):
    """Headless Debian Chromium with the course's arguments (plus ``extra_args``)."""
    return playwright_session.chromium.launch(
        executable_path=shutil.which("chromium"), args=[*CHROMIUM_ARGS, *extra_args]
    )


@pytest.fixture(scope="session")
def browser(playwright_session):
    """Headless Debian Chromium driven by Playwright."""
    b = launch_chromium(playwright_session)
    yield b
    b.close()


def html_pages(site_dir: Path) -> list[Path]:
    """Every content page of the built site (not search, index or lite pages)."""
    skip = {"search.html", "genindex.html"}
    return sorted(
        p
        for p in site_dir.rglob("*.html")
        if p.name not in skip and not {"_static", "lite", "_sources"} & set(p.parts)
    )


def open_guarded(browser, url: str, allowed, viewport=(1280, 900)):
    """Open ``url`` in a new page, refusing every request for which ``allowed(url)`` is false.

    Returns ``(page, console errors, refused URLs)``; the caller closes the page.
    ``data:`` and ``blob:`` URLs are always allowed (they never leave the browser).
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors, refused = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        request_url = route.request.url
        if request_url.startswith(("data:", "blob:")) or allowed(request_url):
            route.continue_()
        else:
            refused.append(request_url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, refused


# --- Markers from what a test uses, so `make unit` can leave the site out -------------
# A test that uses the built site (directly or through another fixture) is `build`; one
# that drives Chromium is `browser`.  `make unit` runs what is neither, nor `slow`.
_BUILD_FIXTURES = {"site_dir", "site_url"}
_BROWSER_FIXTURES = {"browser", "playwright_session"}


# Tests of more than about a second each (measured with `pytest --durations=0` on
# 2026-12-02, 2 cores): they build lesson-sized data, start clusters or servers, or run
# many weathers.  `make unit` leaves them out to stay within about a minute; `make test`
# runs them.  Add a test here (by function name) when it takes more than a second.
SLOW_TESTS = frozenset(
    {
        "test_a_checker_says_what_it_needs_for_a_bad_answer",
        "test_a_corrupted_byte_is_caught_by_the_checksum",
        "test_a_local_cluster_starts_with_the_memory_limit_and_computes",
        "test_a_mosaic_covers_both_tiles_and_fills_the_gap_of_one_from_the_other",
        "test_a_remote_cube_leaves_no_client_open_and_prints_nothing",
        "test_a_seed_gives_identical_data_and_another_seed_different_weather",
        "test_a_truncated_no2_truth_file_is_detected_and_rebuilt",
        "test_an_unknown_city_is_named_in_the_error",
        "test_an_unreachable_scheduler_gives_a_clear_message_within_seconds",
        "test_biomass_read_back_from_the_geotiff_is_the_injected_field",
        "test_biomass_shapefile_is_byte_reproducible",
        "test_build_is_deterministic_one_seed_same_bytes",
        "test_cities_are_found_in_geonames_by_name_and_country",
        "test_climatology_and_anomaly_trend_asked_together_make_each_chunk_once",
        "test_closing_stops_the_cluster_we_started_but_not_one_we_joined",
        "test_cloudy_retrievals_have_low_qa_and_bias_the_column_low",
        "test_each_citys_lockdown_drop_is_recovered_within_tolerance",
        "test_every_english_string_has_a_current_translation",
        "test_every_layer_is_shipped_with_valid_geometry_inside_the_globe",
        "test_files_hold_the_truth_and_a_seed_gives_identical_bytes",
        "test_fixture_matches_documented_layout",
        "test_landsat_water_area_from_mndwi_recovers_the_injected_area",
        "test_lesson1_exercise4_nemo_map",
        "test_lesson2a_exercise1_weekdays",
        "test_lesson2a_exercise4_delhi",
        "test_lesson2b_exercise1_protected_shares",
        "test_lesson3_exercise1_clearest_month",
        "test_lesson3_exercise3_threshold",
        "test_lesson4_exercise4_land_cover",
        "test_lesson5_exercise1_chunks",
        "test_maps_travel_in_the_page_as_bytes_of_002_degC_with_gaps_transparent",
        "test_maps_with_coastlines_borders_land_and_ocean_draw_without_downloading",
        "test_mean_biomass_per_forest_is_the_injected_value",
        "test_no2_peaks_in_winter_and_dips_on_sundays",
        "test_over_many_weathers_the_method_is_unbiased_and_its_interval_honest",
        "test_pixel_access_moves_at_least_ten_times_fewer_bytes_for_one_pixel_series",
        "test_qa_pixel_values_are_those_of_real_collection_2_scenes",
        "test_same_seed_same_values_whatever_the_chunking",
        "test_sst_big_fit_recovers_the_injected_trend_and_seasonal_cycle",
        "test_stop_joins_every_handler_thread_and_the_count_is_final",
        "test_template_executes_top_to_bottom",
        "test_the_catalogue_loads_the_cached_file_labelled_synthetic",
        "test_the_directive_names_a_missing_explanation_or_right_option",
        "test_the_gap_free_climatology_is_the_same_mean_and_refuses_gaps",
        "test_the_scheduler_address_comes_from_dask_config_eg_an_env_var",
        "test_the_search_finds_the_scenes_of_the_dates_below_the_cloud_limit",
        "test_the_stac_catalogue_searches_like_a_stac_api",
        "test_the_stores_have_the_promised_layouts_and_values",
        "test_two_processes_building_the_same_dataset_both_get_correct_data",
        "test_under_the_guard_a_cartopy_download_is_an_error_naming_the_file",
        "test_values_are_plausible_sea_surface_temperatures",
        "test_zonal_totals_match_an_independent_computation",
    }
)

# Module fixtures that build lesson-sized data or start a protocol server with its
# fixture archive (seconds each): the tests using them are slow too.
SLOW_FIXTURES = {
    "test_cube.py": {"store"},
    "test_no2.py": {"regions"},
    "test_sst_big.py": {"decade"},
    "test_landsat.py": {"archive"},
    "test_check.py": {"cube_data"},
    "test_translations.py": {"templates"},
    "test_real_lesson2a.py": {"orbits"},
    "test_real_lesson2b.py": {"ceda"},
    "test_real_lesson3.py": {"archive"},
    "test_real_lesson4.py": {"archive"},
    "test_real_lesson5.py": {"store"},
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _BUILD_FIXTURES:
            item.add_marker(pytest.mark.build)
        if used & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        heavy = SLOW_FIXTURES.get(item.path.name, set())
        if getattr(item, "originalname", item.name) in SLOW_TESTS or used & heavy:
            item.add_marker(pytest.mark.slow)
