"""The cache never loses a learner's work and never serves a broken file (issue 20, defects 1-3).

- a generator given a folder that holds the learner's files refuses it, naming it, and deletes
nothing;
- two processes building the same dataset at once both end with correct data;
- a truncated file in the cache is detected and rebuilt, with one line saying so;
- temporary folders left by an interrupted build are cleaned; ``cache_dir`` stays inside the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eolab import datasets
from eolab.synthetic import biomass, landsat, no2, reflectance


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EOLAB_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


# ------------------------------------------------------------- 1. data loss
def test_a_user_folder_survives_build_store(tmp_path):
    folder = tmp_path / "my_work"
    folder.mkdir()
    (folder / "thesis.txt").write_text("three years of work")
    with pytest.raises(FileExistsError, match=r"my_work.*eolab did not make.*new folder name"):
        reflectance.build_store(folder=folder)
    assert (folder / "thesis.txt").read_text() == "three years of work"
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["my_work"], (
        "no temporary folder is left beside it"
    )


def test_a_user_folder_survives_build_catalogue(tmp_path):
    folder = tmp_path / "fieldwork"
    folder.mkdir()
    (folder / "thesis.txt").write_text("notes")
    with pytest.raises(FileExistsError, match="fieldwork"):
        landsat.build_catalogue(folder=folder, start="2016-08-01", end="2016-08-31")
    assert (folder / "thesis.txt").read_text() == "notes"


def test_the_current_folder_and_home_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.txt").write_text("keep me")
    for target in (".", tmp_path, tmp_path.parent, Path.home()):
        with pytest.raises(ValueError, match="refusing to build into"):
            reflectance.build_store(folder=target)
    assert (tmp_path / "thesis.txt").read_text() == "keep me"


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "tiles").write_text("not a folder")
    with pytest.raises(FileExistsError, match="is a file"):
        reflectance.build_store(folder=tmp_path / "tiles")


def test_an_empty_folder_is_filled_and_reused(tmp_path):
    folder = tmp_path / "tiles"
    folder.mkdir()
    assert reflectance.build_store(folder=folder) == folder
    assert datasets.check_complete(folder) is None
    marker = json.loads((folder / datasets.MARKER).read_text())
    sizes = {name: size for name, (size, _) in marker["files"].items()}
    assert sizes["COMPLETE"] == 3 and any(n.startswith("tile_") for n in sizes)
    stamp = (folder / datasets.MARKER).stat().st_mtime_ns
    assert reflectance.build_store(folder=folder) == folder
    assert (folder / datasets.MARKER).stat().st_mtime_ns == stamp, (
        "a complete store is reused, not rebuilt"
    )


def test_cache_dir_stays_inside_the_cache(cache):
    for bad in ("..", "../elsewhere", "a/../../b", "/etc", ""):
        with pytest.raises(ValueError, match="inside the cache"):
            datasets.cache_dir(bad)
    assert datasets.cache_dir("no2").parent == cache


def test_a_folder_an_older_eolab_left_in_the_cache_is_rebuilt(cache, capsys):
    """A learner who ran an earlier version of the course has cache folders without the
    marker: inside the cache (which eolab alone manages) they are rebuilt, not refused."""
    old = cache / "tiles-from-an-older-eolab"
    old.mkdir(parents=True)
    (old / "tile_33UUU.zarr").write_text("written by eolab 0.1 before markers existed")
    assert reflectance.build_store(folder=old) == old
    assert datasets.check_complete(old) is None
    assert "incomplete or corrupt" in capsys.readouterr().out
    assert not (old / "tile_33UUU.zarr").is_file(), "the old file was replaced by the new store"


# ------------------------------------------------------------- 3. broken files
def test_a_truncated_no2_truth_file_is_detected_and_rebuilt(cache, capsys):
    path = no2.build("europe", seed=5)
    truth = path.with_name(path.stem + "-truth.nc")
    good = hashlib.sha256(truth.read_bytes()).hexdigest()
    truth.write_bytes(b"")  # what a reader during a rebuild used to leave
    capsys.readouterr()
    table = no2.ground_truth("europe", seed=5)
    out = capsys.readouterr().out
    assert (
        out.count("\n") == 1 and "incomplete or corrupt" in out and "-truth.nc has 0 bytes" in out
    )
    assert hashlib.sha256(truth.read_bytes()).hexdigest() == good
    assert table.sizes["city"] > 3
    # and nothing is said when the cache is fine
    no2.ground_truth("europe", seed=5)
    assert capsys.readouterr().out == ""


def test_a_corrupted_byte_is_caught_by_the_checksum(cache, capsys):
    folder = reflectance.build_store(folder=cache / "tiles")
    victim = next(
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.stat().st_size > 100 and p.name != datasets.MARKER
    )
    data = bytearray(victim.read_bytes())
    data[50] ^= 0xFF
    victim.write_bytes(bytes(data))
    datasets._VERIFIED.clear()  # a new process
    assert "does not match its checksum" in datasets.check_complete(folder)
    reflectance.build_store(folder=folder)
    assert "rebuilding" in capsys.readouterr().out
    assert datasets.check_complete(folder) is None


def test_stale_temporary_folders_are_cleaned(cache):
    folder = cache / "tiles"
    stale = cache / "tmp-tiles-abc123"
    stale.mkdir(parents=True)
    (stale / "half.zarr").write_bytes(b"x" * 1000)
    reflectance.build_store(folder=folder)
    assert not stale.exists()
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == ["tiles"]


def test_biomass_shapefile_is_byte_reproducible(cache):
    first = biomass.files(seed=0)
    digest = {
        k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in first.items() if k != "countries"
    }
    dbf = first["protected_areas"].with_suffix(".dbf")
    dbf_digest = hashlib.sha256(dbf.read_bytes()).hexdigest()
    again = biomass.files(seed=0, overwrite=True)
    assert {
        k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in again.items() if k != "countries"
    } == digest
    assert hashlib.sha256(dbf.read_bytes()).hexdigest() == dbf_digest
    assert dbf.read_bytes()[1:4] == bytes([124, 1, 1]), "DBF header date is the fixed 2024-01-01"


# ------------------------------------------------------------- 2. concurrency
_RACER = r"""
import sys, time
from pathlib import Path
import numpy as np
from eolab.synthetic import reflectance
barrier, me, races = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for race in range(races):
    seed = 100 + race                       # a fresh cache entry each race
    (barrier / f"{race}-{me}").touch()
    while len(list(barrier.glob(f"{race}-*"))) < 2:   # both start building at the same instant
        time.sleep(0.001)
    folder = reflectance.build_store(seed=seed)
    truth = reflectance.tiles_in_memory(seed=seed)
    nan_diff, worst = 0, 0.0
    for tile in reflectance.TILES:
        ds = reflectance.load_tile(tile, seed=seed).load()
        for b in reflectance.BANDS:
            got, want = ds[b].values, truth[tile][b].values
            nan_diff += int((np.isnan(got) != np.isnan(want)).sum())
            worst = max(worst, float(np.nanmax(np.abs(got - want))))
    print(race, folder.name, nan_diff, worst <= reflectance.SCALE, flush=True)
"""


def test_two_processes_building_the_same_dataset_both_get_correct_data(cache, tmp_path):
    """Ten races: two processes build the same (new) cache entry at the same instant, ten times.

    Both must end with the right data: every value as generated (within the
    uint16 quantisation), no NaN the data do not have, no crash, no temporary
    folder left.
    """
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = dict(os.environ, EOLAB_CACHE=str(cache))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(barrier), me, "10"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me in ("a", "b")
    ]
    lines = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, f"a process crashed:\n{err[-2000:]}"
        assert "rebuilding" not in out
        lines += [line.split() for line in out.splitlines()]
    assert len(lines) == 20, lines
    assert all(nan_diff == "0" and close == "True" for _, _, nan_diff, close in lines), lines
    assert sorted({(race, name) for race, name, _, _ in lines}) == sorted(
        (str(r), f"reflectance-v1-seed{100 + r}") for r in range(10)
    )
    left = sorted(p.name for p in (cache / "cube").iterdir())
    assert left == [f"reflectance-v1-seed{100 + r}" for r in range(10)], (
        "no temporary folder is left"
    )
