"""A member's case applied to one scanned document: the procedure they ask about and the
dates of their denial.

The outlook and the calendar dates are computed only from the document's own findings and
the rules of domain.md F.3; when the document states no deadline, the federal default
for its regime is given, labelled as a default and never as a plan term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .dates import (
    CAVEAT,
    DEFAULT_ACTIONS,
    DueDate,
    anchor_kind,
    describe,
    detect_regime,
    document_deadline,
    federal_default,
    regime_candidates,
)
from .models import DocumentReport


@dataclass(frozen=True)
class Case:
    procedure: str | None = None  # a procedure id of data/procedures.yaml
    denied_on: date | None = None  # the date on the denial notice
    received_on: date | None = None  # the day the member received it
    # Further procedures asked about (--procedure is repeatable): an outlook each.
    more_procedures: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.procedure or self.denied_on or self.received_on)

    @property
    def procedures(self) -> tuple[str, ...]:
        return ((self.procedure,) if self.procedure else ()) + self.more_procedures

    def to_options(self) -> dict[str, Any]:
        """What changes a report (for the result cache's key)."""
        extra = {"more_procedures": list(self.more_procedures)} if self.more_procedures else {}
        return {"procedure": self.procedure, **extra,
                "denied_on": self.denied_on.isoformat() if self.denied_on else None,
                "received_on": self.received_on.isoformat() if self.received_on else None}


def _due_dict(d: DueDate, *, page: int | None, quote: str | None, action: str) -> dict[str, Any]:
    return {
        "action": action, "value": d.value, "unit": d.unit, "date": d.date.isoformat(),
        "date_text": describe(d.date), "label": d.label, "start": d.start.isoformat(),
        "anchor_assumed": d.anchor_assumed, "rule": d.rule, "citation": d.citation,
        "basis": d.basis, "rolled_from": d.rolled_from.isoformat() if d.rolled_from else None,
        "advice": d.advice, "page": page, "quote": quote, "caveat": CAVEAT,
    }


def due_dates(report: DocumentReport, page_texts: Mapping[int, str], case: Case
              ) -> list[dict[str, Any]]:
    """Each appeal deadline the document states, as a calendar date; when it states no
    internal-appeal or grievance limit, the federal defaults of its regime."""
    received = case.received_on or case.denied_on
    notice = case.denied_on or case.received_on
    if received is None or notice is None:
        return []
    out: list[dict[str, Any]] = []
    for f in report.findings:
        if f.deadline is None or f.negated:
            continue
        kind = anchor_kind(f.deadline.anchor)
        start = notice if kind in ("notice_date", "mailing") else received
        due = document_deadline(f.deadline, start)
        if due is not None:
            out.append(_due_dict(due, page=f.page, quote=f.quote, action=f.deadline.action))
    # One entry per distinct limit: a document repeats its deadlines (a summary, then the
    # procedure); the first statement is cited.
    unique: dict[tuple[str, int, str, str], dict[str, Any]] = {}
    for d in out:
        unique.setdefault((d["action"], d["value"], d["unit"], d["date"]), d)
    out = list(unique.values())
    states_own = any(d["action"] in ("internal_appeal", "grievance") for d in out)
    if not states_own:
        regime = detect_regime(page_texts.values())
        regimes = regime_candidates(page_texts.values()) if regime == "uncertain" else [regime]
        for r in regimes:
            for action in DEFAULT_ACTIONS.get(r, ()):
                default = federal_default(r, action, received, case.denied_on)
                if default is not None:
                    out.append(_due_dict(default, page=None, quote=None, action=action))
    return out


def apply_case(report: DocumentReport, page_texts: Mapping[int, str],
               case: Case) -> DocumentReport:
    """The member's case, a step over the finished report: the outlook for each procedure
    and the due dates counted from the case's dates."""
    from .outlook import outlook
    from .procedures import get_procedure

    views = []
    for pid in case.procedures:  # --procedure is repeatable: an outlook each
        procedure = get_procedure(pid)
        if procedure is not None:
            views.append(outlook(procedure, report, page_texts).to_dict())
    return replace(report, outlook=views[0] if views else None,
                   outlooks=tuple(views) if len(views) > 1 else (),
                   due_dates=tuple(due_dates(report, page_texts, case)))
