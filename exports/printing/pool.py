"""Helper processes that render parts of one export in parallel.

The helpers are spawned (not forked: the worker has threads and open database
connections), import only WeasyPrint and PDFium, warm their fonts once and keep a
font configuration for every later render. They exit at once when their parent
dies (a parent-death signal, and a thread woken by the pipe to the parent closing),
so a SIGKILLed worker leaves no orphan behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from exports.printing.pdf import warm

logger = logging.getLogger(__name__)

# How often a helper also checks its parent's pid (the sentinel below normally
# tells at once; this covers a parent that left the pipe open in another child).
PARENT_POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL to this process when the thread that spawned
    it exits (the pool spawns from long-lived threads only: a worker's main or task
    thread, never a passing one)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc/musl: the watchers below still work
        logger.debug("prctl(PR_SET_PDEATHSIG) unavailable", exc_info=True)


def _watch_parent(parent: int) -> None:
    """Exit as soon as the worker is gone: its end of the pipe we were spawned with
    closes when it dies (however it dies), which wakes this thread at once; the pid
    check is a fallback."""
    import multiprocessing.connection

    sentinel = getattr(multiprocessing.parent_process(), "sentinel", None)
    while True:
        if sentinel is not None:
            if multiprocessing.connection.wait([sentinel], timeout=PARENT_POLL_SECONDS):
                os._exit(0)  # the worker died (SIGKILL): nobody will ask for our result
        else:
            time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _helper_start(parent: int) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the worker died before the line above took effect
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    warm()



@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """Spawned children re-import the parent's ``__main__`` (a script, ``celery``'s
    entry point...), which costs time and memory and runs unguarded scripts again;
    the helpers need none of it, so hide it while they are spawned (only ``submit``
    spawns)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class RenderPool:
    """Helper processes for one worker. ``run`` hands out calls and yields results as
    they finish; with no helpers (or when they break) it runs them here, in order."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0
        self._lock = threading.Lock()
        self._owner = os.getpid()

    def _forked(self) -> bool:
        """In a forked child (a prefork worker's pool process) the helpers belong to
        the parent: forget them (without shutting them down) and start our own."""
        if self._owner == os.getpid():
            return False
        self._executor, self._size, self._owner = None, 0, os.getpid()
        self._lock = threading.Lock()
        return True

    def start(self, processes: int, *, wait_ready: bool = False) -> None:
        """Spawn ``processes`` helpers (and warm them); 0 or 1: render in this process."""
        self._forked()
        with self._lock:
            if processes <= 1:
                self._shutdown_locked()
                return
            if self._executor is not None and self._size == processes:
                return
            self._shutdown_locked()
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                                 initializer=_helper_start, initargs=(os.getpid(),))
            self._size = processes
            # One call per helper so that every helper starts now, not at the first export.
            with _plain_main():
                started = [self._executor.submit(os.getpid) for _ in range(processes)]
        if wait_ready:
            for future in started:
                future.result(timeout=120)

    @property
    def size(self) -> int:
        self._forked()
        return self._size if self._executor is not None else 0

    def pids(self) -> list[int]:
        executor = self._executor
        if executor is None:
            return []
        return [p.pid for p in list(getattr(executor, "_processes", {}).values()) if p.pid]

    def stop(self) -> None:
        with self._lock:
            self._shutdown_locked()

    def _shutdown_locked(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._size = None, 0

    def run(self, function: Callable[..., Any], calls: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]:
        """(index, result) for each call, in the order they finish. ``calls`` may be a
        generator: each call goes to a helper as soon as it is made, so helpers start
        on the first part while this process writes the next one."""
        self._forked()
        executor = self._executor
        if executor is None:
            for index, args in enumerate(calls):
                yield index, function(*args)
            return
        made: list[tuple[Any, ...]] = []
        futures: dict[Future[Any], int] = {}
        broken = False
        for index, args in enumerate(calls):
            made.append(args)
            if broken:
                continue
            try:
                with _plain_main():
                    futures[executor.submit(function, *args)] = index
            except (BrokenProcessPool, RuntimeError):
                broken = True
        pending = set(futures)
        done: set[int] = set()
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = futures[future]
                    result = future.result()
                    done.add(index)
                    yield index, result
        except BrokenProcessPool:
            broken = True
        if broken:
            # A helper died (out of memory, killed): finish here, and start afresh.
            logger.warning("an export render helper died; rendering the rest in the worker")
            size = self._size
            self.stop()
            for future in pending:
                future.cancel()
            # Spawned from this (long-lived) thread, not a passing one: a helper's
            # parent-death signal follows the thread that spawned it.
            self.start(size)
        for index, args in enumerate(made):
            if index not in done:
                yield index, function(*args)


POOL = RenderPool()


def balanced_splits(costs: list[float], parts: int) -> list[tuple[int, int]]:
    """Cut ``costs`` (in order) into at most ``parts`` contiguous runs of about equal
    total; returns (start, end) index pairs, none empty."""
    count = len(costs)
    parts = max(1, min(parts, count))
    total = sum(costs) or 1.0
    bounds = [0]
    running = 0.0
    for index, cost in enumerate(costs):
        running += cost
        remaining_parts = parts - len(bounds)
        if remaining_parts <= 0:
            break
        # Close a run when it holds its share, but leave one item per run still to come.
        if running >= total * len(bounds) / parts and count - (index + 1) >= remaining_parts:
            bounds.append(index + 1)
    bounds.append(count)
    runs = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    return runs
