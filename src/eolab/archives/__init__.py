"""Real archives: the products of the synthetic lessons, read from where they really live.

The course's defaults are synthetic and offline.  This package is the *one switch* to
the real product::

    from eolab import datasets
    no2 = datasets.load("s5p_no2_cities", source="real", ...)

or, equivalently, ``eolab.archives.load_real("s5p_no2_cities", ...)``.  Each real
product has one module here (its reader) and one schema file in ``schemas/`` (the
documented layout of the product, with the documentation's URL; a test fails when
the course's test fixture drifts from it).  Nothing here touches the network until
a function is called, and every call names the endpoint it reads: set the
environment variable the module documents (``EOLAB_ENDPOINT_<NAME>``) to read a
mirror or a local test server instead.

The modules, one per dataset name of :mod:`eolab.datasets` that has a real source:
"""

from __future__ import annotations

import importlib

# Dataset name -> module of this package holding its real-archive reader.
# Every module provides: SOURCE (an ArchiveSource), load(**kwargs) and live_check().
REAL_MODULES: dict[str, str] = {
    "s5p_no2_cities": "eolab.archives.sentinel5p",
    "biomass_kenya": "eolab.archives.biomass_cci",
    "landsat_gaborone": "eolab.archives.landsat_stac",
    "soil_moisture_europe": "eolab.archives.soil_moisture_cci",
    "sst_big": "eolab.archives.oisst",
}

__doc__ += "\n".join(f"\n- ``{k}``: :mod:`{v}`" for k, v in REAL_MODULES.items())


def names() -> list[str]:
    """The dataset names that have a real-archive reader."""
    return sorted(REAL_MODULES)


def module(name: str):
    """The reader module of dataset ``name`` (imported on first use)."""
    if name not in REAL_MODULES:
        raise ValueError(
            f"dataset {name!r} has no real-archive reader; the datasets with one are "
            f"{', '.join(names())}. Without source='real' it loads the course's own copy."
        )
    return importlib.import_module(REAL_MODULES[name])


def load_real(name: str, **kwargs):
    """Read dataset ``name`` from its real archive (network!): see that module's ``load``."""
    return module(name).load(**kwargs)


def sources():
    """One row per real source: endpoint, protocol, account, licence, what a lesson reads.

    Returns
    -------
    pandas.DataFrame
        Indexed by dataset name; columns as in :class:`eolab.archives._common.ArchiveSource`.
    """
    import dataclasses

    import pandas as pd

    rows = {}
    for name in names():
        try:
            src = module(name).SOURCE
        except ImportError:  # a reader whose optional dependency is missing
            continue
        rows[name] = dataclasses.asdict(src)
    return pd.DataFrame.from_dict(rows, orient="index")
