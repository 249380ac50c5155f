"""No network: maps draw from the shipped Natural Earth, and the build made no download attempt."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import cartopy
import cartopy.feature as cfeature
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402

import eolab  # noqa: E402
from eolab import maps  # noqa: E402
from eolab._offline_maps import natural_earth_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["coastline", "land", "ocean", "admin_0_countries", "admin_0_boundary_lines_land"]


def test_importing_eolab_points_cartopy_at_the_shipped_natural_earth():
    assert Path(cartopy.config["pre_existing_data_dir"]) == eolab.NATURAL_EARTH_DIR


@pytest.mark.parametrize("resolution", ["110m", "50m"])
@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_is_shipped_with_valid_geometry_inside_the_globe(layer, resolution):
    from cartopy.io import shapereader

    geoms = list(shapereader.Reader(natural_earth_path(layer, resolution)).geometries())
    assert geoms, f"{layer} {resolution} is empty"
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    assert -180.0001 <= minx and maxx <= 180.0001 and -90.0001 <= miny and maxy <= 90.0001


def test_land_has_no_streaks_across_the_globe():
    """A mis-converted antimeridian shows up as land polygons spanning ~360 degrees."""
    from cartopy.io import shapereader

    for res in ("110m", "50m"):
        for geom in shapereader.Reader(natural_earth_path("land", res)).geometries():
            for part in getattr(geom, "geoms", [geom]):
                minx, _, maxx, _ = part.bounds
                # Antarctica legitimately spans the globe; nothing else does.
                if part.bounds[3] > -60:
                    assert maxx - minx < 300, f"{res} land polygon spans {maxx - minx:.0f} degrees"


def test_maps_with_coastlines_borders_land_and_ocean_draw_without_downloading():
    with warnings.catch_warnings():
        warnings.simplefilter("error", cartopy.io.DownloadWarning)
        for res in ("110m", "50m"):
            ax = maps.map_axes(extent=(30, 45, -5, 6), resolution=res, borders=True)
            ax.add_feature(cfeature.LAND.with_scale(res))
            ax.add_feature(cfeature.OCEAN.with_scale(res))
            ax.figure.canvas.draw()
            plt.close(ax.figure)


def test_unshipped_resolution_gets_a_clear_error():
    with pytest.raises(ValueError, match="10m.*not shipped.*110m"):
        natural_earth_path("coastline", "10m")
    with pytest.raises(ValueError, match="rivers.*shipped layers"):
        natural_earth_path("rivers_lake_centerlines", "110m")


def test_the_offline_guard_refuses_internet_but_allows_loopback(tmp_path):
    log = tmp_path / "guard.log"
    code = (
        "import socket, urllib.request\n"
        "try:\n    urllib.request.urlopen('https://naturalearth.s3.amazonaws.com/x.zip', "
        "timeout=5)\n"
        "except OSError as e:\n    print('blocked' if 'offline guard' in str(e) else 'other', "
        "flush=True)\n"
        "s = socket.socket()\n"
        "try:\n    s.connect(('127.0.0.1', 9))\nexcept ConnectionRefusedError:\n    "
        "print('loopback ok')\n"
    )
    env = dict(
        os.environ, PYTHONPATH=str(ROOT / "tools" / "offline_guard"), EOLAB_OFFLINE_LOG=str(log)
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.stdout.split() == ["blocked", "loopback", "ok"], out.stderr
    assert "naturalearth.s3.amazonaws.com" in log.read_text()


def test_under_the_guard_a_cartopy_download_is_an_error_naming_the_file():
    code = (
        "import matplotlib; matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt, cartopy.crs as ccrs, cartopy.feature as cf\n"
        "ax = plt.axes(projection=ccrs.PlateCarree()); ax.add_feature(cf.RIVERS)\n"
        "try:\n    plt.gcf().canvas.draw()\nexcept Exception as e:\n    "
        "print(type(e).__name__, e)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools" / "offline_guard"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.startswith("DownloadWarning Downloading: https://naturalearth"), (
        out.stdout + out.stderr
    )
    assert "rivers_lake_centerlines" in out.stdout


@pytest.mark.build
def test_the_full_build_made_no_network_attempt(site_dir):
    """`make book` runs with the guard on and logs every refused connection here."""
    log = ROOT / "_build" / "offline-guard.log"
    assert not log.exists() or log.read_text() == "", log.read_text()


@pytest.mark.build
def test_executing_lessons_left_no_files_in_the_sources():
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "book", "_contents"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    stray = [
        line
        for line in out.stdout.splitlines()
        if line.startswith("??") and "book/_static/vendor" not in line and not line.endswith(".md")
    ]
    assert stray == [], f"files written into the sources by the build: {stray}"
