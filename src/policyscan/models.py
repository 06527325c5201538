"""The result model: one set of records flows from the scanner to every formatter.

Formatters and the evaluation read these records (or their ``to_dict()``), never
the extraction or matching internals. The JSON shape is the contract in
``shared/docs/report-format.md``; fields may be added, none renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

CATEGORIES: tuple[str, ...] = (
    "cosmetic_exclusion",
    "reconstructive_exception",
    "medical_necessity",
    "prior_authorization",
    "appeal_rights",
    "appeal_deadline",
    "external_review",
    "experimental_exclusion",
)

# The facts block has one boolean per category except appeal_deadline, which is a value.
FACT_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c != "appeal_deadline")

CATEGORY_LABELS: dict[str, str] = {
    "cosmetic_exclusion": "Cosmetic exclusion",
    "reconstructive_exception": "Reconstructive exception",
    "medical_necessity": "Medical necessity",
    "prior_authorization": "Prior authorization",
    "appeal_rights": "Appeal rights",
    "appeal_deadline": "Appeal deadline",
    "external_review": "External review",
    "experimental_exclusion": "Experimental exclusion",
    "code": "Codes",
}

DocumentKind = Literal[
    "sbc", "plan_document", "medical_policy", "denial_notice", "glossary", "form", "other"
]
DOCUMENT_KINDS: tuple[str, ...] = (
    "sbc", "plan_document", "medical_policy", "denial_notice", "glossary", "form", "other",
)
# Kinds whose text defines or asks rather than states plan terms: their findings are
# reported, but they never set a fact (categories.md, "Document kinds").
NON_PLAN_KINDS: frozenset[str] = frozenset({"glossary", "form"})

Status = Literal["ok", "needs_ocr", "failed", "timeout"]
STATUSES: tuple[str, ...] = ("ok", "needs_ocr", "failed", "timeout")

# internal: policyscan itself failed on a file it could read (a bug, not the file's
# fault); worker_lost: the process scanning it was killed from outside, twice.
ErrorType = Literal["not_a_pdf", "encrypted", "corrupt", "too_large", "timeout", "unreadable",
                    "internal", "worker_lost"]

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (pdfplumber's frame)


# The appeal ladder, in order. Each stage counts from its own event: a first internal
# appeal (or grievance, or informal review) from the denial notice, a second level or an
# external review from the decision before it, a fair hearing from the plan's final
# appeal decision.
STAGES: tuple[str, ...] = (
    "informal_review", "first_internal_appeal", "grievance", "expedited_appeal",
    "second_level", "external_review", "fair_hearing", "other",
)
BENEFITS: tuple[str, ...] = ("medical", "dental", "vision", "disability", "life", "eligibility")


@dataclass(frozen=True)
class Deadline:
    """A member's time limit, read from the document's own words."""

    value: int
    unit: str  # days | business_days | months | hours
    action: str  # internal_appeal | external_review | grievance | expedited_appeal | other
    anchor: str  # verbatim words after the number ("from the date you receive the denial")
    # Which step of the appeal ladder the limit belongs to (STAGES), and so which event it
    # counts from; and the benefit whose claims it governs (a combined guide states the
    # limits of its medical, dental, disability and eligibility claims side by side).
    stage: str = "first_internal_appeal"
    benefit: str = "medical"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "action": self.action,
                "anchor": self.anchor, "stage": self.stage, "benefit": self.benefit}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Deadline:
        return cls(int(d["value"]), str(d["unit"]), str(d["action"]), str(d["anchor"]),
                   str(d.get("stage") or "first_internal_appeal"),
                   str(d.get("benefit") or "medical"))


@dataclass(frozen=True)
class Finding:
    """One passage of one category, quoted exactly, with where it stands and why it matched."""

    category: str
    rule: str
    page: int  # physical page, 1-based
    quote: str  # exactly page_text[start:end]
    context: str
    section: str | None
    start: int
    end: int
    bbox: Box | None
    score: float
    method: str  # phrase | token | fuzzy | structure
    negated: bool
    explanation: str
    deadline: Deadline | None = None
    # The words that triggered the rule, as offsets into the page text (inside start..end).
    trigger_start: int | None = None
    trigger_end: int | None = None
    # One box per text line of the quote (for highlighting); bbox is their union.
    boxes: tuple[Box, ...] = ()
    # Other rules that matched the same passage and were merged into this finding.
    also: tuple[str, ...] = ()
    # Whether this finding may set a document-level fact (False for definitions, say).
    plan_term: bool = True
    # SBC grid: the service row a finding stands in, and the penalty the row states.
    service: str | None = None
    penalty: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "rule": self.rule,
            "page": self.page,
            "quote": self.quote,
            "context": self.context,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
            "score": round(self.score, 3),
            "method": self.method,
            "negated": self.negated,
            "explanation": self.explanation,
        }
        if self.deadline is not None:
            out["deadline"] = self.deadline.to_dict()
        if self.trigger_start is not None and self.trigger_end is not None:
            out["trigger"] = {"start": self.trigger_start, "end": self.trigger_end}
        if self.boxes:
            out["boxes"] = [[round(v, 1) for v in b] for b in self.boxes]
        if self.also:
            out["also_matched"] = list(self.also)
        if not self.plan_term:
            out["plan_term"] = False
        if self.service is not None:
            out["service"] = self.service
        if self.penalty is not None:
            out["penalty"] = self.penalty
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """The inverse of ``to_dict`` (cached and resumed reports are read back this way)."""
        trigger = d.get("trigger") or {}
        return cls(
            category=d["category"], rule=d["rule"], page=int(d["page"]), quote=d["quote"],
            context=d["context"], section=d.get("section"), start=int(d["start"]),
            end=int(d["end"]), bbox=_box(d.get("bbox")), score=float(d["score"]),
            method=d["method"], negated=bool(d["negated"]), explanation=d["explanation"],
            deadline=Deadline.from_dict(d["deadline"]) if d.get("deadline") else None,
            trigger_start=_offset(trigger.get("start")), trigger_end=_offset(trigger.get("end")),
            boxes=tuple(b for b in (_box(x) for x in d.get("boxes", ())) if b is not None),
            also=tuple(d.get("also_matched", ())), plan_term=bool(d.get("plan_term", True)),
            service=d.get("service"), penalty=d.get("penalty"),
        )


def _offset(value: Any) -> int | None:
    # Read as its type says: report/safe.py walks only fields whose type can hold text.
    return None if value is None else int(value)


def _box(value: Any) -> Box | None:
    if not value:
        return None
    x0, top, x1, bottom = (float(v) for v in value)
    return (x0, top, x1, bottom)


@dataclass(frozen=True)
class DeadlineFact:
    value: int
    unit: str
    page: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "page": self.page, "quote": self.quote}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeadlineFact:
        return cls(int(d["value"]), str(d["unit"]), int(d["page"]), str(d["quote"]))


@dataclass(frozen=True)
class Facts:
    """Document-level answers, from plan terms only. None means "cannot be determined"."""

    values: dict[str, bool | None]
    appeal_deadline: DeadlineFact | None
    # When the document's first-appeal limits disagree: {"values": [...], "pages": [...]}
    # instead of a number.
    appeal_deadline_unclear: dict[str, Any] | None = None

    @classmethod
    def unknown(cls) -> Facts:
        return cls({c: None for c in FACT_CATEGORIES}, None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {c: self.values.get(c) for c in FACT_CATEGORIES}
        out["appeal_deadline"] = self.appeal_deadline.to_dict() if self.appeal_deadline else None
        if self.appeal_deadline_unclear is not None:
            out["appeal_deadline_unclear"] = self.appeal_deadline_unclear
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Facts:
        deadline = d.get("appeal_deadline")
        return cls({c: d.get(c) for c in FACT_CATEGORIES},
                   DeadlineFact.from_dict(deadline) if deadline else None,
                   d.get("appeal_deadline_unclear"))


@dataclass(frozen=True)
class PlanInfo:
    name: str | None = None
    issuer: str | None = None
    coverage_period: str | None = None
    plan_type: str | None = None
    coverage_for: str | None = None  # "Individual + Family", from the SBC header
    # The coverage period as ISO dates (the end is None for "beginning on or after …").
    coverage_start: str | None = None
    coverage_end: str | None = None
    metal_level: str | None = None  # Bronze, Silver, Gold, Platinum, Catastrophic

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "coverage_period": self.coverage_period,
            "plan_type": self.plan_type,
            "coverage_for": self.coverage_for,
            "coverage_start": self.coverage_start,
            "coverage_end": self.coverage_end,
            "metal_level": self.metal_level,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlanInfo:
        return cls(d.get("name"), d.get("issuer"), d.get("coverage_period"), d.get("plan_type"),
                   d.get("coverage_for"), d.get("coverage_start"), d.get("coverage_end"),
                   d.get("metal_level"))


@dataclass(frozen=True)
class GridRowInfo:
    """One row of an SBC's Common Medical Event grid."""

    page: int
    event: str | None
    service: str
    in_network: str
    out_of_network: str
    limitations: str
    prior_authorization: bool
    penalty: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "event": self.event, "service": self.service,
                "in_network": self.in_network, "out_of_network": self.out_of_network,
                "limitations": self.limitations,
                "prior_authorization": self.prior_authorization, "penalty": self.penalty}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GridRowInfo:
        return cls(int(d["page"]), d.get("event"), d["service"], d["in_network"],
                   d["out_of_network"], d["limitations"], bool(d["prior_authorization"]),
                   d.get("penalty"))


