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
from typing import TYPE_CHECKING, Any

from .models import STAGES, Deadline, DocumentReport, RegimeInfo
from .regime import default_rules

if TYPE_CHECKING:
    from .dates import DueDate

# Stages that count from the denial notice; every later stage counts from the decision
# before it, and gets a date only when the member says when that decision came.
FIRST_STAGES = ("informal_review", "first_internal_appeal", "grievance", "expedited_appeal")
# The decision a later stage counts from, best first: --decided-on STAGE=DATE names the
# stage that was decided.
_COUNTS_FROM: dict[str, tuple[str, ...]] = {
    "second_level": ("first_internal_appeal", "grievance", "informal_review"),
    "external_review": ("second_level", "first_internal_appeal", "grievance"),
    "fair_hearing": ("second_level", "first_internal_appeal", "grievance"),
}
_DECISION_WORDS = {
    "second_level": "the first-level appeal decision",
    "external_review": "the final internal appeal decision",
    "fair_hearing": "the plan's final appeal decision",
    "other": "the event the document names",
}
# What people type for a stage on the command line.
STAGE_ALIASES = {
    "appeal": "first_internal_appeal", "internal": "first_internal_appeal",
    "internal_appeal": "first_internal_appeal", "first": "first_internal_appeal",
    "first_level": "first_internal_appeal", "second": "second_level",
    "informal": "informal_review", "external": "external_review",
    "hearing": "fair_hearing",
}


