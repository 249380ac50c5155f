"""Navigate a climate-data archive laid out the way a data centre lays it out.

Data centres such as CEDA (on JASMIN, ``/badc/cmip6/data``) store CMIP6 files
in a fixed tree of folders, the *data reference syntax* (DRS)::

    CMIP6/<activity>/<institute>/<model>/<experiment>/<member>/<table>/<variable>/<grid>/<version>/<file>.nc
    CMIP6/CMIP/MOHC/HadGEM3-GC31-LL/historical/r1i1p1f3/Amon/tas/gn/v20190624/tas_Amon_..._185001-189912.nc

Each folder level is a *facet*.  :func:`find_files` walks only the folders
that match the facets you ask for and returns a tidy :class:`pandas.DataFrame`
(one row per file: its facets and its path), so the same code works on a
laptop and on a JupyterHub next to the archive.  :func:`sample_archive` lays
out real CMIP6 sample files (the ``esmvaltool-sample-data`` package) in such a
tree so the course can practise offline.

>>> from eolab import archive
>>> root = archive.sample_archive()                      # doctest: +SKIP
>>> files = archive.find_files(root, model="CanESM5", table="Amon", variable="ta")  # doctest: +SKIP
>>> ds = archive.open_files(files)                       # doctest: +SKIP
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from eolab.datasets import cache_dir, package_data_dir

CMIP6_FACETS: tuple[str, ...] = (
    "mip_era",
    "activity",
    "institute",
    "model",
    "experiment",
    "member",
    "table",
    "variable",
    "grid",
    "version",
)
"""The folder levels of the CMIP6 data reference syntax, top to bottom."""

FACET_ALIASES = {
    "activity_id": "activity",
    "institution_id": "institute",
    "institution": "institute",
    "source_id": "model",
    "source": "model",
    "experiment_id": "experiment",
    "member_id": "member",
    "variant_label": "member",
    "ensemble": "member",
    "table_id": "table",
    "mip_table": "table",
    "variable_id": "variable",
    "var": "variable",
    "grid_label": "grid",
}
"""CMIP6 global-attribute names (``source_id`` ...) accepted as facet names."""

CEDA_CMIP6_ROOT = Path("/badc/cmip6/data")
"""Where CMIP6 lives on JASMIN (CEDA archive), above the ``CMIP6/`` folder."""

DATASET_FACETS = ("model", "experiment", "member", "table", "variable", "grid")
"""Facets that identify one dataset (its files differ only by time period)."""

NETCDF_DEFAULT_FILL = 9.969209968386869e36
"""netCDF's default fill value for floats: a gap, not a temperature."""

_PERIOD = re.compile(r"_(\d{4,14})-(\d{4,14})\.nc$")
_SAMPLE_STAMP = ".eolab-archive.json"


# --------------------------------------------------------------------------
# The offline sample archive
# --------------------------------------------------------------------------


def _is_noncommercial(path: Path) -> bool:
    """True if a netCDF file's ``license`` attribute is a NonCommercial licence."""
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        licence = str(getattr(nc, "license", ""))
    return "noncommercial" in licence.replace("-", "").replace(" ", "").lower()