@dataclass(frozen=True)
class PriorAuthService:
    """A service the SBC says needs prior authorization, with the plan's own words."""

    service: str
    page: int
    quote: str
    penalty: str | None
    event: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "page": self.page, "quote": self.quote,
                "penalty": self.penalty, "event": self.event}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PriorAuthService:
        return cls(d["service"], int(d["page"]), d["quote"], d.get("penalty"), d.get("event"))


@dataclass(frozen=True)
class SbcInfo:
    """What an SBC says as a table: its grid, its two lists, its Important Questions."""

    important_questions: dict[str, str | None]
    grid: tuple[GridRowInfo, ...]
    excluded_services: tuple[str, ...]
    other_covered_services: tuple[str, ...]
    prior_authorization_services: tuple[PriorAuthService, ...]
    # The page of each item of the two lists, in their order (empty when not known).
    excluded_pages: tuple[int, ...] = ()
    other_covered_pages: tuple[int, ...] = ()

    def facts_dict(self) -> dict[str, Any]:
        """The fields added to the document's ``facts`` (report contract)."""
        return {
            "excluded_services": list(self.excluded_services),
            "other_covered_services": list(self.other_covered_services),
            "prior_authorization_services": [s.to_dict()
                                             for s in self.prior_authorization_services],
        }

    def to_dict(self) -> dict[str, Any]:
        return {"important_questions": dict(self.important_questions),
                "grid": [r.to_dict() for r in self.grid],
                "excluded_pages": list(self.excluded_pages),
                "other_covered_pages": list(self.other_covered_pages)}

    @classmethod
    def from_dict(cls, sbc: dict[str, Any], facts: dict[str, Any]) -> SbcInfo:
        return cls(dict(sbc.get("important_questions") or {}),
                   tuple(GridRowInfo.from_dict(r) for r in sbc.get("grid", ())),
                   tuple(facts.get("excluded_services", ())),
                   tuple(facts.get("other_covered_services", ())),
                   tuple(PriorAuthService.from_dict(x)
                         for x in facts.get("prior_authorization_services", ())),
                   tuple(int(p) for p in sbc.get("excluded_pages", ())),
                   tuple(int(p) for p in sbc.get("other_covered_pages", ())))


