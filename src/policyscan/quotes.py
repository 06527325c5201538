"""Quote shaping: which exact slice of the page a finding quotes, and the context shown
around it.

A quote is the hit's sentence, cut to the clause around the hit when the sentence is long
(a table row runs on without full stops), kept whole up to a longer limit when it carries
an exception ("except …", "unless …"), and extended over the items of a list the sentence
opens ("We do not cover:" and what follows). Offsets are in the page's normalised text;
the caller maps them back to the page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from .extract.normalize import NormalizedText
from .match import RawHit
from .match.deadline import COLUMN_ROW, line_at

MAX_QUOTE = 320  # characters; longer sentences are cut to the clause around the hit
# An exception or a list kept whole: longer than an ordinary quote, still a passage.
MAX_CARVE_OUT_QUOTE = 640
MAX_LIST_QUOTE = 640
# How far back a cut quote may start: table rows run on without full stops, and the
# words just before the hit are the cell it belongs to.
QUOTE_LEAD = 90
# Context is mostly what leads into the quote (a list's lead-in, the sentence naming the
# subject); after it, only a glimpse, so a neighbouring statement is not taken for part
# of this finding.
CONTEXT_BEFORE = 200
CONTEXT_AFTER = 50
_NEW_TOPIC = re.compile(r"[.!?]\s+[A-Z][\w /&-]{0,30}:")
# Cells of a benefit grid that end a cost column; a limitation note follows them.
_COST_CELL = re.compile(
    r"\d+%\s*coinsurance|\$[\d,]+(?:\.\d\d)?(?:\s*(?:copay(?:ment)?|deductible)\w*)?"
    r"(?:\s*(?:/|per)\s*\w+)?|\bNo charge\b|\bNot covered\b|\bNone\b|\bcopay(?:ment)?s?\b|"
    r"\bcoinsurance\b",
    re.I,
)
_VISIBLE = re.compile(r"\S")
_TRIM = " \t\r\n\u2022\u25cf\u25aa\u25e6\u25a0\uf0b7\uf0a7\u2023\u25ba*-\u2013\u2014"
_CARVE_OUT = re.compile(r"\b(?:except|unless|other than|with the exception of|excluding)\b",
                        re.I)
# A sentence that opens a list ends in a colon or a word that announces what follows.
_OPENS_LIST = re.compile(r"(?::|\b(?:except|unless|following|as follows|include|includes))"
                         r"[\s\u2022\u25cf\u25aa\u25e6\u25a0\uf0b7\uf0a7*-]*$", re.I)
_ITEM_START = re.compile(r"\s*\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]\s", re.I)


_BULLETS = "\u2022\u25cf\u25aa\u25e6\u25a0\uf0b7\uf0a7\u2023\u25ba*\u2013"


def _is_item(text: str, end: int, start: int, stop: int) -> bool:
    """Whether the sentence ``start:stop`` after a quote ending at ``end`` is a list item:
    a bullet ends what came before it (the sentencizer splits there), or it opens with a
    marker such as "(a)", "b)", "3." or "iv."."""
    if any(b in text[max(0, end - 1):start + 2] for b in _BULLETS):
        return True
    return bool(_ITEM_START.match(text, start)) or len(text[start:stop].strip()) <= 4


def _with_list_items(text: str, s: int, e: int, following: Sequence[tuple[int, int]]) -> int:
    """Where a quote ending at ``e`` ends once the list it opens is taken in: the items
    after it, up to MAX_LIST_QUOTE characters from the quote's start."""
    if not following or not _OPENS_LIST.search(text, s, e):
        return e
    end = e
    for fs, fe in following:
        if fe <= end:
            continue
        if fe - s > MAX_LIST_QUOTE or not _is_item(text, end, max(fs, end), fe):
            break
        end = fe
    return end


