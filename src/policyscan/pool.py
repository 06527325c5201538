"""Scanning files in worker processes, one file at a time each, with a time limit per file.

Each worker is a forked copy of the parent, which has already built the scanner (spaCy
pipeline and matchers), so a worker costs no start-up. A worker gets one path, sends back
one ``DocumentReport`` (small: only results cross the pipe), and waits for the next. A
worker that runs over ``timeout`` is killed and replaced, and its file is reported as
``timeout``; a worker that dies (a reader crashing on a hostile file) is replaced and its
file reported as ``failed``. Nothing a single file does can stop the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from .models import DocumentReport, ScanError, Status

if TYPE_CHECKING:
    from .scanner import Scanner

Task = tuple[int, str]  # (task id, path)

# pdfium is not thread-safe and spaCy is heavy to rebuild: processes, forked after the
# parent built the scanner. (Python 3.14 changes the default start method; ask for fork.)
_CONTEXT = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Signals that stop a process from outside (the OOM killer, kill, a shutdown); any other
# death of a worker (a fatal signal of its own, an exit from a reader) is the file's doing.
_KILLED_FROM_OUTSIDE = frozenset({signal.SIGKILL, signal.SIGTERM})


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent goes (Linux); elsewhere the
    closed pipe ends it between files. A parent already gone before this took effect
    is noticed at once."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _worker(conn: Connection, scanner: Scanner, parent: int,
            inherited: list[Connection]) -> None:
    # Ctrl-C goes to the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    # The fork copied the parent's ends of every pipe, this worker's own included: held
    # here, they would keep each pipe open after the parent died, and recv() would wait
    # forever instead of seeing the end of the file.
    for end in inherited:
        with contextlib.suppress(OSError):
            end.close()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, path = task
        if os.getppid() != parent:
            return
        report = scanner.scan(path)
        try:
            conn.send((task_id, report))
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (fork context)
    conn: Connection
    task: Task | None = None
    started: float = 0.0


class WorkerPool:
    """A fixed number of worker processes scanning one file each at a time."""

    def __init__(self, scanner: Scanner, jobs: int, timeout: float | None) -> None:
        self.scanner = scanner
        self.jobs = max(1, jobs)
        self.timeout = timeout if timeout and timeout > 0 else None
        self._workers: list[_Worker] = []
        self._retried: set[int] = set()  # task ids already given a second worker

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe(duplex=True)
        inherited = [parent, *(w.conn for w in self._workers if w is not None)]
        process = _CONTEXT.Process(target=_worker, daemon=True,
                                   args=(child, self.scanner, os.getpid(), inherited))
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[int, DocumentReport]]:
        """Scan every task, yielding (task id, report) as each finishes, in any order."""
        pending = deque(tasks)
        if not pending:
            return
        for _ in range(min(self.jobs, len(pending))):
            self._workers.append(self._spawn())  # each spawn closes the ends made before
        try:
            yield from self._loop(pending)
        finally:
            self.close()

    def _loop(self, pending: deque[Task]) -> Iterator[tuple[int, DocumentReport]]:
        while True:
            for w in list(self._workers):
                if w.task is None and pending:
                    w.task = pending.popleft()
                    w.started = time.monotonic()
                    try:
                        w.conn.send(w.task)
                    except OSError:  # the worker died while idle
                        yield from self._lost(w, pending)
            busy = [w for w in self._workers if w.task is not None]
            if not busy:
                return
            wait_for = None
            if self.timeout is not None:
                now = time.monotonic()
                wait_for = max(0.0, min(w.started + self.timeout for w in busy) - now)
            ready = wait([w.conn for w in busy], timeout=wait_for)
            for w in busy:
                if w.conn in ready:
                    yield from self._collect(w, pending)
            if self.timeout is not None:
                now = time.monotonic()
                for w in [w for w in self._workers if w.task is not None]:
                    if now - w.started >= self.timeout:
                        yield self._replace(w, "timeout", ScanError(
                            "timeout", f"{w.task[1] if w.task else '?'} took longer than "
                            f"{self.timeout:g} s and was stopped; raise --timeout to give it "
                            "more time"))

    def _collect(self, w: _Worker, pending: deque[Task]
                 ) -> Iterator[tuple[int, DocumentReport]]:
        assert w.task is not None
        try:
            task_id, report = w.conn.recv()
        except (EOFError, OSError):
            yield from self._lost(w, pending)
            return
        w.task = None
        yield task_id, report

    def _lost(self, w: _Worker, pending: deque[Task]) -> Iterator[tuple[int, DocumentReport]]:
        """A worker died with a file. The first time, the file goes to a fresh worker (a
        worker killed from outside, by the OOM killer say, says nothing about the file);
        the second time it is reported: ``worker_lost`` when it was killed from outside
        again, else ``corrupt`` (the reader crashed on it twice)."""
        assert w.task is not None
        task = w.task
        w.process.join(timeout=1)  # reap it, so its exit code is known
        code = w.process.exitcode
        if task[0] not in self._retried:
            self._retried.add(task[0])
            self._retire(w, kill=True)
            self._workers[self._workers.index(w)] = self._spawn()
            pending.appendleft(task)
            return
        how = (f"signal {-code}" if isinstance(code, int) and code < 0
               else f"exit code {code}")
        if isinstance(code, int) and -code in _KILLED_FROM_OUTSIDE:
            error = ScanError("worker_lost", f"the worker scanning {task[1]} was stopped "
                              f"from outside twice ({how}: out of memory, or killed); run "
                              "again, with fewer --jobs if memory is short")
        else:
            error = ScanError("corrupt", f"{task[1]} crashed the PDF reader twice ({how}); "
                              "the file is probably damaged or hostile")
        yield self._replace(w, "failed", error)

    def _replace(self, w: _Worker, status: Status, error: ScanError) -> tuple[int, DocumentReport]:
        assert w.task is not None
        task_id, path = w.task
        self._retire(w, kill=True)
        index = self._workers.index(w)
        self._workers[index] = self._spawn()
        return task_id, DocumentReport.failed(path, error, status=status)

    def close(self) -> None:
        for w in self._workers:
            if w.task is None and w.process.is_alive():
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        deadline = time.monotonic() + 2
        for w in self._workers:
            w.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._retire(w, kill=True)
        self._workers = []


def default_jobs() -> int:
    """The cores this process may use (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
