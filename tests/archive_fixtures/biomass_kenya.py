"""Test fixture shaped like ESA CCI Biomass v6.0 100 m GeoTIFF tiles, with KNOWN regional means.

SYNTHETIC values in the real product's layout: full-size tiles (11250 x 11250 pixels of
1/1125 degree, EPSG:4326, one band, int16, nodata -32768, Mg ha-1), named and foldered as
on CEDA (``v6.0/geotiff/2020/N00E030_ESACCI-BIOMASS-L4-AGB-MERGED-100m-2020-fv6.0.tif``
and the ``AGB_SD`` twin).  They are internally tiled (256 x 256, DEFLATE) so a window
read fetches a few blocks; each file is about 4 MB.

The truth: inside each region of :data:`REGIONS` (the lesson's SYNTHETIC protected-area
outlines, in EPSG:4326) AGB is a constant, so the area-weighted mean per region is
exactly that constant; outside them AGB is :data:`BACKGROUND`.  A patch of nodata
(:data:`NODATA_BOX`, a "lake") lies inside the Mau outline: it must be left out of the
mean and of the area.  SD = 25 % of AGB.  The background is 25-35 Mg ha-1 in cells of
16 x 16 pixels, so blocks compress to a few hundred bytes: the tile index (the
GeoTIFF's header) stays a small part of the file, as in a real 100 MB tile.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TILE = 11250
RES = 10 / TILE
NODATA = -32768
BLOCK = 256
YEAR, VERSION = 2020, "6.0"
TILES = {"N10E030": (10, 30), "N00E030": (0, 30)}  # name -> (lat top, lon left)
REGION_AGB = {"Mount Kenya (SYNTHETIC outline)": 240, "Mau Forest (SYNTHETIC outline)": 180}
BACKGROUND = 30
NODATA_BOX = (35.70, -0.60, 35.80, -0.50)  # west, south, east, north: inside the Mau outline


def regions():
    """The lesson's two forest outlines (GeoDataFrame, EPSG:4326) with a NAME column."""
    from eolab.synthetic import biomass

    gdf = biomass.protected_areas().to_crs("EPSG:4326")
    return gdf[gdf.NAME.isin(list(REGION_AGB))].reset_index(drop=True)


def relpath(tile: str, layer: str) -> str:
    name = {"agb": "AGB", "agb_sd": "AGB_SD"}[layer]
    return (
        f"v{VERSION}/geotiff/{YEAR}/{tile}_ESACCI-BIOMASS-L4-{name}-MERGED-100m-"
        f"{YEAR}-fv{VERSION}.tif"
    )


