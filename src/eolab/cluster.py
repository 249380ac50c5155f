"""Start or join a Dask cluster: the same notebook on a laptop, Binder or a real cluster.

One call, :func:`connect`, returns a :class:`distributed.Client`.  Where the
workers come from is decided by Dask's own configuration, so a notebook
never needs editing to move from a laptop to a cluster:

1. an explicit ``address=`` argument, else
2. the Dask config key ``scheduler-address`` (environment variable
   ``DASK_SCHEDULER_ADDRESS=tcp://host:8786``, or ``~/.config/dask/*.yaml``),
   which is what Pangeo-style hubs and ``dask scheduler`` users set, else
3. a Dask Gateway (``gateway=True``, or the config key ``gateway.address``,
   i.e. ``DASK_GATEWAY__ADDRESS``, as set on Pangeo and EAIL-style hubs), else
4. a :class:`distributed.LocalCluster` on this machine, with memory limits that
   fit the machine (or a budget you give, e.g. Binder's 2 GB).

>>> from eolab import cluster
>>> client = cluster.connect(memory_budget="2GB")   # doctest: +SKIP
>>> print(cluster.describe(client))                  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path

import dask
import dask.utils
import psutil

RESERVED_BYTES = 600 * 2**20
"""Memory kept aside for the notebook's own kernel and the scheduler (600 MiB)."""

MIN_WORKER_BYTES = 256 * 2**20


def _cgroup_limit() -> int | None:
    """Memory limit of this container (cgroup v2 or v1) in bytes, if any."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            return int(text)
    return None


def available_memory() -> int:
    """Memory this session may use, in bytes: the container limit or the machine's RAM."""
    total = psutil.virtual_memory().total
    limit = _cgroup_limit()
    return min(total, limit) if limit else total


def _parse_bytes(value, name: str) -> int:
    if isinstance(value, (int, float)):
        out = int(value)
    else:
        try:
            out = dask.utils.parse_bytes(value)
        except (ValueError, TypeError) as err:
            raise ValueError(
                f"{name} must be a number of bytes or a string like '2GB', got {value!r}"
            ) from err
    if out <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return out


def worker_memory_limit(n_workers: int = 2, memory_budget=None) -> int:
    """Memory limit per worker (bytes) so that kernel + workers fit the budget.

    Parameters
    ----------
    n_workers : int
        Number of worker processes (1 or more).
    memory_budget : int or str, optional
        Total memory for this session, e.g. ``"2GB"`` on Binder; default
        :func:`available_memory`.

    Returns
    -------
    int
        ``(budget - RESERVED_BYTES) / n_workers``, at least 256 MiB.

    Raises
    ------
    ValueError
        If ``n_workers`` < 1, or the budget leaves less than 256 MiB per worker.
    """
    if not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be an integer >= 1, got {n_workers!r}")
    budget = (
        _parse_bytes(memory_budget, "memory_budget")
        if memory_budget is not None
        else available_memory()
    )
    if memory_budget is not None:
        import psutil

        total = psutil.virtual_memory().total
        if budget > total:
            raise ValueError(
                f"memory_budget={memory_budget!r} ({dask.utils.format_bytes(budget)}) "
                "is more than this machine "
                f"has ({dask.utils.format_bytes(total)}); "
                "workers would be killed only when memory runs out. "
                f"Give at most {dask.utils.format_bytes(total)}, or leave memory_budget=None"
            )
    per_worker = (budget - RESERVED_BYTES) // n_workers
    if per_worker < MIN_WORKER_BYTES:
        raise ValueError(
            f"a memory budget of {dask.utils.format_bytes(budget)} leaves "
            f"{dask.utils.format_bytes(max(per_worker, 0))} per worker for {n_workers} workers; "
            f"each needs at least {dask.utils.format_bytes(MIN_WORKER_BYTES)}. Use fewer workers."
        )
    return int(per_worker)


def _connect_address(address: str, timeout: str):
    from distributed import Client

    seconds = dask.utils.parse_timedelta(timeout)
    try:
        return Client(address, timeout=timeout, set_as_default=True)
    except (OSError, TimeoutError) as err:
        raise ConnectionError(
            f"could not reach a Dask scheduler at {address!r} within {seconds:g} s "
            f"({err.__class__.__name__}). "
            "Check that the scheduler is running and the address is right (it looks like "
            "'tcp://10.0.0.5:8786'); if you did not mean to use a cluster, unset "
            "DASK_SCHEDULER_ADDRESS (or the 'scheduler-address' Dask config key) and a local "
            "cluster starts instead."
        ) from None


def _connect_gateway(address, n_workers: int):
    try:
        from dask_gateway import Gateway
    except ImportError as err:
        raise ImportError(
            "a Dask Gateway was requested but the package 'dask-gateway' is not "
            "installed: run `pip install dask-gateway` (hubs that offer a gateway "
            "usually have it already)."
        ) from err
    gateway = Gateway(address) if isinstance(address, str) else Gateway()
    cluster = gateway.new_cluster()
    cluster.scale(n_workers)
    return cluster.get_client()


