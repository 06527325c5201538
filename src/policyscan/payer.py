"""What a payer's medical or pharmacy policy says about a procedure it names: its criteria
for medical necessity, item by item, and what it calls not medically necessary, cosmetic
or investigational (``data/payer_policies.yaml``).

A payer policy is no plan, but it is what the payer decides by: when it names the
procedure, a member's doctor needs its list of criteria, each with its page, more than a
summary of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .datafile import DataFileError, data_path, load_yaml
from .procedures import Procedure, mentions

# A criterion opens with a bullet, "1.", "A.", "a)" or "(1)"; a line without one continues
# the item above unless that item already ended a sentence.
_MARKER = re.compile(r"^\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u2219\uf0b7\uf0a7\uf0d8"
                     r"\-\u2013*o](?=\s)|\(?(?:\d{1,2}|[A-Za-z]|[ivx]{1,4})[.)])\s*")
_ITEM_END = re.compile(r"[.!?]\s*$")
MAX_ITEMS = 25  # criteria of one list
MAX_LEADS = 4  # lists cited per procedure
MAX_VERDICTS = 6
CONTINUE_LINES = 20  # header lines a list cut by a page break may skip on the next page
HEADING_LINES = 2  # short lines just above a lead-in that may be its heading
HEADING_LENGTH = 80
_SENTENCE_START = re.compile(r"[.!?:]\s+|\n\s*\n")
_LINE_ENDS_SENTENCE = re.compile(r"[.!?:]$")
WRAPPED_LINES = 4  # lines a sentence may wrap over above the line a match stands on
WRAPPED_LENGTH = 60  # a shorter line above is a heading, not a wrapped sentence
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n")


@dataclass(frozen=True)
class Verdict:
    verdict: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class PayerWords:
    leads: tuple[re.Pattern[str], ...]
    verdicts: tuple[Verdict, ...]
    not_verdicts: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Passage:
    """Exact words of a page: ``text[start:end]`` of page ``page``."""

    page: int
    start: int
    end: int
    quote: str
    role: str  # "criteria" (the lead-in), "criterion", or a verdict
    number: int = 0  # a criterion's place in its list, from 1

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "start": self.start, "end": self.end,
                "quote": self.quote, "role": self.role, "number": self.number}


def _compile(path: str, entry: str, raw: Any) -> re.Pattern[str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("pattern"), str):
        raise DataFileError(path, "needs a 'pattern' string", entry=entry)
    try:
        pattern = re.compile(raw["pattern"], re.I)
    except re.error as exc:
        raise DataFileError(path, f"does not compile: {exc}", entry=entry,
                            field="pattern") from exc
    examples = raw.get("examples") or {}
    if not examples.get("match"):
        raise DataFileError(path, "needs at least one 'match' example", entry=entry,
                            field="examples")
    for text in examples.get("match", ()):
        if not pattern.search(text):
            raise DataFileError(path, f"does not match its example {text!r}", entry=entry,
                                field="examples")
    for text in examples.get("no_match", ()):
        if pattern.search(text):
            raise DataFileError(path, f"matches its no_match example {text!r}",
                                entry=entry, field="examples")
    return pattern


@lru_cache(maxsize=4)
def load_payer_words(path: Path | None = None) -> PayerWords:
    """The lead-ins and verdicts, checked on load against their own examples."""
    path = path or data_path("payer_policies.yaml")
    data = load_yaml(path)
    name = str(path)
    if not isinstance(data, dict):
        raise DataFileError(name, "must hold 'criteria_leads' and 'verdicts'")
    leads = tuple(_compile(name, f"criteria_leads[{i}]", raw)
                  for i, raw in enumerate(data.get("criteria_leads") or ()))
    verdicts: list[Verdict] = []
    for i, raw in enumerate(data.get("verdicts") or ()):
        entry = f"verdicts[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("verdict"), str):
            raise DataFileError(name, "needs a 'verdict' name", entry=entry)
        verdicts.append(Verdict(raw["verdict"], _compile(name, entry, raw)))
    if not leads or not verdicts:
        raise DataFileError(name, "needs criteria_leads and verdicts")
    not_verdicts = tuple(_compile(name, f"not_verdicts[{i}]", raw)
                         for i, raw in enumerate(data.get("not_verdicts") or ()))
    return PayerWords(leads, tuple(verdicts), not_verdicts)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence around ``pos`` begins: after a full stop or colon on its line,
    or on an earlier line it wraps from (a long line that ends no sentence). A short line
    above ("Coverage Rationale") is a heading, not the sentence's start."""
    line_start = text.rfind("\n", 0, pos) + 1
    inner = [m.end() for m in _SENTENCE_START.finditer(text, line_start, pos)]
    if inner:
        return inner[-1]
    for _ in range(WRAPPED_LINES):
        if line_start == 0:
            break
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        prev = text[prev_start:line_start - 1].rstrip()
        if len(prev) < WRAPPED_LENGTH or _LINE_ENDS_SENTENCE.search(prev):
            break
        inner = [m.end() for m in _SENTENCE_START.finditer(text, prev_start, line_start)]
        if inner:
            return inner[-1]
        line_start = prev_start
    return line_start