def _strip(top: int, left: int, row0: int, nrows: int, shapes, rng) -> np.ndarray:
    """AGB of rows ``row0:row0+nrows`` of a tile: textured background, constant regions."""
    from rasterio.features import rasterize
    from rasterio.transform import from_origin
    from rasterio.windows import from_bounds

    # background: 16 x 16 pixel cells of 25-35 Mg/ha, compressible like a real dry savanna
    cells = rng.integers(
        BACKGROUND - 5, BACKGROUND + 6, (-(-nrows // 16), TILE // 16 + 1), dtype="int16"
    )
    agb = np.repeat(np.repeat(cells, 16, 0), 16, 1)[:nrows, :TILE].copy()
    transform = from_origin(left, top - row0 * RES, RES, RES)
    burn = shapes + [(_box(NODATA_BOX), NODATA)]
    w = min(s[0].bounds[0] for s in burn)
    s_ = min(s[0].bounds[1] for s in burn)
    e = max(s[0].bounds[2] for s in burn)
    n = max(s[0].bounds[3] for s in burn)
    win = from_bounds(w, s_, e, n, transform)
    r0, c0 = max(0, int(win.row_off) - 1), max(0, int(win.col_off) - 1)
    r1 = min(nrows, int(win.row_off + win.height) + 2)
    c1 = min(TILE, int(win.col_off + win.width) + 2)
    if r1 > r0 and c1 > c0:
        sub = from_origin(left + c0 * RES, top - (row0 + r0) * RES, RES, RES)
        burned = rasterize(burn, out_shape=(r1 - r0, c1 - c0), transform=sub, fill=0, dtype="int16")
        part = agb[r0:r1, c0:c1]
        agb[r0:r1, c0:c1] = np.where(burned != 0, burned, part)
    return agb


def _box(b):
    from shapely.geometry import box

    return box(*b)


def write_drifted(folder: Path) -> dict[str, Path]:
    """Tile N00E030 (both layers) as if the archive changed: UTM 37S, not EPSG:4326.

    Small files: the reader must refuse them from the header, before reading pixels.
    """
    import rasterio
    from rasterio.transform import from_origin

    out = {}
    for layer in ("agb", "agb_sd"):
        path = Path(folder) / relpath("N00E030", layer)
        path.parent.mkdir(parents=True, exist_ok=True)
        with rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=BLOCK,
            height=BLOCK,
            count=1,
            dtype="int16",
            crs="EPSG:32737",
            nodata=NODATA,
            transform=from_origin(166000, 10000000, 100, 100),
        ) as dst:
            dst.write(np.full((BLOCK, BLOCK), BACKGROUND, "int16"), 1)
        out[relpath("N00E030", layer)] = path
    return out


def write_tiles(folder: Path, tiles=tuple(TILES)) -> dict[str, Path]:
    """Write ``tiles`` x two layers (AGB, AGB_SD) under ``folder``; returns {relpath: path}."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    gdf = regions()
    shapes = [(geom, REGION_AGB[name]) for name, geom in zip(gdf.NAME, gdf.geometry, strict=True)]
    out = {}
    rng = np.random.default_rng(2020)
    for tile in tiles:
        top, left = TILES[tile]
        profile = dict(
            driver="GTiff",
            width=TILE,
            height=TILE,
            count=1,
            dtype="int16",
            crs="EPSG:4326",
            transform=from_origin(left, top, RES, RES),
            nodata=NODATA,
            tiled=True,
            blockxsize=BLOCK,
            blockysize=BLOCK,
            compress="deflate",
            predictor=2,
            zlevel=1,
        )
        paths = {layer: Path(folder) / relpath(tile, layer) for layer in ("agb", "agb_sd")}
        for p in paths.values():
            p.parent.mkdir(parents=True, exist_ok=True)
        with (
            rasterio.open(paths["agb"], "w", **profile) as dst_agb,
            rasterio.open(paths["agb_sd"], "w", **profile) as dst_sd,
        ):
            for row0 in range(0, TILE, 2048):
                nrows = min(2048, TILE - row0)
                lat0, lat1 = top - (row0 + nrows) * RES, top - row0 * RES
                near = [s for s in shapes if s[0].bounds[1] < lat1 and s[0].bounds[3] > lat0]
                agb = _strip(top, left, row0, nrows, near, rng)
                sd = np.where(agb == NODATA, NODATA, agb // 4).astype("int16")
                window = Window(0, row0, TILE, nrows)
                dst_agb.write(agb, 1, window=window)
                dst_sd.write(sd, 1, window=window)
            for dst in (dst_agb, dst_sd):
                dst.update_tags(TITLE=f"SYNTHETIC test tile shaped like ESA CCI Biomass {tile}")
        out.update({relpath(tile, layer): p for layer, p in paths.items()})
    return out


def truth() -> dict:
    """Known area-weighted mean AGB (Mg ha-1) per region name."""
    return dict(REGION_AGB)


def structure(tmp_path: Path):
    """The layout of one fixture tile, as rioxarray opens it (like the schema's top level)."""
    import rioxarray

    paths = write_tiles(tmp_path, tiles=("N00E030",))
    return rioxarray.open_rasterio(paths[relpath("N00E030", "agb")]).to_dataset(name="agb")
