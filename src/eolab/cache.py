"""Where eolab keeps the data it makes, and how a folder of it is built safely.

One job: the cache.  Generated files live under :func:`cache_root`
(``$EOLAB_CACHE`` if set, else ``~/.cache/eolab``), in folders from
:func:`cache_dir`.  A generator fills a folder through :func:`ensure_folder`
(or :func:`building_folder`): the files are written into a temporary folder,
a completeness marker (each file's size and SHA-256) is written last, and
the folder appears in one rename under a per-folder lock, so no reader ever
sees it half-written and two processes never build it twice.  A folder that
holds files eolab did not make is never deleted.

>>> from eolab import cache
>>> cache.cache_dir("landsat")          # doctest: +SKIP
PosixPath('/home/me/.cache/eolab/landsat')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "MARKER",
    "building_folder",
    "cache_dir",
    "cache_root",
    "check_complete",
    "ensure_folder",
    "is_ours",
    "synthetic_note",
    "write_marker",
]


def cache_root() -> Path:
    """The cache root: ``$EOLAB_CACHE`` if set, else ``~/.cache/eolab``."""
    return Path(os.environ.get("EOLAB_CACHE", Path.home() / ".cache" / "eolab"))


def cache_dir(*parts: str) -> Path:
    """Folder where eolab keeps files it generates (synthetic scenes, Zarr stores).

    ``$EOLAB_CACHE`` if set, else ``~/.cache/eolab``; created if missing.
    Everything in it can be deleted: it is regenerated on demand.

    Parameters
    ----------
    *parts : str
        Sub-folder names, e.g. ``cache_dir("landsat")``.  They must stay
        inside the cache: ``".."`` and absolute paths are refused.
    """
    root = cache_root()
    for part in parts:
        if (
            not isinstance(part, str)
            or not part
            or Path(part).is_absolute()
            or ".." in Path(part).parts
        ):
            raise ValueError(
                f"cache_dir: {part!r} is not a sub-folder name inside the cache "
                f"{root}; "
                "use plain names such as cache_dir('landsat')"
            )
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


MARKER = ".eolab-complete.json"
"""Written last into every finished folder: each file's size and SHA-256."""

_VERIFIED: dict[tuple[str, int], bool] = {}


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _inventory(folder: Path) -> dict[str, list]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MARKER:
            files[path.relative_to(folder).as_posix()] = [path.stat().st_size, _file_digest(path)]
    return files


def write_marker(folder: str | os.PathLike) -> None:
    """Write the completeness marker of ``folder`` (last, after every other file)."""
    folder = Path(folder)
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"eolab": "complete", "files": _inventory(folder)}, indent=0))
    os.replace(tmp, folder / MARKER)