@dataclass(frozen=True)
class RegimeEvidence:
    page: int
    quote: str
    regime: str  # the regime id this passage points to

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "quote": self.quote, "regime": self.regime}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RegimeEvidence:
        return cls(int(d["page"]), str(d["quote"]), str(d.get("regime") or ""))


@dataclass(frozen=True)
class RegimeInfo:
    """The rulebook of the plan's appeals (policyscan.regime): a regime id of
    data/regimes.yaml, "non_us" (with the country), "uncertain" (with the candidates) or
    "unknown"."""

    name: str
    label: str
    confidence: float
    country: str | None
    evidence: tuple[RegimeEvidence, ...]
    candidates: tuple[str, ...]  # regime ids: the winner alone, or every possible one

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "confidence": self.confidence,
                "country": self.country, "evidence": [e.to_dict() for e in self.evidence],
                "candidates": list(self.candidates)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RegimeInfo:
        return cls(str(d["name"]), str(d.get("label") or ""), float(d.get("confidence") or 0),
                   d.get("country"), tuple(RegimeEvidence.from_dict(e)
                                           for e in d.get("evidence", ())),
                   tuple(str(c) for c in d.get("candidates", ())))


@dataclass(frozen=True)
class ScanError:
    type: str  # one of ErrorType
    message: str  # what happened and what the user can do

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScanError:
        return cls(str(d["type"]), str(d["message"]))


