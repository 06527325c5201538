"""Running a scan of many files: nothing lost, nothing done twice, results in order.

For each file, in the order given: a report already in the output being resumed is kept;
a file with the same bytes as an earlier one gets a copy of that one's report; a cached
report is reused; everything else goes to a backend (this process, a pool of worker
processes, or a Dask cluster). Reports reach the formatter in input order as soon as all
earlier ones have, so a streamed output file is the same however the work was spread and
wherever a run was interrupted.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from . import __version__, startup
from .cache import ReportCache
from .extract.sniff import read_as
from .models import DocumentReport, PatternSetInfo, ScanError, ScanReport
from .options import ScanOptions
from .report import Formatter
from .report.safe import inert
from .resume import resume_key
from .rules.loader import RuleSet

if TYPE_CHECKING:
    from .scanner import Scanner

Task = tuple[int, str]


class Backend(Protocol):
    def run(self, tasks: list[Task]) -> Iterator[tuple[int, DocumentReport]]: ...


@dataclass
class BatchOptions:
    jobs: int = 1
    timeout: float | None = None  # seconds per file; None or 0: no limit
    cache: ReportCache | None = None
    # Reports already written to the output being resumed, by path.
    resumed: dict[str, DocumentReport] = field(default_factory=dict)
    on_done: Callable[[DocumentReport], None] | None = None  # progress
    scheduler: str | None = None  # a Dask scheduler address


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _InProcess:
    """The scanner of this process, one file after another (no time limit)."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner

    def run(self, tasks: list[Task]) -> Iterator[tuple[int, DocumentReport]]:
        for task_id, path in tasks:
            yield task_id, self.scanner.scan(path)


