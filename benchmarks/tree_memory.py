"""Peak memory of a process tree, sampled in a thread: shared by the benchmarks.

with TreeMemory(pid) as mem:              # a process and all its children
    ...
with TreeMemory(include_root=False) as mem:   # only the children of this process
    ...
mem.peak                                  # bytes: the largest summed RSS seen
"""

from __future__ import annotations

import os
import threading
import time

import psutil


class TreeMemory:
    """Peak summed resident memory (bytes) of process ``pid`` (default: this one) and
    all its children, sampled every ``interval`` seconds in a thread; with
    ``include_root=False`` the children only (e.g. a notebook kernel and its workers,
    without the benchmark that started them)."""

    def __init__(self, pid: int | None = None, include_root: bool = True, interval: float = 0.05):
        self.proc = psutil.Process(pid if pid is not None else os.getpid())
        self.include_root, self.interval, self.peak = include_root, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        try:
            procs = self.proc.children(recursive=True)
        except psutil.Error:
            return 0
        total = 0
        for p in [self.proc, *procs] if self.include_root else procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
