"""A denial letter, read: its date, the services denied with their codes, the reason in its
words and as a kind, the deadline it states and where to send the appeal.

Everything is quoted with its page; the words that tell these apart are data
(``data/denials.yaml``). Dates are read as letters write them ("March 3, 2026",
"3 March 2026", "03/03/2026", "2026-03-03"). A letter whose deadline is a template blank
says so instead of giving a number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .codes import find_codes
from .datafile import DataFileError, Fields, data_path, load_yaml
from .match.words import compile_words
from .models import Finding

REASON_KINDS: tuple[str, ...] = ("cosmetic", "not_medically_necessary", "no_prior_authorization",
                                 "experimental", "out_of_network", "not_covered", "other")
FIRST_STAGES = ("first_internal_appeal", "grievance", "informal_review")
# How far past a reason heading the reason is looked for.
REASON_REACH = 900


@dataclass(frozen=True)
class DenialWords:
    date_labels: re.Pattern[str]
    other_dates: re.Pattern[str]
    service_labels: re.Pattern[str]
    reason_leads: re.Pattern[str]
    reasons: tuple[tuple[str, re.Pattern[str]], ...]
    not_the_reason: re.Pattern[str]
    send_to: re.Pattern[str]
    placeholders: re.Pattern[str]
    contents_leads: re.Pattern[str]
    contents_items: re.Pattern[str]


def _pattern(f: Fields, name: str) -> re.Pattern[str]:
    pattern = compile_words(f.strings(name, required=True))
    assert pattern is not None
    return pattern


@lru_cache(maxsize=4)
def load_denial_words(path: Path | None = None) -> DenialWords:
    path = path or data_path("denials.yaml")
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(str(path), "must hold a mapping")
    f = Fields(str(path), data, "denials")
    f.only(frozenset({"date_labels", "other_dates", "service_labels", "reason_leads", "reasons",
                      "not_the_reason", "send_to", "placeholders", "contents_leads",
                      "contents_items"}))
    raw_reasons = data.get("reasons")
    if not isinstance(raw_reasons, dict):
        raise f.fail("reasons", "must map a reason kind to its words")
    reasons = []
    for kind, words in raw_reasons.items():
        if kind not in REASON_KINDS:
            raise f.fail(f"reasons.{kind}", f"is not a reason kind ({', '.join(REASON_KINDS)})")
        pattern = compile_words(tuple(f.items(f"reasons.{kind}", words)))
        assert pattern is not None
        reasons.append((str(kind), pattern))
    placeholders = f.strings("placeholders", required=True)
    return DenialWords(
        _pattern(f, "date_labels"), _pattern(f, "other_dates"), _pattern(f, "service_labels"),
        _pattern(f, "reason_leads"), tuple(reasons), _pattern(f, "not_the_reason"),
        _pattern(f, "send_to"),
        re.compile("|".join(re.escape(p) for p in placeholders), re.I),
        _pattern(f, "contents_leads"), _pattern(f, "contents_items"))


# -- dates -------------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = r"(?P<{}>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATES = (
    re.compile(_MONTH.format("m") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b",
               re.I),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format("m")
               + r",?\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<mn>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<mn>\d{1,2})[/-](?P<d>\d{1,2})[/-](?P<y>\d{4}|\d{2})\b"),
)


def parse_dates(text: str) -> list[tuple[date, int, int]]:
    """Every date written in ``text``: (date, start, end), in order; US order for 3/4/2026."""
    found: list[tuple[date, int, int]] = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = (_MONTHS.get(parts["m"][:3].lower(), 0) if parts.get("m")
                     else int(parts["mn"]))
            year = int(parts["y"])
            year += 2000 if year < 100 else 0
            try:
                found.append((date(year, month, int(parts["d"])), m.start(), m.end()))
            except ValueError:
                continue
    found.sort(key=lambda t: t[1])
    out: list[tuple[date, int, int]] = []
    for item in found:  # one reading per place
        if not out or item[1] >= out[-1][2]:
            out.append(item)
    return out


# -- the letter ----------------------------------------------------------------------------

def _lines(pages: Mapping[int, str]) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, text in sorted(pages.items())
            for line in text.splitlines() if line.strip()]


# A heading line: a few words starting in capitals, no colon, ending no sentence and on no
# word that needs more after it, with a line starting in capitals below ("Why we denied
# this request" above the reason). Its words are no part of the sentence below it.
MAX_HEADING_WORDS = 8
_HEADING_PUNCTUATION = re.compile(r"[:.!?;,]")
_RUNS_ON = re.compile(r"\b(?:to|the|of|a|an|and|or|for|with|within|by|in|on|at|from|your|our|"
                      r"this|that|is|are|was|be|may|will|must|not)$", re.I)


def _is_heading(line: str, next_line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= MAX_HEADING_WORDS and words[0][:1].isupper()
            and next_line.strip()[:1].isupper()
            and not _HEADING_PUNCTUATION.search(line) and not _RUNS_ON.search(line.strip()))


def _without_headings(text: str) -> str:
    lines = text.split("\n")
    return "\n".join("" if i + 1 < len(lines) and _is_heading(line, lines[i + 1]) else line
                     for i, line in enumerate(lines))


def _sentences(text: str) -> list[str]:
    # A blank line (or a heading taken out) ends a sentence: a date line above a
    # paragraph is no part of it.
    out: list[str] = []
    for block in re.split(r"\n\s*\n", _without_headings(text)):
        flat = " ".join(block.split())
        # Not after an initialism ("P.O. Box", "U.S. Mail").
        out += [s for s in re.split(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?])\s+(?=[A-Z])", flat) if s]
    return out


def _notice_date(lines: Sequence[tuple[int, str]], words: DenialWords) -> dict[str, Any] | None:
    first: dict[str, Any] | None = None
    for page, line in lines[:40]:
        found = parse_dates(line)
        if not found or words.other_dates.search(line):
            continue
        when, s, e = found[0]
        item = {"date": when.isoformat(), "text": line[s:e], "page": page, "quote": line}
        label = words.date_labels.search(line)
        if label and label.start() < s:
            return item
        first = first or item
    return first


def _services(lines: Sequence[tuple[int, str]], words: DenialWords) -> list[dict[str, Any]]:
    out = []
    for page, line in lines[:60]:
        m = words.service_labels.match(line)
        if not m or ":" not in line[m.end():m.end() + 3]:
            continue
        text = line.split(":", 1)[1].strip()
        if text:
            out.append({"text": text, "page": page, "quote": line,
                        "codes": [_code(h) for h in find_codes(line)]})
    return out


def _code(hit: Any) -> dict[str, Any]:
    return {"system": hit.system, "code": hit.code, "descriptor": hit.entry.descriptor}


def _reason(pages: Mapping[int, str], words: DenialWords) -> dict[str, Any]:
    regions: list[tuple[int, str]] = []
    for page, text in sorted(pages.items()):
        for m in words.reason_leads.finditer(text):
            regions.append((page, text[m.start():m.start() + REASON_REACH]))
    regions += sorted(pages.items())  # then anywhere in the letter
    for page, region in regions:
        # A table header ("Not Covered Amt.") gives no reason; nor does a template blank.
        sentences = [s for s in _sentences(region) if len(s.split()) >= 4
                     and not words.not_the_reason.search(s)
                     and not words.placeholders.search(s)]
        for kind, pattern in words.reasons:
            hit = next((s for s in sentences if pattern.search(s)), None)
            if hit is not None:
                return {"kind": kind, "words": hit, "page": page}
    return {"kind": "other", "words": None, "page": None}


def _deadline(findings: Sequence[Finding], pages: Mapping[int, str],
              words: DenialWords) -> dict[str, Any] | None:
    for f in sorted(findings, key=lambda f: (f.page, f.start)):
        d = f.deadline
        if d is not None and not f.negated and d.stage in FIRST_STAGES:
            return {"value": d.value, "unit": d.unit, "stage": d.stage, "anchor": d.anchor,
                    "page": f.page, "quote": f.quote, "placeholder": False}
    appeal = compile_words(("appeal*", "grievance*", "reconsider*"))
    assert appeal is not None
    for page, text in sorted(pages.items()):
        for sentence in _sentences(text):
            if words.placeholders.search(sentence) and appeal.search(sentence):
                return {"value": None, "unit": None, "stage": "first_internal_appeal",
                        "anchor": None, "page": page, "quote": sentence, "placeholder": True}
    return None


_FAX = re.compile(r"\bfax\w*\D{0,25}?(\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}|1-\d{3}-\d{3}-\d{4})",
                  re.I)
_ADDRESS = re.compile(r"(?:P\.?\s?O\.?\s+Box|\d{1,6}\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,4})"
                      r"[^.;]{0,80}?\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?")
_PORTAL = re.compile(r"\b(?:https?://|www\.)[\w./-]+\w", re.I)


def send_to(pages: Mapping[int, str], pattern: re.Pattern[str]) -> dict[str, Any] | None:
    """Where the appeal goes: the first passage that says so, with its address, fax and
    portal when it gives them (and the sentences right after it, where letters put them)."""
    for page, text in sorted(pages.items()):
        sentences = _sentences(text)
        for i, sentence in enumerate(sentences):
            if not pattern.search(sentence):
                continue
            passage = " ".join(sentences[i:i + 3])
            address = _ADDRESS.search(passage)
            fax = _FAX.search(passage)
            portal = _PORTAL.search(passage)
            if not (address or fax or portal):
                continue
            return {"address": address.group(0) if address else None,
                    "fax": fax.group(1) if fax else None,
                    "portal": portal.group(0) if portal else None,
                    "page": page, "quote": passage}
    return None


def appeal_contents(passages: Mapping[int, Sequence[str]],
                    words: DenialWords | None = None) -> list[dict[str, Any]]:
    """What the plan says an appeal must contain: sentences that name what to include
    ("Include your member ID, group number and …"), with their pages, once each."""
    words = words or load_denial_words()
    out: dict[str, dict[str, Any]] = {}
    for page, texts in sorted(passages.items()):
        for text in texts:
            for sentence in _sentences(text):
                lead = words.contents_leads.search(sentence)
                items = words.contents_items.findall(sentence)
                if not (lead and items) or any(sentence in k for k in out):
                    continue
                for shorter in [k for k in out if k in sentence]:  # a cut copy of it
                    del out[shorter]
                out[sentence] = {"page": page, "quote": sentence,
                                 "items": sorted({i.lower() for i in items})}
    return list(out.values())


def read_denial(pages: Mapping[int, str], findings: Sequence[Finding],
                words: DenialWords | None = None) -> dict[str, Any]:
    """The ``denial`` object of a denial notice (JSON-ready)."""
    words = words or load_denial_words()
    lines = _lines(pages)
    from .procedures import mentions, procedures

    joined = "\n".join(text for _, text in sorted(pages.items()))
    # The procedure the letter names itself (a variant, exactly), earliest first.
    named = [(m.start, p.id) for p in procedures() for m in mentions(p, joined)
             if m.kind == "variant" and not m.fuzzy]
    procedure = min(named)[1] if named else None
    codes = find_codes(joined)
    return {
        "notice_date": _notice_date(lines, words),
        "services": _services(lines, words),
        "codes": [_code(h) for h in codes],
        "procedure": procedure,
        "reason": _reason(pages, words),
        "deadline": _deadline(findings, pages, words),
        "send_to": send_to(pages, words.send_to),
    }