def quote_span(text: str, sentence: tuple[int, int], hit: RawHit, mode: str,
               following: Sequence[tuple[int, int]] = ()) -> tuple[int, int]:
    """The quote of a hit: its sentence, cut to the clause around it when long, with the
    items of a list it opens (``following``: the sentences after it)."""
    if mode == "match":
        return hit.start, hit.end
    s, e = min(sentence[0], hit.start), max(sentence[1], hit.end)
    # An exception is part of the rule it qualifies: "except (a) …; (b) …; (c) …" is quoted
    # whole, up to a longer limit, instead of being cut after (a).
    limit = MAX_CARVE_OUT_QUOTE if _CARVE_OUT.search(text, hit.end, e) else MAX_QUOTE
    # In a cost table the "sentence" runs across cells: start after the last cost cell.
    # A table row has cost cells in pairs (network, out of network); prose mentioning one
    # copay is left alone.
    costs = list(_COST_CELL.finditer(text, s, hit.start))
    if len(costs) >= 2 and hit.start - costs[-1].end() <= QUOTE_LEAD:
        s = costs[-1].end()
    if e - s > limit:
        # Cut a long sentence (or a table row without full stops) to the clause around
        # the hit, preferring clause punctuation, else whole words.
        lo = max(s, hit.start - QUOTE_LEAD)
        hi = min(e, max(hit.end, lo + limit))
        cut = max(text.rfind(p, lo, hit.start) for p in (";", ",", ":", "  "))
        s = cut + 1 if cut >= lo else (text.find(" ", lo, hit.start) + 1 or lo)
        stops = (".",) if limit == MAX_CARVE_OUT_QUOTE else (";", ".")
        cut_end = min((i for i in (text.find(p, hit.end, hi) for p in stops) if i >= 0),
                      default=-1)
        e = cut_end + 1 if cut_end >= 0 else (text.rfind(" ", hit.end, hi) if
                                              text.rfind(" ", hit.end, hi) > 0 else hi)
    e = _with_list_items(text, s, e, following)
    return _trimmed(text, s, e)


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, max(e, s)


def _line(text: str, at: int) -> tuple[int, int]:
    start, line = line_at(text, at)
    return start, start + len(line)


def column_row(text: str, at: int) -> tuple[int, int] | None:
    """In the page's text with its lines, the line at ``at`` when it is a row of a table
    laid out in columns (it and the line above or below it each hold two runs of words far
    apart): the row is the passage, not the run of rows the sentencizer sees as one
    sentence."""
    # (a table's row is a short line: a line without breaks, a whole page run together,
    # is never looked through)
    if text.rfind("\n", max(0, at - _ROW_CHARS), at) < 0 and at > _ROW_CHARS \
            or text.find("\n", at, at + _ROW_CHARS) < 0 and len(text) - at > _ROW_CHARS:
        return None
    start, end = _line(text, at)
    if "|" in text[start:end] or not COLUMN_ROW.search(text, start, end):
        return None
    above = _line(text, start - 1) if start > 0 else None
    below = _line(text, end + 1) if end < len(text) else None
    if not any(n is not None and n != (start, end) and COLUMN_ROW.search(text, *n)
               for n in (above, below)):
        return None
    # A cell that wraps goes on in lines whose first column is empty: the row runs from
    # the line that fills it to the last such line.
    for _ in range(_ROW_LINES):
        if start == 0 or not _CONTINUED_ROW.match(text, start):
            break
        start = _line(text, start - 1)[0]
    for _ in range(_ROW_LINES):
        if end >= len(text) or not _CONTINUED_ROW.match(text, end + 1):
            break
        end = _line(text, end + 1)[1]
    return start, end


# A line of a table laid out in columns whose first column is empty: the rest of a row.
_CONTINUED_ROW = re.compile(r"[ \t]{3,}\S")
_ROW_LINES = 8
_ROW_CHARS = 400


def context_of(norm: NormalizedText, start: int, end: int,
               sentences: Sequence[tuple[int, int]], starts: list[int],
               row: tuple[int, int] | None = None) -> str:
    """The quote with the sentence before it and a little of the one after, with the
    page's own letters (not the words read for matching); a table row's is its row (the
    rows around it are other limits, not what leads into it)."""
    text = norm.text
    k = bisect_right(starts, start) - 1
    before = sentences[k - 1][0] if k >= 1 else 0
    j = bisect_right(starts, max(end - 1, start))
    after = sentences[j][1] if j < len(sentences) else len(text)
    if row is not None:
        before, after = row
    lo = max(0, before, start - CONTEXT_BEFORE)
    hi = min(len(text), after, end + CONTEXT_AFTER)
    topic = _NEW_TOPIC.search(text, max(end - 1, 0), hi)
    if topic:  # "… Claims: claims must be …" starts something else
        hi = after = topic.start() + 1
    # Cut inside a sentence only at a word boundary; sentence ends are clean already.
    if lo > before:
        lo = text.find(" ", lo, start) + 1 or lo
    if hi < after:
        cut = text.rfind(" ", end, hi)
        hi = cut if cut > 0 else hi
    # More text after the cut? (A search from ``hi``, not a strip of the whole page per
    # finding.)
    text_lo, text_hi = norm.shown(lo, hi).strip(), _VISIBLE.search(text, hi) is not None
    return ("… " if lo > 0 else "") + text_lo + (" …" if text_hi else "")


