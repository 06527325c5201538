"""What one document says about one procedure: the "is micro needling covered?" outlook.

The answer is built only from the document's own findings and page text, because a
plan document is the thing that controls and a guess is worse than no answer. Five
statuses can hold at once, each with the quotes and pages behind it (issue 4):

* ``named_exclusion``: an exclusion (cosmetic or experimental) names the procedure, a
  related procedure, its family ("treatments that alter how the skin looks") or, in the quote
  itself, the body part it changes;
* ``cosmetic_exclusion``: the procedure is usually treated as cosmetic and the document
  excludes cosmetic services;
* ``exception_available``: the document states a reconstructive or medical-necessity
  route that could apply;
* ``prior_authorization``: what the document requires before the procedure, its service
  category (an SBC row "If you have outpatient surgery"), or else in general;
* ``payer_criteria``: a payer's medical or pharmacy policy that names the procedure gives
  its criteria for medical necessity (item by item) and what it calls not medically
  necessary, cosmetic or investigational (``policyscan.payer``);
* ``not_addressed``: the document names neither the procedure nor its family; the
  general exclusions are still quoted.

Notes are worded so as to claim nothing the document does not say: "the document
excludes …; it does not name micro needling".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .models import NON_PLAN_KINDS, DocumentReport, Finding
from .procedures import Mention, Procedure, mentions, names_any, procedures

Kind = Literal["named_exclusion", "cosmetic_exclusion", "exception_available",
               "prior_authorization", "payer_criteria", "not_addressed"]

MAX_EVIDENCE = 5  # quotes per status; the rest are counted in ``Status.more``
MAX_CRITERIA = 2
MAX_MENTIONS = 10
MAX_PAYER_EVIDENCE = 60  # a payer policy's criteria are quoted in full, item by item
_EXCLUSIONS = ("cosmetic_exclusion", "experimental_exclusion")
# Cosmetic exclusions about another kind of service: they say nothing about a skin or
# body procedure unless they name it.
_OTHER_DOMAIN = re.compile(
    r"\b(?:dental|dentist\w*|teeth|tooth|orthodont\w*|prosthe\w*|wigs?|eyeglass\w*|"
    r"lens\w*|hearing)\b", re.I)
_DRUGS = re.compile(r"\b(?:drugs?|medications?|prescriptions?)\b", re.I)
_SERVICES = re.compile(r"\b(?:surger\w*|procedures?|services?|treatments?)\b", re.I)
_EXCLUSION_SECTION = re.compile(r"not covered|exclu|limitation", re.I)
_GENERAL_COSMETIC = re.compile(
    r"\bcosmetic (?:surgery|surgeries|services?|procedures?|purposes|reasons|treatments?)\b|"
    r"\bappearance\b|\bhow you look\b|\bbeautification\b|\baesthetic\b", re.I)
# A mention after one of these words in its sentence is a carve-out from the exclusion.
_CARVE_OUT = re.compile(
    r"\b(?:except|unless|other than|(?:does|do|shall|will) not apply|doesn't apply|"
    r"not excluded)\b", re.I)
# What makes a reconstructive passage relevant beyond breast reconstruction.
_RECONSTRUCTIVE_CAUSE = re.compile(
    r"\b(?:injur\w*|illness\w*|trauma\w*|burns?|disease\w*|congenital|birth defects?|"
    r"developmental|function\w*|deformit\w*|disfigure\w*|accident\w*|scar\w*)\b", re.I)
# A medical-necessity passage that states criteria rather than only using the term.
_CRITERIA = re.compile(
    r"\b(?:means|defined as|definition|if (?:it is|there is)|criteria|must (?:be|meet)|"
    r"standards of (?:good )?medical practice|functional impairment|consistent with the "
    r"diagnosis|considers? (?:a|the) service)\b", re.I)
_DEFINITION = re.compile(
    r"^\W*medical(?:ly)? necess\w*\s*(?:\([^)]*\)\s*)?(?:means|is|are|[-\u2013\u2014:])|"
    r"\bconsiders? (?:a|the) service\b|\bmedically necessary (?:means|if)\b", re.I)
_NOT_A_DEFINITION = re.compile(r"^\W*(?:this|it|that) means\b", re.I)
CATEGORY_LEAD = 40  # a service category counts in the first words of a quote
# Services that a prior-authorization statement may be about instead of this procedure.
_OTHER_SERVICE = re.compile(
    r"\b(?:drugs?|medications?|DME|durable medical equipment|transplant\w*|ambulance|"
    r"dental|maternity|childbirth|deliver\w*|mental health|behavioral|autism|hospice|"
    r"skilled nursing|admissions?|inpatient|emergenc\w*|air|travel|lodging|vision|"
    r"hearing|gene therapy|orthodont\w*)\b", re.I)
_GENERAL_PA = re.compile(r"\b(?:certain|some|these|following|listed|list of)\b", re.I)
# A prior-authorization statement that opens a list, and the items worth citing in it.
_LIST_LEAD = re.compile(r":\s*$|\bthe following\b|\blisted below\b|\binclude:", re.I)
_APPEARANCE_ITEM = re.compile(r"\b(?:cosmetic|reconstructive|plastic surgery|appearance)",
                              re.I)
MAX_LIST_LINES = 40
MAX_GENERAL_PA = 3  # statements that every service needs approval: one is enough
# A statement that every service needs approval: then it applies to this one too.
_ALL_SERVICES = re.compile(
    r"\b(?:all|any|every)\s+(?:covered\s+|non-?emergency\s+|elective\s+|planned\s+)?"
    r"(?:services?|care|treatments?|procedures?)\b", re.I)
_SELF = ("variant", "related")
_RANK = {"variant": 0, "related": 1, "family": 2, "body": 3}
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\s\d{1,3}\)\s")


@dataclass(frozen=True)
class Evidence:
    """A passage behind a status: exact words of page ``page``."""

    page: int
    quote: str
    finding_rule: str | None  # the rule of the finding quoted; None for a found sentence
    why: str
    category: str | None = None  # the finding's category
    start: int | None = None  # offsets of ``quote`` in the page text, when known
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "quote": self.quote, "finding_rule": self.finding_rule,
                "category": self.category, "why": self.why, "start": self.start,
                "end": self.end}


@dataclass(frozen=True)
class Status:
    kind: Kind
    evidence: list[Evidence]
    note: str
    more: int = 0  # further passages of the same kind, left out of ``evidence``

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "note": self.note, "more": self.more,
                "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Outlook:
    procedure: Procedure
    statuses: list[Status]
    # Each sentence of the document naming the procedure or its family (exclusions too).
    mentions: list[Evidence] = field(default_factory=list)
    mention_count: int = 0
    note: str | None = None  # about the document as a whole (unreadable, a glossary …)

    @property
    def kinds(self) -> list[str]:
        return [s.kind for s in self.statuses]

    def status(self, kind: str) -> Status | None:
        return next((s for s in self.statuses if s.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {"procedure": {"id": self.procedure.id, "name": self.procedure.name},
                "statuses": [s.to_dict() for s in self.statuses],
                "mentions": [e.to_dict() for e in self.mentions],
                "mention_count": self.mention_count, "note": self.note}


# -- helpers -----------------------------------------------------------------------------

def _sentence(text: str, start: int, end: int, limit: int = 300) -> tuple[int, int]:
    """The sentence (or list item) around text[start:end], at most ~``limit`` chars."""
    lo = max(0, start - limit // 2)
    s = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        s = m.end()
    stop = _SENTENCE_END.search(text, end, min(len(text), end + limit // 2))
    if stop is None:
        e = min(len(text), end + limit // 2)
    else:
        e = stop.start() + (1 if text[stop.start()] in ".!?" else 0)
    while s < start and text[s].isspace():
        s += 1
    return s, max(e, end)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per passage (a passage can match several categories)."""
    seen: set[tuple[int, int, int]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.page, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _cap(evidence: list[Evidence], limit: int = MAX_EVIDENCE) -> tuple[list[Evidence], int]:
    out: list[Evidence] = []
    seen: set[tuple[int, int | None, str]] = set()
    for e in evidence:
        if (e.page, e.start, e.quote) not in seen:
            seen.add((e.page, e.start, e.quote))
            out.append(e)
    return out[:limit], max(0, len(out) - limit)


def _pages(items: Iterable[Evidence]) -> str:
    pages = sorted({e.page for e in items})
    return ("p. " if len(pages) == 1 else "pp. ") + ", ".join(map(str, pages))


def _found(page: int, text: str, start: int, end: int, why: str) -> Evidence:
    """A sentence found in a page's text (not a finding), trimmed of outer spaces."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(page, text[start:end], None, why, None, start, end)


def _other_families(p: Procedure, text: str) -> set[str]:
    """The other procedure families whose procedures ``text`` names (by a variant: family
    words such as "skin" are shared too widely to tell one family from another)."""
    return {q.family for q in procedures() if q.family != p.family
            and any(m.kind in _SELF for m in mentions(q, text))}


def _from(f: Finding, why: str) -> Evidence:
    return Evidence(f.page, f.quote, f.rule, why, f.category, f.start, f.end)


def short_name(p: Procedure, *, start: bool = False) -> str:
    """The procedure's name for running text: "micro needling", "Botox", "sclerotherapy"
    (the part before " / " or " ("; a brand keeps its capital)."""
    name = re.split(r" / | \(", p.name)[0].strip()
    if not (name in p.variants and name[:1].isupper()):
        name = name[:1].lower() + name[1:]
    return name[:1].upper() + name[1:] if start else name


def _family_phrase(p: Procedure) -> str:
    """"micro needling or skin resurfacing"; just the name when the family is named alike."""
    name = short_name(p)
    return name if p.family.lower() == name.lower() else f"{name} or {p.family}"


def _describe(p: Procedure, m: Mention) -> str:
    if m.kind == "variant":
        return f"names {short_name(p)} ('{m.term.rstrip('*')}')"
    if m.kind == "related":
        return f"names '{m.term}', a procedure related to {short_name(p)}"
    if m.kind == "family":
        return f"names '{m.term.rstrip('*')}' ({p.family}, the family of {short_name(p)})"
    return f"names '{m.term.rstrip('*')}', the part {short_name(p)} treats"


# -- the statuses ------------------------------------------------------------------------

@dataclass
class _Scan:
    """What the statuses share: the procedure, the usable findings, the page texts."""

    p: Procedure
    findings: list[Finding]
    pages: Mapping[int, str]
    carve_outs: list[Evidence] = field(default_factory=list)

    def of(self, *categories: str) -> list[Finding]:
        """Findings of these categories, one per passage. Exclusions and prior
        authorization count only as plan terms; a definition may still state criteria."""
        terms_only = bool(set(categories) & {*_EXCLUSIONS, "prior_authorization"})
        return _unique(f for f in self.findings if f.category in categories
                       and (f.plan_term or not terms_only))

    def named_exclusion(self) -> Status | None:
        evidence: list[Evidence] = []
        kinds: list[str] = []
        for f in self.of(*_EXCLUSIONS):
            label = ("a cosmetic" if f.category == "cosmetic_exclusion"
                     else "an experimental/investigational")
            in_quote = mentions(self.p, f.quote, body=True)
            excluded: list[Mention] = []
            for m in in_quote:
                if _CARVE_OUT.search(re.split(r"[.!?]\s", f.quote[:m.start])[-1]):
                    self.carve_outs.append(_from(f, f"{_describe(self.p, m)} in a carve-out "
                                                    "from the exclusion"))
                else:
                    excluded.append(m)
            if excluded:
                m = min(excluded, key=lambda m: _RANK[m.kind])
                evidence.append(_from(f, f"{_describe(self.p, m)} in {label} exclusion"))
                kinds.append(m.kind)
            elif not in_quote:
                near = self._near(f)
                if near is not None:
                    m, sentence = near
                    evidence.append(_from(f, f"{label} exclusion; the passage around it "
                                             f"{_describe(self.p, m)}"))
                    evidence += [sentence] if sentence is not None else []
                    kinds.append(m.kind)
        if not evidence:
            return None
        shown, more = _cap(evidence)
        name = short_name(self.p)
        where = _pages(shown)
        strongest = min(kinds, key=lambda k: _RANK[k])
        if strongest == "variant":
            note = f"The document names {name} in an exclusion ({where})."
        elif strongest == "related":
            note = (f"The document's exclusion ({where}) names a procedure related to {name}; "
                    f"it does not name {name} itself.")
        elif strongest == "family":
            note = (f"The document excludes {self.p.family} ({where}), the family {name} "
                    f"belongs to; it does not name {name} itself.")
        else:
            note = (f"The document's exclusion ({where}) names the part {name} treats; it "
                    f"does not name {name} itself.")
        return Status("named_exclusion", shown, note, more)

    def _near(self, f: Finding) -> tuple[Mention, Evidence | None] | None:
        """The procedure itself (a variant or related term) just around the finding: a
        heading before "… is not covered", an item after "not covered:". Family and body
        words around it are not enough: in a list they belong to the neighbouring item."""
        text = self.pages.get(f.page)
        if text is None:
            found = [m for m in mentions(self.p, f.context) if m.kind in _SELF]
            return (found[0], None) if found else None
        lo, hi = max(0, f.start - 250), min(len(text), f.end + 60)
        for m in mentions(self.p, text[lo:hi]):
            s, e = m.start + lo, m.end + lo
            if f.start <= s < f.end or m.kind not in _SELF:
                continue
            qs, qe = _sentence(text, s, e)
            return m, _found(f.page, text, qs, qe, f"{_describe(self.p, m)} next to the "
                                                   "exclusion")
        return None

    def general_cosmetic(self) -> list[Finding]:
        """The document's cosmetic exclusions that could apply to this procedure.

        Left out: those about another kind of service (dental, prosthetics, and drugs
        unless the procedure is a drug) or naming exactly one other procedure family
        ("Vein Treatment … for cosmetic purposes"), unless they name this procedure.
        """
        out = []
        for f in self.of("cosmetic_exclusion"):
            if mentions(self.p, f.quote, body=True):
                out.append(f)
                continue
            if _OTHER_DOMAIN.search(f.quote) or (
                    "specialty_drug" not in self.p.service_categories
                    and _DRUGS.search(f.quote) and not _SERVICES.search(f.quote)):
                continue
            if len(_other_families(self.p, f.quote)) == 1:
                continue
            out.append(f)
        return sorted(out, key=lambda f: (not _EXCLUSION_SECTION.search(f.section or ""),
                                          not _GENERAL_COSMETIC.search(f.quote),
                                          -f.score, f.page, f.start))

    def cosmetic_exclusion(self) -> Status | None:
        if not self.p.cosmetic_default:
            return None
        found = self.general_cosmetic()
        if not found:
            return None
        shown, more = _cap([_from(f, "a cosmetic exclusion") for f in found])
        note = (f"{short_name(self.p, start=True)} is usually treated as cosmetic unless it "
                f"is medically necessary; the document excludes cosmetic services "
                f"({_pages(shown)}). "
                f"Whether that covers your treatment depends on why it is done.")
        return Status("cosmetic_exclusion", shown, note, more)

    def exception_available(self) -> Status | None:
        exclusion_pages = {f.page for f in self.of(*_EXCLUSIONS)}
        ranked: list[tuple[tuple[int, float, int, int], Evidence]] = []
        for f in self.of("reconstructive_exception"):
            named = mentions(self.p, f.quote)
            if not named and _OTHER_DOMAIN.search(f.quote):
                continue  # teeth, dental injuries: another benefit
            if named:
                rank, why = 0, f"a reconstructive exception that {_describe(self.p, named[0])}"
            elif _RECONSTRUCTIVE_CAUSE.search(f.quote):
                rank = 1 if f.page in exclusion_pages else 2
                why = ("a carve-out from the exclusion on the same page" if rank == 1 else
                       "a reconstructive exception")
            else:
                continue  # about something else only (breast symmetry, say)
            ranked.append(((rank, -f.score, f.page, f.start), _from(f, why)))
        criteria: list[tuple[tuple[int, float, int, int], Evidence]] = []
        for f in self.of("medical_necessity"):
            if len(f.quote) < 40 or _NOT_A_DEFINITION.match(f.quote):
                continue
            defines, states = bool(_DEFINITION.search(f.quote)), bool(_CRITERIA.search(f.quote))
            if not (defines or states):
                continue  # uses the term without saying what it takes
            points = (2 * ("definition" in (f.section or "").lower()) + 2 * defines + states)
            criteria.append(((-points, -f.score, f.page, f.start),
                             _from(f, "the document's medical-necessity definition or "
                                      "criteria")))
        ranked.sort(key=lambda item: item[0])
        criteria.sort(key=lambda item: item[0])
        evidence = (self.carve_outs + [e for _, e in ranked]
                    + [e for _, e in criteria[:MAX_CRITERIA]])
        if not evidence:
            return None
        shown, more = _cap(evidence)
        note = (f"The document states a reconstructive or medical-necessity route "
                f"({_pages(shown)}). It does not say that {short_name(self.p)} qualifies; "
                "that is for the plan to decide, usually on your records (a doctor's letter, "
                "photographs, what the treatment restores).")
        return Status("exception_available", shown, note, more)

    def _list_items(self, f: Finding) -> list[tuple[int, int]]:
        """The items of a list a prior-authorization lead-in opens ("The following require
        pre-certification:" then "1. …", "2. …"), as offsets into its page: one line each,
        up to a blank line, the next lead-in or MAX_LIST_LINES lines."""
        text = self.pages.get(f.page, "")
        lead = _LIST_LEAD.search(f.quote)
        if not text or lead is None or text[f.start:f.end] != f.quote:
            return []
        # The items start on the line after the lead-in (the quote may hold some of them).
        pos = text.find("\n", f.start + lead.end() - 1)
        if pos < 0:
            return []
        pos += 1
        items: list[tuple[int, int]] = []
        for line in text[pos:pos + 3000].split("\n")[:MAX_LIST_LINES]:
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                if items:
                    break
                continue
            if items and line.rstrip().endswith(":"):
                break
            items.append((start, end))
        return items

    def prior_authorization(self) -> Status | None:
        found = self.of("prior_authorization")
        if not found:
            return None
        specific: list[Evidence] = []
        category: list[Evidence] = []
        everything: list[Evidence] = []
        for f in found:
            named = mentions(self.p, f.quote) or mentions(self.p, f.section or "")
            if named:
                specific.append(_from(f, "prior authorization that "
                                         f"{_describe(self.p, named[0])}"))
                continue
            # Lists are read item by item: the one item that names the procedure, its
            # family or cosmetic/reconstructive work may stand in the middle.
            text = self.pages.get(f.page, "")
            listed = False
            for s, e in self._list_items(f):
                item = text[s:e]
                named = mentions(self.p, item)
                if named:
                    specific.append(_found(f.page, text, s, e, "a prior-authorization list "
                                           f"item that {_describe(self.p, named[0])}"))
                    listed = True
                elif _APPEARANCE_ITEM.search(item):
                    category.append(_found(f.page, text, s, e, "a prior-authorization list "
                                           "item naming cosmetic or reconstructive work"))
                    listed = True
            if listed:
                continue
            # The row or heading the statement stands under, or its own first words: a
            # service named later in the quote is usually another service's setting.
            service = (names_any(self.p.service_terms, f.section or "")
                       or names_any(self.p.service_terms, f.quote[:CATEGORY_LEAD]))
            if service is not None:
                row = f" (under '{f.section}')" if f.section else ""
                category.append(_from(f, "prior authorization for "
                                         f"'{service.term.rstrip('*')}'{row}, a kind of "
                                         f"service {short_name(self.p)} may fall under"))
            elif _ALL_SERVICES.search(f.quote):
                everything.append(_from(f, "prior authorization for all services"))
        name = short_name(self.p)
        if specific or category:
            shown, more = _cap(specific + category)
            if specific:
                note = (f"The document requires prior authorization that names {name} or its "
                        f"family ({_pages(shown)}).")
            else:
                note = (f"The document requires prior authorization for a kind of service "
                        f"{name} may fall under ({_pages(shown)}); it does not name {name}.")
            return Status("prior_authorization", shown, note, more)
        if everything:
            shown, more = _cap(everything, MAX_GENERAL_PA)
            return Status("prior_authorization", shown,
                          f"The document requires prior authorization for all services "
                          f"({_pages(shown)}), so for {name} too.", more)
        # A statement about other services (sleep studies, transplants) is no evidence
        # about this procedure: it is not quoted, only where the list stands.
        where = _pages([_from(f, "") for f in found])
        if all(_OTHER_SERVICE.search(f.quote) for f in found):
            note = (f"The document requires prior authorization for certain other services "
                    f"({where}); it says nothing about {name}. Ask the plan before "
                    "treatment.")
        else:
            note = (f"The document's prior-authorization list ({where}) does not name "
                    f"{name}, its family or its setting; it does not say whether {name} is "
                    "one of them. Ask the plan before treatment.")
        return Status("prior_authorization", [], note, 0)

    def not_addressed(self, named_anywhere: bool) -> Status | None:
        if named_anywhere:
            return None
        general = [_from(f, "a general cosmetic exclusion; it does not name "
                            f"{short_name(self.p)}") for f in self.general_cosmetic()]
        general += [_from(f, "a general experimental/investigational exclusion")
                    for f in self.of("experimental_exclusion")][:2]
        shown, more = _cap(general)
        terms = ", ".join(t.rstrip("*") for t in (*self.p.variants[:3],
                                                   *self.p.family_terms[:3]))
        note = f"The document does not name {_family_phrase(self.p)} (looked for {terms} …)."
        if shown:
            note += (f" What its general exclusions say is quoted ({_pages(shown)}); whether "
                     "they apply to your treatment is for the plan to decide.")
        else:
            note += " No general cosmetic or experimental exclusion was found in it either."
        return Status("not_addressed", shown, note, more)


def payer_criteria(p: Procedure, pages: Mapping[int, str]) -> Status | None:
    """A payer policy's criteria for the procedure and its verdicts, each with its page."""
    from .payer import read_payer_policy

    passages = read_payer_policy(p, pages)
    if not passages:
        return None
    name = short_name(p)
    evidence: list[Evidence] = []
    lists = 0
    for q in passages:
        if q.role == "criteria":
            lists += 1
            why = f"the policy's criteria that name {_family_phrase(p)}: the items below"
        elif q.role == "criterion":
            why = f"criterion {q.number}"
        else:
            why = f"what the policy calls {q.role}"
        evidence.append(Evidence(q.page, q.quote, None, why, None, q.start, q.end))
    shown, more = _cap(evidence, MAX_PAYER_EVIDENCE)
    criteria = [e for e in shown if e.finding_rule is None and e.why.startswith("criterion")]
    verdicts = [e for e in shown if e.why.startswith("what the policy calls")]
    parts: list[str] = []
    if lists:
        parts.append(f"This payer policy states when it considers {name} or its family "
                     f"medically necessary: {lists} list(s) of criteria, {len(criteria)} "
                     f"item(s), quoted item by item ({_pages(criteria or shown)}); the "
                     "words leading into each list say whether all or any must be met.")
    else:
        parts.append(f"This payer policy names {name} or its family but gives no list of "
                     "criteria for it.")
    if verdicts:
        called = sorted({e.why.removeprefix("what the policy calls ") for e in verdicts})
        parts.append(f"It calls some uses {'; '.join(called)} ({_pages(verdicts)}).")
    return Status("payer_criteria", shown, " ".join(parts), more)


def _mentions_in_pages(p: Procedure, pages: Mapping[int, str],
                       findings: list[Finding]) -> tuple[list[Evidence], int]:
    """Each sentence naming the procedure or its family, once, with what it names."""
    out: list[Evidence] = []
    for page in sorted(pages):
        text = pages[page]
        by_sentence: dict[tuple[int, int], list[Mention]] = {}
        for m in mentions(p, text):
            by_sentence.setdefault(_sentence(text, m.start, m.end), []).append(m)
        for (s, e), found in by_sentence.items():
            section = next((f.section for f in sorted(findings, key=lambda f: -f.start)
                            if f.page == page and f.start <= s and f.section), None)
            where = f" under '{section}'" if section else ""
            best = min(found, key=lambda m: _RANK[m.kind])
            others = sorted({m.term.rstrip("*") for m in found} - {best.term.rstrip("*")})
            also = f" (also {', '.join(repr(t) for t in others)})" if others else ""
            out.append(_found(page, text, s, e, f"{_describe(p, best)}{also}{where}"))
    return out[:MAX_MENTIONS], len(out)


def outlook(procedure: Procedure, report: DocumentReport,
            page_texts: Mapping[int, str]) -> Outlook:
    """The procedure outlook of one scanned document.

    ``page_texts`` maps physical page numbers to each page's text as scanned (the
    ``PageText.text`` that findings' offsets refer to). Without them, "named anywhere"
    is judged from the findings' quotes and contexts only, and the note says so.
    """
    if report.status != "ok":
        return Outlook(procedure, [], note=(
            f"The document could not be read ({report.status}), so nothing can be said "
            f"about {short_name(procedure)} from it."))
    notes: list[str] = []
    if report.kind in NON_PLAN_KINDS:
        notes.append(f"This document is a {report.kind}: it defines or asks, and states no "
                     "plan's terms.")
    if report.warnings:
        notes.append("Some pages could not be read; what they say is not included.")
    findings = [f for f in report.findings if not f.negated]
    scan = _Scan(procedure, findings, page_texts)
    statuses = [s for s in (scan.named_exclusion(), scan.cosmetic_exclusion()) if s]
    exception = scan.exception_available()  # after named_exclusion: it adds carve-outs
    pa = scan.prior_authorization()
    statuses += [s for s in (exception, pa) if s]
    if report.kind == "medical_policy" and page_texts:
        criteria = payer_criteria(procedure, page_texts)
        statuses += [criteria] if criteria else []
    found, count = _mentions_in_pages(procedure, page_texts, findings)
    if page_texts:
        named_anywhere = count > 0
    else:
        notes.append("Page texts were not given: whether the document names "
                     f"{short_name(procedure)} was judged from its findings only.")
        named_anywhere = any(mentions(procedure, f.context) for f in report.findings)
    named_exclusion = any(s.kind == "named_exclusion" for s in statuses)
    absent = scan.not_addressed(named_anywhere or named_exclusion)
    if absent:
        statuses.append(absent)
    return Outlook(procedure, statuses, found, count, " ".join(notes) or None)
