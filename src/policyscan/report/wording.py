"""Words every report format shares: labels, the facts as questions, quote helpers.

The terminal, HTML and Markdown reports phrase the same result model the same way; the
labels and the text helpers live here, free of any output library, so each formatter
imports only what it renders with.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..models import DocumentReport, Finding

DISCLAIMER = ("policyscan finds wording; it is not legal advice. "
              "The plan documents and your denial letter control.")

OUTLOOK_LABELS = {
    "named_exclusion": "Named in an exclusion",
    "cosmetic_exclusion": "Falls under the cosmetic exclusion",
    "exception_available": "Exception available",
    "prior_authorization": "Prior authorization",
    "payer_criteria": "The payer policy's criteria",
    "not_addressed": "Not addressed",
}
# How many supporting findings a "Yes" cites.
MAX_CITED = 3

KIND_LABELS: dict[str, str] = {
    "sbc": "Summary of Benefits and Coverage (SBC)",
    "plan_document": "plan document",
    "medical_policy": "medical policy",
    "denial_notice": "denial notice",
    "glossary": "glossary",
    "form": "form",
    "other": "other",
}
# Short kind names for the summary table, where columns are narrow.
KIND_SHORT: dict[str, str] = {
    "sbc": "SBC",
    "plan_document": "plan doc.",
    "medical_policy": "medical policy",
    "denial_notice": "denial notice",
    "glossary": "glossary",
    "form": "form",
    "other": "other",
}

STATUS_LABELS: dict[str, str] = {
    "ok": "ok",
    "needs_ocr": "needs OCR",
    "failed": "failed",
    "timeout": "timeout",
}
# The facts as questions a reader asks, in CATEGORIES order.
QUESTIONS: dict[str, str] = {
    "cosmetic_exclusion": "Cosmetic work excluded?",
    "reconstructive_exception": "Reconstructive exception?",
    "medical_necessity": "Medical necessity required?",
    "prior_authorization": "Prior authorization required?",
    "appeal_rights": "Appeal rights stated?",
    "appeal_deadline": "Appeal deadline:",
    "external_review": "External review?",
    "experimental_exclusion": "Experimental treatment excluded?",
}
# Column headers of the summary table: two short lines each, so that eleven columns fit
# in 100 characters and still leave room for the file name.
SHORT_HEADERS: dict[str, str] = {
    "cosmetic_exclusion": "Cosmetic\nexcl.",
    "reconstructive_exception": "Recon.\nexcept.",
    "medical_necessity": "Medical\nnecess.",
    "prior_authorization": "Prior\nauth.",
    "appeal_rights": "Appeal\nrights",
    "external_review": "External\nreview",
    "experimental_exclusion": "Exper.\nexcl.",
    "appeal_deadline": "Appeal\ndeadline",
}

_WS = re.compile(r"\s+")
# Punctuation a quote may begin or end with (after whitespace is collapsed).
_PUNCT = ".,;:!?'\"()[]{}-*/\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014\u2022\u25cf"
def collapse(text: str) -> str:
    """One space for any run of whitespace: quotes keep the page's line breaks (``\\r\\n``)."""
    return _WS.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def _skeleton(text: str) -> tuple[str, list[int]]:
    """Letters and digits only, case-folded, with each one's offset in ``text``.

    The context is the page's *normalised* text (whitespace collapsed, typographic quotes
    made ASCII, line-end hyphens joined, ligatures expanded) while the quote is the raw
    slice; comparing skeletons finds the quote despite all of those differences.
    """
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        for k in unicodedata.normalize("NFKC", c).casefold():
            if k.isalnum():
                chars.append(k)
                where.append(i)
    return "".join(chars), where


