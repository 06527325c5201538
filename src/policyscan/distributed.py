"""Scanning on a Dask cluster: ``policyscan scan --scheduler tcp://HOST:8786``.

The client (this process) decides what to scan (resume, cache, duplicates: the engine's
work) and submits one Dask task per remaining file. The rule set and scan options travel
once, as the result of one small setup task that every file task depends on: Dask copies
it to each worker once, and recomputes it if the worker holding it dies. Each worker
process builds one ``Scanner`` per rule set and options and keeps it, so spaCy loads once
per worker, not once per file. Reports come back as each file finishes, in any order.

What a worker needs: policyscan[dask] installed (the client's version), and every file
readable at the same absolute path as on the client (a shared filesystem, or the same
machine). See docs/cluster.md.

Failures, mirroring the local pool (pool.py) where Dask allows; none stops the batch:

- a file that raises on the worker becomes a ``failed`` report;
- a file whose worker dies while scanning it is retried by Dask on another worker; after
  the scheduler's ``allowed-failures`` (default 3) more deaths it is a ``failed`` report
  (``KilledWorker``). A file that was only queued on a dying worker cannot be to blame:
  when Dask gives it up all the same, it is submitted again (up to ``_RESUBMIT`` times);
- a file still running ``timeout`` seconds after it *started* (not after it was queued) is
  cancelled, reported as ``timeout``, and its worker process is restarted by its nanny.
  Dask cannot stop a running Python function: cancelling alone would leave the scan running
  in the worker's thread, and that worker (one scan at a time: pdfium is not thread-safe)
  would sit on the files Dask queues on it for as long as the scan lasts, forever for a
  reader stuck in a loop. The restart is what the local pool does to a late worker, and
  takes a few seconds; ``run`` waits for it before it returns. A worker started without a
  nanny (``--no-nanny``) is shut down instead. Other work on a restarted worker is lost:
  give policyscan a cluster of its own, or pass ``--timeout 0``.

Workers tell the client when each file starts (a Dask event per file): that starts its
timeout clock and says whether a worker death may be its doing.

dask is imported only here, and only when a scheduler is asked for.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from . import __version__
from .errors import UserError
from .models import DocumentReport, ScanError
from .options import ScanOptions
from .rules.loader import RuleSet
from .scanner import Scanner

Task = tuple[int, str]  # (task id, path)

DEFAULT_PORT = 8786
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler
WORKER_WAIT = 60.0  # seconds to wait for a first worker when the cluster has none
_POLL = 0.05  # seconds between checks for overdue files while nothing finishes
_RESTART_TIMEOUT = 60.0  # seconds for a worker restarted after a timeout to come back
# Times a file is sent again after its workers died while it was only queued on them.
_RESUBMIT = 3
_INSTALL = "pip install 'policyscan[dask]'"

# -- on the workers ---------------------------------------------------------------------

# One scanner per (rule-set hash, options) per worker process, built by the first file.
_SCANNERS: dict[tuple[str, ScanOptions], Scanner] = {}
_KEEP_SCANNERS = 4  # rule sets kept per worker process (each holds a spaCy pipeline)
# pdfium is not thread-safe: a worker process scans one file at a time, whatever its
# --nthreads. Start workers with --nthreads 1 and use --nworkers for parallelism.
_SCAN_LOCK = threading.Lock()


def _version() -> str:
    """policyscan's version on a worker (fails there when policyscan is not installed)."""
    return __version__


def _setup(rules: RuleSet, options: ScanOptions) -> tuple[RuleSet, ScanOptions]:
    """The setup task: its result is what every file task receives (and Dask moves once)."""
    return rules, options


def _scanner(rules: RuleSet, options: ScanOptions) -> Scanner:
    key = (rules.sha256, options)
    scanner = _SCANNERS.get(key)
    if scanner is None:
        while len(_SCANNERS) >= _KEEP_SCANNERS:
            del _SCANNERS[next(iter(_SCANNERS))]
        scanner = Scanner(rules, options)
        scanner.matchers  # noqa: B018 (build spaCy now, not inside the first file's time)
        _SCANNERS[key] = scanner
    return scanner


def _scan_on_worker(path: str, name: str, setup: tuple[RuleSet, ScanOptions],
                    topic: str, key: str) -> DocumentReport:
    """Scan one file on a Dask worker. ``path`` is absolute; the report names ``name``."""
    from distributed import get_worker

    rules, options = setup
    with _SCAN_LOCK:
        scanner = _scanner(rules, options)
        # Tell the client: its clock for --timeout starts now, and from now on a crash of
        # this worker may be this file's doing.
        get_worker().log_event(topic, {"key": key, "worker": get_worker().address})
        if not os.path.exists(path):
            return DocumentReport.failed(name, ScanError(
                "unreadable", f"{name} is not on Dask worker {get_worker().address} (no file "
                f"at {path}); every worker must read the files at the same absolute paths as "
                "the machine running policyscan (a shared filesystem)"))
        report = scanner.scan(path)
    return _renamed(report, path, name)