def _hash(path: str, max_bytes: int | None) -> tuple[str | None, ScanError | None]:
    """The file's SHA-256, or why it cannot be read (checked before any worker sees it)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or a device would block or never end when read.
            return None, ScanError("unreadable", f"{path} is not a regular file (a pipe, "
                                   "socket or device); skipped")
        size = info.st_size
        if max_bytes is not None and size > max_bytes:
            return None, ScanError("too_large", f"{path} is {size:,} bytes, over the "
                                   f"--max-bytes limit of {max_bytes:,}; raise the limit to "
                                   "scan it")
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest(), None
    except PermissionError:
        return None, ScanError("unreadable", f"permission denied reading {path}; check the "
                               "file's permissions")
    except OSError as exc:
        return None, ScanError("unreadable", f"cannot read {path}: {exc.strerror or exc}")


def _backend(scanner: Scanner, batch: BatchOptions, misses: int) -> Backend:
    if batch.scheduler:
        from .distributed import DaskBackend

        # The pipeline is built on the workers, not here; this process's scheduler client
        # makes reference cycles of its own for as long as the batch runs.
        startup.resume()

        backend: Backend = DaskBackend(batch.scheduler, scanner.rules, scanner.options,
                                       timeout=batch.timeout)
        return backend
    if (batch.jobs <= 1 or misses <= 1) and not batch.timeout:
        return _InProcess(scanner)
    from .pool import WorkerPool

    # Build the pipeline before forking, so no worker pays for it.
    scanner.matchers  # noqa: B018
    return WorkerPool(scanner, min(batch.jobs, misses), batch.timeout)


class _InOrder:
    """Hands reports to the formatter in input order, as soon as each one can go."""

    def __init__(self, slots: int, formatter: Formatter, resumed: set[int],
                 on_done: Callable[[DocumentReport], None] | None) -> None:
        self.reports: list[DocumentReport | None] = [None] * slots
        self.formatter = formatter
        self.resumed = resumed
        self.on_done = on_done
        self._next = 0
        self.finding_counts: Counter[str] = Counter()
        # A formatter that writes each document as it goes (JSON Lines, the terminal)
        # needs only facts at the end; the parent then keeps no findings, so its memory
        # stays flat however many files a batch has.
        self.slim = not getattr(formatter, "needs_findings_at_end", True)
        self.keep: set[int] = set()  # originals whose copies are still to be made

    def put(self, index: int, report: DocumentReport) -> None:
        # Every output is fed from here: its text is made printable once, for all of them.
        report = inert(report)
        self.reports[index] = report
        self.finding_counts.update(f.category for f in report.findings)
        if self.on_done is not None and index not in self.resumed:
            self.on_done(report)
        while self._next < len(self.reports) and self.reports[self._next] is not None:
            ready = self.reports[self._next]
            assert ready is not None
            if self._next not in self.resumed:  # already in the output being resumed
                self.formatter.document(ready)
            if self.slim and self._next not in self.keep:
                self.reports[self._next] = _slimmed(ready)
            self._next += 1

    def keep_only(self, keep: set[int]) -> None:
        """Stop keeping whole the reports no copy needs any more."""
        self.keep = keep
        if self.slim:
            for i in range(self._next):
                done = self.reports[i]
                if done is not None and i not in keep:
                    self.reports[i] = _slimmed(done)


def _slimmed(doc: DocumentReport) -> DocumentReport:
    return replace(doc, findings=(), outlook=None, outlooks=(), due_dates=())


def run_batch(files: list[str], problems: list[tuple[str, ScanError]], rules: RuleSet,
              options: ScanOptions, batch: BatchOptions, formatter: Formatter) -> ScanReport:
    """Scan ``files`` (plus report ``problems``) and return the whole report."""
    names = [name for name, _ in problems] + list(files)
    formatter.begin(len(names))
    # A resumed output is matched by resolved path: "./in" continues a run of "in".
    keys = [resume_key(name) for name in names]
    resumed = {i for i, key in enumerate(keys) if key in batch.resumed}
    order = _InOrder(len(names), formatter, resumed, batch.on_done)
    for i, (name, error) in enumerate(problems):
        order.put(i, batch.resumed.get(keys[i]) or DocumentReport.failed(name, error))

    # The same bytes read the same way: an empty .txt is no copy of an empty .pdf.
    first_of: dict[tuple[str, str], int] = {}  # (sha256, reading) -> index scanned for it
    copies: dict[int, list[int]] = {}  # that index -> indexes of files with the same bytes
    tasks: list[Task] = []
    for i, path in enumerate(files, start=len(problems)):
        if i in resumed:
            done = batch.resumed[keys[i]]
            if done.sha256 and done.duplicate_of is None:
                # A later copy of it is still a copy, as in an uninterrupted run.
                first_of.setdefault((done.sha256, read_as(path)), i)
                order.keep.add(i)
            order.put(i, done)
            continue
        sha, unreadable = _hash(path, options.max_bytes)
        if unreadable is not None:
            order.put(i, DocumentReport.failed(path, unreadable))
            continue
        assert sha is not None
        content = (sha, read_as(path))
        if content in first_of:
            copies.setdefault(first_of[content], []).append(i)
            continue
        first_of[content] = i
        order.keep.add(i)  # until the end of the listing, any later file may copy it
        cached = batch.cache.get(sha, path) if batch.cache else None
        if cached is not None:
            _deliver(order, names, copies, i, cached)
        else:
            tasks.append((i, path))

    order.keep_only(set(copies))  # every copy is known now
    if tasks:
        # The pipeline is imported and built only for files to scan: a rescan served
        # from the cache needs neither.
        from .scanner import Scanner

        scanner = Scanner(rules, options)
        for i, done in _backend(scanner, batch, len(tasks)).run(tasks):
            if batch.cache is not None:
                batch.cache.put(done)
            _deliver(order, names, copies, i, done)
    # Copies whose original was resumed or failed before hashing were delivered above;
    # any left (their original already finished) are filled in here.
    for original, dups in copies.items():
        source = order.reports[original]
        if source is not None:
            for d in dups:
                if order.reports[d] is None:
                    order.put(d, _copy(source, names[d]))

    documents = tuple(r for r in order.reports if r is not None)
    report = ScanReport(documents, PatternSetInfo(len(rules), rules.sha256), __version__,
                        now_utc(), summary_extra=({"cache_hits": batch.cache.hits}
                                                  if batch.cache else {}),
                        finding_counts=dict(order.finding_counts) if order.slim else None)
    formatter.end(report)
    return report


def _copy(source: DocumentReport, path: str) -> DocumentReport:
    return replace(source, path=path, duplicate_of=source.path, seconds=0.0)


def _deliver(order: _InOrder, names: list[str], copies: dict[int, list[int]], index: int,
             report: DocumentReport) -> None:
    order.put(index, report)
    for d in copies.get(index, ()):
        order.put(d, _copy(report, names[d]))


def scan_one(rules: RuleSet, options: ScanOptions, path: str,
             timeout: float | None) -> DocumentReport:
    """One file under a time limit (a worker process stopped when it runs over), its
    text made printable: what a single-document command (the appeal kit) scans with."""
    from .scanner import Scanner

    scanner = Scanner(rules, options)
    if timeout and not options.debug:
        from .pool import WorkerPool

        scanner.matchers  # noqa: B018  (built before forking)
        backend: Backend = WorkerPool(scanner, 1, timeout)
    else:
        backend = _InProcess(scanner)
    for _, report in backend.run([(0, path)]):
        return inert(report)
    raise AssertionError("a backend yields one report per task")


def run_scan(files: list[str], problems: list[tuple[str, ScanError]], rules: RuleSet,
             options: ScanOptions, formatter: Formatter) -> ScanReport:
    """One process, no cache: the simple path (used by tests and the Python API)."""
    return run_batch(files, problems, rules, options, BatchOptions(), formatter)
