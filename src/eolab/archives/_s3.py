"""Anonymous reads from S3 object storage (public buckets), with the bytes counted.

An endpoint is written one of two ways:

- ``s3://bucket/prefix``: Amazon S3 itself (the AWS Open Data buckets), unsigned
  requests, in the bucket's region;
- ``http(s)://host:port/bucket/prefix``: any S3-compatible server (a mirror, or
  the course's test server on 127.0.0.1), path-style.

Readers import from here; learners never need to.
"""

from __future__ import annotations

import contextlib
import dataclasses
from urllib.parse import urlparse


@dataclasses.dataclass
class Location:
    """An S3 filesystem (anonymous) and the ``bucket/prefix`` root to read under it."""

    fs: object
    root: str
    url: str

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *(p.strip("/") for p in parts if p)])


def location(url: str, region: str | None = None) -> Location:
    """The anonymous S3 filesystem and root of an endpoint (see the module's docstring)."""
    import s3fs

    parsed = urlparse(url)
    if parsed.scheme == "s3":
        client = {"region_name": region} if region else {}
        fs = s3fs.S3FileSystem(anon=True, client_kwargs=client)
        root = (parsed.netloc + parsed.path).rstrip("/")
    elif parsed.scheme in ("http", "https"):
        fs = s3fs.S3FileSystem(
            anon=True,
            endpoint_url=f"{parsed.scheme}://{parsed.netloc}",
            client_kwargs={"region_name": region or "us-east-1"},
        )
        root = parsed.path.strip("/")
    else:
        raise ValueError(
            f"endpoint {url!r} is neither s3://bucket/prefix nor "
            "http(s)://host:port/bucket/prefix (an S3-compatible server)"
        )
    if not root:
        raise ValueError(f"endpoint {url!r} names no bucket: write s3://bucket/prefix")
    return Location(fs, root, url)


class Counter:
    """Bytes fetched from storage through the files opened with :meth:`open`."""

    def __init__(self, fs, block_size: int = 2**19):
        self.fs, self.block_size = fs, int(block_size)
        self.nbytes, self.requests, self.files = 0, 0, 0

    def open(self, path: str):
        """Open ``path`` read-only with a small block cache; count every ranged GET."""
        f = self.fs.open(path, "rb", block_size=self.block_size, cache_type="blockcache")
        fetch = f.cache.fetcher

        def counted(start, end):
            data = fetch(start, end)
            self.nbytes += len(data)
            self.requests += 1
            return data

        f.cache.fetcher = counted
        self.files += 1
        return f


@contextlib.contextmanager
def plain_errors():
    """Re-raise botocore's and aiohttp's connection errors as OSError (for ``_common.explained``).

    ``botocore.exceptions.EndpointConnectionError`` and friends do not derive from
    OSError; s3fs passes some of them through unchanged.
    """
    try:
        yield
    except Exception as err:
        module = type(err).__module__ or ""
        if module.startswith(("botocore", "aiobotocore", "aiohttp")):
            raise OSError(f"{type(err).__name__}: {err}") from err
        raise
