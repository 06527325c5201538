"""The report as plain values for the HTML and Markdown formatters.

Both formatters show the same things (facts as answers, findings by category with the
quote in its context, the SBC tables, the batch's plan-by-facts comparison), so what to
show is decided once here, from the result model; each formatter only decides how, and
escapes every string for its own format. Nothing here is markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ..models import (
    CATEGORIES,
    CATEGORY_LABELS,
    FACT_CATEGORIES,
    NON_PLAN_KINDS,
    DocumentReport,
    Finding,
    ScanReport,
)
from .wording import (
    KIND_SHORT,
    MAX_CITED,
    OUTLOOK_LABELS,
    QUESTIONS,
    SHORT_HEADERS,
    STATUS_LABELS,
    collapse,
    deadline_text,
    is_scanned,
    locate_quote,
    negating,
    page_list,
    supporting,
    trim_left,
    trim_right,
)

# Characters of context on each side of a quote: a sentence or so.
CONTEXT_CHARS = 240


def category_order(categories: Sequence[str] | set[str]) -> list[str]:
    """The eight categories in their order, then any others (codes, a user's rules)."""
    present = set(categories)
    return [c for c in CATEGORIES if c in present] + sorted(present - set(CATEGORIES))


def document_id(index: int) -> str:
    """The anchor of the index-th document (1-based): ``doc-1``."""
    return f"doc-{index}"


def base_name(path: str) -> str:
    return PurePath(path).name or path


@dataclass(frozen=True)
class Answer:
    """One fact as an answer: what the document says and where."""

    category: str
    question: str
    value: str  # yes | no | negated | unknown | not_found | deadline | none
    text: str  # "Yes", "No — stated as not applying", "180 days" …
    pages: str  # "p3, p5"
    quote: str  # the strongest supporting quote ("" when none)


def answers(doc: DocumentReport) -> list[Answer]:
    """The eight facts as a reader asks them, each with its pages and a quote."""
    out: list[Answer] = []
    for category in CATEGORIES:
        question = QUESTIONS[category]
        if category == "appeal_deadline":
            fact = doc.facts.appeal_deadline
            if fact is None:
                out.append(Answer(category, question, "none", "not stated in this document",
                                  "", ""))
            else:
                out.append(Answer(category, question, "deadline",
                                  deadline_text(fact.value, fact.unit), f"p{fact.page}",
                                  collapse(fact.quote)))
            continue
        value = doc.facts.values.get(category) if category in FACT_CATEGORIES else None
        if value is None:
            out.append(Answer(category, question, "unknown", "unknown", "", ""))
        elif value:
            cited = supporting(doc, category)[:MAX_CITED]
            out.append(Answer(category, question, "yes", "Yes",
                              page_list(sorted(f.page for f in cited)),
                              collapse(cited[0].quote) if cited else ""))
        else:
            negated = [] if doc.kind in NON_PLAN_KINDS else negating(doc, category)
            if negated:
                out.append(Answer(category, question, "negated",
                                  "No — stated as not applying",
                                  page_list(f.page for f in negated), collapse(negated[0].quote)))
            else:
                out.append(Answer(category, question, "no", "not stated", "", ""))
    return out


@dataclass(frozen=True)
class ContextParts:
    """The finding's context cut around its quote: before + quote + after."""

    before: str
    quote: str
    after: str


def context_parts(f: Finding, side: int | None = CONTEXT_CHARS) -> ContextParts:
    """The quote in its context, whitespace collapsed, ``side`` characters either side.

    When the quote cannot be found in the context (the context is normalised text), the
    quote is shown alone.
    """
    context = collapse(f.context)
    quote = collapse(f.quote)
    span = locate_quote(context, quote) if context else None
    if span is None:
        return ContextParts("", quote, "")
    before, middle, after = context[:span[0]], context[span[0]:span[1]], context[span[1]:]
    if side is not None:
        had_start, had_end = before.startswith("…"), after.endswith("…")
        before, after = trim_left(before, side), trim_right(after, side)
        if had_start and not before.startswith("…"):
            before = "… " + before
        if had_end and not after.endswith("…"):
            after = after + " …"
    return ContextParts(before, middle, after)


@dataclass(frozen=True)
class FindingView:
    category: str
    page: int
    section: str
    score: str
    negated: bool
    plan_term: bool
    context: ContextParts
    explanation: str
    rule: str
    also: tuple[str, ...]
    deadline: str  # "180 days → internal appeal, from the date …" or ""
    service: str
    penalty: str


def finding_view(f: Finding, side: int | None = CONTEXT_CHARS) -> FindingView:
    deadline = ""
    if f.deadline is not None:
        d = f.deadline
        deadline = f"{deadline_text(d.value, d.unit)} → {d.action.replace('_', ' ')}"
        if d.anchor:
            deadline += f", {collapse(d.anchor)}"
    also = tuple(r for r in f.also if r not in f.explanation)
    return FindingView(f.category, f.page, collapse(f.section or ""), f"{f.score:.2f}",
                       f.negated, f.plan_term, context_parts(f, side),
                       collapse(f.explanation), f.rule, also, deadline,
                       collapse(f.service or ""), collapse(f.penalty or ""))


@dataclass(frozen=True)
class Group:
    category: str
    label: str
    findings: list[FindingView] = field(default_factory=list)


def groups(doc: DocumentReport, side: int | None = CONTEXT_CHARS) -> list[Group]:
    """Findings by category in the categories' order, each by page and position."""
    out = []
    for category in category_order({f.category for f in doc.findings}):
        found = sorted((f for f in doc.findings if f.category == category),
                       key=lambda f: (f.page, f.start))
        out.append(Group(category, CATEGORY_LABELS.get(category, category),
                         [finding_view(f, side) for f in found]))
    return out


def short_header(category: str) -> str:
    return SHORT_HEADERS[category].replace("\n", " ")


def comparison_header() -> list[tuple[str, str]]:
    """(category, column title) of the comparison's fact columns, the deadline last."""
    return [(c, short_header(c)) for c in (*FACT_CATEGORIES, "appeal_deadline")]


def fact_value(doc: DocumentReport, category: str) -> tuple[str, str]:
    """(text, sort key) of one comparison cell: stated / not stated / unclear / —.

    A false fact is "not stated": the document does not say it, never "No"."""
    if not is_scanned(doc):
        return "—", "3"
    if category == "appeal_deadline":
        fact = doc.facts.appeal_deadline
        if fact is None:
            return "—", "999999"
        return deadline_text(fact.value, fact.unit), f"{deadline_days(fact.value, fact.unit):06d}"
    value = doc.facts.values.get(category)
    if value is None:
        return "unclear", "2"
    return ("stated", "0") if value else ("not stated", "1")


_DAYS = {"days": 1, "business_days": 1, "hours": 0, "months": 30, "years": 365}


def deadline_days(value: int, unit: str) -> int:
    """A deadline in (about) days, to sort by: 6 months after 90 days."""
    return value * _DAYS.get(unit, 1) if unit != "hours" else max(1, value // 24)


def outlook_statuses(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The outlook's statuses with their labels, evidence cut to what is shown."""
    return [{"label": OUTLOOK_LABELS.get(s["kind"], s["kind"]), "kind": s["kind"],
             "note": collapse(s["note"]),
             "evidence": [{"page": e["page"], "quote": collapse(e["quote"])}
                          for e in s["evidence"][:cited_count(s)]],
             "more": s.get("more", 0) + max(0, len(s["evidence"]) - cited_count(s))}
            for s in view.get("statuses", ())]


def cited_count(status: Mapping[str, Any]) -> int:
    """How many of a status's quotes are shown: a payer policy's criteria all, item by
    item (a doctor needs each one), others the first MAX_CITED."""
    return len(status["evidence"]) if status["kind"] == "payer_criteria" else MAX_CITED


def outlook_mentions(view: Mapping[str, Any]) -> dict[str, Any]:
    """Where the document names the procedure or its family: the sentences shown (at most
    MAX_CITED), each with its page and what it names, and how many more there are."""
    found: list[dict[str, Any]] = []
    raw = view.get("mentions") or []
    for e in raw:  # one sentence may be found twice, once cut short at a line end
        quote = collapse(e["quote"])
        same = next((k for k in found if k["page"] == e["page"]
                     and (quote in k["quote"] or k["quote"] in quote)), None)
        if same is None:
            found.append({"page": e["page"], "quote": quote, "why": e.get("why")})
        elif len(quote) > len(same["quote"]):
            same["quote"] = quote
    total = int(view.get("mention_count") or len(raw)) - (len(raw) - len(found))
    return {"shown": found[:MAX_CITED], "more": max(0, total - MAX_CITED)}


def comparison(report: ScanReport) -> list[dict[str, Any]]:
    """One row per document for the plan-by-facts table."""
    rows = []
    for i, doc in enumerate(report.documents, start=1):
        rows.append({"id": document_id(i), "name": base_name(doc.path), "path": doc.path,
                     "plan": collapse(doc.plan.name or ""),
                     "kind": KIND_SHORT.get(doc.kind, doc.kind),
                     "status": doc.status, "status_label": STATUS_LABELS.get(doc.status,
                                                                              doc.status),
                     "cells": [fact_value(doc, c) for c, _ in comparison_header()]})
    return rows
