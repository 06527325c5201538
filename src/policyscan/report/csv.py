"""The plan-by-facts comparison as CSV: one row per document, written at the end.

For a spreadsheet comparing an employer's options or a state's marketplace: the plan's
identity, whether each fact was found, the appeal deadline, and how the scan went.
"""

from __future__ import annotations

import csv
from typing import Any

from ..models import FACT_CATEGORIES, DocumentReport, ScanReport
from . import AtTheEnd
from .safe import csv_cell

COLUMNS = (
    "path", "status", "kind", "plan_name", "issuer", "coverage_period", "plan_type",
    *FACT_CATEGORIES, "appeal_deadline", "appeal_deadline_page", "findings", "error",
    "duplicate_of",
)


def _fact(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def row(doc: DocumentReport) -> dict[str, Any]:
    deadline = doc.facts.appeal_deadline
    return {
        "path": doc.path, "status": doc.status, "kind": doc.kind,
        "plan_name": doc.plan.name or "", "issuer": doc.plan.issuer or "",
        "coverage_period": doc.plan.coverage_period or "", "plan_type": doc.plan.plan_type or "",
        **{c: _fact(doc.facts.values.get(c)) for c in FACT_CATEGORIES},
        "appeal_deadline": (f"{deadline.value} {deadline.unit.replace('_', ' ')}"
                            if deadline else ""),
        "appeal_deadline_page": deadline.page if deadline else "",
        "findings": len(doc.findings),
        "error": doc.error.message if doc.error else "",
        "duplicate_of": doc.duplicate_of or "",
    }


def _cells(values: dict[str, Any]) -> dict[str, Any]:
    """A row a spreadsheet shows as written: no cell starts a formula (``=HYPERLINK``
    in a plan name or a file name would otherwise run)."""
    return {k: csv_cell(v) for k, v in values.items()}


class CsvFormatter(AtTheEnd):
    def end(self, report: ScanReport) -> None:
        writer = csv.DictWriter(self.stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for doc in report.documents:
            writer.writerow(_cells(row(doc)))


GRID_COLUMNS = (
    "path", "plan_name", "issuer", "page", "event", "service", "in_network", "out_of_network",
    "limitations", "prior_authorization", "penalty",
)


class GridCsvFormatter(AtTheEnd):
    """One row per row of each SBC's Common Medical Event grid: cost sharing and prior
    authorization service by service, for every plan of a batch in one sheet."""

    def end(self, report: ScanReport) -> None:
        writer = csv.DictWriter(self.stream, fieldnames=GRID_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for doc in report.documents:
            for r in doc.sbc.grid if doc.sbc else ():
                writer.writerow(_cells({
                    "path": doc.path, "plan_name": doc.plan.name or "",
                    "issuer": doc.plan.issuer or "", "page": r.page, "event": r.event or "",
                    "service": r.service, "in_network": r.in_network,
                    "out_of_network": r.out_of_network, "limitations": r.limitations,
                    "prior_authorization": "yes" if r.prior_authorization else "no",
                    "penalty": r.penalty or "",
                }))