def locate_quote(context: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands inside ``context`` (offsets into ``context``), or None.

    When the quote occurs more than once, pick the one where the scanner put it: it cuts
    the context around the quote, so with both ends cut ("… x …") the quote is the
    occurrence nearest the middle, with only the start cut it is the last, else the first.
    """
    ctx_skel, where = _skeleton(context)
    q_skel, _ = _skeleton(quote)
    if not q_skel:
        return None
    hits: list[int] = []
    at = ctx_skel.find(q_skel)
    while at >= 0:
        hits.append(at)
        at = ctx_skel.find(q_skel, at + 1)
    if not hits:
        return None
    spans = [(where[h], where[h + len(q_skel) - 1] + 1) for h in hits]
    cut_start, cut_end = context.startswith("…"), context.endswith("…")
    if cut_start and cut_end:
        start, end = min(spans, key=lambda s: abs(s[0] - (len(context) - s[1])))
    else:
        start, end = spans[-1] if cut_start and not cut_end else spans[0]
    return _with_punctuation(context, quote, start, end)


def _with_punctuation(context: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Widen a skeleton match over the punctuation the quote itself starts or ends with.

    Skeletons drop punctuation, so "higher cost." would otherwise be highlighted without
    its full stop, and '"Cosmetic"' without its quotation marks.
    """
    lead = len(quote) - len(quote.lstrip(_PUNCT))
    trail = len(quote) - len(quote.rstrip(_PUNCT))
    while lead and start > 0 and context[start - 1] in _PUNCT:
        start, lead = start - 1, lead - 1
    while trail and end < len(context) and context[end] in _PUNCT:
        end, trail = end + 1, trail - 1
    return start, end


def trim_left(text: str, keep: int) -> str:
    """The last ``keep`` characters of ``text``, starting at a word, with a leading '… '."""
    text = text.lstrip("… ")
    if len(text) <= keep:
        return text
    cut = text.find(" ", len(text) - keep)
    return "… " + text[cut + 1 if cut >= 0 else len(text) - keep:]


def trim_right(text: str, keep: int) -> str:
    """The first ``keep`` characters of ``text``, ending at a word, with a trailing ' …'."""
    text = text.rstrip("… ")
    if len(text) <= keep:
        return text
    cut = text.rfind(" ", 0, keep)
    return text[:cut if cut > 0 else keep] + " …"


def deadline_text(value: int, unit: str) -> str:
    """"180 days", "1 month", "5 business days": the unit as a reader says it."""
    word = unit.replace("_", " ")
    if value == 1 and word.endswith("s"):
        word = word[:-1]
    return f"{value} {word}"


def page_list(pages: Iterable[int]) -> str:
    """"p3, p4": distinct pages in order of first appearance."""
    seen: list[int] = []
    for p in pages:
        if p not in seen:
            seen.append(p)
    return ", ".join(f"p{p}" for p in seen)


def supporting(doc: DocumentReport, category: str) -> list[Finding]:
    """The findings that can set the category's fact: plan terms, not negated, the
    strongest first (then by page).

    These are the ones the facts module counts, so citing them explains the "Yes".
    """
    found = [f for f in doc.findings
             if f.category == category and f.plan_term and not f.negated]
    return sorted(found, key=lambda f: (-round(f.score, 2), f.page, f.start))


def negating(doc: DocumentReport, category: str) -> list[Finding]:
    """Plan-term findings of the category marked negated ("no prior authorization …")."""
    found = [f for f in doc.findings if f.category == category and f.plan_term and f.negated]
    return sorted(found, key=lambda f: (f.page, f.start))


def is_scanned(doc: DocumentReport) -> bool:
    return doc.status == "ok"


def rulebook_line(doc: DocumentReport) -> str | None:
    """The report's "Rulebook" line: the regime, how sure, and the page of its first
    evidence ("ERISA group health plan (sure 0.91; p. 4)"); None before a scan."""
    regime = doc.regime
    if regime is None:
        return None
    text = regime.label
    if regime.country:
        text += f" — {regime.country}: no US appeal rule applies"
    if regime.name == "uncertain":
        text += "; no default deadline is given"
    elif regime.name == "unknown" and not regime.label.startswith("Not a plan"):
        text = "Not stated in the document; no default deadline is given"
    pages = sorted({e.page for e in regime.evidence})[:4]
    if regime.name not in ("unknown",) and pages:
        where = ", ".join(f"p. {p}" for p in pages)
        text += f" (confidence {regime.confidence:.2f}; {where})"
    return text


STAGE_LABELS: dict[str, str] = {
    "informal_review": "Informal review",
    "first_internal_appeal": "Internal appeal",
    "grievance": "Grievance",
    "expedited_appeal": "Expedited appeal",
    "second_level": "Second-level appeal",
    "external_review": "External review",
    "fair_hearing": "Fair hearing",
    "other": "Other",
}


def due_stage_label(d: Mapping[str, Any]) -> str:
    """"Internal appeal", "External review" … for a due-date entry (policyscan.case)."""
    stage = d.get("stage") or d.get("action") or "other"
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


def due_where(d: Mapping[str, Any]) -> str:
    """Where a due date comes from, in words."""
    if d.get("basis") == "document":
        return f"this document, p{d['page']}"
    if d.get("regime"):
        regime = d["regime"].replace("_", " ")
        return f"federal default if the plan is {regime}: the rulebook is unclear"
    return "federal default: this document states none"