def is_ours(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` was made by eolab: it holds the marker, or an eolab README of an older
    version, or it lies inside the cache root (which eolab alone manages: a folder there left by an
    older eolab, without a marker, is rebuilt rather than refused)."""
    folder = Path(folder)
    if (folder / MARKER).exists():
        return True
    root, where = cache_root().resolve(), folder.resolve()
    if root in where.parents:
        return True
    readme = folder / "README.txt"
    try:
        return readme.is_file() and "safe to delete, regenerated on demand" in readme.read_text()
    except OSError:
        return False


def check_complete(folder: str | os.PathLike) -> str | None:
    """``None`` if ``folder`` is a complete eolab folder, else why not (a short phrase).

    Every file listed in the marker must exist with its size; the SHA-256 of
    each file is checked once per process (sizes on every call).
    """
    folder = Path(folder)
    marker = folder / MARKER
    try:
        stat = marker.stat()
        listed = json.loads(marker.read_text())["files"]
    except FileNotFoundError:
        return "it has no completeness marker"
    except (OSError, ValueError, KeyError, TypeError):
        return "its completeness marker is unreadable"
    for name, (size, _) in listed.items():
        path = folder / name
        try:
            actual = path.stat().st_size
        except OSError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} has {actual} bytes instead of {size}"
    key = (str(folder.resolve()), stat.st_mtime_ns)
    if key not in _VERIFIED:
        for name, (_, digest) in listed.items():
            if _file_digest(folder / name) != digest:
                return f"{name} does not match its checksum"
        _VERIFIED[key] = True
    return None


def _lock(folder: Path, timeout: float = 1800):
    from filelock import FileLock

    # Locks live in the cache root, not beside the folder, so a user's folder gets no extra files.
    where = cache_root() / ".locks"
    where.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
    return FileLock(str(where / f"{folder.name}-{key}.lock"), timeout=timeout)


def _check_target(folder: Path) -> Path:
    folder = Path(folder)
    resolved = folder.resolve()
    here = Path.cwd().resolve()
    if (
        resolved == here
        or resolved in here.parents
        or resolved == Path.home().resolve()
        or resolved == Path(resolved.anchor)
    ):
        raise ValueError(
            f"refusing to build into {str(folder)!r}: it is the current folder, "
            "your home or one of their parents; pass a new folder name, "
            "e.g. folder='my_store'"
        )
    if folder.exists():
        if not folder.is_dir():
            raise FileExistsError(
                f"{str(folder)!r} exists and is a file, not an eolab folder; "
                "pass a new folder name or remove it yourself"
            )
        if any(folder.iterdir()) and not is_ours(folder):
            raise FileExistsError(
                f"{str(folder)!r} exists and holds files eolab did not make; "
                "eolab will not delete them. Pass a new folder name "
                "(or an empty folder), or move those files yourself"
            )
    return folder


def _clean_stale(folder: Path) -> None:
    """Remove temporary folders an interrupted build of ``folder`` left (called under its lock)."""
    prefixes = ("tmp-" + folder.name.replace(".", "-") + "-", ".old-" + folder.name + "-")
    if not folder.parent.is_dir():
        return
    for p in folder.parent.iterdir():
        if p.is_dir() and p.name.startswith(prefixes):
            shutil.rmtree(p, ignore_errors=True)


def ensure_folder(
    folder: str | os.PathLike, note: str, write: Callable[[Path], None], overwrite: bool = False
) -> Path:
    """Build ``folder`` once, safely: the one entry point of every generator.

    Under a per-folder lock (other processes building the same folder
    wait): if ``folder`` is complete (its marker matches every file) it is
    returned as it is; otherwise ``write(tmp)`` fills a fresh temporary
    folder beside it, which replaces ``folder`` in one rename
    (:func:`building_folder`).  A folder that exists and holds files eolab
    did not make is never deleted: that is an error naming it.  A
    half-written or corrupt eolab folder is rebuilt, with one line saying so.

    Returns
    -------
    pathlib.Path
        ``folder``.
    """
    folder = _check_target(Path(folder))
    if not overwrite and check_complete(folder) is None:
        return folder
    with _lock(folder):
        _clean_stale(folder)
        problem = check_complete(folder)
        if problem is None and not overwrite:
            return folder  # another process finished it while we waited
        if folder.exists() and any(folder.iterdir()) and not overwrite:
            print(
                f"eolab: the cached {folder.name} was incomplete or corrupt ({problem}); "
                "rebuilding it"
            )
        with _building(folder, note) as tmp:
            write(tmp)
    return folder


@contextlib.contextmanager
def _building(folder: Path, note: str):
    folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = "tmp-" + folder.name.replace(".", "-") + "-"
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
    try:
        yield tmp
        (tmp / "README.txt").write_text(note)
        write_marker(tmp)
        old = None
        if folder.exists():
            old = folder.parent / f".old-{folder.name}-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def building_folder(folder: str | os.PathLike, note: str):
    """Write a generated folder so that no reader ever sees it half-written.

    Yields a new temporary folder beside ``folder``; write everything into
    it.  When the block ends without error, ``note`` is saved as
    ``README.txt``, the completeness marker (each file's size and SHA-256)
    is written last, and the temporary folder replaces ``folder`` in one
    rename, all under a per-folder lock.  An existing ``folder`` is replaced
    only if eolab made it (or it is empty): a folder holding anything else is
    an error naming it, and nothing is deleted.  If the block fails, the
    temporary folder is deleted and the error raised.  Prefer
    :func:`ensure_folder`, which also reuses a complete folder.

    Parameters
    ----------
    folder : path
        The final folder, e.g. under :func:`cache_dir`.
    note : str
        Text of its ``README.txt``: what the files are and how they were made.
    """
    folder = _check_target(Path(folder))
    with _lock(folder):
        _clean_stale(folder)
        with _building(folder, note) as tmp:
            yield tmp


def synthetic_note(title: str, generator: str, seed: int, version) -> str:
    """The ``README.txt`` of a folder of generated (synthetic) files."""
    return (
        f"{title}\nSYNTHETIC data made by {generator} (seed {seed}, version {version}); "
        "safe to delete, regenerated on demand.\n"
    )
