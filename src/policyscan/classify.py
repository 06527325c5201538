"""What kind of document is this? Decided before matching, because kinds change meaning.

A glossary defines prior authorization, a blank form asks for it, a plan requires it. Each
kind has signal phrases; a signal in the title or on the first pages weighs more than one
deep in the body. The strongest kind wins; a document with plan cost-sharing words and no
stronger signal is a plan document; anything else is "other".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .extract import SourceDocument

# (kind, weight, pattern). Weights are relative; a title or first-page hit counts triple.
# Patterns are lower case and run on lower-cased text (faster than re.IGNORECASE).
_SIGNALS: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (kind, weight, re.compile(pattern)) for kind, weight, pattern in (
        ("sbc", 6.0, r"summary of benefits and coverage\s*:?\s*what this plan covers"),
        ("sbc", 2.0, r"summary of benefits and coverage"),
        ("sbc", 1.5, r"services your plan generally does not cover"),
        ("sbc", 1.0, r"common medical event"),
        ("sbc", 1.0, r"\bcoverage period\s*:"),
        ("glossary", 5.0, r"glossary of (health )?(coverage|insurance|terms)"),
        # A plan's own glossary section names itself too: the bare word is weak evidence.
        ("glossary", 1.0, r"\bglossary\b"),
        ("glossary", 1.0, r"this glossary"),
        ("denial_notice", 5.0, r"notice of (final (internal )?)?adverse benefit determination"),
        ("denial_notice", 3.0, r"\bmodel notices?\b"),
        ("denial_notice", 3.0, r"explanation of benefits\b(?! you will receive)"),
        ("denial_notice", 3.0, r"notice of (denial|action)\b"),
        ("denial_notice", 2.0, r"your (claim|request) (has been|was) denied"),
        ("denial_notice", 1.0, r"adverse benefit determination"),
        ("medical_policy", 5.0, r"\b(medical|clinical|coverage|reimbursement|drug|pharmacy)"
                                r" policy\b(?!holder)"),
        ("medical_policy", 4.0, r"clinical policy bulletin|clinical um guideline|"
                                r"prior authorization policy|utilization management guideline"),
        ("medical_policy", 4.0, r"medical coverage guidelines?|\bposition statement\b|"
                                r"\bclinical (coverage )?criteria\b"),
        ("medical_policy", 2.0, r"coverage rationale|policy number|applicable codes|"
                                r"coding information|last review(ed)? date|"
                                r"original effective date|billing/coding"),
        ("form", 5.0, r"\brequest form\b|\b(prior authorization|precertification|"
                      r"pre-?authorization) (request )?form\b|\bform\)"),
        ("form", 1.5, r"please (complete|fill out|print)|\bsignature\b.{0,40}\bdate\b|"
                      r"patient name\s*:|member id\s*(#|number)?\s*:"),
        # Not "plan document" alone: the SBC template itself says "see your plan document".
        ("plan_document", 5.0, r"evidence of coverage|certificate of (coverage|insurance)|"
                               r"health care certificate|benefit booklet|"
                               r"summary plan description|combined evidence of coverage|"
                               r"member handbook|benefit handbook|plan brochure|"
                               r"booklet-certificate|subscriber agreement|member contract"),
        ("plan_document", 5.0, r"\bpolicy wording\b|\bpolicy schedule\b|\bplan brochure\b|"
                               r"\bmember guide\b|"
                               r"\bfederal employees (health|dental)|\bfedvip\b|\bfehb\b"),
        ("plan_document", 1.0, r"\b(deductible|coinsurance|co-?payment|out-of-pocket)\b"),
        # Policy wordings outside the US name their parties and limits in other words.
        ("plan_document", 0.5, r"\b(insured persons?|policyholder|policy holder|sum insured|"
                               r"policy period|waiting period|pre-existing|the insurer)\b"),
        ("plan_document", 0.5, r"\bwe (will|do) (not )?(pay|cover)\b|\byou are covered\b|"
                               r"\b(covered|eligible) (services|expenses|benefits)\b"),
    )
)
_FRONT_PAGES = 2  # pages whose text counts as "front matter"
_FRONT_CHARS = 8000
_READ_CHARS = 100_000
_BODY_CAP = 6.0  # body hits of one signal stop counting after this much weight


@dataclass(frozen=True)
class KindDecision:
    kind: str
    scores: dict[str, float]

    @property
    def confidence(self) -> float:
        """How far the winning kind leads: its share of the two best scores (1.0 when no
        other kind had any signal, 0.0 when nothing had)."""
        ranked = sorted(self.scores.values(), reverse=True)
        if not ranked:
            return 0.0
        if self.kind not in self.scores:
            return 1.0 - min(ranked[0] / 6.0, 1.0)  # "other": unsure as a plan grows likely
        second = ranked[1] if len(ranked) > 1 else 0.0
        return self.scores[self.kind] / (self.scores[self.kind] + second)


def _hits(pattern: re.Pattern[str], text: str, limit: int) -> int:
    """Matches of ``pattern``, counted up to ``limit`` (more would not change the score)."""
    n = 0
    for _ in pattern.finditer(text):
        n += 1
        if n >= limit:
            break
    return n


def classify_text(front: str, body: str, names: str) -> KindDecision:
    """Kind from the title/file name (``names``), the front pages and the rest."""
    front, body, names = front.lower(), body.lower(), names.lower()
    scores: dict[str, float] = {}
    for kind, weight, pattern in _SIGNALS:
        score = 3 * weight * _hits(pattern, names, 1)
        score += 3 * weight * _hits(pattern, front, 2)
        score += min(weight * _hits(pattern, body, math.ceil(_BODY_CAP / (weight * 0.25)))
                     * 0.25, _BODY_CAP)
        if score:
            scores[kind] = scores.get(kind, 0.0) + score
    if not scores:
        return KindDecision("other", scores)
    kind = max(scores, key=lambda k: scores[k])
    # Cost-sharing words alone make a plan document only when they are frequent.
    if kind == "plan_document" and scores[kind] < 6.0:
        return KindDecision("other", scores)
    return KindDecision(kind, scores)


def classify(doc: SourceDocument) -> KindDecision:
    title = " ".join(v for k, v in doc.metadata.items() if k in ("Title", "Subject"))
    stem = doc.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    names = title + " " + re.sub(r"[_\-.]+", " ", stem)
    # Signals are phrases: compare them with whitespace collapsed, whatever the line breaks.
    # The body is read up to a bound: a document says what it is long before 100k characters.
    text = " ".join(" ".join(p.text.split()) for p in doc.pages if p.usable)[:_READ_CHARS]
    pages = [p for p in doc.pages if p.usable][:_FRONT_PAGES]
    # Front matter is the first pages, but never more than a few thousand characters: a
    # text file without form feeds is one long "page".
    front_len = min(sum(len(" ".join(p.text.split())) + 1 for p in pages), _FRONT_CHARS)
    return classify_text(text[:front_len], text[front_len:], names)
