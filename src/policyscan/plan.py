"""Plan identity from an SBC header: name, issuer, coverage period, plan type, metal level.

The federal template puts it in two fixed lines: "… Coverage Period: 07/01/2026 -
06/30/2027" and "<Issuer>: <Plan name> Coverage for: Family | Plan Type: PPO". When the
issuer is only a logo, the line reads ": <Plan name>" or has no issuer at all; the web
address the SBC gives for its full terms ("visit www.… or call …") then names it
(``data/issuers.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .datafile import Fields, data_path, entries, load_yaml
from .extract import PageText
from .models import PlanInfo

_PERIOD = re.compile(r"Coverage\s+Period\s*:\s*(?P<period>[^\r\n|]+?)\s*(?:\r?\n|$|\|)", re.I)
# Within one line: "<Issuer>: <Plan> Coverage for: … | Plan Type: …". When the template's
# line is broken, "Coverage for:" may start a line of its own; the plan then stands on the
# line above (handled below), never across a "Coverage Period:" line.
_PLAN_LINE = re.compile(
    r"(?m)^[ \t]*(?P<head>[^\r\n]*?)[ \t]*Coverage[ \t]+for[ \t]*:[ \t]*(?P<for>[^\r\n|]*?)"
    r"[ \t]*\|?[ \t]*Plan(?:[ \t]+|[ \t]*\r?\n[ \t]*)Type[ \t]*:[ \t]*(?P<type>[^\r\n]+?)"
    r"[ \t]*\r?$",
    re.I,
)
# The network types the template's "Plan Type:" names, and the high-deductible markers
# that may stand in the type or only in the plan's name.
_NETWORK = re.compile(r"\b(HMO|PPO|EPO|POS|EPN|PFFS|indemnity)\b", re.I)
_HDHP = re.compile(r"\b(?:HDHP|high[- ]deductible(?: health plan)?)\b", re.I)
_HSA = re.compile(r"\b(?:HSA|H\.S\.A\.|health savings account)(?:[- ]eligible|[- ]qualified)?\b",
                  re.I)
_METAL = re.compile(r"\b(expanded bronze|bronze|silver|gold|platinum|catastrophic)\b", re.I)
_DATE = re.compile(r"\b(?P<m>\d{1,2})\s*[/.-]\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<y>\d{4}|\d{2})\b")
_WEB = re.compile(r"(?:https?://)?(?:www\d?\.)?(?P<host>(?:[a-z0-9-]+\.)+[a-z]{2,})(?![a-z0-9-])",
                  re.I)
_NOT_HEAD = re.compile(r"coverage\s+period|summary of benefits|page \d", re.I)
# What a broken header line may carry in front of the issuer: the tail of the template's
# title ("… for Covered Services", or its last word wrapped) and the coverage period.
_HEAD_LEAD = re.compile(
    r"^\s*(?:.*?\bCovered\s+Services\b|Services\b(?=\s+\S))?\s*"
    r"(?:Coverage\s+Period\s*:\s*(?:(?:beginning\s+on\s+or\s+after\s+)?"
    r"\d{1,2}/\d{1,2}/\d{2,4}(?:\s*[-\u2013\u2014]\s*\d{1,2}/\d{1,2}/\d{2,4})?)?)?\s*",
    re.I)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.replace("\ufffe", "-").split()).strip(" :|-")
    return text or None


def plan_type(declared: str | None, name: str | None) -> str | None:
    """"HMO", "EPO HDHP with HSA", "HDHP": the network type from the declared type (else
    the plan's name), then whether it is a high-deductible plan and HSA-eligible."""
    texts = [t for t in (declared, name) if t]
    network = next((m.group(1) for t in texts for m in [_NETWORK.search(t)] if m), None)
    hsa = any(_HSA.search(t) for t in texts)
    hdhp = hsa or any(_HDHP.search(t) for t in texts)
    parts = [network.upper() if network and network.lower() != "indemnity" else network]
    if hdhp:
        parts.append("HDHP")
    if hsa:
        parts.append("with HSA")
    out = " ".join(p for p in parts if p)
    return out or _clean(declared)


def metal_level(name: str | None, declared: str | None) -> str | None:
    for text in (name, declared):
        found = _METAL.search(text or "")
        if found:
            return found.group(1).title()
    return None


def _iso(m: re.Match[str]) -> str | None:
    year = int(m.group("y"))
    year += 2000 if year < 100 else 0
    try:
        return date(year, int(m.group("m")), int(m.group("d"))).isoformat()
    except ValueError:
        return None


def period_iso(period: str | None) -> tuple[str | None, str | None]:
    """(start, end) of a coverage period as ISO dates: "01/01/26 - 12/31/26" gives
    ("2026-01-01", "2026-12-31"); "Beginning on or after 01/01/2025" a start only."""
    if not period:
        return None, None
    found = [d for d in (_iso(m) for m in _DATE.finditer(period)) if d]
    if not found:
        return None, None
    if len(found) == 1:
        return found[0], None
    return found[0], found[1]


@dataclass(frozen=True)
class _Issuers:
    by_domain: dict[str, str]
    ignored: frozenset[str]
    name_words: frozenset[str]
    lead_ins: tuple[str, ...]


@lru_cache(maxsize=1)
def _issuers() -> _Issuers:
    path = data_path("issuers.yaml")
    raw = load_yaml(path)
    issuers = entries(path, raw, "issuers")
    top = Fields(str(path), raw, "the file")
    by_domain: dict[str, str] = {}
    for fields in issuers:
        fields.only(frozenset({"name", "domains"}))
        name = fields.text("name")
        for domain in fields.strings("domains", required=True):
            by_domain[domain.lower()] = name
    return _Issuers(by_domain, frozenset(d.lower() for d in top.strings("ignored_domains")),
                    frozenset(w.lower() for w in top.strings("name_words")),
                    tuple(w.lower() for w in top.strings("lead_ins")))


def issuer_from_web(text: str) -> str | None:
    """The issuer named by the first web address of ``text`` that a known issuer owns
    (glossary and government sites are skipped)."""
    table = _issuers()
    for m in _WEB.finditer(text):
        host = m.group("host").lower().rstrip(".")
        labels = host.split(".")
        if labels[-1] == "gov":
            continue
        for k in range(len(labels) - 1):
            domain = ".".join(labels[k:])
            if domain in table.ignored:
                break
            if domain in table.by_domain:
                return table.by_domain[domain]
    return None


_WORD = re.compile(r"[A-Za-z][A-Za-z'&.-]*")
# A run of capitalised words, with the small words a name may hold ("Health Plan of
# Nevada", "Blue Cross and Blue Shield").
_NAME_RUN = re.compile(r"[A-Z][A-Za-z'&.-]*(?:[ \t]+(?:(?:of|and|the|&)[ \t]+)?"
                       r"[A-Z][A-Za-z'&.-]*)*")


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def issuer_beside_logo(texts: Sequence[str]) -> str | None:
    """The first piece of text beside the logo that reads as an issuer's name: a few
    capitalised words with a word of issuers' names ("Birchwood Health Plan, Inc."),
    after a lead-in such as "Insured by"; never the template's own header."""
    return next((name for text in texts if (name := _issuer_name(text))), None)


def _issuer_name(text: str) -> str | None:
    table = _issuers()
    clean = " ".join(text.split()).strip(" :|-")
    low = clean.lower()
    for lead in table.lead_ins:
        if low.startswith(lead + " "):
            clean = clean[len(lead) + 1:].strip(" :")
            break
    words = _WORD.findall(clean)
    if not words or len(words) > 10 or _NOT_HEAD.search(clean) or re.search(
            r"coverage|plan\s+type|\d", clean, re.I):
        return None
    if not all(w[0].isupper() or w.lower() in ("of", "and", "the") for w in words):
        return None
    if any(w.lower().strip(".") in table.name_words for w in words):
        return clean
    return None


# "Questions: Call Birchwood Health Plan at 1-800-…": the name a contact line calls.
_CALLED = re.compile(r"\b(?:call|contact)[ \t]+(?P<name>[A-Z][A-Za-z'&.,-]*(?:[ \t]+"
                     r"(?:(?:of|and|the|&)[ \t]+)?[A-Z][A-Za-z'&.,-]*){0,7})[ \t]+"
                     r"(?:at|toll[- ]free|on)\b", re.I)


def issuer_from_contact(pages: Sequence[PageText]) -> str | None:
    """The issuer a contact line names ("Questions: Call Birchwood Health Plan at …"), or
    whose web address it names through the document's own words: a name printed in the
    document that spells the address's name ("Birchwood Health"
    for www.birchwoodhealth.com; "Birchwood Health Plan" too, "plan" being a word of
    issuers' names), or whose initials do ("BHP" for www.bhp.com)."""
    table = _issuers()
    text = "\n".join(p.text for p in pages[:4])
    for m in _CALLED.finditer(text):
        called = _issuer_name(m.group("name").rstrip(",."))
        if called:
            return called
    labels: list[str] = []
    for m in _WEB.finditer(text):
        labels_of = m.group("host").lower().rstrip(".").split(".")
        if labels_of[-1] == "gov" or len(labels_of) < 2:
            continue
        domain = ".".join(labels_of[-2:])
        if domain in table.ignored or any(".".join(labels_of[k:]) in table.ignored
                                          for k in range(len(labels_of) - 1)):
            continue
        label = labels_of[-2]
        if len(label) >= 2 and label not in labels:
            labels.append(label)
    if not labels:
        return None
    runs = {" ".join(m.group().split()) for m in _NAME_RUN.finditer(text)}
    for label in labels:
        best: tuple[int, str] | None = None
        for run in runs:
            words = run.split()
            for i in range(len(words)):
                for j in range(i + 1, min(len(words), i + 8) + 1):
                    name = " ".join(words[i:j]).strip(" ,.")
                    rank = _spells(label, name, table.name_words)
                    if rank and (best is None or (rank, len(name)) > (best[0], len(best[1]))):
                        best = (rank, name)
        if best is not None:
            return best[1]
    return None


def _spells(label: str, name: str, name_words: frozenset[str]) -> int:
    """How well ``name`` spells the web address's ``label``: 2 exactly (or with words of
    issuers' names after it), 1 by its initials, 0 not."""
    words = name.split()
    if words[0].lower() in ("of", "and", "the") or words[-1].lower() in ("of", "and", "the"):
        return 0
    squeezed = _squeezed(name)
    if squeezed == label:
        return 2
    if len(label) >= 4 and squeezed.startswith(label):
        rest = squeezed[len(label):]
        # The rest is whole words of issuers' names ("Plan", "Health Plan").
        tail = [_squeezed(w) for w in words]
        joined = ""
        for k in range(len(tail) - 1, 0, -1):
            joined = tail[k] + joined
            if joined == rest:
                return 2 if all(t in name_words for t in tail[k:]) else 0
        return 0
    initials = "".join(w[0] for w in words if w.lower() not in ("of", "and", "the", "&"))
    if len(words) >= 2 and initials.lower() == label:
        return 1
    return 0


def read_plan_info(pages: list[PageText], kind: str,
                   beside_logo: Sequence[str] = ()) -> PlanInfo:
    if kind != "sbc" or not pages:
        return PlanInfo()
    text = pages[0].text
    period = _PERIOD.search(text)
    line = _PLAN_LINE.search(text)
    name = issuer = declared = coverage_for = None
    if line:
        declared = _clean(line.group("type"))
        coverage_for = _clean(line.group("for"))
        head = _clean(line.group("head")) or ""
        if not head and not line.group("head").strip():
            # "Coverage for:" began its line: the plan is the last line above it that is
            # not the template title or the coverage period.
            above = [ln for ln in text[:line.start()].splitlines() if ln.strip()
                     and not _NOT_HEAD.search(ln)]
            head = (_clean(above[-1]) or "") if above else ""
        if ":" in head:
            head = _HEAD_LEAD.sub("", head, count=1)
        raw_head = _HEAD_LEAD.sub("", line.group("head"), count=1).strip()
        if raw_head.startswith(":"):
            # A logo stood before the colon: no issuer in the text.
            name = head
        elif ":" in head:
            issuer, _, name = (part.strip() for part in head.partition(":"))
        else:
            name = head
    if not issuer:
        # The template's own line gives the site on page 1; some put it only with the
        # contact lines at the end.
        issuer = next((found for p in pages if (found := issuer_from_web(p.text))), None)
    if not issuer:
        # An issuer no list knows: the name beside its logo, else the name that spells
        # the web address of its contact lines.
        issuer = issuer_beside_logo(beside_logo) or issuer_from_contact(pages)
    raw_period = _clean(period.group("period")) if period else None
    start, end = period_iso(raw_period)
    name = _clean(name)
    return PlanInfo(name=name, issuer=_clean(issuer), coverage_period=raw_period,
                    plan_type=plan_type(declared, name), coverage_for=coverage_for,
                    coverage_start=start, coverage_end=end,
                    metal_level=metal_level(name, declared))