def sample_archive(
    root: str | os.PathLike | None = None, include_noncommercial: bool = False
) -> Path:
    """Lay out real CMIP6 sample files as a data centre does, and return the archive root.

    The files are tiny cut-outs (a few grid points near the North Pole, two
    pressure levels) of air temperature ``ta`` from the CMIP6 *historical*
    runs of about 45 models, shipped by the PyPI package
    ``esmvaltool-sample-data``.  They are linked (or copied where links are
    not allowed) into ``<root>/badc/cmip6/data/CMIP6/...``, mirroring the
    CEDA archive on JASMIN.  Building takes about a second and happens once.

    Parameters
    ----------
    root : path, optional
        Folder to build in; ``eolab.datasets.cache_dir("archive")`` by default.
    include_noncommercial : bool
        Also link files whose licence forbids commercial use (the two
        IPSL-CM6A-LR files, CC BY-NC-SA 4.0).  Off by default so that what the
        course publishes stays under share-alike licences that allow reuse.

    Returns
    -------
    pathlib.Path
        The archive root, ``<root>/badc/cmip6/data``, the counterpart of
        :data:`CEDA_CMIP6_ROOT`; pass it to :func:`find_files`.
    """
    source = package_data_dir("esmvaltool_sample_data") / "data" / "timeseries"
    base = Path(root) if root is not None else cache_dir("archive")
    archive_root = base / "badc" / "cmip6" / "data"
    stamp = {"source": str(source), "include_noncommercial": bool(include_noncommercial)}
    stamp_file = archive_root / _SAMPLE_STAMP
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return archive_root

    if archive_root.exists() and not stamp_file.exists() and any(archive_root.iterdir()):
        raise FileExistsError(
            f"{str(archive_root)!r} exists and holds files eolab did not make; eolab will "
            "not replace them. Pass another root= (a new or empty folder)"
        )
    files = sorted(source.glob("CMIP6/*/*/*/*/*/*/*/*/*/*.nc"))
    if not files:
        raise FileNotFoundError(
            f"no CMIP6 files found under {source}; reinstall esmvaltool-sample-data"
        )
    base.mkdir(parents=True, exist_ok=True)
    # Build in a temporary folder and move it into place, so a reader never
    # sees a half-built archive (several lessons may build at once).
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
    for f in files:
        if not include_noncommercial and _is_noncommercial(f):
            continue
        target = tmp / f.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.symlink_to(f)
        except OSError:  # e.g. Windows without developer mode
            shutil.copy2(f, target)
    (tmp / _SAMPLE_STAMP).write_text(json.dumps(stamp))
    archive_root.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if archive_root.exists():
        old = archive_root.with_name(f".old-{os.getpid()}")
        archive_root.rename(old)
    try:
        tmp.rename(archive_root)
    except OSError:  # another process finished first: use theirs
        shutil.rmtree(tmp, ignore_errors=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return archive_root


# --------------------------------------------------------------------------
# Finding files by facet
# --------------------------------------------------------------------------


def _normalise_facets(facets: dict) -> dict[str, list[str]]:
    wanted: dict[str, list[str]] = {}
    for key, value in facets.items():
        name = FACET_ALIASES.get(key, key)
        if name not in CMIP6_FACETS:
            raise ValueError(
                f"unknown facet {key!r}; valid facets are {', '.join(CMIP6_FACETS)} "
                f"(CMIP6 attribute names such as 'source_id' also work)"
            )
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        if not values or not all(isinstance(v, str) for v in values):
            raise ValueError(f"facet {key}= needs a string or a list of strings, got {value!r}")
        wanted[name] = values
    return wanted


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def find_files(root: str | os.PathLike, **facets) -> pd.DataFrame:
    """Find the netCDF files of a CMIP6-style archive that match some facets.

    Parameters
    ----------
    root : path
        The folder that holds ``CMIP6/``: :func:`sample_archive` offline,
        :data:`CEDA_CMIP6_ROOT` (``/badc/cmip6/data``) on JASMIN.
    **facets : str or list of str
        Any of :data:`CMIP6_FACETS`, e.g. ``model="CanESM5"``,
        ``table="Amon"``, ``variable="ta"``, ``experiment="historical"``.
        A list means "any of these"; shell wildcards work (``model="CESM2*"``).
        Facets you leave out match everything.  When ``version`` is not
        given, CEDA's ``latest`` links are skipped so no file is listed twice.

    Returns
    -------
    pandas.DataFrame
        One row per file, sorted: a column per facet, ``period`` (the time
        range in the file name, e.g. ``"185001-201412"``) and ``path``.

    Raises
    ------
    FileNotFoundError
        If ``root`` does not exist or holds no ``CMIP6`` folder.
    ValueError
        For an unknown facet name, or a facet value with no files; the
        message lists the values that do exist at that level.
    """
    root = Path(root)
    wanted = _normalise_facets(facets)
    if not (root / "CMIP6").is_dir():
        raise FileNotFoundError(
            f"{root} holds no CMIP6/ folder; give the folder above CMIP6/, "
            f"e.g. {CEDA_CMIP6_ROOT} on JASMIN or archive.sample_archive() offline"
        )
    folders = [root]
    chosen: dict[str, list[str]] = {}
    for facet in CMIP6_FACETS:
        children = [c for f in folders for c in _subfolders(f)]
        if facet == "version" and facet not in wanted:
            children = [c for c in children if c.name != "latest"]
        if facet in wanted:
            kept = [c for c in children if _matches(c.name, wanted[facet])]
            if not kept:
                valid = sorted({c.name for c in children})
                where = (
                    ", ".join(f"{k}={v[0] if len(v) == 1 else v}" for k, v in chosen.items())
                    or "anywhere"
                )
                raise ValueError(
                    "no files with "
                    f"{facet}={wanted[facet][0] if len(wanted[facet]) == 1 else wanted[facet]!r} "
                    f"({where}); valid {facet} values there are: {', '.join(valid) or 'none'}"
                )
            children = kept
            chosen[facet] = wanted[facet]
        folders = children
    rows = []
    for folder in folders:
        parts = folder.relative_to(root).parts
        for path in sorted(folder.glob("*.nc")):
            match = _PERIOD.search(path.name)
            rows.append(
                {
                    **dict(zip(CMIP6_FACETS, parts, strict=False)),
                    "period": f"{match.group(1)}-{match.group(2)}" if match else "",
                    "path": str(path),
                }
            )
    if not rows:
        raise ValueError(f"the folders matching {facets} hold no .nc files")
    return pd.DataFrame(rows, columns=[*CMIP6_FACETS, "period", "path"])


# --------------------------------------------------------------------------
# Opening what you found
# --------------------------------------------------------------------------


def _paths(files) -> list[str]:
    if isinstance(files, pd.DataFrame):
        if "path" not in files:
            raise ValueError("the table needs a 'path' column, as returned by find_files()")
        keys = [k for k in DATASET_FACETS if k in files]
        datasets = files[keys].drop_duplicates()
        if len(datasets) > 1:
            listing = "; ".join("/".join(r) for r in datasets.astype(str).itertuples(index=False))
            raise ValueError(
                f"these files belong to {len(datasets)} datasets ({listing}); open one "
                "at a time, e.g. files[files['model'] == 'CanESM5']"
            )
        return list(files["path"])
    if isinstance(files, (str, os.PathLike)):
        return [str(files)]
    return [str(f) for f in files]


def open_files(files, mask_fill: bool = True) -> xr.Dataset:
    """Open the files of one dataset (one model, run, table and variable) as one Dataset.

    A wrapper around :func:`xarray.open_mfdataset` that joins the files along
    time, decodes every model calendar (``noleap``, ``360_day``, ``julian``,
    ``proleptic_gregorian``) with cftime, and drops the bookkeeping
    attributes that differ from file to file.

    Parameters
    ----------
    files : pandas.DataFrame or path or list of paths
        Rows of :func:`find_files` for one dataset, or file paths.
    mask_fill : bool
        Replace netCDF's default fill value (9.97e36, used where a pressure
        level lies below the ground) with NaN.  The sample cut-outs lost the
        ``_FillValue`` attribute that normally tells xarray to do this.

    Returns
    -------
    xarray.Dataset
        Lazy (Dask-backed); call ``.load()`` or compute a reduction.
    """
    paths = _paths(files)
    if not paths:
        raise ValueError("no files to open: the selection is empty")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} file(s) do not exist, e.g. {missing[0]}")
    with warnings.catch_warnings():
        # Some model files carry non-standard calendar attributes that xarray
        # reports while decoding; the decoded times are still correct.
        warnings.filterwarnings("ignore", message=".*non-standard calendar.*")
        ds = xr.open_mfdataset(
            paths,
            combine="by_coords",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="outer",
            combine_attrs="drop_conflicts",
            decode_times=xr.coders.CFDatetimeCoder(use_cftime=True),
        )
    if mask_fill:
        for name, var in ds.data_vars.items():
            if np.issubdtype(var.dtype, np.floating):
                ds[name] = var.where(var < NETCDF_DEFAULT_FILL / 10).assign_attrs(var.attrs)
    return ds


