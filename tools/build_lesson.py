"""Build one page of the book on its own, for fast work on a single lesson.

    .venv/bin/python tools/build_lesson.py book/lesson3-data-cube.md

Builds only that page (with the course's _config.yml, the offline guard and
the build gate) into ``_build/lessons/<name>/html`` with its own execution
cache, so several lessons can be worked on at once.  The full site is still
built by ``make book``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(page: str) -> int:
    path = (ROOT / page).resolve()
    if not path.exists() or path.suffix != ".md":
        sys.exit(f"no such lesson source: {page!r} (give a path like book/first-map.md)")
    name = path.stem
    out = ROOT / "_build" / "lessons" / name
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(out / ".jupyter_cache")
    config["sphinx"]["local_extensions"] = {
        k: str(ROOT / "_ext") for k in config["sphinx"]["local_extensions"]
    }
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    docname = path.relative_to(ROOT).with_suffix("").as_posix()
    # The lesson plus the course's fixed pages, so links to them resolve.
    chapters = [
        {"file": f}
        for f in ("book/setup", "book/first-map", "book/data", "book/glossary", "book/platforms")
        if f != docname
    ]
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "chapters": chapters + ([{"file": docname}] if docname != "book/intro" else []),
    }
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "tools" / "offline_guard"),
        EOLAB_OFFLINE_LOG=str(out / "offline-guard.log"),
    )
    cmd = [
        str(ROOT / ".venv" / "bin" / "jupyter-book"),
        "build",
        str(ROOT),
        "--config",
        str(out / "_config.yml"),
        "--toc",
        str(out / "_toc.yml"),
        "--path-output",
        str(out),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
    ]
    result = subprocess.run(cmd, env=env, cwd=ROOT)
    guard = out / "offline-guard.log"
    if guard.exists() and guard.stat().st_size:
        print(guard.read_text())
        return 1
    print(f"\nBuilt {page} -> {out / '_build' / 'html' / (docname + '.html')}")
    return result.returncode


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
