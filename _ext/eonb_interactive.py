"""Sphinx extension: interactive (Bokeh/HoloViews) figures served from our own site.

Owned by lesson 5 (Dask and interactive plots).  Registered in _config.yml.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    return {"parallel_read_safe": True, "parallel_write_safe": True}
