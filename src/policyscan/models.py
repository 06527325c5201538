"""The result model: one set of records flows from the scanner to every formatter.

Formatters and the evaluation read these records (or their ``to_dict()``), never
the extraction or matching internals. The JSON shape is the contract in
``shared/docs/report-format.md``; fields may be added, none renamed. Every record is
written and read by one scheme (``policyscan.serial``): its fields' types give the shape,
``json_field`` declares where the contract differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Self, get_args

from .serial import dump, json_field, load, record

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
DOCUMENT_KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)
# Kinds whose text defines or asks rather than states plan terms: their findings are
# reported, but they never set a fact (categories.md, "Document kinds").
NON_PLAN_KINDS: frozenset[str] = frozenset({"glossary", "form"})

Status = Literal["ok", "needs_ocr", "failed", "timeout"]
STATUSES: tuple[Status, ...] = get_args(Status)

# internal: policyscan itself failed on a file it could read (a bug, not the file's
# fault); worker_lost: the process scanning it was killed from outside, twice.
ErrorType = Literal["not_a_pdf", "encrypted", "corrupt", "too_large", "timeout", "unreadable",
                    "internal", "worker_lost"]

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (pdfplumber's frame)

Unit = Literal["days", "business_days", "months", "hours"]
Action = Literal["internal_appeal", "external_review", "grievance", "expedited_appeal", "other"]
# The appeal ladder, in order. Each stage counts from its own event: a first internal
# appeal (or grievance, or informal review) from the denial notice, a second level or an
# external review from the decision before it, a fair hearing from the plan's final
# appeal decision.
Stage = Literal["informal_review", "first_internal_appeal", "grievance", "expedited_appeal",
                "second_level", "external_review", "fair_hearing", "other"]
STAGES: tuple[Stage, ...] = get_args(Stage)
Benefit = Literal["medical", "dental", "vision", "disability", "life", "eligibility"]
BENEFITS: tuple[Benefit, ...] = get_args(Benefit)


class Record:
    """A record of the result model: written and read by ``policyscan.serial``."""

    def to_dict(self) -> dict[str, Any]:
        return dump(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The inverse of ``to_dict`` (cached and resumed reports are read back this way)."""
        return load(cls, data)


@record
class Deadline(Record):
    """A member's time limit, read from the document's own words."""

    value: int
    unit: Unit
    action: Action
    anchor: str  # verbatim words after the number ("from the date you receive the denial")
    # Which step of the appeal ladder the limit belongs to, and so which event it counts
    # from; and the benefit whose claims it governs (a combined guide states the limits of
    # its medical, dental, disability and eligibility claims side by side).
    stage: Stage = "first_internal_appeal"
    benefit: Benefit = "medical"


@record
class Finding(Record):
    """One passage of one category, quoted exactly, with where it stands and why it matched."""

    category: str
    rule: str
    page: int  # physical page, 1-based
    quote: str  # exactly page_text[start:end]
    context: str
    section: str | None
    start: int
    end: int
    bbox: Box | None = json_field(digits=1)
    score: float = json_field(digits=3)
    method: str  # phrase | token | fuzzy | structure
    negated: bool
    explanation: str
    deadline: Deadline | None = json_field(omit=True, default=None)
    # The words that triggered the rule, as offsets into the page text (inside start..end).
    trigger_start: int | None = json_field(key=("trigger", "start"), omit=True, default=None)
    trigger_end: int | None = json_field(key=("trigger", "end"), omit=True, default=None)
    # One box per text line of the quote (for highlighting); bbox is their union.
    boxes: tuple[Box, ...] = json_field(digits=1, omit=True, default=())
    # Other rules that matched the same passage and were merged into this finding.
    also: tuple[str, ...] = json_field(key="also_matched", omit=True, default=())
    # Whether this finding may set a document-level fact (False for definitions, say).
    plan_term: bool = json_field(omit=True, default=True)
    # SBC grid: the service row a finding stands in, and the penalty the row states.
    service: str | None = json_field(omit=True, default=None)
    penalty: str | None = json_field(omit=True, default=None)


@record
class DeadlineFact(Record):
    value: int
    unit: Unit
    page: int
    quote: str


@record
class Facts(Record):
    """Document-level answers, from plan terms only. None means "cannot be determined"."""

    values: dict[str, bool | None] = json_field(flatten=FACT_CATEGORIES)
    appeal_deadline: DeadlineFact | None
    # When the document's first-appeal limits disagree: {"values": [...], "pages": [...]}
    # instead of a number.
    appeal_deadline_unclear: dict[str, Any] | None = json_field(omit=True, default=None)

    @classmethod
    def unknown(cls) -> Facts:
        return cls({c: None for c in FACT_CATEGORIES}, None)


