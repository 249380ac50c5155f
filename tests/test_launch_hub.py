"""A JupyterHub opened through nbgitpuller: a lesson runs from its launch notebook alone.

nbgitpuller clones the repository into the user's home and opens
``<repo>/notebooks/<lesson>.ipynb``; the hub's Python has Jupyter but not the
course's packages.  Specifications, in a fresh virtual environment holding only
``ipykernel``, with the repository laid out as nbgitpuller lays it out:

* where pip can reach no package, the setup cell stops with a short message
  that says what to do, and no traceback;
* with packages available (the downloaded wheels stand in for PyPI: the suite
  runs offline), the setup cell installs what is missing and the lesson runs
  from top to bottom;
* run again, the setup cell finds everything and does nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from launch_env import ROOT, checkout, clean_pip_env, wheels
from launch_results import recording

from eonb_book import notebooks

SUITE_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# The lessons run on the hub (each runs in the build too); EONB_HUB_LESSONS="all" runs every one.
HUB_LESSONS = os.environ.get("EONB_HUB_LESSONS", "first-map").split()


def _lessons() -> list[str]:
    if HUB_LESSONS == ["all"]:
        return sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    return HUB_LESSONS


def _kernel(venv: Path, jupyter_path: Path) -> str:
    spec = jupyter_path / "kernels" / "hub-python"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(venv / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "hub Python",
                "language": "python",
            }
        )
    )
    return "hub-python"


def _run(nb, cwd: Path, kernel: str, env: dict, monkeypatch, timeout=900):
    from nbclient import NotebookClient

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("PIP_") and k not in env]:
        monkeypatch.delenv(key)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts += out.get("traceback", []) + [out.get("evalue", "")]
    return "\n".join(parts)


def _seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds() if start and end else float("nan")


@pytest.mark.slow
def test_a_lesson_runs_on_a_hub_from_its_launch_notebook(tmp_path, monkeypatch):
    lessons = _lessons()
    found = wheels(SUITE_PYTHON)
    home = tmp_path / "home"
    repo = checkout(home / "eo-notebooks")  # nbgitpuller: ~/<repo name>
    venv = tmp_path / "hub-env"
    with recording("hub", lessons) as details:
        start = time.time()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(found),
            f"ipykernel=={notebooks.pins()['ipykernel']}",
        ]
        subprocess.run(pip, check=True, env=clean_pip_env())
        details["hub_env_seconds"] = round(time.time() - start, 1)
        kernel = _kernel(venv, tmp_path / "jupyter")
        env = {"JUPYTER_PATH": str(tmp_path / "jupyter"), "HOME": str(home)}
        cwd = repo / "notebooks"
        setup_only = lambda: nbformat.v4.new_notebook(  # noqa: E731
            cells=[nbformat.read(cwd / f"{lessons[0]}.ipynb", as_version=4).cells[0]]
        )

        # 1. No package reachable (an offline hub): a clear stop, no traceback.
        empty = tmp_path / "no-packages"
        empty.mkdir()
        nb = _run(
            setup_only(),
            cwd,
            kernel,
            {**env, **clean_pip_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(empty))},
            monkeypatch,
        )
        offline_said = _text(
            nb.cells[0]
        )  # checked after the lesson ran (the lesson's failure tells more)

        # 2. Packages reachable: the setup cell installs them, then the lesson runs.
        reach = {**env, **clean_pip_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(found))}
        ran = {}
        for lesson in lessons:
            nb = nbformat.read(cwd / f"{lesson}.ipynb", as_version=4)
            _run(nb, cwd, kernel, reach, monkeypatch)
            errors = [
                f"cell {i}: {o['ename']}: {o['evalue']}"
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
                for o in c.get("outputs", [])
                if o.get("output_type") == "error"
            ]
            assert not errors, f"{lesson} fails on the hub: {errors[:2]}"
            code = [c for c in nb.cells if c.cell_type == "code"]
            ran[lesson] = {
                "setup_seconds": round(_seconds(code[0]), 1),
                "lesson_seconds": round(sum(_seconds(c) for c in code[1:]), 1),
                "setup_said": _text(code[0]).strip().splitlines(),
            }
        assert "Setup stopped: pip could not install the packages" in offline_said, offline_said
        assert "What to do:" in offline_said, offline_said
        assert "Traceback" not in offline_said and 'File "' not in offline_said, offline_said
        first = ran[lessons[0]]
        assert any(line.startswith("Setup: installing") for line in first["setup_said"]), first
        assert any(line.startswith("Setup: done in") for line in first["setup_said"]), first

        # 3. Everything there now: the setup cell does nothing.
        nb = _run(setup_only(), cwd, kernel, reach, monkeypatch)
        assert "nothing to do" in _text(nb.cells[0]), _text(nb.cells[0])
        versions = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import platform, numpy, xarray, dask; print(platform.python_version(),"
                " numpy.__version__, xarray.__version__, dask.__version__)",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        details.update(
            python=versions[0],
            numpy=versions[1],
            xarray=versions[2],
            dask=versions[3],
            install_seconds=first["setup_seconds"],
            runs=ran,
            layout="nbgitpuller: ~/eo-notebooks, notebook in notebooks/",
            environment="fresh venv with ipykernel only; packages from local wheels",
        )
