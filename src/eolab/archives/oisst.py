"""A real multi-year daily SST record, opened lazily with Dask for lesson 5: MUR SST as Zarr on S3.

Two real candidates are on AWS Open Data without an account:

- **NOAA OISST v2.1** (0.25 degree, 1981-present), bucket
  ``noaa-cdr-sea-surface-temp-optimum-interpolation-pds`` (us-east-1): one netCDF
  file per day, so a cube of 40 years means opening ~15 000 files
  (``xr.open_mfdataset``), minutes of metadata reads before any science;
- **MUR SST v4.1** (GHRSST L4, 0.01 degree, 2002-06-01 to 2020-01-20), the Zarr store
  ``s3://mur-sst/zarr-v1`` (us-west-2), documented on the AWS Open Data registry as
  chunked (5, 1799, 3600) along (time, lat, lon).  One consolidated metadata object
  opens the whole record as one lazy cube with one call.

This reader uses MUR: it is the least effort for a learner (``xr.open_zarr``), and a
decade of one region is the real "tens of GB" of the lesson.  (The module keeps the
name ``oisst`` of the course's plan; :data:`SOURCE` says what it reads.)

Set ``EOLAB_ENDPOINT_MUR`` (or ``endpoint=``) to read another copy: ``s3://bucket/prefix``
on AWS or ``http://host:port/bucket/prefix`` on any S3-compatible server.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from eolab.archives import _common, _s3

SOURCE = _common.ArchiveSource(
    product=(
        "MUR SST v4.1 (GHRSST L4 foundation SST, JPL), daily 0.01 degree, 2002-06 to 2020-01, Zarr"
    ),
    endpoint="s3://mur-sst/zarr-v1",
    env_var="EOLAB_ENDPOINT_MUR",
    protocol="Zarr on S3 (anonymous)",
    account="none",
    licence="NASA JPL PO.DAAC: no restrictions on the use of these data",
    lesson_reads="a decade (2010-2019) of a 6 x 9 degree region: ~730 chunks of ~10-15 MB, ~9 GB",
    docs="https://registry.opendata.aws/mur/",
)
REGION = "us-west-2"
SCHEMA = "mur_sst"
VARIABLE = "analysed_sst"


def _check(ds: xr.Dataset, url: str) -> None:
    spec = _common.schema(SCHEMA)
    problems = _common.structure_problems(ds, spec)
    if problems:
        raise _common.ArchiveUnavailable(
            f"{url}: the store does not have the documented layout ({'; '.join(problems)}). "
            f"The product may have changed; compare with {spec['source']}"
        )


def _range(coord: xr.DataArray, bounds, name: str) -> slice:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be (min, max) in degrees, e.g. {name}=(36, 42); got {bounds!r}"
        ) from None
    if lo > hi:
        raise ValueError(f"{name}=({lo}, {hi}): the minimum comes first")
    if hi < float(coord.min()) or lo > float(coord.max()):
        raise ValueError(
            f"{name}=({lo}, {hi}) is outside the data ({float(coord.min()):.2f} to "
            f"{float(coord.max()):.2f})"
        )
    return slice(lo, hi)


def open_store(endpoint: str | None = None) -> xr.Dataset:
    """The whole store, lazily (one metadata read), decoded; checked against the schema."""
    url = _common.endpoint(SOURCE, endpoint)
    loc = _s3.location(url, REGION)
    with _common.explained(SOURCE, url, "the Zarr store's metadata"), _s3.plain_errors():
        raw = xr.open_zarr(
            loc.fs.get_mapper(loc.root), consolidated=True, decode_cf=False, chunks=None
        )
        _check(raw, url)
        ds = xr.open_zarr(loc.fs.get_mapper(loc.root), consolidated=True, decode_timedelta=False)
    ds.attrs["eolab_endpoint"] = url
    return ds


def _chunks_touched(ds: xr.Dataset, sel: dict) -> tuple[int, list[str]]:
    """How many stored chunks of ``analysed_sst`` a selection touches, and a few of their keys."""
    shape = ds[VARIABLE].encoding.get("chunks") or ds[VARIABLE].encoding.get("preferred_chunks")
    if isinstance(shape, dict):
        shape = [shape[d] for d in ds[VARIABLE].dims]
    spans = []
    for dim, size in zip(ds[VARIABLE].dims, shape, strict=True):
        index = (
            ds.indexes[dim].slice_indexer(sel[dim].start, sel[dim].stop)
            if dim in sel
            else slice(0, ds.sizes[dim])
        )
        start, stop, _ = index.indices(ds.sizes[dim])
        spans.append(range(start // size, (max(stop, start + 1) - 1) // size + 1))
    n = int(np.prod([len(s) for s in spans]))
    keys = [".".join(str(s[int(i * (len(s) - 1) / 2)]) for s in spans) for i in range(3)]
    return n, [f"{VARIABLE}/{k}" for k in dict.fromkeys(keys)]


def load(
    lat=(36, 42), lon=(-71, -62), years=(2010, 2019), endpoint: str | None = None
) -> xr.Dataset:
    """A region and years of MUR SST as a lazy Dask cube in degC (network: metadata only).

    Parameters
    ----------
    lat, lon : tuple of float
        (min, max) latitude and longitude of the region, degrees (north, east).
    years : tuple of int
        First and last year (inclusive). MUR's Zarr store covers 2002-06-01 to 2020-01-20.
    endpoint : str, optional
        Default ``$EOLAB_ENDPOINT_MUR`` or ``s3://mur-sst/zarr-v1``.

    Returns
    -------
    xarray.Dataset
        ``sst`` (time, lat, lon) in degC, float32, backed by Dask (nothing read yet but the
        metadata); attributes ``chunks_to_read`` and ``estimated_read_bytes`` (from the sizes
        of a few of the chunk objects) say what a full computation will read.

    Raises
    ------
    eolab.archives.ArchiveUnavailable
        When the store cannot be read (naming it and what to try), or no longer has the
        documented layout.
    """
    try:
        y0, y1 = (int(y) for y in years)
    except (TypeError, ValueError):
        raise TypeError(
            f"years must be (first, last), e.g. years=(2010, 2019); got {years!r}"
        ) from None
    ds = open_store(endpoint)
    url = ds.attrs["eolab_endpoint"]
    sel = {
        "time": slice(f"{y0}-01-01", f"{y1}-12-31"),
        "lat": _range(ds.lat, lat, "lat"),
        "lon": _range(ds.lon, lon, "lon"),
    }
    sub = ds[VARIABLE].sel(sel)
    if sub.sizes["time"] == 0:
        raise ValueError(
            f"years={years} are outside the store ({str(ds.time.values[0])[:10]} to "
            f"{str(ds.time.values[-1])[:10]})"
        )
    n, sample = _chunks_touched(ds, sel)
    loc = _s3.location(url, REGION)
    start = time.perf_counter()
    with _common.explained(SOURCE, url, "the sizes of a few chunks"), _s3.plain_errors():
        sizes = [loc.fs.info(loc.path(key))["size"] for key in sample]
    sst = (sub - 273.15).astype("float32")
    sst.attrs = {
        "long_name": "analysed sea surface temperature (foundation)",
        "units": "degC",
        "source_variable": f"{VARIABLE} (kelvin) - 273.15",
    }
    out = sst.to_dataset(name="sst")
    out.attrs = {
        "title": f"MUR SST v4.1, {y0}-{y1}, lat {lat}, lon {lon} (real, lazy)",
        "source": f"{url} (Zarr), read by eolab.archives.oisst",
        "chunks_to_read": n,
        "estimated_read_bytes": int(n * float(np.mean(sizes))),
        "metadata_seconds": round(time.perf_counter() - start, 2),
    }
    return out


def live_check() -> dict:
    """Open the real store's metadata and read one chunk (for ``make check-live``)."""
    url = _common.endpoint(SOURCE)
    start = time.perf_counter()
    out = {"endpoint": url, "ok": False, "bytes": 0, "seconds": 0.0, "detail": ""}
    try:
        ds = load(lat=(38, 38.05), lon=(-70, -69.95), years=(2019, 2019))
        day = ds["sst"].isel(time=0).compute()
        out.update(
            ok=bool(np.isfinite(day).any()),
            bytes=int(ds.attrs["estimated_read_bytes"] // max(ds.attrs["chunks_to_read"], 1)),
            detail=f"{ds.sizes['time']} days; first day mean {float(day.mean()):.2f} degC",
        )
    except (_common.ArchiveUnavailable, ValueError) as err:
        out["detail"] = str(err)
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out
