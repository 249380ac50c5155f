"""Generators of synthetic data with known ground truth.

Kept apart from the analysis modules on purpose: this is *how we made the
data*, not *how you analyse it*.  Every generator is deterministic (a seed
gives identical values), labels its output ``eolab_kind = "synthetic"``,
names the real product it imitates, and returns the truth it injected so
tests and lessons can check an analysis against it.

Each module here may define ``CATALOGUE_ENTRIES`` (a list of
:class:`eolab.datasets.DatasetInfo`); :mod:`eolab.datasets` finds them.
"""
