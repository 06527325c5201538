"""The comparison that matters: plans side by side on what actually differs.

One model, built from ``DocumentReport``s, feeds the batch's terminal summary, the CSV
(wide and long), the HTML matrix and ``diff``. Each plan gets a row of cells, one per
field: its identity, each fact as stated / not stated / unclear with its pages, the
first-appeal deadline, each service that needs prior authorization with its penalty,
each service of the NOT-covered and Other-covered lists (lined up by service key, so
"Cosmetic Surgery" in one plan meets "cosmetic procedures" in another), and each
procedure asked about. A field differs when the scanned plans do not all give it the
same value.

A false fact is "not stated": the document does not say it, which is not "No".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, Literal

from .models import CATEGORY_LABELS, FACT_CATEGORIES, NON_PLAN_KINDS, DocumentReport
from .services import service_of, words

Group = Literal["identity", "facts", "deadline", "prior_authorization", "services",
                "procedures"]
# The order a reader asks in: which plan, what it excludes and gates, then the rest.
GROUPS: tuple[Group, ...] = ("identity", "services", "prior_authorization", "deadline",
                             "procedures", "facts")
GROUP_LABELS: dict[str, str] = {
    "identity": "Plan",
    "facts": "What the document states",
    "deadline": "Appeal deadline",
    "prior_authorization": "Prior authorization",
    "services": "Not covered / covered",
    "procedures": "Procedures",
}

# A cell's state (machine) -> its value in every human format.
STATE_TEXT: dict[str, str] = {
    "stated": "stated",
    "not_stated": "not stated",
    "unclear": "unclear",
    "not_scanned": "not scanned",
    "not_covered": "not covered",
    "covered": "covered",
    "partly_covered": "partly covered",
    "not_listed": "not listed",
    "required": "required",
    "not_required": "not listed as required",
    "no_list": "no SBC list",
    "value": "",
}
IDENTITY: tuple[tuple[str, str], ...] = (
    ("issuer", "Issuer"), ("name", "Plan"), ("plan_type", "Plan type"),
    ("metal_level", "Metal level"), ("coverage_period", "Coverage period"),
    ("coverage_for", "Coverage for"), ("kind", "Document"),
)
# Identity fields that differ between any two plans by nature: never a "difference".
_ALWAYS_DIFFERENT = frozenset({"identity:name"})
MAX_QUOTE = 300


@dataclass(frozen=True)
class Cell:
    """One plan's value of one field, with where the document says it."""

    state: str  # a key of STATE_TEXT
    value: str  # what every human format shows
    pages: tuple[int, ...] = ()
    quote: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "value": self.value, "pages": list(self.pages),
                "quote": self.quote}


@dataclass(frozen=True)
class FieldInfo:
    key: str  # "facts:cosmetic_exclusion", "services:cosmetic_surgery" …
    group: str
    label: str


@dataclass(frozen=True)
class PlanRow:
    id: str  # "plan-1"
    path: str
    label: str  # the plan's name, else the file's name
    status: str
    cells: dict[str, Cell]

    @property
    def scanned(self) -> bool:
        return self.status == "ok"

    def cell(self, key: str) -> Cell:
        return self.cells.get(key, EMPTY)


EMPTY = Cell("not_scanned", STATE_TEXT["not_scanned"])


@dataclass(frozen=True)
class Difference:
    field: FieldInfo
    # value -> the plans (labels) that give it, in the order of the plans
    values: dict[str, list[str]]

    def text(self) -> str:
        """"Cosmetic surgery: not covered in A, B; covered in C"."""
        parts = [f"{value} in {', '.join(plans)}" for value, plans in self.values.items()]
        return f"{self.field.label}: {'; '.join(parts)}"


@dataclass(frozen=True)
class Comparison:
    fields: tuple[FieldInfo, ...]
    plans: tuple[PlanRow, ...]
    procedures: tuple[str, ...] = field(default=())

    def by_group(self, group: str) -> list[FieldInfo]:
        return [f for f in self.fields if f.group == group]

    def differs(self, key: str) -> bool:
        """Whether the scanned plans (at least two) give this field different values."""
        if key in _ALWAYS_DIFFERENT:
            return False
        values = {p.cell(key).value for p in self.plans if p.scanned}
        return len([p for p in self.plans if p.scanned]) > 1 and len(values) > 1

    def differences(self) -> list[Difference]:
        out = []
        for f in self.fields:
            if not self.differs(f.key):
                continue
            values: dict[str, list[str]] = {}
            for p in self.plans:
                if p.scanned:
                    values.setdefault(p.cell(f.key).value or "—", []).append(p.label)
            out.append(Difference(f, values))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields": [{"key": f.key, "group": f.group, "label": f.label,
                        "differs": self.differs(f.key)} for f in self.fields],
            "plans": [{"id": p.id, "path": p.path, "label": p.label, "status": p.status,
                       "cells": {k: c.to_dict() for k, c in p.cells.items()}}
                      for p in self.plans],
        }


