"""eolab: the helper package of the EO Notebooks course.

Each module has one job, named for what a learner does:

``datasets``
    the catalogue of every dataset the course uses, with provenance,
    licence and a loader returning an :class:`xarray.Dataset`.
``maps``
    small map helpers on cartopy (projection, coastlines, gridlines,
    colour bar with units).

Importing :mod:`eolab` points cartopy at the Natural Earth shapefiles that
ship with the package, so maps draw coastlines and borders with no
internet connection.  That is the only global state the package sets.
"""

from eolab._offline_maps import NATURAL_EARTH_DIR, use_offline_natural_earth

__version__ = "0.1.0"

use_offline_natural_earth()

__all__ = ["NATURAL_EARTH_DIR", "use_offline_natural_earth", "__version__"]
