"""The comparison as CSV, for a spreadsheet comparing an employer's options or a state's
marketplace.

* ``csv``: one row per document, one value per cell: the plan's identity, each fact as
  stated / not stated / unclear with its pages, the first-appeal deadline, then a column
  per service that needs prior authorization, per service of the NOT-covered and
  Other-covered lists (lined up across plans), and per procedure asked about
  (``policyscan.compare``).
* ``csv-long``: the same cells one per row (plan, field, value, page, quote), for pivot
  tables and for the quotes.
* ``grid-csv``: one row per row of each SBC's Common Medical Event grid, with its page.

Every cell goes through ``cells.cell``; ``bom`` starts the file with a UTF-8 byte order
mark so that spreadsheet programs read it as UTF-8.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from ..compare import Comparison, build
from ..models import FACT_CATEGORIES, DocumentReport, ScanReport
from . import AtTheEnd
from .cells import BOM, cell

IDENTITY_COLUMNS = ("path", "status", "kind", "plan_name", "issuer", "plan_type",
                    "metal_level", "coverage_period", "coverage_start", "coverage_end")
FACT_COLUMNS = tuple(c for category in FACT_CATEGORIES for c in (category, f"{category}_pages"))
TAIL_COLUMNS = ("appeal_deadline", "appeal_deadline_page", "findings", "error", "duplicate_of")
COLUMNS = (*IDENTITY_COLUMNS, *FACT_COLUMNS, *TAIL_COLUMNS)
# Column titles of the fields a batch adds, by the field's group.
GROUP_PREFIX = {"prior_authorization": "prior authorization: ",
                "services": "service: ", "procedures": "procedure: "}


class _Csv(AtTheEnd):
    def __init__(self, stream: IO[str], *, bom: bool = False, **options: Any) -> None:
        super().__init__(stream, **options)
        self.bom = bom

    def _writer(self, columns: tuple[str, ...]) -> Any:
        if self.bom:
            self.stream.write(BOM)
        writer = csv.writer(self.stream, lineterminator="\n")
        writer.writerow([cell(c) for c in columns])
        return writer


def _pages(pages: tuple[int, ...]) -> str:
    return " ".join(str(p) for p in pages)


def extra_columns(comparison: Comparison) -> list[tuple[str, str]]:
    """(field key, column title) of the batch's own fields, unique titles."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for f in comparison.fields:
        prefix = GROUP_PREFIX.get(f.group)
        if prefix is None:
            continue
        title = prefix + f.label
        n = 2
        while title in seen:
            title, n = f"{prefix}{f.label} ({n})", n + 1
        seen.add(title)
        out.append((f.key, title))
    return out


def row(doc: DocumentReport, comparison: Comparison, index: int,
        extra: list[tuple[str, str]]) -> list[str]:
    plan = comparison.plans[index]
    values: dict[str, Any] = {
        "path": doc.path, "status": doc.status, "kind": doc.kind,
        "plan_name": doc.plan.name, "issuer": doc.plan.issuer, "plan_type": doc.plan.plan_type,
        "metal_level": doc.plan.metal_level, "coverage_period": doc.plan.coverage_period,
        "coverage_start": doc.plan.coverage_start, "coverage_end": doc.plan.coverage_end,
        "findings": len(doc.findings), "error": doc.error.message if doc.error else "",
        "duplicate_of": doc.duplicate_of,
    }
    if plan.scanned:
        for category in FACT_CATEGORIES:
            fact = plan.cell(f"facts:{category}")
            values[category] = fact.value
            values[f"{category}_pages"] = _pages(fact.pages)
        deadline = plan.cell("deadline:appeal_deadline")
        values["appeal_deadline"] = deadline.value
        values["appeal_deadline_page"] = _pages(deadline.pages)
    out = [cell(values.get(c)) for c in COLUMNS]
    out += [cell(plan.cell(key).value if plan.scanned else "") for key, _ in extra]
    return out


class CsvFormatter(_Csv):
    def end(self, report: ScanReport) -> None:
        comparison = build(report.documents)
        extra = extra_columns(comparison)
        writer = self._writer((*COLUMNS, *(title for _, title in extra)))
        for i, doc in enumerate(report.documents):
            writer.writerow(row(doc, comparison, i, extra))


LONG_COLUMNS = ("plan", "path", "group", "field", "value", "page", "quote")


class CsvLongFormatter(_Csv):
    """One row per plan and field: the comparison with its pages and quotes."""

    def end(self, report: ScanReport) -> None:
        comparison = build(report.documents)
        writer = self._writer(LONG_COLUMNS)
        for plan in comparison.plans:
            if not plan.scanned:
                writer.writerow([cell(plan.label), cell(plan.path), "status", "status",
                                 cell(plan.status), "", ""])
                continue
            for f in comparison.fields:
                c = plan.cell(f.key)
                writer.writerow([cell(v) for v in (plan.label, plan.path, f.group, f.label,
                                                   c.value, _pages(c.pages), c.quote)])


GRID_COLUMNS = (
    "path", "plan_name", "issuer", "page", "event", "service", "in_network", "out_of_network",
    "limitations", "prior_authorization", "penalty",
)


class GridCsvFormatter(_Csv):
    """One row per row of each SBC's Common Medical Event grid: cost sharing and prior
    authorization service by service, for every plan of a batch in one sheet."""

    def end(self, report: ScanReport) -> None:
        writer = self._writer(GRID_COLUMNS)
        for doc in report.documents:
            for r in doc.sbc.grid if doc.sbc else ():
                writer.writerow([cell(v) for v in (
                    doc.path, doc.plan.name, doc.plan.issuer, r.page, r.event, r.service,
                    r.in_network, r.out_of_network, r.limitations,
                    "yes" if r.prior_authorization else "no", r.penalty)])