def stage_name(text: str) -> str | None:
    """The stage a command-line word names ("second", "first_internal_appeal"), or None."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    key = STAGE_ALIASES.get(key, key)
    return key if key in STAGES else None


@dataclass(frozen=True)
class Case:
    procedure: str | None = None  # a procedure id of data/procedures.yaml
    denied_on: date | None = None  # the date on the denial notice
    received_on: date | None = None  # the day the member received it
    # (stage, the day that stage's decision came): later stages count from these.
    decided_on: tuple[tuple[str, date], ...] = ()
    # Further procedures asked about (--procedure is repeatable): an outlook each.
    more_procedures: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.procedure or self.denied_on or self.received_on or self.decided_on)

    @property
    def procedures(self) -> tuple[str, ...]:
        return ((self.procedure,) if self.procedure else ()) + self.more_procedures

    def to_options(self) -> dict[str, Any]:
        """What changes a report (for the result cache's key)."""
        extra = {"more_procedures": list(self.more_procedures)} if self.more_procedures else {}
        return {"procedure": self.procedure, **extra,
                "denied_on": self.denied_on.isoformat() if self.denied_on else None,
                "received_on": self.received_on.isoformat() if self.received_on else None,
                "decided_on": [[s, d.isoformat()] for s, d in self.decided_on]}


def _due_dict(d: DueDate, *, page: int | None, quote: str | None, action: str,
              stage: str, regime: str | None = None) -> dict[str, Any]:
    from .dates import CAVEAT, describe

    return {
        "action": action, "stage": stage, "value": d.value, "unit": d.unit,
        "date": d.date.isoformat(),
        "date_text": describe(d.date), "label": d.label, "start": d.start.isoformat(),
        "anchor_assumed": d.anchor_assumed, "rule": d.rule, "citation": d.citation,
        "basis": d.basis, "rolled_from": d.rolled_from.isoformat() if d.rolled_from else None,
        "advice": d.advice, "page": page, "quote": quote, "caveat": CAVEAT,
        "regime": regime, "needs": None, "no_date": None,
    }


def _undated(value: int, unit: str, anchor: str, *, action: str, stage: str,
             page: int | None, quote: str | None, basis: str, citation: str,
             regime: str | None = None, why: str | None = None) -> dict[str, Any]:
    """A limit whose start is unknown, or a rule that may not apply (``why``): the duration
    and its anchor, never a date counted from the wrong event."""
    from .dates import CAVEAT

    units = unit.replace("_", " ")
    counts_from = _COUNTS_FROM.get(stage, ())
    needs = ("--denied-on YYYY-MM-DD" if stage in FIRST_STAGES else None)
    if counts_from:
        first = next(s for s in counts_from if s != "second_level")
        needs = f"--decided-on {first}=YYYY-MM-DD" + (
            " (second_level=… after a second level)" if "second_level" in counts_from else "")
    if why is None:
        why = f"give {needs}" if needs else "the event it counts from is not known"
    return {
        "action": action, "stage": stage, "value": value, "unit": unit, "date": None,
        "date_text": None, "label": f"{value} {units} {anchor}".strip() + f" (no date: {why})",
        "start": None, "anchor_assumed": anchor, "rule": "document" if basis == "document"
        else citation.split(":")[0], "citation": citation, "basis": basis,
        "rolled_from": None, "advice": None, "page": page, "quote": quote, "caveat": CAVEAT,
        "regime": regime, "needs": needs, "no_date": why,
    }




def _start(deadline: Deadline, case: Case) -> date | None:
    """The date the limit counts from: the denial for a first stage (the notice date or
    the day it came, as the anchor says), the decision before it for a later stage."""
    from .dates import DENIAL_ANCHOR, anchor_kind

    decided = dict(case.decided_on)
    if deadline.stage in _COUNTS_FROM:
        return next((decided[s] for s in _COUNTS_FROM[deadline.stage] if s in decided), None)
    if deadline.stage not in FIRST_STAGES:
        return None
    if deadline.anchor and not DENIAL_ANCHOR.search(deadline.anchor):
        return None  # "of the event that led to the grievance": not the denial's date
    received = case.received_on or case.denied_on
    notice = case.denied_on or case.received_on
    kind = anchor_kind(deadline.anchor)
    return notice if kind in ("notice_date", "mailing") else received


def _defaults(regime: RegimeInfo | None, case: Case) -> list[dict[str, Any]]:
    """What the rulebook gives when the document states no first-appeal limit: for each
    possible regime (several when the evidence is split, none outside the US)."""
    from .dates import DEFAULT_ACTIONS, federal_default

    if regime is None or regime.country or regime.name == "unknown":
        return []
    received = case.received_on or case.denied_on
    decided = dict(case.decided_on)
    out: list[dict[str, Any]] = []
    for rid in regime.candidates:
        rules = default_rules(rid)
        possible = rid if regime.name == "uncertain" else None
        for action in DEFAULT_ACTIONS.get(rules, ()):
            stage = {"external_review": "external_review", "fair_hearing": "fair_hearing"
                     }.get(action, "first_internal_appeal")
            if (rules, action) == ("medicare_ab", "reconsideration"):
                stage = "second_level"  # Original Medicare's second level
            start = received
            if stage in _COUNTS_FROM:
                start = next((decided[s] for s in _COUNTS_FROM[stage] if s in decided), None)
                if rules == "medicaid":  # the hearing counts from the notice it contests
                    start = case.denied_on or received
            if possible is not None:
                # Split evidence: what this rulebook would give, never a date the member
                # could take for theirs.
                default = federal_default(rules, action, received or date.today(),
                                          case.denied_on)
                if default is not None:
                    anchor = ("from " + _DECISION_WORDS[stage] if stage in _DECISION_WORDS
                              else "from " + default.anchor_assumed)
                    out.append(_undated(default.value, default.unit, anchor, action=action,
                                        stage=stage, page=None, quote=None,
                                        basis="federal default", citation=default.citation,
                                        regime=possible,
                                        why="the rulebook is unclear: this is what it gives "
                                            f"if the plan is {rid.replace('_', ' ')}"))
                continue
            if start is None:
                if received is None:
                    continue
                default = federal_default(rules, action, received, case.denied_on)
                if default is not None:
                    out.append(_undated(default.value, default.unit,
                                        "from " + _DECISION_WORDS.get(stage, "the decision"),
                                        action=action, stage=stage, page=None, quote=None,
                                        basis="federal default", citation=default.citation,
                                        regime=possible))
                continue
            default = federal_default(rules, action, start,
                                      case.denied_on if stage in FIRST_STAGES else start)
            if default is not None:
                out.append(_due_dict(default, page=None, quote=None, action=action,
                                     stage=stage, regime=possible))
    return out


def due_dates(report: DocumentReport, page_texts: Mapping[int, str], case: Case
              ) -> list[dict[str, Any]]:
    """Each appeal deadline the document states, dated from its own stage's start (or, when
    that date is unknown, as a duration and anchor); when the document states no first
    appeal limit, what its rulebook gives."""
    from .dates import document_deadline

    del page_texts  # the regime was read with the scan
    if not (case.denied_on or case.received_on or case.decided_on):
        return []
    out: list[dict[str, Any]] = []
    for f in report.findings:
        if f.deadline is None or f.negated:
            continue
        d = f.deadline
        start = _start(d, case)
        if start is None or d.unit == "hours":
            if d.unit != "hours":
                out.append(_undated(d.value, d.unit, d.anchor, action=d.action, stage=d.stage,
                                    page=f.page, quote=f.quote, basis="document",
                                    citation=f"the document: {d.value} "
                                             f"{d.unit.replace('_', ' ')} {d.anchor}".rstrip()))
            continue
        due = document_deadline(d, start)
        if due is not None:
            out.append(_due_dict(due, page=f.page, quote=f.quote, action=d.action,
                                 stage=d.stage))
    # One entry per distinct limit: a document repeats its deadlines (a summary, then the
    # procedure); the first statement is cited.
    unique: dict[tuple[str, int, str, str | None], dict[str, Any]] = {}
    for item in out:
        unique.setdefault((item["stage"], item["value"], item["unit"], item["date"]), item)
    out = list(unique.values())
    states_own = any(item["stage"] in FIRST_STAGES for item in out)
    if not states_own:
        out += _defaults(report.regime, case)
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
