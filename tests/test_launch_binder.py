"""Binder: what mybinder.org builds from this repository, decided by repo2docker's own code.

Specifications:
* ``pyproject.toml`` (what eolab and the lessons need, lower bounds) and
  ``requirements.txt`` (the exact versions tested) agree: every pin is declared
  and satisfies its lower bound;
* repo2docker's build-pack detection, run on the repository as a clone has it
  (no Docker needed), picks its Python build pack and the Python this suite
  runs on (``runtime.txt``); without ``runtime.txt`` it would read
  ``requires-python`` from pyproject.toml and pick the newest Python it knows;
* the Dockerfile it renders installs ``requirements.txt``, and every pin (and
  eolab itself) resolves to binary wheels for that Python on Linux x86_64.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from launch_env import ROOT, checkout, resolve
from launch_results import recording

from eonb_book import notebooks

# repo2docker imports python-json-logger, which warns about its own module move.
pytestmark = pytest.mark.filterwarnings(
    "ignore:pythonjsonlogger.jsonlogger has been moved:DeprecationWarning"
)
SUITE_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def test_pyproject_declares_every_pin_with_a_lower_bound_it_satisfies():
    needs = notebooks.course_needs()  # raises if a pin is not declared
    assert set(notebooks.lower_bounds()) == {notebooks._key(n) for n in needs}, (
        "pyproject.toml declares packages requirements.txt does not pin"
    )
    too_old = {
        name: (low, pin) for name, (low, pin) in needs.items() if _numbers(pin) < _numbers(low)
    }
    assert not too_old, f"pins below pyproject.toml's lower bounds: {too_old}"


def detect(repo: Path):
    """The build pack repo2docker picks for ``repo``, as ``Repo2Docker.build`` does it."""
    from repo2docker.app import Repo2Docker

    app = Repo2Docker()
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        for pack in app.buildpacks:
            bp = pack(base_image=app.base_image)
            if bp.detect():
                break
        else:
            bp = app.default_buildpack(base_image=app.base_image)
        bp.platform = "linux/amd64"  # mybinder.org's machines (repo2docker --platform)
        return bp, bp.python_version, bp.render()
    finally:
        os.chdir(cwd)


@pytest.mark.slow
def test_repo2docker_picks_the_suites_python_and_every_pin_has_a_wheel(tmp_path, caplog):
    from repo2docker.buildpacks import PythonBuildPack

    repo = checkout(tmp_path / "repo")
    with recording("binder", "all") as details:
        details["repo2docker"] = version("jupyter-repo2docker")
        with caplog.at_level(logging.WARNING, logger="repo2docker"):
            bp, python, dockerfile = detect(repo)
        details["python"] = python
        assert type(bp) is PythonBuildPack, f"repo2docker picked {type(bp).__name__}"
        unspecified = [r.getMessage() for r in caplog.records if "unspecified" in r.getMessage()]
        assert not unspecified, f"repo2docker guesses the Python: {unspecified}"
        assert python == SUITE_PYTHON, (
            f"repo2docker {details['repo2docker']} would build Binder with Python {python}, "
            "but the "
            f"suite runs on {SUITE_PYTHON}: pin it in runtime.txt (python-{SUITE_PYTHON})"
        )
        assert 'pip install --no-cache-dir -r "requirements.txt"' in dockerfile
        resolved = resolve(["-r", str(repo / "requirements.txt")], python, tmp_path)
        wanted = notebooks.pins(ROOT)
        wrong = {
            n: (v, resolved.get(notebooks._key(n)))
            for n, v in wanted.items()
            if resolved.get(notebooks._key(n)) != v
        }
        assert not wrong, f"pins that do not resolve as pinned (pin, resolved): {wrong}"
        assert "eolab" in resolved
        details.update(
            numpy=resolved["numpy"],
            xarray=resolved["xarray"],
            dask=resolved["dask"],
            packages=len(resolved),
            platform="Linux x86_64 (manylinux)",
        )
