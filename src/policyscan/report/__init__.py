"""Formatters: each turns the result model into one output format.

A formatter is told when the run begins (and how many documents it has), gets each
``DocumentReport`` as soon as it is finished (so long batches stream), and gets the whole
``ScanReport`` at the end. Formatters read only the result model, never extraction or
matching internals.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import IO, Any, Protocol

from ..models import DocumentReport, ScanReport


class Formatter(Protocol):
    def begin(self, total: int) -> None: ...

    def document(self, doc: DocumentReport) -> None: ...

    def end(self, report: ScanReport) -> None: ...


class AtTheEnd:
    """Base of formatters that write the whole report once, when the run is over."""

    def __init__(self, stream: IO[str], **_: Any) -> None:
        self.stream = stream

    def begin(self, total: int) -> None:
        pass

    def document(self, doc: DocumentReport) -> None:
        pass


# format name -> "module:class"; imported only when chosen (rich costs ~100 ms).
FORMATTERS: dict[str, str] = {
    "terminal": "terminal:TerminalFormatter",
    "json": "json:JsonFormatter",
    "jsonl": "json:JsonLinesFormatter",
    "csv": "csv:CsvFormatter",
    "csv-long": "csv:CsvLongFormatter",
    "grid-csv": "csv:GridCsvFormatter",
    "markdown": "markdown:MarkdownFormatter",
    "html": "html:HtmlFormatter",
}


def make_formatter(name: str, stream: IO[str], **options: Any) -> Formatter:
    module, cls = FORMATTERS[name].split(":")
    factory = getattr(import_module(f"{__name__}.{module}"), cls)
    formatter: Formatter = factory(stream, **options)
    return formatter


class Tee:
    """Several outputs from one run: forwards begin, each document and end to every
    formatter, in order (``--html r.html --json r.json`` plus the terminal report).

    The run keeps every document's findings to the end if any formatter needs them.
    """

    def __init__(self, formatters: Sequence[Formatter]) -> None:
        self.formatters = tuple(formatters)

    @property
    def needs_findings_at_end(self) -> bool:
        return any(getattr(f, "needs_findings_at_end", True) for f in self.formatters)

    def begin(self, total: int) -> None:
        for f in self.formatters:
            f.begin(total)

    def document(self, doc: DocumentReport) -> None:
        for f in self.formatters:
            f.document(doc)

    def end(self, report: ScanReport) -> None:
        for f in self.formatters:
            f.end(report)