def _renamed(report: DocumentReport, path: str, name: str) -> DocumentReport:
    """The report as a local scan of ``name`` (the path as the user gave it) reads."""
    if path == name:
        return report
    error = report.error
    if error is not None:
        error = replace(error, message=error.message.replace(path, name))
    return replace(report, path=name, error=error,
                   warnings=tuple(w.replace(path, name) for w in report.warnings))


# -- on the client ----------------------------------------------------------------------


def _unreachable(address: str, why: str) -> UserError:
    return UserError(f"could not connect to the Dask scheduler at {address} ({why}); start "
                     f"one with `dask scheduler` or check the address")


def _probe(address: str) -> None:
    """Fail at once when nothing listens at a TCP address (Dask would retry for 10 s)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return
        host, port = parse_host_port(location, default_port=DEFAULT_PORT)
    except ValueError as exc:
        raise UserError(f"{address!r} is not a Dask scheduler address ({exc}); expected "
                        f"tcp://HOST:{DEFAULT_PORT}") from exc
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except socket.gaierror as exc:
        raise _unreachable(address, f"unknown host {host!r}") from exc
    except ConnectionRefusedError as exc:
        raise _unreachable(address, f"nothing is listening on port {port}") from exc
    except TimeoutError as exc:
        raise _unreachable(address, f"no answer within {CONNECT_TIMEOUT:g} s") from exc
    except OSError as exc:
        raise _unreachable(address, exc.strerror or str(exc)) from exc


def _killed(future: Any, result: Any) -> bool:
    """Whether a finished future is Dask's KilledWorker error."""
    from distributed import KilledWorker

    return bool(future.status == "error" and isinstance(result, tuple)
                and isinstance(result[1], KilledWorker))


def _restart(client: Any, worker: str) -> None:
    """Restart a worker whose scan ran late (its thread cannot be stopped otherwise)."""
    with contextlib.suppress(Exception):  # gone already, or the run is over
        client.restart_workers([worker], timeout=_RESTART_TIMEOUT, raise_for_error=False)


def check_scheduler(address: str) -> None:
    """Fail before any output is written: Dask missing, a malformed address, or nothing
    listening there."""
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise UserError(f"--scheduler needs Dask, which is not installed; install it "
                        f"with `{_INSTALL}`") from exc
    _probe(address)


