"""What every real-archive reader shares: endpoints, errors that say what to do, caching,
byte accounting and the product schemas.

Readers import from here; learners never need to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
from importlib import resources
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class ArchiveSource:
    """Where a real product lives and what reading it costs.

    Attributes
    ----------
    product : str
        The real product's name, e.g. ``"Sentinel-5P TROPOMI L2 NO2 (OFFL)"``.
    endpoint : str
        The default address read (URL, ``s3://bucket/prefix`` ...).
    env_var : str
        Environment variable that replaces ``endpoint`` (a mirror, or a local test server).
    protocol : str
        ``"S3"``, ``"OPeNDAP"``, ``"STAC API"``, ``"HTTP range (COG)"``, ``"Zarr on S3"`` ...
    account : str
        ``"none"`` or what is needed (and where to get it).
    licence : str
        Licence of the data, e.g. ``"Copernicus open licence"``.
    lesson_reads : str
        What the lesson's real-archive cells read, in words and bytes, e.g. ``"3 orbits, ~1.4 GB"``.
    docs : str
        The product's documentation (the schema's source).
    """

    product: str
    endpoint: str
    env_var: str
    protocol: str
    account: str
    licence: str
    lesson_reads: str
    docs: str


class ArchiveUnavailable(RuntimeError):
    """A real archive could not be read: the message names the endpoint and what to try."""


def endpoint(source: ArchiveSource, given: str | None = None) -> str:
    """The address to read: ``given``, else ``$<source.env_var>``, else the default endpoint."""
    if given:
        return str(given)
    return os.environ.get(source.env_var) or source.endpoint


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (a test server)."""
    from urllib.parse import urlparse

    host = urlparse(url).hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}


@contextlib.contextmanager
def explained(source: ArchiveSource, url: str, what: str):
    """Turn a library's network or format error into :class:`ArchiveUnavailable`.

    The message names ``what`` was being read, the endpoint, the original error in one
    line, and what to try (check the connection, the mirror variable, the account).
    """
    try:
        yield
    except ArchiveUnavailable:
        raise
    except (OSError, RuntimeError, ValueError, KeyError, TimeoutError) as err:
        # aiohttp, botocore, urllib, requests, pydap and netCDF errors all derive
        # from these (or are re-raised as OSError by fsspec).
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        hints = [
            "check your internet connection (this reads the real archive)",
            f"or point {source.env_var} at a mirror",
        ]
        if source.account != "none":
            hints.append(f"this archive needs an account: {source.account}")
        raise ArchiveUnavailable(
            f"could not read {what} from {url} ({source.protocol}): "
            f"{type(err).__name__}: {first[:300]}. What to try: " + "; ".join(hints) + "."
        ) from None


def cache_folder(product: str) -> Path:
    """Where downloaded pieces of a real product are cached (under the course cache)."""
    from eolab.datasets import cache_dir

    return cache_dir("real", product)


def fetch(
    url: str, known_hash: str | None, fname: str, product: str, source: ArchiveSource
) -> Path:
    """Download ``url`` once into the course cache with :mod:`pooch` (hash-checked if given)."""
    import pooch

    with explained(source, url, fname):
        return Path(
            pooch.retrieve(
                url,
                known_hash=known_hash,
                fname=fname,
                path=cache_folder(product),
                progressbar=False,
            )
        )


@dataclasses.dataclass
class Transfer:
    """Bytes and seconds of one read, for the lesson's 'what did this cost' line."""

    what: str
    nbytes: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return f"{self.what}: {self.nbytes / 1e6:.2f} MB in {self.seconds:.1f} s"


@contextlib.contextmanager
def timed(what: str):
    """Measure the seconds of a block into a :class:`Transfer` (fill ``nbytes`` yourself)."""
    record = Transfer(what)
    start = time.perf_counter()
    try:
        yield record
    finally:
        record.seconds = time.perf_counter() - start


# --- Schemas: the documented layout of each product -----------------------------------


def schema(name: str) -> dict:
    """The schema of product ``name`` (``schemas/<name>.json``): documented layout + source URL."""
    try:
        text = resources.files("eolab.archives").joinpath("schemas", f"{name}.json").read_text()
    except FileNotFoundError:
        raise ValueError(
            f"no schema for product {name!r}; the schemas are {', '.join(schema_names())}"
        ) from None
    return json.loads(text)


def schema_names() -> list[str]:
    """The products that have a schema file."""
    folder = resources.files("eolab.archives").joinpath("schemas")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def structure_problems(ds, spec: dict) -> list[str]:
    """How an xarray Dataset differs from a schema's ``variables``/``dims`` spec.

    ``spec`` holds ``{"dims": {name: size or null}, "variables": {name: {"dims": [...],
    "dtype": "float32", "attrs": [names that must exist]}}, "attrs": [global attrs]}``.
    Returns a list of readable problems (empty when the data match).
    """
    problems = []
    for dim, size in spec.get("dims", {}).items():
        if dim not in ds.sizes:
            problems.append(f"missing dimension {dim!r}")
        elif size is not None and ds.sizes[dim] != size:
            problems.append(f"dimension {dim!r} has size {ds.sizes[dim]}, documented {size}")
    for var, vspec in spec.get("variables", {}).items():
        if var not in ds.variables:
            problems.append(f"missing variable {var!r}")
            continue
        v = ds[var]
        if "dims" in vspec and list(v.dims) != list(vspec["dims"]):
            problems.append(f"{var!r} has dims {list(v.dims)}, documented {vspec['dims']}")
        if "dtype" in vspec and str(v.dtype) != vspec["dtype"]:
            problems.append(f"{var!r} has dtype {v.dtype}, documented {vspec['dtype']}")
        for attr in vspec.get("attrs", []):
            if attr not in v.attrs and attr not in v.encoding:
                problems.append(f"{var!r} lacks attribute {attr!r}")
    for attr in spec.get("attrs", []):
        if attr not in ds.attrs:
            problems.append(f"missing global attribute {attr!r}")
    return problems


def stac_item_problems(item: dict, spec: dict) -> list[str]:
    """How a STAC item (a dict) differs from a schema's ``stac-item`` spec.

    ``spec`` holds ``{"kind": "stac-item", "collection": id, "properties": [names],
    "assets": {key: {"roles": [...], "type": media type or null}}, "stac_extensions":
    [URL prefixes]}``.
    """
    problems = []
    if spec.get("collection") and item.get("collection") != spec["collection"]:
        problems.append(
            f"collection is {item.get('collection')!r}, documented {spec['collection']!r}"
        )
    for prop in spec.get("properties", []):
        if prop not in item.get("properties", {}):
            problems.append(f"missing property {prop!r}")
    assets = item.get("assets", {})
    for key, aspec in spec.get("assets", {}).items():
        if key not in assets:
            problems.append(f"missing asset {key!r}")
            continue
        if aspec.get("type") and assets[key].get("type") != aspec["type"]:
            problems.append(
                f"asset {key!r} has type {assets[key].get('type')!r}, documented {aspec['type']!r}"
            )
        for role in aspec.get("roles", []):
            if role not in assets[key].get("roles", []):
                problems.append(f"asset {key!r} lacks role {role!r}")
    for ext in spec.get("stac_extensions", []):
        if not any(e.startswith(ext) for e in item.get("stac_extensions", [])):
            problems.append(f"missing STAC extension {ext!r}")
    return problems