def annual_mean_by_model(
    files: pd.DataFrame,
    variable: str = "ta",
    plev_pa: float | None = 92500.0,
    years: tuple[int, int] | None = None,
) -> xr.DataArray:
    """Area-mean, annual-mean series of one variable for every model in a table.

    Each model is opened with :func:`open_files`, the pressure level
    ``plev_pa`` selected, the grid points averaged with cos(latitude)
    weights and the months averaged per calendar year.  Years, not dates,
    make models with different calendars comparable.

    Parameters
    ----------
    files : pandas.DataFrame
        Rows of :func:`find_files` (one table and variable, any models).
    variable : str
        Variable name in the files, e.g. ``"ta"``.
    plev_pa : float or None
        Pressure level in Pa (92500 = 925 hPa); None if the data have no
        ``plev`` dimension.
    years : (int, int), optional
        First and last year to keep.

    Returns
    -------
    xarray.DataArray
        Dimensions ``(model, year)``, in the variable's units.
    """
    if not isinstance(files, pd.DataFrame) or "model" not in files:
        raise TypeError("files must be the table returned by find_files()")
    series = []
    for model, rows in files.groupby("model", sort=True):
        da = open_files(rows)[variable]
        if plev_pa is not None:
            levels = da["plev"].values
            if not np.isclose(levels, plev_pa, rtol=1e-6).any():
                raise ValueError(
                    f"{model}: no level plev={plev_pa} Pa; the file has {levels.tolist()} Pa"
                )
            da = da.sel(plev=plev_pa, method="nearest")
        weights = np.cos(np.deg2rad(da["lat"]))
        da = da.weighted(weights).mean(("lat", "lon"))
        yearly = da.groupby("time.year").mean().load()
        if years is not None:
            yearly = yearly.sel(year=slice(*years))
        series.append(
            yearly.drop_vars([c for c in yearly.coords if c != "year"]).expand_dims(model=[model])
        )
    out = xr.concat(series, dim="model", join="outer")
    attrs = open_files(files.iloc[[0]])[variable].attrs
    out.attrs = {
        "units": attrs.get("units", ""),
        "long_name": f"Annual mean {attrs.get('long_name', variable)}"
        + (f" at {plev_pa / 100:g} hPa" if plev_pa is not None else ""),
    }
    out.name = variable
    return out
