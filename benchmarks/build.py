"""Build benchmark: cold build, no-change rebuild, one-lesson edit, per-lesson time and memory.

    .venv/bin/python benchmarks/build.py            # everything (several minutes)
    .venv/bin/python benchmarks/build.py --lessons  # only per-lesson time and peak memory

Targets for the finished course (2 cores): cold build under 10 min, no-change
rebuild under 30 s, every lesson under 2 GB peak memory (Binder's limit).

The builds run in a temporary copy of the repository with an empty data
cache (``EOLAB_CACHE``), so the cold build also generates every synthetic
dataset, and your own ``_build``, execution cache and data cache are
untouched.  The per-lesson runs use your data cache (generated once).  Peak memory is the largest
sum of resident memory over the kernel and every process it starts (Dask
workers included), sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tree_memory import TreeMemory

from eonb_book import toc

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
GUARD = {"PYTHONPATH": str(ROOT / "tools" / "offline_guard")}


def toc_pages() -> list[Path]:
    """Every page listed in _toc.yml, in order."""
    return [source for _, source in toc.pages(ROOT)]


is_notebook = toc.is_notebook


def run_lesson(page: Path) -> dict:
    """Execute one lesson like the build does (temporary folder) and measure it."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(page)
    workdir = tempfile.mkdtemp(prefix="eonb-bench-")
    os.environ.update(GUARD)
    client = NotebookClient(
        nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": workdir}}
    )
    start = time.perf_counter()
    with TreeMemory(include_root=False) as mem:
        client.execute()
    seconds = time.perf_counter() - start
    shutil.rmtree(workdir, ignore_errors=True)
    return {
        "lesson": page.relative_to(ROOT).as_posix(),
        "seconds": round(seconds, 1),
        "peak_memory_mb": round(mem.peak / 2**20),
    }


def timed_build(copy: Path) -> float:
    # The copy's own, initially empty, data cache: the cold build also generates
    # every synthetic dataset, as on a new machine.
    env = dict(
        os.environ,
        **GUARD,
        EOLAB_OFFLINE_LOG=str(copy / "_build" / "offline-guard.log"),
        EOLAB_CACHE=str(copy.parent / "eolab-cache"),
    )
    start = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "jupyter-book"),
            "build",
            str(copy),
            "--warningiserror",
            "--nitpick",
            "--keep-going",
            "--quiet",
        ],
        cwd=copy,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - start, 1)


def build_timings() -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="eonb-build-bench-"))
    copy = tmp / "repo"
    shutil.copytree(
        ROOT,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns("_build", ".venv", ".git", "artifacts", "results"),
    )
    try:
        cold = timed_build(copy)
        warm = timed_build(copy)
        lessons = [p for p in toc_pages() if p.name.startswith("lesson")] or toc_pages()[1:]
        edited = copy / lessons[0].relative_to(ROOT)
        edited.write_text(edited.read_text() + "\n\nAn added sentence to time an edit.\n")
        edit = timed_build(copy)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "cold_build_s": cold,
        "no_change_rebuild_s": warm,
        "rebuild_after_editing_one_lesson_s": edit,
        "edited": lessons[0].name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", action="store_true", help="only per-lesson time and memory")
    args = parser.parse_args()
    report: dict = {"cpu_count": os.cpu_count()}
    if not args.lessons:
        report["build"] = build_timings()
        b = report["build"]
        print(f"cold build                    {b['cold_build_s']:8.1f} s   (target < 600 s)")
        print(f"no-change rebuild             {b['no_change_rebuild_s']:8.1f} s   (target < 30 s)")
        print(
            "rebuild after editing "
            f"{b['edited']:<8}{b['rebuild_after_editing_one_lesson_s']:8.1f} s"
        )
    report["lessons"] = []
    print(f"\n{'page':42s} {'time (s)':>9s} {'peak memory (MB)':>17s}")
    for page in toc_pages():
        if not is_notebook(page):
            continue
        row = run_lesson(page)
        report["lessons"].append(row)
        flag = "" if row["peak_memory_mb"] < 2048 else "   OVER 2 GB"
        print(f"{row['lesson']:42s} {row['seconds']:9.1f} {row['peak_memory_mb']:17d}{flag}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "build.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten {RESULTS / 'build.json'}")


if __name__ == "__main__":
    sys.exit(main())
