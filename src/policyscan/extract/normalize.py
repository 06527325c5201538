"""Matching text: whitespace collapsed, line-end hyphens resolved, with a map back.

Matchers see one space wherever the page had any run of whitespace (so a phrase broken
across lines is still one phrase, and spaCy tokenizes 2-10x faster), typographic quotes
as ASCII, words split by a line-end hyphen joined again, the digits OCR reads for
"l" and "o" inside words as those letters, field names of data exports as words
("prior_auth=Y"), and markup left by a conversion from HTML or Markdown as what it stands
for ("4&nbsp;months"). Every offset in the
normalised text maps back to an offset in the page text, so quotes stay exact slices.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Characters replaced one for one (the map stays the identity on them).
_SAME_LENGTH = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
})
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}

# A hyphen where a line was broken: pdfium's U+FFFE (line already joined), or "-" before
# a line break. A soft hyphen U+00AD is always a break opportunity, never a character.
# Whitespace runs other than a single space (which stays as it is and needs no segment):
# a page is mostly words and single spaces, and each match costs a Python step.
_BREAK = re.compile(r"(?P<mark>\ufffe)|-[ \t]*\r?\n[ \t]*|\u00ad|(?P<lig>[\ufb00-\ufb04])|"
                    r"\s{2,}|[^\S ]")
# Word-halves that are compounds, not one word split at a line end ("in-network",
# "non-preferred", "out-of-pocket", "follow-up"): keep their hyphen.
_COMPOUND_HEADS = frozenset({
    "in", "out", "of", "non", "self", "co", "follow", "well", "long", "short", "high",
    "low", "full", "part", "third", "first", "second", "year", "day", "home", "post",
    "end", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "e", "x", "t", "b",
})
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")
# OCR and broken font maps read "l" as "1" and "o" as "0" inside words ("P1an", "a11",
# "f0r", "1ook"): those are matched as the letters, one for one (the map holds, and
# quotes stay the page's own characters). Numbers, codes and units keep their digits:
# "1st", "10mg", "ICD10", "B12", "30days" ("Tier1" does not: "appea1" is far commoner).
# (found from the digits next to a letter: a scan for the digit is fast, one for words
# tried at every letter cost a tenth of a generated SBC's normalisation)
_DIGIT_BY_LETTER = re.compile(r"[01](?:(?<=[A-Za-z][01])|(?=[A-Za-z]))")
_KEEPS_DIGITS = re.compile(r"[01]+[A-Za-z]{0,2}|[01]{2,}[A-Za-z]+|[A-Z]+[01]+|[01]+")
# A word whose only digits end it ("appea1", but also "covered1", a footnote marker) is
# left to the word repairs, which know which of the two makes a word (word_repairs.py).
_TRAILING_ONLY = re.compile(r"[A-Za-z]*[a-z]{3}[01]{1,2}")
DIGITS_AS_LETTERS = str.maketrans("10", "lo")  # OCR's "1" for "l", "0" for "o"
_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01")


def _digits_as_letters(text: str) -> str:
    """``text`` with each word of letters, 0 and 1 read as letters where OCR put digits."""
    out: list[str] = []
    pos = 0  # copied up to here
    read = 0  # words read up to here (each word once, kept or not)
    for m in _DIGIT_BY_LETTER.finditer(text):
        if m.start() < read:
            continue  # in the word just read
        start, end = m.start(), m.end()
        while start > read and text[start - 1] in _RUN_CHARS:
            start -= 1
        while end < len(text) and text[end] in _RUN_CHARS:
            end += 1
        read = end
        word = text[start:end]
        beside = text[start - 1:start] + text[end:end + 1]
        if (not _KEEPS_DIGITS.fullmatch(word) and not _TRAILING_ONLY.fullmatch(word)
                and not any(c.isdigit() for c in beside)):
            out += [text[pos:start], word.translate(DIGITS_AS_LETTERS)]
            pos = end
    return "".join(out) + text[pos:] if out else text


# Field names of data exports and claims-system grids ("precert_required=Y",
# "appeal_filing_limit=180 days") are words joined by underscores, and a field's "=" joins
# it to its value: both read as spaces, one for one, so "limit=180" is a word and a number.
# Blanks to fill in ("Date: ______") keep theirs: only an underscore between a letter and a
# letter or a digit ("exception_1=birth defect").
_JOINING = re.compile(r"(?<=[A-Za-z])_(?=[A-Za-z0-9])|(?<=[0-9])_(?=[A-Za-z])|"
                      r"(?<=[A-Za-z])=(?=\w)")


def _fields_as_words(text: str) -> str:
    return _JOINING.sub(" ", text) if "_" in text or "=" in text else text


# Markup left by a conversion from HTML, Markdown or a word processor ("4&nbsp;months",
# "<li>", "**Not covered:**", "## Appeals", "one \\(1\\) year"): read as what it stands for,
# padded with spaces to its length (one for one, before whitespace is collapsed).
_MARKUP = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,5}|#x[0-9a-fA-F]{1,4});|"
                     r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>|"
                     r"\\(?=[()*_\[\]#.|-])|\*\*|^#{1,6}(?=[ \t])", re.M)
_ENTITY_OR_TAG = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|#)|</?[A-Za-z]")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _has_markup(text: str) -> bool:
    # (a page's "&" and "<" are mostly words' and numbers': "Q&A", "<18")
    return bool((("&" in text or "<" in text) and _ENTITY_OR_TAG.search(text))
                or "\\" in text or "**" in text or text.startswith("#") or "\n#" in text)


def _read_markup(text: str) -> str:
    if not _has_markup(text):
        return text

    def read(m: re.Match[str]) -> str:
        token = m.group(0)
        char = _ENTITIES.get(token, " ")
        return char + " " * (len(token) - 1)

    return _MARKUP.sub(read, text)


_COPIED = 1 << 30  # a copied segment maps one for one, however long

# A word repair: ``text[start:end]`` is read as the string (OCR's "rn" read as "m").
Edit = tuple[int, int, str]
# What finds the repairs in a normalised text; told whether the page already showed OCR
# damage (digits read as letters), which some repairs wait for.
Repairer = Callable[[str, bool], Sequence[Edit]]


@dataclass(frozen=True)
class NormalizedText:
    """``text`` plus the map from its offsets to the page text's offsets."""

    text: str
    _norm: tuple[int, ...]  # start of each segment in ``text``
    _raw: tuple[int, ...]  # where that segment starts in the page text
    _width: tuple[int, ...]  # raw characters a segment covers (a ligature: 1 for 2-3)
    raw_length: int  # of the text mapped to
    # The text as shown to a reader, where letters were read for matching ("appea1" read
    # as "appeal", "limit=180" as "limit 180"): the same length as ``text``.
    _shown: str | None = None

    def to_raw(self, i: int) -> int:
        """Page-text offset of normalised offset ``i`` (a start position)."""
        k = bisect_right(self._norm, i) - 1
        if k < 0:
            return 0
        step = min(i - self._norm[k], self._width[k] - 1)
        return min(self._raw[k] + step, self.raw_length)

    def to_norm(self, r: int) -> int:
        """Normalised offset of page-text offset ``r`` (removed characters map forward)."""
        k = bisect_right(self._raw, r) - 1
        if k < 0:
            return 0
        nxt = self._norm[k + 1] if k + 1 < len(self._norm) else len(self.text)
        return min(self._norm[k] + (r - self._raw[k]), nxt)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Page-text span covering normalised ``[start, end)``."""
        if end <= start:
            s = self.to_raw(start)
            return s, s
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def shown(self, start: int, end: int) -> str:
        """Normalised ``[start, end)`` as the page prints its letters (whitespace still
        collapsed and split words joined, but no word read as another): for a context
        shown beside the quote."""
        return (self.text if self._shown is None else self._shown)[start:max(start, end)]

    def edited(self, edits: Sequence[Edit]) -> NormalizedText:
        """This text with ``edits`` (sorted, not overlapping) made, mapped back through it."""
        if not edits:
            return self
        text, norm_starts, raw_starts, widths = _rebuilt(self.text, edits)
        return EditedText(text, norm_starts, raw_starts, widths, len(self.text), inner=self)


@dataclass(frozen=True)
class EditedText(NormalizedText):
    """A normalised text with word repairs made: its map goes to the text they were made in
    (``inner``), which maps to the page. A span ending inside a repaired word ends after
    it ("Cosrnetic" read as "Cosmetic" is quoted whole)."""

    inner: NormalizedText = field(kw_only=True)

    def to_raw(self, i: int) -> int:
        return self.inner.to_raw(super().to_raw(i))

    def to_norm(self, r: int) -> int:
        return super().to_norm(self.inner.to_norm(r))

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.to_raw(start)
            return s, s
        return self.inner.span_to_raw(*self._inner_span(start, end))

    def shown(self, start: int, end: int) -> str:
        return self.inner.shown(*self._inner_span(start, max(start, end)))

    def _inner_span(self, start: int, end: int) -> tuple[int, int]:
        here = super().to_raw
        if end <= start:
            return here(start), here(start)
        k = bisect_right(self._norm, end - 1) - 1
        if k >= 0 and self._width[k] != _COPIED:
            last = min(self._raw[k] + self._width[k], self.raw_length)  # a repaired word
        else:
            last = here(end - 1) + 1
        return here(start), last


def _rebuilt(source: str, edits: Sequence[Edit]
             ) -> tuple[str, tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """``source`` with ``edits`` (sorted, not overlapping) made, and the map back: the start
    of each segment, where it starts in ``source`` and how much of it it covers. Each
    replacement starts a segment mapped to the start of what it replaced; the text after
    it maps to where the replaced stretch ended."""
    out: list[str] = []
    norm_starts: list[int] = [0]
    raw_starts: list[int] = [0]
    widths: list[int] = [_COPIED]
    length = pos = 0
    for start, end, replacement in edits:
        out.append(source[pos:start])
        length += start - pos
        if replacement:
            norm_starts.append(length)
            raw_starts.append(start)
            widths.append(end - start)
            out.append(replacement)
            length += len(replacement)
        norm_starts.append(length)
        raw_starts.append(end)
        widths.append(_COPIED)
        pos = end
    out.append(source[pos:])
    return "".join(out), tuple(norm_starts), tuple(raw_starts), tuple(widths)


def _soft_break(marked: str, at: int, end: int) -> bool:
    """Is the hyphen at ``marked[at:end]`` a word split by a line end (to be removed)?"""
    before = marked[at - 1] if at > 0 else ""
    after = marked[end] if end < len(marked) else ""
    if not (before.islower() and after.islower()):
        return False  # "In-Network", "COVID-19", "- item": a real hyphen or a dash
    m = _WORD_BEFORE.search(marked, 0, at)
    head = m.group(1).lower() if m else ""
    return head not in _COMPOUND_HEADS


def normalize(marked: str, repair: Repairer | None = None) -> NormalizedText:
    """Normalise a page's marked text (with U+FFFE where pdfium joined a hyphenated line),
    with the word repairs ``repair`` finds made."""
    marked = _read_markup(marked)
    edits: list[Edit] = []
    for m in _BREAK.finditer(marked):
        s, e = m.start(), m.end()
        token = m.group(0)
        if m.group("mark") is not None or token[0] == "-":
            if _soft_break(marked, s, e):
                replacement = ""
            elif s > 0 and marked[s - 1].isspace():
                replacement = "- "  # a dash ending the line ("Abortion -\nexcept")
            else:
                replacement = "-"
        elif token == "\u00ad":
            replacement = ""
        elif m.group("lig") is not None:
            replacement = _LIGATURES[token]
        else:  # a whitespace run (a single space is not matched: it is copied)
            replacement = " "
        edits.append((s, e, replacement))
    built, norm_starts, raw_starts, widths = _rebuilt(marked, edits)
    joined = built.translate(_SAME_LENGTH)
    lettered = _digits_as_letters(joined)
    text = _fields_as_words(lettered)
    normalized = NormalizedText(text, norm_starts, raw_starts, widths, len(marked),
                                None if text is joined else joined)
    if repair is None:
        return normalized
    return normalized.edited(repair(text, lettered is not joined))