def list_items(text: str, after: int) -> list[tuple[int, int]]:
    """The criteria under a lead-in ending at ``after``: each item's offsets, its
    continuation lines included, up to the first line that is neither an item nor the
    rest of one (a new paragraph after an item that ended its sentence)."""
    return _items(text, after)[0]


def _items(text: str, after: int) -> tuple[list[tuple[int, int]], bool]:
    """The items, and whether the list runs on past the end of the text (the page)."""
    pos = text.find("\n", after)
    inline = text[after:pos if pos >= 0 else len(text)]
    items: list[list[int]] = []
    if inline.strip() and _MARKER.match(inline):  # "… are met: A. Documented …"
        items.append([after, after + len(inline)])
    if pos < 0:
        return [_trim(text, s, e) for s, e in items], bool(items)
    pos += 1
    ended = False
    for line in text[pos:].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        body = line.strip()
        if not body:
            if items:
                ended = True
                break
            continue
        if _MARKER.match(line):
            if len(items) >= MAX_ITEMS:
                ended = True
                break
            items.append([start, end])
        elif items and not _ITEM_END.search(text[items[-1][0]:items[-1][1]]):
            items[-1][1] = end
        else:
            ended = True
            break
    return [_trim(text, s, e) for s, e in items], bool(items) and not ended


def _continued(text: str) -> int | None:
    """Where a list cut by a page break goes on at the top of the next page: its first
    item line, past the running header (at most CONTINUE_LINES lines down)."""
    pos = 0
    for line in text.split("\n")[:CONTINUE_LINES]:
        if line.strip() and _MARKER.match(line):
            return pos
        pos += len(line) + 1
    return None


def _names(p: Procedure, text: str) -> bool:
    return any(m.kind != "body" for m in mentions(p, text))


def _heading_start(text: str, start: int) -> int:
    """Where the headings just above a lead-in begin ("Vein closure:" on its own line):
    short lines that end no sentence, at most HEADING_LINES of them. A list of other
    documents further up is no heading of this one."""
    for _ in range(HEADING_LINES):
        end = text.rfind("\n", 0, start)
        if end < 0:
            break
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end].strip()
        if not line or len(line) > HEADING_LENGTH or _ITEM_END.search(line) \
                or _MARKER.match(line):
            break
        start = begin
    return start


def read_payer_policy(p: Procedure, pages: Mapping[int, str],
                      words: PayerWords | None = None) -> list[Passage]:
    """The policy's criteria lists whose lead-in or heading names the procedure (the
    lead-in, then each item), then what it calls not medically necessary, cosmetic or
    investigational where that sentence names the procedure or its family."""
    words = words or load_payer_words()
    out: list[Passage] = []
    leads = 0
    for page in sorted(pages):
        text = pages[page]
        for pattern in words.leads:
            for m in pattern.finditer(text):
                if leads >= MAX_LEADS:
                    break
                start = _sentence_start(text, m.start())
                if any(q.page == page and q.start <= start < q.end for q in out):
                    continue  # the same lead-in found by another pattern
                if not _names(p, text[_heading_start(text, start):m.end()]):
                    continue
                items, runs_on = _items(text, m.end())
                if not items:
                    continue
                leads += 1
                s, e = _trim(text, start, m.end())
                out.append(Passage(page, s, e, text[s:e], "criteria"))
                out += [Passage(page, a, b, text[a:b], "criterion", n)
                        for n, (a, b) in enumerate(items, 1)]
                following = pages.get(page + 1)
                there = _continued(following) if runs_on and following else None
                if following and there is not None:
                    more = _items(following, there)[0]
                    out += [Passage(page + 1, a, b, following[a:b], "criterion", n)
                            for n, (a, b) in enumerate(more, len(items) + 1)]
    # One passage per sentence, with every verdict it states ("cosmetic and not
    # medically necessary").
    found: dict[tuple[int, int, int], list[str]] = {}
    for page in sorted(pages):
        text = pages[page]
        for v in words.verdicts:
            for m in v.pattern.finditer(text):
                if any(q.page == page and q.start <= m.start() < q.end for q in out):
                    continue
                s = _sentence_start(text, m.start())
                stop = _SENTENCE_END.search(text, m.end())
                e = stop.end() if stop else len(text)
                s, e = _trim(text, s, min(e, s + 600))
                if any(n.search(text[s:e]) for n in words.not_verdicts):
                    continue  # the policy's history: "Removed … not medically necessary …"
                if _names(p, text[s:e]):
                    names = found.setdefault((page, s, e), [])
                    if v.verdict not in names:
                        names.append(v.verdict)
    verdicts = [Passage(page, s, e, pages[page][s:e], " and ".join(names))
                for (page, s, e), names in sorted(found.items())]
    return out + verdicts[:MAX_VERDICTS]