@dataclass(frozen=True)
class DocumentReport:
    path: str
    sha256: str | None
    status: str
    error: ScanError | None
    kind: str
    pages: int
    plan: PlanInfo
    facts: Facts
    findings: tuple[Finding, ...]
    # Things a reader should know that are not findings: pages without usable text, say.
    warnings: tuple[str, ...] = ()
    seconds: float | None = None
    # Another file of the run with the same bytes; this report is a copy of its scan.
    duplicate_of: str | None = None
    sbc: SbcInfo | None = None
    # The member's case (--procedure, --denied-on): the procedure outlook and the appeal
    # deadlines as dates, as JSON-ready mappings (policyscan.outlook, policyscan.case).
    outlook: dict[str, Any] | None = None
    due_dates: tuple[dict[str, Any], ...] = ()
    # Which rulebook governs the plan's appeals (policyscan.regime).
    regime: RegimeInfo | None = None
    # A denial notice, read (policyscan.denial), as a JSON-ready mapping.
    denial: dict[str, Any] | None = None
    # Every outlook when several procedures were asked about (``outlook`` is the first).
    outlooks: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error.to_dict() if self.error else None,
            "kind": self.kind,
            "pages": self.pages,
            "plan": self.plan.to_dict(),
            "facts": self.facts.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
        }
        if self.sbc is not None:
            out["facts"].update(self.sbc.facts_dict())
            out["sbc"] = self.sbc.to_dict()
        if self.regime is not None:
            out["regime"] = self.regime.to_dict()
        if self.denial is not None:
            out["denial"] = self.denial
        if self.outlook is not None:
            out["outlook"] = self.outlook
        if self.due_dates:
            out["due_dates"] = list(self.due_dates)
        if self.outlooks:
            out["outlooks"] = list(self.outlooks)
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentReport:
        """The inverse of ``to_dict`` (cached and resumed reports are read back this way)."""
        return cls(
            path=d["path"], sha256=d.get("sha256"), status=d["status"],
            error=ScanError.from_dict(d["error"]) if d.get("error") else None,
            kind=d["kind"], pages=int(d.get("pages") or 0),
            plan=PlanInfo.from_dict(d.get("plan") or {}),
            facts=Facts.from_dict(d.get("facts") or {}),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings", ())),
            warnings=tuple(d.get("warnings", ())), duplicate_of=d.get("duplicate_of"),
            sbc=SbcInfo.from_dict(d["sbc"], d.get("facts") or {}) if d.get("sbc") else None,
            outlook=d.get("outlook"), due_dates=tuple(d.get("due_dates", ())),
            regime=RegimeInfo.from_dict(d["regime"]) if d.get("regime") else None,
            denial=d.get("denial"),
            outlooks=tuple(d.get("outlooks", ())),
        )

    @classmethod
    def failed(cls, path: str, error: ScanError, *, sha256: str | None = None,
               status: str = "failed", pages: int = 0) -> DocumentReport:
        return cls(path=path, sha256=sha256, status=status, error=error, kind="other",
                   pages=pages, plan=PlanInfo(), facts=Facts.unknown(), findings=())


@dataclass(frozen=True)
class PatternSetInfo:
    rules: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"rules": self.rules, "sha256": self.sha256}


@dataclass(frozen=True)
class ScanReport:
    documents: tuple[DocumentReport, ...]
    patterns: PatternSetInfo
    version: str
    generated_at: str
    summary_extra: dict[str, Any] = field(default_factory=dict)
    # Findings by category, when the documents were slimmed after streaming (a large
    # batch keeps only what its final summary needs).
    finding_counts: dict[str, int] | None = None

    def summary(self) -> dict[str, Any]:
        counts = {s: 0 for s in STATUSES}
        by_category: dict[str, int] = {}
        for doc in self.documents:
            counts[doc.status] = counts.get(doc.status, 0) + 1
            for f in doc.findings:
                by_category[f.category] = by_category.get(f.category, 0) + 1
        if self.finding_counts is not None:
            by_category = dict(self.finding_counts)
        return {"documents": len(self.documents), **counts, "findings": by_category,
                **self.summary_extra}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "policyscan": self.version,
            "patterns": self.patterns.to_dict(),
            "generated_at": self.generated_at,
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary(),
        }
