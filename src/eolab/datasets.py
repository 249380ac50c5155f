"""The catalogue of every dataset EO Notebooks uses.

Every dataset a lesson opens is listed in :data:`ENTRIES` below with what
it is, whether it is real or synthetic, the real product it stands for,
where its bytes come from, its licence, and a loader that returns an
:class:`xarray.Dataset` with CF attributes and units.

>>> from eolab import datasets
>>> datasets.catalogue()            # doctest: +SKIP
>>> sst = datasets.load("ostia_sst")  # doctest: +SKIP

To follow a name to its loader, read :data:`ENTRIES`: real data come from
:mod:`eolab.sample_data`, synthetic data from one module of
:mod:`eolab.synthetic` each, whose ``INFO`` names its ``load`` function.
``datasets.load(name, source="real")`` asks :mod:`eolab.archives` for the
real product instead (that needs the network, and is never the default).

Where generated files are kept (``cache_dir`` and the safe folder helpers)
is the job of :mod:`eolab.cache`; the names are importable from here too.
"""

from __future__ import annotations

import pandas as pd
import xarray as xr

from eolab import sample_data
from eolab.cache import (  # noqa: F401  (re-exported: lessons use datasets.cache_dir)
    _VERIFIED,
    MARKER,
    _building,
    _check_target,
    _clean_stale,
    _file_digest,
    _inventory,
    _lock,
    building_folder,
    cache_dir,
    cache_root,
    check_complete,
    ensure_folder,
    is_ours,
    synthetic_note,
    write_marker,
)
from eolab.dataset_info import KINDS, DatasetInfo  # noqa: F401  (re-exported)
from eolab.sample_data import package_data_dir  # noqa: F401  (re-exported)
from eolab.synthetic import biomass, landsat, no2, reflectance, soil_moisture, sst_big

ENTRIES: tuple[DatasetInfo, ...] = (
    # real data, from files that PyPI packages install
    sample_data.OSTIA_SST,  # loader: eolab.sample_data.load_ostia_sst
    sample_data.NEMO_TOS,  # loader: eolab.sample_data.load_nemo_tos
    sample_data.CMIP6_TA,  # loader: eolab.sample_data.load_cmip6_ta
    # synthetic data: each generator's INFO, loader = the module's load()
    no2.INFO,  # s5p_no2_cities: eolab.synthetic.no2.load
    biomass.INFO,  # biomass_kenya: eolab.synthetic.biomass.load
    landsat.INFO,  # landsat_gaborone: eolab.synthetic.landsat.load
    reflectance.INFO,  # sentinel2_tiles: eolab.synthetic.reflectance.load
    soil_moisture.INFO,  # soil_moisture_europe: eolab.synthetic.soil_moisture.load
    sst_big.INFO,  # sst_big: eolab.synthetic.sst_big.load
)
"""Every dataset of the course, real then synthetic."""

GENERATORS = (no2, biomass, landsat, reflectance, soil_moisture, sst_big)
"""The synthetic generators.  Each has ``build``, ``load``, ``ground_truth`` and ``INFO``."""

SOURCES = ("synthetic", "real")
"""What :func:`load` can open: the course's own copy, or the real product from its archive."""


def _entries() -> dict[str, DatasetInfo]:
    entries: dict[str, DatasetInfo] = {}
    for entry in ENTRIES:
        if entry.name in entries:
            raise RuntimeError(f"dataset {entry.name!r} is listed twice in eolab.datasets.ENTRIES")
        entries[entry.name] = entry
    return entries


def names() -> list[str]:
    """Names of all datasets in the catalogue, sorted."""
    return sorted(_entries())


def info(name: str) -> DatasetInfo:
    """Catalogue entry for ``name``.

    Raises
    ------
    KeyError
        If ``name`` is not in the catalogue; the message lists valid names.
    """
    entries = _entries()
    if name not in entries:
        raise KeyError(
            f"no dataset called {name!r} in the EO Notebooks catalogue; "
            f"known datasets: {', '.join(sorted(entries))}"
        )
    return entries[name]


def describe(name: str) -> str:
    """Human-readable description of one dataset (see :meth:`DatasetInfo.describe`)."""
    return info(name).describe()


def catalogue() -> pd.DataFrame:
    """The whole catalogue as a table, one row per dataset."""
    rows = [
        {
            "name": i.name,
            "title": i.title,
            "kind": i.kind,
            "real product": i.real_product,
            "licence": i.licence,
            "lessons": ", ".join(i.lessons),
        }
        for i in _entries().values()
    ]
    return pd.DataFrame(rows).set_index("name").sort_index()


def _real_names(archives) -> list[str] | None:
    """Names that :mod:`eolab.archives` can load, if it says so."""
    for attr in ("real_names", "names"):
        listing = getattr(archives, attr, None)
        if callable(listing):
            return sorted(listing())
    for attr in ("REAL_LOADERS", "LOADERS"):
        listing = getattr(archives, attr, None)
        if listing is not None:
            return sorted(listing)
    return None


def _load_real(name: str, **kwargs) -> xr.Dataset:
    try:
        from eolab import archives
    except ImportError as err:
        raise ValueError(
            f"no real loader for {name!r}: the package eolab.archives, which opens "
            "real products from their archives, is not available; use "
            "source='synthetic' (the default)"
        ) from err
    known = _real_names(archives)
    if known is not None and name not in known:
        raise ValueError(
            f"no real loader for {name!r}; datasets with one: "
            f"{', '.join(known) or 'none'}. Use source='synthetic' (the default) "
            "for the course's copy"
        )
    return archives.load_real(name, **kwargs)


def load(name: str, source: str = "synthetic", **kwargs) -> xr.Dataset:
    """Load a dataset from the catalogue.

    Parameters
    ----------
    name : str
        A name from :func:`names`.
    source : {"synthetic", "real"}
        ``"synthetic"`` (default): the course's own copy listed in
        :data:`ENTRIES`, generated or shipped by a package; never touches
        the network.  ``"real"``: the real product, from its archive,
        through :func:`eolab.archives.load_real` (needs the network and,
        for some archives, an account).
    **kwargs
        Passed to the dataset's loader.

    Returns
    -------
    xarray.Dataset
        With CF attributes; for the course's copy ``attrs["eolab_kind"]``
        says ``"real"`` or ``"synthetic"`` and ``attrs["eolab_licence"]``
        the licence.

    Raises
    ------
    KeyError
        If ``name`` is not in the catalogue (``source="synthetic"``).
    ValueError
        If ``source`` is unknown, or ``source="real"`` and ``name`` has no
        real loader (the message lists the names that have one).
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source == "real":
        return _load_real(name, **kwargs)
    entry = info(name)
    ds = entry.loader(**kwargs)
    ds.attrs.update(
        eolab_dataset=entry.name,
        eolab_kind=entry.kind,
        eolab_real_product=entry.real_product,
        eolab_licence=entry.licence,
    )
    return ds