# -- building ------------------------------------------------------------------------------


def _short(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def plan_label(doc: DocumentReport) -> str:
    return " ".join((doc.plan.name or "").split()) or PurePath(doc.path).name or doc.path


def _pages(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(values))


def deadline_text(value: int, unit: str) -> str:
    unit = unit.replace("_", " ")
    return f"{value} {unit[:-1] if value == 1 and unit.endswith('s') else unit}"


def period_text(doc: DocumentReport) -> str:
    plan = doc.plan
    if plan.coverage_start and plan.coverage_end:
        return f"{plan.coverage_start} to {plan.coverage_end}"
    if plan.coverage_start:
        return f"from {plan.coverage_start}"
    return " ".join((plan.coverage_period or "").split())


def identity_cells(doc: DocumentReport) -> dict[str, Cell]:
    values = {"issuer": doc.plan.issuer, "name": doc.plan.name, "plan_type": doc.plan.plan_type,
              "metal_level": doc.plan.metal_level, "coverage_period": period_text(doc),
              "coverage_for": doc.plan.coverage_for, "kind": doc.kind.replace("_", " ")}
    out = {}
    for key, _ in IDENTITY:
        value = " ".join((values[key] or "").split())
        # The header fields stand on page 1; the issuer may come from a web address
        # anywhere, so no page is claimed for it.
        page = (1,) if key not in ("kind", "issuer") else ()
        out[f"identity:{key}"] = (Cell("value", value, page) if value
                                  else Cell("not_stated", STATE_TEXT["not_stated"]))
    return out


def fact_cells(doc: DocumentReport) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    for category in FACT_CATEGORIES:
        value = doc.facts.values.get(category)
        if value is None:
            cell = Cell("unclear", STATE_TEXT["unclear"])
        elif value:
            cited = sorted((f for f in doc.findings if f.category == category and f.plan_term
                            and not f.negated), key=lambda f: (-round(f.score, 2), f.page))
            cell = Cell("stated", STATE_TEXT["stated"], _pages(sorted(f.page for f in cited[:3])),
                        _short(cited[0].quote) if cited else "")
        else:
            negated = ([] if doc.kind in NON_PLAN_KINDS else
                       [f for f in doc.findings if f.category == category and f.negated])
            cell = Cell("not_stated", STATE_TEXT["not_stated"],
                        _pages(f.page for f in negated[:3]),
                        _short(negated[0].quote) if negated else "")
        out[f"facts:{category}"] = cell
    deadline = doc.facts.appeal_deadline
    out["deadline:appeal_deadline"] = (
        Cell("value", deadline_text(deadline.value, deadline.unit), (deadline.page,),
             _short(deadline.quote)) if deadline
        else Cell("not_stated", STATE_TEXT["not_stated"]))
    return out


def pa_key(event: str | None, service: str) -> str:
    """Prior authorization is per grid row: the same service name under two events (a
    facility fee for surgery and for a hospital stay) are two rows."""
    head = "_".join(words(event or ""))
    return f"prior_authorization:{head + '/' if head else ''}{service_of(service).key}"


def _pa_label(event: str | None, service: str) -> str:
    name = " ".join(service.split())
    return f"{name} ({' '.join(event.split())})" if event else name


def _service_cells(doc: DocumentReport, labels: dict[str, str]) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    if doc.sbc is None:
        return out
    for state, items, pages in (
            ("not_covered", doc.sbc.excluded_services, doc.sbc.excluded_pages),
            ("covered", doc.sbc.other_covered_services, doc.sbc.other_covered_pages)):
        for n, item in enumerate(items):
            page = (pages[n],) if n < len(pages) else ()
            service = service_of(item)
            key = f"services:{service.key}"
            labels.setdefault(key, service.label)
            if key in out and out[key].state != state:
                # Both lists name it (an exclusion with a covered exception): say both.
                out[key] = Cell("partly_covered", STATE_TEXT["partly_covered"],
                                _pages((*out[key].pages, *page)),
                                _short(f"{out[key].quote}; {item}"))
            elif key not in out:
                out[key] = Cell(state, STATE_TEXT[state], page, _short(item))
    for s in doc.sbc.prior_authorization_services:
        key = pa_key(s.event, s.service)
        labels.setdefault(key, _pa_label(s.event, s.service))
        penalty = " ".join((s.penalty or "").split())
        value = f"required; if not obtained: {penalty}" if penalty else "required"
        out.setdefault(key, Cell("required", value, (s.page,), _short(s.quote)))
    return out


def outlooks(doc: DocumentReport) -> list[Mapping[str, Any]]:
    """The procedure outlooks of a document (one per ``--procedure``)."""
    if doc.outlooks:
        return list(doc.outlooks)
    return [doc.outlook] if doc.outlook else []


OUTLOOK_SHORT = {
    "named_exclusion": "named in an exclusion",
    "cosmetic_exclusion": "cosmetic exclusion applies",
    "exception_available": "exception available",
    "prior_authorization": "prior authorization",
    "payer_criteria": "payer policy criteria",
    "not_addressed": "not addressed",
}


def _procedure_cells(doc: DocumentReport, labels: dict[str, str]) -> dict[str, Cell]:
    out = {}
    for view in outlooks(doc):
        proc = view.get("procedure") or {}
        key = f"procedures:{proc.get('id', '')}"
        labels.setdefault(key, str(proc.get("name", proc.get("id", ""))))
        statuses = list(view.get("statuses", ()))
        value = "; ".join(OUTLOOK_SHORT.get(s["kind"], s["kind"]) for s in statuses)
        evidence = [e for s in statuses for e in s.get("evidence", ())]
        out[key] = Cell("value", value or "nothing stated",
                        _pages(int(e["page"]) for e in evidence[:5]),
                        _short(str(evidence[0]["quote"])) if evidence else "")
    return out


def build(docs: Sequence[DocumentReport]) -> Comparison:
    """The comparison of ``docs`` (in their order)."""
    labels: dict[str, str] = {}
    rows: list[PlanRow] = []
    for i, doc in enumerate(docs, start=1):
        cells: dict[str, Cell] = {}
        if doc.status == "ok":
            cells.update(identity_cells(doc))
            cells.update(fact_cells(doc))
            cells.update(_service_cells(doc, labels))
            cells.update(_procedure_cells(doc, labels))
        rows.append(PlanRow(f"plan-{i}", doc.path, plan_label(doc), doc.status, cells))
    # Two years of one plan share its name: the file tells them apart.
    names = [r.label for r in rows]
    rows = [replace(r, label=f"{r.label} ({PurePath(r.path).name})")
            if names.count(r.label) > 1 and r.label != PurePath(r.path).name else r
            for r in rows]
    fields = [FieldInfo(f"identity:{k}", "identity", label) for k, label in IDENTITY]
    fields += [FieldInfo(f"facts:{c}", "facts", CATEGORY_LABELS[c]) for c in FACT_CATEGORIES]
    fields.append(FieldInfo("deadline:appeal_deadline", "deadline", "First-appeal deadline"))
    for group in ("prior_authorization", "services", "procedures"):
        keys = [k for k in labels if k.startswith(group + ":")]
        fields += [FieldInfo(k, group, labels[k]) for k in keys]
    # A plan scanned but silent on a list field: "not listed" (an SBC), or no list at all.
    for row, doc in zip(rows, docs, strict=True):
        if not row.scanned:
            continue
        for f in fields:
            if f.key in row.cells:
                continue
            if f.group == "services":
                row.cells[f.key] = (Cell("not_listed", STATE_TEXT["not_listed"])
                                    if doc.sbc is not None else Cell("no_list",
                                                                     STATE_TEXT["no_list"]))
            elif f.group == "prior_authorization":
                row.cells[f.key] = (Cell("not_required", STATE_TEXT["not_required"])
                                    if doc.sbc is not None else Cell("no_list",
                                                                     STATE_TEXT["no_list"]))
    procedures = tuple(f.label for f in fields if f.group == "procedures")
    return Comparison(tuple(fields), tuple(rows), procedures)
