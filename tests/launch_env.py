"""Shared by the launch tests: the repository as a clone has it, and offline pip resolution."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEELS = ROOT / "_build" / "wheels"
# Binder's and Colab's images (Ubuntu 22.04, glibc 2.35): the same list as the Makefile.
PLATFORMS = [f"manylinux_2_{y}_x86_64" for y in range(35, 16, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]


def wheels(python: str) -> Path:
    folder = WHEELS / f"py{python}"
    if not folder.is_dir() or not any(folder.glob("*.whl")):
        raise AssertionError(
            f"no wheels for Python {python} in {folder}: run `make launch-wheels` "
            "(it downloads them; the tests themselves run offline)"
        )
    return folder


def clean_pip_env(**extra: str) -> dict:
    """The environment without this machine's pip settings (config files, PIP_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def checkout(target: Path) -> Path:
    """Copy the files a clone of this working tree holds (tracked and new, not ignored) to
    ``target``."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def resolve(requirements: list[str], python: str, tmp: Path) -> dict[str, str]:
    """``{normalised name: version}`` pip resolves for ``requirements`` on ``python`` (Linux
    x86_64), binary
    wheels only, from the downloaded wheels (no index): ``pip install --dry-run --report``."""
    report = tmp / f"report-{python}.json"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--ignore-installed",
        "--no-index",
        "--find-links",
        str(wheels(python)),
        "--only-binary=:all:",
        "--python-version",
        python,
        *[f"--platform={p}" for p in PLATFORMS],
        "--target",
        str(tmp / "target"),
        "--report",
        str(report),
        *requirements,
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_pip_env())
    assert done.returncode == 0, (
        f"pip cannot resolve the requirements for Python {python} from "
        f"binary wheels:\n{done.stderr[-3000:]}"
    )
    installed = json.loads(report.read_text())["install"]
    return {
        re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower(): item["metadata"]["version"]
        for item in installed
    }