def connect(
    address: str | None = None,
    *,
    gateway=None,
    n_workers: int = 2,
    threads_per_worker: int = 1,
    memory_budget=None,
    timeout: str = "5s",
    dashboard_address: str = ":0",
    silence_logs: int = logging.ERROR,
):
    """A Dask client: join the cluster you were given, or start a local one.

    Parameters
    ----------
    address : str, optional
        Scheduler address, e.g. ``"tcp://10.0.0.5:8786"``.  Default: Dask's
        config key ``scheduler-address`` (env ``DASK_SCHEDULER_ADDRESS``).
    gateway : bool or str, optional
        Use a Dask Gateway (``True`` for the hub's default, or its URL).
        Default: the config key ``gateway.address`` if set.
    n_workers : int
        Worker processes of a local cluster (or to request from a gateway).
    threads_per_worker : int
        Threads per local worker.
    memory_budget : int or str, optional
        Total memory of this session for a local cluster, e.g. ``"2GB"``
        (Binder).  Default: the container limit or machine RAM.  Each worker
        gets :func:`worker_memory_limit`; past 60 % of it a worker spills
        to disk, at 80 % it pauses, at 95 % it is restarted.
    timeout : str
        How long to try reaching a remote scheduler, e.g. ``"5s"``.
    dashboard_address : str
        Where a local cluster serves its dashboard; ``":0"`` picks a free port.
    silence_logs : int
        Logging level of the local scheduler and workers (default: errors only).

    Returns
    -------
    distributed.Client

    Raises
    ------
    ConnectionError
        If a scheduler address is given (or configured) but nothing answers
        there within ``timeout``.
    """
    address = address or dask.config.get("scheduler-address", None)
    if address:
        return _connect_address(str(address), timeout)
    gateway = gateway if gateway is not None else dask.config.get("gateway.address", None)
    if gateway:
        return _connect_gateway(gateway, n_workers)

    from distributed import Client, LocalCluster

    limit = worker_memory_limit(n_workers, memory_budget)
    for name in ("distributed", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(max(silence_logs, logging.getLogger(name).level))
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        host="127.0.0.1",
        memory_limit=limit,
        dashboard_address=dashboard_address,
        silence_logs=silence_logs,
    )
    return Client(cluster, set_as_default=True)


def describe(client) -> str:
    """One paragraph about a client's cluster: workers, threads, memory, dashboard."""
    info = client.scheduler_info()
    workers = info.get("workers", {}).values()
    threads = sum(w.get("nthreads", 0) for w in workers)
    limits = sorted({w.get("memory_limit", 0) for w in workers})
    memory = ", ".join(dask.utils.format_bytes(m) for m in limits) or "unknown"
    return (
        f"{len(workers)} workers, {threads} threads, memory limit per worker {memory}; "
        f"dashboard: {client.dashboard_link}"
    )


def process_tree_rss() -> int:
    """Resident memory (bytes) of this process and all its children (e.g. local workers)."""
    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def task_table(task_stream: list[dict]):
    """The tasks a cluster ran, as a table: one row per task.

    Parameters
    ----------
    task_stream : list of dict
        What :func:`distributed.get_task_stream` recorded (``stream.data``).

    Returns
    -------
    pandas.DataFrame
        Columns ``worker`` (address), ``kind`` (the task's name without its
        unique suffix, e.g. ``"synthetic-sst"`` or ``"sum-chunk"``), and
        ``start``, ``stop``: seconds since the first task started.  This is
        what the dashboard's *Task Stream* panel draws.
    """
    import pandas as pd
    from dask.utils import key_split

    rows = [
        {
            "worker": task["worker"],
            "kind": key_split(task["key"]),
            "start": period["start"],
            "stop": period["stop"],
        }
        for task in task_stream
        for period in task.get("startstops", ())
        if period.get("action") == "compute"
    ]
    table = pd.DataFrame(rows, columns=["worker", "kind", "start", "stop"])
    if len(table):
        first = table["start"].min()
        table[["start", "stop"]] -= first
    return table


def close(client) -> None:
    """Disconnect, and stop the cluster if this notebook started it.

    A :class:`distributed.LocalCluster` (or a Dask Gateway cluster) started
    by :func:`connect` is shut down with its workers, so nothing keeps
    running (or costing money) after the notebook is done.  A cluster you
    joined by address belongs to someone else: it is left running and only
    this client disconnects.
    """
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def benchmark_results():
    """The course's full run of ``benchmarks/dask_scaling.py``, shipped with eolab.

    Returns
    -------
    pandas.DataFrame
        One row per engine (``numpy`` or ``dask``) and record length
        (``years``): data size ``gigabytes`` (GB of float32), wall time
        ``seconds``, throughput ``gb_per_s``, ``cpu_seconds`` of all the
        run's processes, ``peak_rss_gb`` (whole process tree, GB), workers,
        chunk size (MB) and the 1-minute ``load_avg_1min`` when the run
        started.  ``attrs["header"]`` says when, on what machine and how.
    """
    import pandas as pd

    path = Path(__file__).parent / "data" / "dask_scaling.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
    results = pd.read_csv(path, comment="#")
    results.attrs["header"] = header
    return results
