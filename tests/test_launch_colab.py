"""Colab and the setup cell's decisions, wherever a launch notebook lands.

Specifications:
* on a Python with none of the course's packages and no repository beside the
  notebook (Colab opens the notebook alone), the setup cell asks pip for every
  tested pin and for ``eolab`` from the course repository on GitHub, and says
  so in one line with the time it takes;
* that install line resolves for Colab's Python (3.12) on Linux x86_64 from
  binary wheels only, to the tested pins;
* with everything installed it does nothing; with no pip it stops with a
  message that says what to do, shown without a traceback.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys

import nbformat
import pytest
from launch_env import ROOT, resolve
from launch_results import recording

from eonb_book import notebooks

COLAB_PYTHON = "3.12"
REPO_URL, BRANCH = notebooks.repository()


def setup_source() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "first-map.ipynb", as_version=4)
    assert notebooks.SETUP_TAG in nb.cells[0].metadata.get("tags", [])
    return nb.cells[0].source


def run_setup(monkeypatch, tmp_path, installed: bool, pip: bool = True):
    """Run the notebook's setup cell here, in a folder with no repository beside it (as on Colab),
    with pip replaced by a recorder; ``installed=False`` makes every package look missing."""
    calls = []
    if not installed:

        def missing(name):
            raise importlib.metadata.PackageNotFoundError(name)

        monkeypatch.setattr(importlib.metadata, "version", missing)
    if not pip:
        real = importlib.util.find_spec
        monkeypatch.setattr(
            importlib.util, "find_spec", lambda n, *a: None if n == "pip" else real(n, *a)
        )
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda cmd, **kw: calls.append(cmd) or subprocess.CompletedProcess(cmd, 0, "", ""),
    )
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path / "content")
    namespace = {}
    try:
        exec(compile(setup_source(), "setup-cell", "exec"), namespace)  # noqa: S102
        error = None
    except Exception as caught:  # noqa: BLE001 - inspected by the tests
        error = caught
    return calls, error


def test_on_colab_the_setup_cell_installs_the_pins_and_eolab_from_github(
    monkeypatch, tmp_path, capsys
):
    calls, error = run_setup(monkeypatch, tmp_path, installed=False)
    assert error is None, error
    assert len(calls) == 1
    command = calls[0]
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    asked = [a for a in command[4:] if not a.startswith("-") and a != "2"]
    assert asked[-1] == f"eolab @ git+{REPO_URL}@{BRANCH}"
    assert asked[:-1] == [f"{n}=={v}" for n, v in notebooks.pins().items()]
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith(f"Setup: installing {len(asked)} packages (numpy, scipy")
    assert "this takes about" in said[0] and said[1].startswith("Setup: done in")


def test_with_everything_installed_the_setup_cell_does_nothing(monkeypatch, tmp_path, capsys):
    calls, error = run_setup(monkeypatch, tmp_path, installed=True)
    assert error is None and calls == []
    assert "nothing to do" in capsys.readouterr().out


def test_without_pip_the_setup_cell_stops_with_what_to_do(monkeypatch, tmp_path):
    calls, error = run_setup(monkeypatch, tmp_path, installed=False, pip=False)
    assert calls == [] and error is not None
    shown = "\n".join(error._render_traceback_())  # what Jupyter prints instead of a traceback
    assert shown.startswith("Setup stopped: this Python") and "has no pip" in shown
    assert "What to do:" in shown and "Traceback" not in shown


@pytest.mark.slow
def test_the_colab_install_line_resolves_for_python_312_from_binary_wheels(monkeypatch, tmp_path):
    with recording("colab", "all") as details:
        calls, error = run_setup(monkeypatch, tmp_path, installed=False)
        monkeypatch.undo()  # the real subprocess.run for pip below
        assert error is None
        asked = [a for a in calls[0][4:] if not a.startswith("-") and a != "2"]
        # eolab from GitHub is this repository's source: resolve it from here (offline).
        asked[-1] = str(ROOT)
        resolved = resolve(asked, COLAB_PYTHON, tmp_path)
        wrong = {
            n: (v, resolved.get(notebooks._key(n)))
            for n, v in notebooks.pins().items()
            if resolved.get(notebooks._key(n)) != v
        }
        assert not wrong, (
            f"on Python {COLAB_PYTHON} these resolve differently (pin, resolved): {wrong}"
        )
        details.update(
            python=COLAB_PYTHON,
            numpy=resolved["numpy"],
            xarray=resolved["xarray"],
            dask=resolved["dask"],
            packages=len(resolved),
            install_line=f"pip install <{len(asked) - 1} pins> eolab @ git+{REPO_URL}@{BRANCH}",
            platform="Linux x86_64 (manylinux), binary wheels only",
        )
