"""Joining or starting a Dask cluster: the same notebook on Binder, a laptop or a real cluster."""

from __future__ import annotations

import socket
import time

import dask
import dask.array as dsa
import numpy as np
import pytest

from eolab import cluster as eolab_cluster


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_workers_and_kernel_fit_a_2GB_binder_budget():
    budget = 2 * 10**9
    limit = eolab_cluster.worker_memory_limit(2, "2GB")
    assert 2 * limit + eolab_cluster.RESERVED_BYTES <= budget
    assert limit >= 512 * 2**20  # still room for a few 64 MB chunks each


def test_a_budget_too_small_for_the_workers_is_refused_with_the_numbers():
    with pytest.raises(ValueError, match="per worker for 8 workers.*Use fewer workers"):
        eolab_cluster.worker_memory_limit(8, "2GB")
    with pytest.raises(ValueError, match="n_workers must be an integer >= 1, got 0"):
        eolab_cluster.worker_memory_limit(0, "2GB")
    with pytest.raises(ValueError, match="memory_budget must be .*'lots'"):
        eolab_cluster.worker_memory_limit(2, "lots")


def test_an_unreachable_scheduler_gives_a_clear_message_within_seconds():
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    with pytest.raises(ConnectionError, match=f"could not reach a Dask scheduler at '{address}'"):
        eolab_cluster.connect(address, timeout="2s")
    assert time.monotonic() - start < 10


def test_the_scheduler_address_comes_from_dask_config_eg_an_env_var():
    """DASK_SCHEDULER_ADDRESS sets the config key `scheduler-address`; connect() obeys it."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    with dask.config.set({"scheduler-address": address}):
        with pytest.raises(ConnectionError, match=address):
            eolab_cluster.connect(timeout="1s")


def test_a_gateway_needs_dask_gateway_installed():
    try:
        import dask_gateway  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install dask-gateway"):
            eolab_cluster.connect(gateway=True)
    else:
        pytest.skip("dask-gateway is installed")


def test_a_local_cluster_starts_with_the_memory_limit_and_computes():
    client = eolab_cluster.connect(n_workers=1, memory_budget="1.5GB")
    try:
        workers = list(client.scheduler_info()["workers"].values())
        assert len(workers) == 1
        assert workers[0]["memory_limit"] == eolab_cluster.worker_memory_limit(1, "1.5GB")
        x = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000)
        assert float(dsa.from_array(x, chunks=250).sum().compute()) == x.sum()
        assert "1 workers" in eolab_cluster.describe(
            client
        ) and "dashboard" in eolab_cluster.describe(client)
        assert eolab_cluster.process_tree_rss() > 0
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


def test_joining_an_existing_cluster_starts_no_new_one():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=50,
    ) as cluster:
        client = eolab_cluster.connect(cluster.scheduler_address)
        try:
            assert client.scheduler.address == cluster.scheduler_address
            assert client.cluster is None  # we joined, we did not start one
        finally:
            client.close()


def test_closing_stops_the_cluster_we_started_but_not_one_we_joined():
    from distributed import LocalCluster, get_task_stream

    client = eolab_cluster.connect(n_workers=1, memory_budget="1.5GB")
    cluster = client.cluster
    with get_task_stream() as stream:
        dsa.ones((100, 100), chunks=50).sum().compute()
    tasks = eolab_cluster.task_table(stream.data)
    assert len(tasks) >= 4 and set(tasks.columns) == {"worker", "kind", "start", "stop"}
    assert tasks["start"].min() == 0 and (tasks["stop"] >= tasks["start"]).all()
    assert "ones_like" in set(tasks["kind"]) or any(
        k.startswith(("ones", "sum")) for k in tasks["kind"]
    )
    eolab_cluster.close(client)
    assert cluster.status.name == "closed"

    with LocalCluster(
        n_workers=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=50,
    ) as theirs:
        joined = eolab_cluster.connect(theirs.scheduler_address)
        eolab_cluster.close(joined)
        assert theirs.status.name == "running"  # someone else's cluster keeps running


def test_old_notebooks_importing_eolab_scale_get_the_same_module():
    """`eolab.scale` was renamed `eolab.cluster` (it collided with `landsat.SCALE`); the old name
    still works, and is the very same module, so settings and monkeypatches apply to both."""
    from eolab import scale

    assert scale is eolab_cluster
    assert scale.connect is eolab_cluster.connect and scale.worker_memory_limit(2, "2GB") > 0