class DaskBackend:
    """Scans files on a Dask cluster, one task per file, yielding reports as they finish."""

    def __init__(self, address: str, rules: RuleSet, options: ScanOptions, *,
                 timeout: float | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise UserError(f"--scheduler needs Dask, which is not installed; install it "
                            f"with `{_INSTALL}`") from exc
        self.address = address
        self.rules = rules
        self.options = options
        self.timeout = timeout if timeout and timeout > 0 else None
        self._restarts: list[threading.Thread] = []

    def run(self, tasks: list[Task]) -> Iterator[tuple[int, DocumentReport]]:
        """Scan every task on the cluster, yielding (task id, report) in any order."""
        if not tasks:
            return
        from distributed import as_completed

        client = self._connect()
        run_id = uuid.uuid4().hex[:12]
        topic = f"policyscan-started-{run_id}"
        started: dict[str, tuple[float, str]] = {}  # key -> (start on this clock, worker)
        pending: dict[str, tuple[Any, int, str]] = {}  # key -> (future, task id, name)
        timed_out: set[str] = set()
        resubmitted: dict[int, int] = {}  # task id -> times
        try:
            def on_start(event: tuple[float, dict[str, str]]) -> None:
                started[event[1]["key"]] = (time.monotonic(), event[1]["worker"])

            client.subscribe_topic(topic, on_start)
            setup = client.submit(_setup, self.rules, self.options,
                                  key=f"policyscan-setup-{run_id}", pure=False)

            def submit(task_id: int, name: str, attempt: int = 0) -> Any:
                key = f"policyscan-scan-{run_id}-{task_id}" + (f"-{attempt}" if attempt else "")
                future = client.submit(_scan_on_worker, os.path.abspath(name), name, setup,
                                       topic, key, key=key, pure=False)
                pending[key] = (future, task_id, name)
                return future

            futures = [submit(task_id, name) for task_id, name in tasks]
            self._check_workers(client)
            done: Any = as_completed(  # type: ignore[no-untyped-call]
                futures, with_results=True, raise_errors=False, loop=client.loop)
            while not done.is_empty():
                if not done.has_ready():
                    if self.timeout is not None:
                        self._expire(client, started, pending, timed_out)
                    time.sleep(_POLL)
                    continue
                future, result = next(done)
                _, task_id, name = pending.pop(future.key)
                began = started.pop(future.key, None) is not None
                if (not began and _killed(future, result)
                        and resubmitted.get(task_id, 0) < _RESUBMIT):
                    # Its workers died (or were restarted for another file's timeout)
                    # while it was only queued there: it cannot be to blame. Again.
                    resubmitted[task_id] = resubmitted.get(task_id, 0) + 1
                    done.add(submit(task_id, name, resubmitted[task_id]))
                    continue
                yield task_id, self._report(client, future, result, name,
                                            future.key in timed_out)
        finally:
            self._close(client, topic, [f for f, _, _ in pending.values()])

    # -- steps ----------------------------------------------------------------------------

    def _connect(self) -> Any:
        from distributed import Client

        _probe(self.address)
        try:
            return Client(  # type: ignore[no-untyped-call]
                self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:  # Dask raises OSError, TimeoutError, ValueError, …
            raise _unreachable(self.address, f"{type(exc).__name__}: {exc}") from exc

    def _check_workers(self, client: Any) -> None:
        """A cluster without workers would wait forever; one with another policyscan
        would give other results."""
        if not client.nthreads():
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except Exception as exc:  # dask's TimeoutError
                raise UserError(f"the Dask scheduler at {self.address} has no workers after "
                                f"{WORKER_WAIT:g} s; start some with `dask worker "
                                f"{self.address} --nthreads 1`") from exc
        versions = client.run(_version, on_error="return")
        wrong = {worker: (f"policyscan {v}" if isinstance(v, str) else "no policyscan")
                 for worker, v in versions.items() if v != __version__}
        if wrong:
            listed = ", ".join(f"{w} has {v}" for w, v in sorted(wrong.items()))
            raise UserError(f"the Dask workers must run policyscan {__version__}, as this "
                            f"machine does: {listed}; install it on every worker with "
                            f"`pip install 'policyscan[dask]=={__version__}'`")

    def _expire(self, client: Any, started: dict[str, tuple[float, str]],
                pending: dict[str, tuple[Any, int, str]], timed_out: set[str]) -> None:
        """Cancel every file running for longer than the timeout; restart its worker."""
        assert self.timeout is not None
        now = time.monotonic()
        for key, (since, worker) in list(started.items()):
            if key in pending and key not in timed_out and now - since >= self.timeout:
                timed_out.add(key)
                pending[key][0].cancel()
                # In the background: the restart waits for the worker to come back.
                thread = threading.Thread(target=_restart, args=(client, worker),
                                          daemon=True, name=f"policyscan-restart-{worker}")
                thread.start()
                self._restarts.append(thread)

    def _report(self, client: Any, future: Any, result: Any, name: str,
                timed_out: bool) -> DocumentReport:
        from distributed import KilledWorker

        if future.status == "finished" and isinstance(result, DocumentReport):
            return result
        if timed_out:
            return DocumentReport.failed(name, ScanError(
                "timeout", f"{name} took longer than {self.timeout:g} s and was stopped (its "
                "Dask worker was restarted); raise --timeout to give it more time"),
                status="timeout")
        if future.status == "error":
            exc = result[1] if isinstance(result, tuple) else result
            if isinstance(exc, KilledWorker):
                # Dask retried it on fresh workers and lost each: as the local pool's second
                # loss, the worker is lost; Dask cannot say whether a kill or a crash did it.
                return DocumentReport.failed(name, ScanError(
                    "worker_lost", f"{name} stopped {exc.allowed_failures + 1} Dask "
                    "worker(s) (KilledWorker: each crashed or was killed while scanning "
                    "it); if nothing killed them, the file is probably damaged or hostile"))
            hint = ""
            if isinstance(exc, ImportError) and "policyscan" in str(exc):
                hint = f"; `{_INSTALL}` on every worker"
            return DocumentReport.failed(name, ScanError(
                "internal", f"{name} could not be scanned on the Dask cluster "
                f"({type(exc).__name__}: {exc}){hint}"))
        if client.status != "running":
            raise UserError(f"lost the connection to the Dask scheduler at {self.address}; "
                            "reports already written are kept (with -o FILE --format jsonl, "
                            "rerun with --resume to finish)")
        return DocumentReport.failed(name, ScanError(
            "unreadable", f"{name} was not scanned: the Dask cluster cancelled it ({result})"))

    def _close(self, client: Any, topic: str, unfinished: list[Any]) -> None:
        """Cancel what is left (an interrupted run) and disconnect; never mask an error."""
        with contextlib.suppress(Exception):
            if unfinished and client.status == "running":
                client.cancel(unfinished)
        # A restart cut short would leave its worker stuck for the next run.
        deadline = time.monotonic() + _RESTART_TIMEOUT
        for thread in self._restarts:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._restarts = []
        with contextlib.suppress(Exception):
            if client.status == "running":
                client.unsubscribe_topic(topic)
        with contextlib.suppress(Exception):
            client.close()