@record
class PlanInfo(Record):
    name: str | None = None
    issuer: str | None = None
    coverage_period: str | None = None
    plan_type: str | None = None
    coverage_for: str | None = None  # "Individual + Family", from the SBC header
    # The coverage period as ISO dates (the end is None for "beginning on or after …").
    coverage_start: str | None = None
    coverage_end: str | None = None
    metal_level: str | None = None  # Bronze, Silver, Gold, Platinum, Catastrophic


@record
class GridRowInfo(Record):
    """One row of an SBC's Common Medical Event grid."""

    page: int
    event: str | None
    service: str
    in_network: str
    out_of_network: str
    limitations: str
    prior_authorization: bool
    penalty: str | None


@record
class PriorAuthService(Record):
    """A service the SBC says needs prior authorization, with the plan's own words."""

    service: str
    page: int
    quote: str
    penalty: str | None
    event: str | None = None


# The SBC's two lists and its prior-authorization services belong to the document's
# facts in the report contract; the rest of the SBC stands under "sbc".
SBC_FACTS = ("excluded_services", "other_covered_services", "prior_authorization_services")


@record
class SbcInfo(Record):
    """What an SBC says as a table: its grid, its two lists, its Important Questions."""

    important_questions: dict[str, str | None]
    grid: tuple[GridRowInfo, ...]
    excluded_services: tuple[str, ...]
    other_covered_services: tuple[str, ...]
    prior_authorization_services: tuple[PriorAuthService, ...]
    # The page of each item of the two lists, in their order (empty when not known).
    excluded_pages: tuple[int, ...] = ()
    other_covered_pages: tuple[int, ...] = ()


@record
class RegimeEvidence(Record):
    page: int
    quote: str
    regime: str  # the regime id this passage points to


@record
class RegimeInfo(Record):
    """The rulebook of the plan's appeals (policyscan.regime): a regime id of
    data/regimes.yaml, "non_us" (with the country), "uncertain" (with the candidates) or
    "unknown"."""

    name: str
    label: str
    confidence: float
    country: str | None
    evidence: tuple[RegimeEvidence, ...]
    candidates: tuple[str, ...]  # regime ids: the winner alone, or every possible one


@record
class ScanError(Record):
    type: ErrorType
    message: str  # what happened and what the user can do


@record
class DocumentReport(Record):
    path: str
    sha256: str | None
    status: Status
    error: ScanError | None
    kind: DocumentKind
    pages: int
    plan: PlanInfo
    facts: Facts
    findings: tuple[Finding, ...]
    # Things a reader should know that are not findings: pages without usable text, say.
    warnings: tuple[str, ...] = ()
    sbc: SbcInfo | None = json_field(omit=True, lift={"facts": SBC_FACTS}, default=None)
    # Which rulebook governs the plan's appeals (policyscan.regime).
    regime: RegimeInfo | None = json_field(omit=True, default=None)
    # A denial notice, read (policyscan.denial), as a JSON-ready mapping.
    denial: dict[str, Any] | None = json_field(omit=True, default=None)
    # The member's case (--procedure, --denied-on): the procedure outlook and the appeal
    # deadlines as dates, as JSON-ready mappings (policyscan.outlook, policyscan.case).
    outlook: dict[str, Any] | None = json_field(omit=True, default=None)
    due_dates: tuple[dict[str, Any], ...] = json_field(omit=True, default=())
    # Every outlook when several procedures were asked about (``outlook`` is the first).
    outlooks: tuple[dict[str, Any], ...] = json_field(omit=True, default=())
    # Another file of the run with the same bytes; this report is a copy of its scan.
    duplicate_of: str | None = json_field(omit=True, default=None)
    seconds: float | None = json_field(skip=True, default=None)

    @classmethod
    def failed(cls, path: str, error: ScanError, *, sha256: str | None = None,
               status: Status = "failed", pages: int = 0) -> DocumentReport:
        return cls(path=path, sha256=sha256, status=status, error=error, kind="other",
                   pages=pages, plan=PlanInfo(), facts=Facts.unknown(), findings=())


@record
class PatternSetInfo(Record):
    rules: int
    sha256: str


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
        counts: dict[str, int] = {s: 0 for s in STATUSES}
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
            "patterns": dump(self.patterns),
            "generated_at": self.generated_at,
            "documents": [dump(d) for d in self.documents],
            "summary": self.summary(),
        }
