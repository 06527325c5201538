"""A progress bar for batches, on standard error: counts by status, elapsed time, ETA."""

from __future__ import annotations

from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..models import STATUSES, DocumentReport


class ProgressBar:
    """Counts finished documents; rich redraws the bar a few times a second."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self._counts = {s: 0 for s in STATUSES}
        self._progress = Progress(
            TextColumn("[bold]scanning[/bold]"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=Console(file=stream), transient=False,
        )
        self._task = self._progress.add_task(self._describe(), total=total)

    def _describe(self) -> str:
        parts = [f"{n} {s.replace('_', ' ')}" for s, n in self._counts.items() if n or s == "ok"]
        return " · ".join(parts)

    def advance(self, doc: DocumentReport) -> None:
        self._counts[doc.status] = self._counts.get(doc.status, 0) + 1
        self._progress.update(self._task, advance=1, description=self._describe())

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()
