"""A STAC catalogue on disk, searched like a STAC API.

Online you would write ``pystac_client.Client.open(url).search(...)``;
:class:`LocalCatalogue` takes the same keywords (``collections``, ``bbox``,
``datetime``, ``query``, ``max_items``) and filters the items of a
catalogue saved with :mod:`pystac`, with no server and no network.  The
course uses it for the SYNTHETIC Landsat archive
(:func:`eolab.synthetic.landsat.open_catalogue`); it knows nothing about
how that archive was made.

>>> from eolab.stac_local import LocalCatalogue
>>> cat = LocalCatalogue("catalog.json")                          # doctest: +SKIP
>>> cat.search(datetime="2017", query={"eo:cloud_cover": {"lt": 20}}).matched()  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["LocalCatalogue"]


class LocalCatalogue:
    """A STAC catalogue on disk with a ``search`` like ``pystac_client.Client.search``.

    Online you would write ``pystac_client.Client.open(url).search(...)``;
    here the same keywords search the local synthetic archive.
    """

    def __init__(self, path: str | os.PathLike):
        import pystac

        self.path = Path(path)
        self.catalog = pystac.Catalog.from_file(str(self.path))
        self._items = None

    def __repr__(self) -> str:
        return f"<LocalCatalogue {self.catalog.id!r}: {len(self.all_items())} items, {self.path}>"

    def all_items(self) -> list:
        if self._items is None:
            self._items = sorted(self.catalog.get_items(recursive=True), key=lambda i: i.datetime)
            for item in self._items:
                item.make_asset_hrefs_absolute()
        return self._items

    def search(
        self, collections=None, bbox=None, datetime=None, query=None, max_items=None
    ) -> _Search:
        """Filter items like a STAC API search.

        Parameters
        ----------
        collections : list of str, optional
            Collection ids, e.g. ``["landsat-c2-l2"]``.
        bbox : (west, south, east, north), optional
            Longitude/latitude box (degrees) the items must intersect.
        datetime : str, optional
            ``"2017"``, ``"2017-03"``, ``"2016-01-01/2017-12-31"`` (open ends with ``..``).
        query : dict, optional
            Property filters, e.g. ``{"eo:cloud_cover": {"lt": 20}}``
            (operators ``eq``, ``lt``, ``lte``, ``gt``, ``gte``).
        max_items : int, optional
            Return at most this many items.
        """
        items = self.all_items()
        if collections is not None:
            wanted = {collections} if isinstance(collections, str) else set(collections)
            known = {i.collection_id for i in items}
            if not wanted & known:
                raise ValueError(
                    f"no collection {sorted(wanted)} in this catalogue; it has {sorted(known)}"
                )
            items = [i for i in items if i.collection_id in wanted]
        if bbox is not None:
            w, s, e, n = bbox
            if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
                raise ValueError(f"bbox must be (west, south, east, north) in degrees, got {bbox}")
            items = [
                i
                for i in items
                if not (i.bbox[0] > e or i.bbox[2] < w or i.bbox[1] > n or i.bbox[3] < s)
            ]
        if datetime is not None:
            t0, t1 = _time_range(datetime)
            items = [i for i in items if t0 <= pd.Timestamp(i.datetime).tz_localize(None) < t1]
        ops = {
            "eq": np.equal,
            "lt": np.less,
            "lte": np.less_equal,
            "gt": np.greater,
            "gte": np.greater_equal,
        }
        for prop, conditions in (query or {}).items():
            for op, value in conditions.items():
                if op not in ops:
                    raise ValueError(
                        f"unknown query operator {op!r} for {prop!r}; use one of {sorted(ops)}"
                    )
                items = [
                    i for i in items if prop in i.properties and ops[op](i.properties[prop], value)
                ]
        return _Search(items[:max_items] if max_items else items)


class _Search:
    """Result of :meth:`LocalCatalogue.search`, with ``items()`` and ``item_collection()``."""

    def __init__(self, items):
        self._found = items

    def matched(self) -> int:
        return len(self._found)

    def items(self):
        return iter(self._found)

    def item_collection(self):
        import pystac

        return pystac.ItemCollection(self._found)


def _time_range(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    def bounds(part: str):
        p = pd.Period(part)
        return p.start_time, p.end_time + pd.Timedelta(1, "ns")

    if "/" in text:
        a, b = text.split("/")
        t0 = pd.Timestamp.min if a in ("", "..") else bounds(a)[0]
        t1 = pd.Timestamp.max if b in ("", "..") else bounds(b)[1]
    else:
        t0, t1 = bounds(text)
    if t1 <= t0:
        raise ValueError(f"empty time range {text!r}: the end is before the start")
    return t0, t1
