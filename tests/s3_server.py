"""An S3 server on 127.0.0.1 for the real-archive tests: moto in server mode.

``S3Server`` starts moto's S3 (the same REST protocol as Amazon S3: ListObjectsV2,
ranged GETs, ...) on a free port of the loopback interface, in a thread.  Tests
upload the fixture files into a bucket named like the real one and point a
reader's endpoint variable at ``server.url(bucket)``; the reader then talks to it
exactly as to AWS, anonymously (unsigned requests), as public buckets allow.

    with S3Server() as server:
        server.upload("meeo-s5p", {"OFFL/.../x.nc": path})
        env = {"EOLAB_ENDPOINT_S5P": server.url("meeo-s5p")}

The pytest fixture ``s3_server`` (import it into a test module with
``from s3_server import s3_server``) yields a started server and stops it at teardown.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# moto and botocore need *some* credentials to sign the uploads; these are dummies for
# the loopback server only (readers use unsigned, anonymous requests).
_DUMMY = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class S3Server:
    """moto's S3 server on 127.0.0.1 (port 0: a free one).

    Every server of one process serves moto's one in-memory store: two tests that put
    different contents must use different bucket names.
    """

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = None

    def start(self) -> S3Server:
        self._server.start()
        host, port = self._server.get_host_and_port()
        assert host == "127.0.0.1", host
        self.endpoint = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, bucket: str, prefix: str = "") -> str:
        """The endpoint a reader is given: ``http://127.0.0.1:port/bucket[/prefix]``."""
        return f"{self.endpoint}/{bucket}" + (f"/{prefix.strip('/')}" if prefix else "")

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=_DUMMY["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=_DUMMY["AWS_SECRET_ACCESS_KEY"],
        )

    def upload(self, bucket: str, files: dict[str, Path], threads: int = 8) -> int:
        """Create ``bucket`` (if needed) and put ``{key: local path}`` into it; return the bytes."""
        s3 = self.client()
        try:
            s3.create_bucket(Bucket=bucket)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass
        # Public like the real open buckets: anyone may list and read, unsigned.
        s3.put_bucket_policy(
            Bucket=bucket,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": ["s3:Get*", "s3:List*", "s3:Head*"],
                            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                        }
                    ],
                }
            ),
        )

        def put(item):
            key, path = item
            s3.upload_file(str(path), bucket, key)
            return Path(path).stat().st_size

        with ThreadPoolExecutor(threads) as pool:
            return sum(pool.map(put, files.items()))

    def upload_tree(self, bucket: str, prefix: str, folder: Path) -> int:
        """Put every file under ``folder`` into ``bucket`` at ``prefix/<relative path>``."""
        folder = Path(folder)
        files = {
            f"{prefix.strip('/')}/{p.relative_to(folder).as_posix()}": p
            for p in folder.rglob("*")
            if p.is_file()
        }
        return self.upload(bucket, files)


@pytest.fixture
def s3_server():
    """A started moto S3 server on 127.0.0.1, stopped at teardown."""
    server = S3Server().start()
    try:
        yield server
    finally:
        server.stop()
