"""CPT, HCPCS and ICD-10-CM codes in a document's text, reported only when curated.

A code in a denial letter or a medical policy tells a patient what to ask about: Z41.1
says the claim went in as cosmetic, L90.5 plus a burn code ending in S says a scar from
an injury (domain.md D.2). But five digits are also ZIP codes, dollar amounts and claim
numbers, and third-party code tables carry wrong descriptors (domain.md D.1). So the
patterns of domain.md F.2 only *propose* codes; a code is reported only when it is in
the curated table ``policyscan/data/codes.yaml``, and a five-digit CPT code only when a
word such as "CPT", "code" or "procedure" stands near it and it is not part of an
address or an amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .datafile import DataFileError, Fields, data_path, load_yaml

SYSTEMS: tuple[str, ...] = ("CPT", "CPT-III", "HCPCS", "ICD-10-CM")
SIGNALS: tuple[str | None, ...] = ("cosmetic", "reconstructive", None)
_SOURCE_KEY = re.compile(r"^S\d+[a-z]?$")
_CODE_FIELDS = frozenset({"code", "system", "descriptor", "signal", "sources", "verified",
                          "note"})
_RANGE_FIELDS = _CODE_FIELDS | {"regex", "sequela_signal", "examples"}
# How each system's codes are written (domain.md F.2).
_SHAPES = {
    "CPT": re.compile(r"^\d{5}$"),
    "CPT-III": re.compile(r"^\d{4}T$"),
    "HCPCS": re.compile(r"^[A-V]\d{4}$"),
    "ICD-10-CM": re.compile(r"^[A-TV-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$"),
}


@dataclass(frozen=True)
class CodeEntry:
    """One curated code, or a range of codes given by ``regex``."""

    code: str
    system: str
    descriptor: str
    signal: str | None
    sources: tuple[str, ...]
    verified: bool
    note: str | None = None
    regex: re.Pattern[str] | None = None
    sequela_signal: str | None = None

    def signal_for(self, code: str) -> str | None:
        """The signal of ``code``: a range's sequela signal when its 7th character is S."""
        if self.sequela_signal and len(code.replace(".", "")) == 7 and code.endswith("S"):
            return self.sequela_signal
        return self.signal


@dataclass(frozen=True)
class CodeTable:
    entries: tuple[CodeEntry, ...]
    file: str

    def lookup(self, code: str) -> CodeEntry | None:
        """The verified entry for a code as printed, or None."""
        for e in self.entries:
            if e.verified and (e.code == code if e.regex is None else bool(e.regex.match(code))):
                return e
        return None

    def get(self, code: str) -> CodeEntry | None:
        """An entry by its own code ("15780", "T20-T25"), verified or not."""
        return next((e for e in self.entries if e.code == code), None)


def _entry(file: str, raw: Any, *, is_range: bool) -> CodeEntry:
    if not isinstance(raw, dict):
        raise DataFileError(file, f"each code must be a mapping, not {type(raw).__name__}")
    f = Fields(file, raw, str(raw.get("code") or "?"))
    f.only(_RANGE_FIELDS if is_range else _CODE_FIELDS)
    code = f.text("code")
    assert code is not None
    system = f.choice("system", SYSTEMS)
    assert system is not None
    regex: re.Pattern[str] | None = None
    if is_range:
        pattern = f.text("regex")
        assert pattern is not None
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise f.fail("regex", f"is not a valid regular expression: {exc}") from exc
        for example in f.strings("examples", required=True):
            if not regex.match(example) or not _SHAPES[system].match(example):
                raise f.fail("examples", f"{example!r} is not a {system} code the regex "
                                         "accepts")
    elif not _SHAPES[system].match(code):
        raise f.fail("code", f"{code!r} is not written like a {system} code")
    sources = f.strings("sources", required=True)
    bad = [s for s in sources if not _SOURCE_KEY.match(s)]
    if bad:
        raise f.fail("sources", f"must be domain.md source keys like 'S116c', not {bad}")
    return CodeEntry(
        code=code, system=system, descriptor=f.text("descriptor"),
        signal=f.choice("signal", SIGNALS), sources=sources,
        verified=f.flag("verified", default=False), note=f.text("note", required=False),
        regex=regex,
        sequela_signal=f.choice("sequela_signal", SIGNALS) if is_range else None,
    )


def load_code_table(path: Path | None = None) -> CodeTable:
    """Read and validate the curated code table (the built-in one unless ``path``)."""
    path = path or data_path("codes.yaml")
    data = load_yaml(path)
    file = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise DataFileError(file, "must hold a mapping with a 'codes:' list")
    unknown = set(data) - {"codes", "ranges"}
    if unknown:
        raise DataFileError(file, f"unknown top-level key(s) {sorted(map(str, unknown))}; "
                                  "allowed: codes, ranges")
    ranges = data.get("ranges") or []
    if not isinstance(ranges, list):
        raise DataFileError(file, "'ranges:' must be a list")
    entries = [_entry(file, raw, is_range=False) for raw in data["codes"]]
    entries += [_entry(file, raw, is_range=True) for raw in ranges]
    seen: set[str] = set()
    for e in entries:
        if e.code in seen:
            raise DataFileError(file, "is listed twice", entry=e.code, field="code")
        seen.add(e.code)
    return CodeTable(tuple(entries), file)


