"""JSON (one object for the run) and JSON Lines (one document per line, streamed)."""

from __future__ import annotations

import json
from typing import IO, Any

from ..models import DocumentReport, ScanReport
from . import AtTheEnd


class JsonFormatter(AtTheEnd):
    """The report contract of report-format.md: one object, written at the end."""

    def end(self, report: ScanReport) -> None:
        json.dump(report.to_dict(), self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


class JsonLinesFormatter:
    """One document object per line, written the moment it is finished.

    An interrupted run keeps every line already written; each line is a complete
    document object of the report contract.
    """

    needs_findings_at_end = False

    def __init__(self, stream: IO[str], **_: Any) -> None:
        self.stream = stream

    def begin(self, total: int) -> None:
        pass

    def document(self, doc: DocumentReport) -> None:
        self.stream.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        self.stream.flush()

    def end(self, report: ScanReport) -> None:
        pass
