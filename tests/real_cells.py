"""Run a lesson's real-archive cells, unchanged, against a loopback server.

A lesson's real-archive section is a run of code cells tagged ``real-archive`` (and
``skip-execution``, so the offline build shows them without running them).  They are
self-contained: the first one imports what they need.  The tests run exactly those
cell sources, in order, in one namespace, with only the environment (the endpoint
variable, ``EOLAB_ENDPOINT_*``) pointed at a server on 127.0.0.1, and then assert on
the variables the cells made.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
TAG = "real-archive"


def real_cells(lesson: str) -> list[str]:
    """The sources of the cells tagged ``real-archive`` in ``book/<lesson>``, in order."""
    nb = jupytext.read(ROOT / "book" / lesson)
    cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and TAG in c.get("metadata", {}).get("tags", [])
    ]
    for c in cells:
        tags = c.metadata.get("tags", [])
        assert "skip-execution" in tags, (
            f"{lesson}: a real-archive cell must also be tagged skip-execution "
            f"(the offline build must not run it):\n{c.source[:200]}"
        )
    return [c.source for c in cells]


@contextmanager
def environment(**env: str):
    """Set environment variables for the duration of the block."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_real_cells(lesson: str, env: dict[str, str], workdir: Path) -> dict:
    """Execute the lesson's real-archive cells with ``env`` set, in ``workdir``; return the
    namespace."""
    import matplotlib

    matplotlib.use("Agg")
    from IPython.display import display

    sources = real_cells(lesson)
    assert sources, f"{lesson} has no cell tagged {TAG!r}"
    namespace: dict = {"display": display, "__name__": "__lesson__"}
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        with environment(**env):
            for i, src in enumerate(sources):
                code = compile(src, f"<{lesson} real-archive cell {i + 1}>", "exec")
                exec(code, namespace)  # noqa: S102 - the lesson's own cell, unchanged
    finally:
        os.chdir(cwd)
    return namespace
