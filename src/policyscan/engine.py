"""Running a scan of many files: each document reported as it finishes, then the whole."""

from __future__ import annotations

from datetime import UTC, datetime

from . import __version__
from .models import DocumentReport, PatternSetInfo, ScanError, ScanReport
from .report import Formatter
from .rules.loader import RuleSet
from .scanner import Scanner, ScanOptions


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_scan(files: list[str], problems: list[tuple[str, ScanError]], rules: RuleSet,
             options: ScanOptions, formatter: Formatter) -> ScanReport:
    scanner = Scanner(rules, options)
    formatter.begin()
    documents: list[DocumentReport] = []
    for name, error in problems:
        doc = DocumentReport.failed(name, error)
        formatter.document(doc)
        documents.append(doc)
    for path in files:
        doc = scanner.scan(path)
        formatter.document(doc)
        documents.append(doc)
    report = ScanReport(tuple(documents), PatternSetInfo(len(rules), rules.sha256),
                        __version__, now_utc())
    formatter.end(report)
    return report