@lru_cache(maxsize=1)
def code_table() -> CodeTable:
    """The built-in table, read once."""
    return load_code_table()


# -- finding codes in text ---------------------------------------------------------------

@dataclass(frozen=True)
class CodeHit:
    """A curated code found in a text, with its offsets."""

    code: str
    system: str
    start: int
    end: int
    entry: CodeEntry
    context_ok: bool  # a code word ("CPT", "code", "diagnosis" …) stands within ~40 chars
    signal: str | None  # the entry's signal for this code (sequela burn codes: reconstructive)
    modifier: str | None = None  # "GY" in "17999-GY"


CONTEXT_WINDOW = 40
_CPT1 = re.compile(r"\b\d{5}\b")
_CPT3 = re.compile(r"\b\d{4}T\b")
_HCPCS = re.compile(r"\b[A-V]\d{4}\b")
_ICD = re.compile(r"\b[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")
# Where any of the four shapes may start: one pass over a page, each shape then tried
# only there (four passes over every page cost a twentieth of an SBC's scan).
_ANY_CODE = re.compile(r"\b(?:\d{4}[\dT]|[A-Z]\d[0-9A-Z])")
_MODIFIER = re.compile(r"-([A-Z0-9]{2})\b")
_PROCEDURE_WORDS = re.compile(r"\b(?:CPT|HCPCS|codes?|procedures?)\b", re.I)
_DIAGNOSIS_WORDS = re.compile(r"\b(?:ICD(?:-10(?:-CM)?)?|diagnos\w*|dx|codes?)\b", re.I)
# Five digits that are an address or an amount, whatever words stand near them.
_STATE_BEFORE = re.compile(r"\b[A-Z]{2},?\s+$")  # "Pittsburgh, PA 15213"
_ZIP_WORD_BEFORE = re.compile(r"\b(?:zip|postal)\b", re.I)
_AMOUNT_BEFORE = re.compile(r"(?:\$|\bUSD|\bdollars?)\s*$", re.I)
_NUMBER_BEFORE = re.compile(r"(?:\d[.,-]|#\s*)$")  # 1,15780 · 412-15780 · #15780
_NUMBER_AFTER = re.compile(r"(?:[.,]\d|-\d{4}\b|\s*dollars?\b)", re.I)  # 15780.00 · ZIP+4


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return bool(pattern.search(text, max(0, start - CONTEXT_WINDOW),
                               min(len(text), end + CONTEXT_WINDOW)))


def _looks_like_other_number(text: str, start: int, end: int) -> bool:
    """A ZIP code, a dollar amount or part of a longer number (claim, phone, account)."""
    before = text[max(0, start - 20):start]
    if (_AMOUNT_BEFORE.search(before) or _NUMBER_BEFORE.search(before)
            or _STATE_BEFORE.search(before) or _NUMBER_AFTER.match(text, end)):
        return True
    return bool(_ZIP_WORD_BEFORE.search(text, max(0, start - CONTEXT_WINDOW), start))


def _hit(table: CodeTable, code: str, text: str, start: int, end: int,
         context: re.Pattern[str]) -> CodeHit | None:
    entry = table.lookup(code)
    if entry is None:
        return None
    modifier = None
    if entry.system in ("CPT", "CPT-III", "HCPCS"):
        m = _MODIFIER.match(text, end)
        if m:
            modifier = m.group(1)
    return CodeHit(code, entry.system, start, end, entry, _near(context, text, start, end),
                   entry.signal_for(code), modifier)


def find_codes(text: str, table: CodeTable | None = None) -> list[CodeHit]:
    """Curated codes in ``text``, in order of appearance.

    Category I CPT codes (five digits) count only with a code word within ~40
    characters and never as a ZIP code, an amount or part of a longer number; the other
    shapes are distinctive enough to count anywhere, ``context_ok`` telling whether a
    code word stands near them.
    """
    table = table or code_table()
    hits: list[CodeHit] = []
    for start in _ANY_CODE.finditer(text):
        at = start.start()
        hit = None
        if text[at].isdigit():
            m = _CPT1.match(text, at)
            if m is not None:
                s, e = m.span()
                if _looks_like_other_number(text, s, e) or \
                        not _near(_PROCEDURE_WORDS, text, s, e):
                    continue
                hit = _hit(table, m.group(), text, s, e, _PROCEDURE_WORDS)
            elif (m := _CPT3.match(text, at)) is not None:
                hit = _hit(table, m.group(), text, m.start(), m.end(), _PROCEDURE_WORDS)
        elif (m := _HCPCS.match(text, at)) is not None:
            hit = _hit(table, m.group(), text, m.start(), m.end(), _PROCEDURE_WORDS)
        elif (m := _ICD.match(text, at)) is not None:
            hit = _hit(table, m.group(), text, m.start(), m.end(), _DIAGNOSIS_WORDS)
        if hit is not None:
            hits.append(hit)
    hits.sort(key=lambda h: (h.start, h.end))
    out: list[CodeHit] = []
    for h in hits:  # shapes overlap only in theory; keep the first of any overlap
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out
