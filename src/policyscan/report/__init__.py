"""Formatters: each turns the result model into one output format.

A formatter is told when the run begins (and how many documents it has), gets each
``DocumentReport`` as soon as it is finished (so long batches stream), and gets the whole
``ScanReport`` at the end. Formatters read only the result model, never extraction or
matching internals.
"""

from __future__ import annotations

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
    "grid-csv": "csv:GridCsvFormatter",
}


def make_formatter(name: str, stream: IO[str], **options: Any) -> Formatter:
    module, cls = FORMATTERS[name].split(":")
    factory = getattr(import_module(f"{__name__}.{module}"), cls)
    formatter: Formatter = factory(stream, **options)
    return formatter
